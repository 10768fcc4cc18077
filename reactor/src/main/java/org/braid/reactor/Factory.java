package org.braid.reactor;

import java.net.SocketAddress;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds one {@link Protocol} per connection and holds what connections share (Twisted's {@code
 * Factory}). For the common case, {@link #forProtocol(Supplier)}.
 *
 * <p>Ports and connectors call {@link #doStart()} and {@link #doStop()}; they are reference counted
 * so that {@link #startFactory()} runs when the first port starts using the factory and {@link
 * #stopFactory()} when the last one stops. Reactor thread only.
 */
public abstract class Factory {
  private static final Logger LOG = LoggerFactory.getLogger(Factory.class);

  private int numPorts;

  /** Creates a factory. Any thread (it is not yet shared). */
  protected Factory() {}

  /**
   * A factory that builds protocols with {@code constructor}.
   *
   * @param constructor makes a new protocol, e.g. {@code Echo::new}
   * @return the factory
   */
  public static Factory forProtocol(Supplier<? extends Protocol> constructor) {
    Objects.requireNonNull(constructor, "constructor");
    return new Factory() {
      @Override
      protected Protocol newProtocol(SocketAddress peer) {
        return constructor.get();
      }
    };
  }

  /**
   * Makes a protocol for a new connection from {@code peer}. Override {@link #buildProtocol} to
   * refuse connections.
   *
   * @param peer the remote address
   * @return a new protocol
   */
  protected abstract Protocol newProtocol(SocketAddress peer);

  /**
   * Builds the protocol for a new connection and sets its factory. Returning {@code null} refuses
   * the connection: it is closed at once.
   *
   * @param peer the remote address
   * @return the protocol, or {@code null} to refuse
   */
  public Protocol buildProtocol(SocketAddress peer) {
    Protocol protocol = newProtocol(peer);
    if (protocol != null) {
      protocol.setFactory(this);
    }
    return protocol;
  }

  /** Called by ports and connectors when they start using this factory. */
  public final void doStart() {
    if (numPorts == 0) {
      LOG.debug("Starting factory {}", this);
      startFactory();
    }
    numPorts++;
  }

  /** Called by ports and connectors when they stop using this factory; extra calls are ignored. */
  public final void doStop() {
    if (numPorts == 0) {
      return;
    }
    numPorts--;
    if (numPorts == 0) {
      LOG.debug("Stopping factory {}", this);
      stopFactory();
    }
  }

  /**
   * How many ports and connectors use this factory now.
   *
   * @return the count
   */
  public final int numPorts() {
    return numPorts;
  }

  /** The first port or connector started using this factory. Default: nothing. */
  protected void startFactory() {}

  /** The last port or connector stopped using this factory. Default: nothing. */
  protected void stopFactory() {}
}
