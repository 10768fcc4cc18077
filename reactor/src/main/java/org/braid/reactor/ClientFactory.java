package org.braid.reactor;

import java.net.SocketAddress;
import java.util.Objects;
import java.util.function.Supplier;
import org.braid.deferred.Failure;

/**
 * A factory for outgoing connections, told how each attempt goes (Twisted's {@code
 * ClientFactory}). Reactor thread only.
 */
public abstract class ClientFactory extends Factory {

  /** Creates a client factory. Any thread (it is not yet shared). */
  protected ClientFactory() {}

  /**
   * A client factory that builds protocols with {@code constructor} and ignores the hooks.
   *
   * @param constructor makes a new protocol
   * @return the factory
   */
  public static ClientFactory forProtocol(Supplier<? extends Protocol> constructor) {
    Objects.requireNonNull(constructor, "constructor");
    return new ClientFactory() {
      @Override
      protected Protocol newProtocol(SocketAddress peer) {
        return constructor.get();
      }
    };
  }

  /**
   * An attempt started. Default: nothing.
   *
   * @param connector the attempt
   */
  public void startedConnecting(Connector connector) {}

  /**
   * An attempt failed: refused ({@link java.net.ConnectException}), timed out ({@link
   * ConnectTimeoutException}), stopped ({@link ConnectingCancelledException}), or the name did not
   * resolve ({@link java.net.UnknownHostException}). Default: nothing.
   *
   * @param connector the attempt; {@code connector.connect()} retries
   * @param reason why
   */
  public void clientConnectionFailed(Connector connector, Failure reason) {}

  /**
   * An established connection ended. Default: nothing.
   *
   * @param connector the connector; {@code connector.connect()} reconnects
   * @param reason why, as given to the protocol's {@code connectionLost}
   */
  public void clientConnectionLost(Connector connector, Failure reason) {}
}
