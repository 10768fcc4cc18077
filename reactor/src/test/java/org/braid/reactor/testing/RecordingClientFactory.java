package org.braid.reactor.testing;

import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.braid.deferred.Failure;
import org.braid.reactor.ClientFactory;
import org.braid.reactor.Connector;
import org.braid.reactor.Protocol;

/** A client factory that records its hooks so a test thread can wait for them. */
public class RecordingClientFactory extends ClientFactory {
  /** Completed by {@code clientConnectionFailed}. */
  public final CompletableFuture<Failure> failed = new CompletableFuture<>();

  /** Completed by {@code clientConnectionLost}. */
  public final CompletableFuture<Failure> lost = new CompletableFuture<>();

  /** Hook counts. */
  public final AtomicInteger started = new AtomicInteger();

  /** How many times {@code startFactory} ran. */
  public final AtomicInteger factoryStarts = new AtomicInteger();

  /** How many times {@code stopFactory} ran. */
  public final AtomicInteger factoryStops = new AtomicInteger();

  private final Supplier<? extends Protocol> protocols;

  /**
   * Creates the factory.
   *
   * @param protocols makes each protocol
   */
  public RecordingClientFactory(Supplier<? extends Protocol> protocols) {
    this.protocols = protocols;
  }

  @Override
  protected Protocol newProtocol(SocketAddress peer) {
    return protocols.get();
  }

  @Override
  protected void startFactory() {
    factoryStarts.incrementAndGet();
  }

  @Override
  protected void stopFactory() {
    factoryStops.incrementAndGet();
  }

  @Override
  public void startedConnecting(Connector connector) {
    started.incrementAndGet();
  }

  @Override
  public void clientConnectionFailed(Connector connector, Failure reason) {
    failed.complete(reason);
  }

  @Override
  public void clientConnectionLost(Connector connector, Failure reason) {
    lost.complete(reason);
  }
}
