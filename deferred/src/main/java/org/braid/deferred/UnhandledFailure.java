package org.braid.deferred;

import java.lang.ref.Cleaner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record of a failure that ended a {@link Deferred}'s chain and that nothing has handled yet
 * (Twisted's {@code DebugInfo.failResult}).
 *
 * <p>It lives in a separate object registered with a {@link Cleaner}, so that it does not keep its
 * Deferred alive: when the Deferred becomes unreachable while the record still holds a failure,
 * the cleaner thread logs "Unhandled error in Deferred" once. Handling the failure (a later errback,
 * chaining it into another Deferred, awaiting it) dismisses the record, which unregisters it.
 *
 * <p>Only failing Deferreds ever create one, so the success path pays nothing. Created and
 * dismissed on the owning logical thread; {@link #run()} runs on the cleaner thread, hence the
 * volatile field.
 */
final class UnhandledFailure implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Deferred.class);
  private static final Cleaner CLEANER = Cleaner.create();

  /** The unhandled failure; {@code null} once dismissed. Written by the owner, read by the cleaner. */
  private volatile Failure failure;

  /** The Deferred's description; it may be given after the record exists, hence volatile. */
  private volatile String description;
  private final Throwable creationSite;
  private final Throwable firstInvoker;
  private Cleaner.Cleanable cleanable;

  private UnhandledFailure(
      Failure failure, String description, Throwable creationSite, Throwable firstInvoker) {
    this.failure = failure;
    this.description = description;
    this.creationSite = creationSite;
    this.firstInvoker = firstInvoker;
  }

  /** Starts tracking {@code failure} as the unhandled final result of {@code deferred}. */
  static UnhandledFailure track(
      Deferred<?> deferred,
      Failure failure,
      String description,
      Throwable creationSite,
      Throwable firstInvoker) {
    UnhandledFailure record =
        new UnhandledFailure(failure, description, creationSite, firstInvoker);
    record.cleanable = CLEANER.register(deferred, record);
    return record;
  }

  /** Takes the Deferred's new description ({@link Deferred#describedAs}) for the report. */
  void describe(String newDescription) {
    this.description = newDescription;
  }

  /** Replaces the tracked failure (the chain ended again, with another failure). */
  void update(Failure newFailure) {
    this.failure = newFailure;
  }

  /** Forgets the failure: it was handled. Unregisters from the cleaner. */
  void dismiss() {
    failure = null;
    cleanable.clean();
  }

  /** Runs on the cleaner thread when the Deferred was collected, or at {@link #dismiss()}. */
  @Override
  public void run() {
    Failure unhandled = failure;
    if (unhandled == null) {
      return;
    }
    failure = null;
    report(unhandled, description, creationSite, firstInvoker);
  }

  static void report(
      Failure unhandled, String description, Throwable creationSite, Throwable firstInvoker) {
    StringBuilder message = new StringBuilder("Unhandled error in Deferred");
    if (description != null) {
      message.append(" (").append(description).append(')');
    }
    message.append(": ").append(unhandled);
    if (creationSite != null) {
      message.append("\n C: Deferred was created:\n").append(Deferred.formatSite(creationSite));
    }
    if (firstInvoker != null) {
      message.append(" I: First Invoker was:\n").append(Deferred.formatSite(firstInvoker));
    }
    LOG.error(message.toString(), unhandled.value());
  }
}
