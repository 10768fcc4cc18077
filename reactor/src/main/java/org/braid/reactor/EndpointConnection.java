package org.braid.reactor;

import java.net.SocketAddress;
import java.util.function.Function;
import org.braid.deferred.Deferred;
import org.braid.deferred.Failure;
import org.braid.reactor.internal.Addresses;

/**
 * One {@link ClientEndpoint#connect} in progress: a client factory around the user's factory, whose
 * protocols are wrapped so the Deferred fires when the user's {@code connectionMade} has run
 * (Twisted's {@code _WrappingFactory} and {@code _WrappingProtocol}). Reactor thread only.
 */
final class EndpointConnection extends ClientFactory {
  private final Factory wrapped;
  private final Deferred<Protocol> connected;
  private Connector connector;

  private EndpointConnection(Factory wrapped) {
    this.wrapped = wrapped;
    this.connected =
        new Deferred<Protocol>(
            cancelled -> {
              // Stopping fails the attempt with ConnectingCancelledException, which fires this
              // Deferred through clientConnectionFailed.
              if (connector != null) {
                connector.stopConnecting();
              }
            });
  }

  /**
   * Connects with {@code dial} and returns the Deferred of the user's protocol.
   *
   * @param factory the user's factory
   * @param dial starts the attempt with the wrapping client factory
   * @param describe what is being connected to, for the Deferred's description
   * @return fires with the protocol once it is connected
   */
  static Deferred<Protocol> connect(
      Factory factory, Function<ClientFactory, Connector> dial, String describe) {
    EndpointConnection attempt = new EndpointConnection(factory);
    attempt.connected.describedAs("connect to " + describe);
    try {
      attempt.connector = dial.apply(attempt);
    } catch (RuntimeException e) {
      return Deferred.fail(e);
    }
    return attempt.connected;
  }

  @Override
  protected void startFactory() {
    wrapped.doStart();
  }

  @Override
  protected void stopFactory() {
    wrapped.doStop();
  }

  @Override
  protected Protocol newProtocol(SocketAddress peer) {
    Protocol inner = wrapped.buildProtocol(peer);
    if (inner == null) {
      connected.errback(
          new IllegalStateException(
              "factory " + Addresses.nameOf(wrapped) + " built no protocol for " + Addresses.format(peer)));
      return null;
    }
    return new Wrapper(inner);
  }

  @Override
  public void clientConnectionFailed(Connector failed, Failure reason) {
    if (!connected.isCalled()) {
      connected.errback(reason);
    }
  }

  @Override
  public void clientConnectionLost(Connector lost, Failure reason) {
    // Lost before the user's connectionMade completed: it threw, and that is the reason.
    if (!connected.isCalled()) {
      connected.errback(reason);
    }
  }

  /** Hands every event to the user's protocol; fires the Deferred after its connectionMade. */
  private final class Wrapper extends Protocol {
    private final Protocol inner;

    Wrapper(Protocol inner) {
      this.inner = inner;
    }

    @Override
    public void makeConnection(Transport transport) {
      super.makeConnection(transport);
      inner.makeConnection(transport);
      connected.callback(inner);
    }

    @Override
    public void dataReceived(byte[] data) {
      inner.dataReceived(data);
    }

    @Override
    public void readConnectionLost() {
      inner.readConnectionLost();
    }

    @Override
    public void writeConnectionLost() {
      inner.writeConnectionLost();
    }

    @Override
    public void connectionLost(Failure reason) {
      inner.connectionLost(reason);
    }

    @Override
    public String logPrefix() {
      return inner.logPrefix();
    }
  }
}
