package org.braid.reactor;

import java.util.Objects;
import java.util.function.Supplier;
import org.braid.deferred.Deferred;

/**
 * Where and how to connect, separate from what to speak (Twisted's {@code IStreamClientEndpoint}).
 * Made from a string by {@link Endpoints#clientFromString}: {@code
 * "tcp:host=127.0.0.1:port=11211:timeout=5"}, {@code "unix:path=/run/app.sock"}. Reactor thread
 * only.
 */
public interface ClientEndpoint {
  /**
   * Connects once, with a protocol from {@code factory}.
   *
   * <p>The Deferred fires with the protocol once its {@code connectionMade} has run. It fails with
   * the connect failure ({@link java.net.ConnectException}, {@link ConnectTimeoutException},
   * {@link java.net.UnknownHostException}), with the exception the protocol's {@code
   * connectionMade} threw, or with an {@link IllegalStateException} when the factory built no
   * protocol. Cancelling it while connecting stops the attempt: it fails with {@link
   * ConnectingCancelledException}. The factory is started for the attempt and stopped when the
   * connection ends (or the attempt fails).
   *
   * @param factory builds the protocol
   * @return fires with the connected protocol
   */
  Deferred<Protocol> connect(Factory factory);

  /**
   * {@link #connect(Factory)} with a protocol made by {@code constructor}, typed as what it makes.
   *
   * @param constructor makes the protocol, e.g. {@code MemcacheClient::new}
   * @param <P> the protocol type
   * @return fires with the connected protocol
   */
  @SuppressWarnings("unchecked")
  default <P extends Protocol> Deferred<P> connect(Supplier<P> constructor) {
    Objects.requireNonNull(constructor, "constructor");
    // The factory builds exactly what the constructor makes, so the protocol is a P.
    return (Deferred<P>) (Deferred<?>) connect(Factory.forProtocol(constructor));
  }
}
