package org.braid.tutorial;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import org.braid.deferred.CancelledException;
import org.braid.deferred.Deferred;
import org.braid.deferred.DeferredList;

/**
 * Chapter "Deferreds": a result that is not ready yet, and the chain of callbacks that waits for
 * it. A toy cache answers from a queue of pending replies that {@link #deliverReplies()} plays the
 * part of the network for; everything else is Braid's real Deferred.
 *
 * <p>Single-threaded, like everything in Braid: run it on one thread.
 */
public final class DeferredBasics {
  private final PrintStream out;
  private final Map<String, String> store = new HashMap<>();
  private final Queue<Runnable> pendingReplies = new ArrayDeque<>();

  /**
   * Creates the chapter.
   *
   * @param out where the chapter prints what happens
   */
  public DeferredBasics(PrintStream out) {
    this.out = out;
    store.put("user:42", "Ada");
  }

  /**
   * Asks the toy cache for a key; the answer arrives when the "network" delivers it.
   *
   * @param key the key
   * @return a Deferred of the value, failing with {@link KeyNotFoundException} for a missing key
   */
  public Deferred<String> get(String key) {
    Deferred<String> reply = new Deferred<String>().describedAs("get \"" + key + "\"");
    pendingReplies.add(
        () -> {
          String value = store.get(key);
          if (value == null) {
            reply.errback(new KeyNotFoundException(key));
          } else {
            reply.callback(value);
          }
        });
    return reply;
  }

  /** Plays the network: delivers every pending reply, firing its Deferred. */
  public void deliverReplies() {
    Runnable reply;
    while ((reply = pendingReplies.poll()) != null) {
      reply.run();
    }
  }

  /** Runs the chapter's four scenes. */
  public void run() {
    callbacksRunWhenTheResultArrives();
    errorsTravelDownTheErrbackSide();
    aCallbackMayWaitForAnotherDeferred();
    cancellingStopsTheWait();
  }

  void callbacksRunWhenTheResultArrives() {
    out.println("1. Callbacks run when the result arrives, in the order they were added.");
    // tag::callbacks[]
    Deferred<Integer> length =
        get("user:42")
            .addCallback(name -> "Hello, " + name)
            .addCallback(
                greeting -> {
                  out.println("   greeting: " + greeting);
                  return greeting.length();
                });
    // end::callbacks[]
    out.println("   before the reply: " + length);
    deliverReplies();
    out.println("   after the reply:  " + length);
  }

  void errorsTravelDownTheErrbackSide() {
    out.println("2. A failure skips callbacks until an errback handles it.");
    // tag::errbacks[]
    Deferred<String> name =
        get("user:7")
            .addCallback(
                found -> {
                  out.println("   never printed: the lookup failed");
                  return found;
                })
            .addErrback(
                failure -> {
                  failure.trap(KeyNotFoundException.class); // anything else passes on
                  out.println("   recovered from: " + failure.getErrorMessage());
                  return "stranger";
                });
    // end::errbacks[]
    deliverReplies();
    name.addCallback(
        value -> {
          out.println("   result: " + value);
          return value;
        });
  }

  void aCallbackMayWaitForAnotherDeferred() {
    out.println("3. A callback that returns a Deferred pauses the chain until it fires.");
    store.put("greeting:Ada", "Welcome back");
    // tag::chaining[]
    Deferred<String> message =
        get("user:42")
            .addCallbackDeferring(user -> get("greeting:" + user))
            .addCallback(greeting -> greeting + "!");
    // end::chaining[]
    deliverReplies(); // first reply: the user; its callback asks for the greeting
    deliverReplies(); // second reply: the greeting
    message.addCallback(
        value -> {
          out.println("   result: " + value);
          return value;
        });
    Deferred<java.util.List<String>> both =
        Deferred.gatherResults(java.util.List.of(get("user:42"), get("greeting:Ada")));
    deliverReplies();
    both.addCallback(
        values -> {
          out.println("   gathered: " + values);
          return values;
        });
    DeferredList.of(java.util.List.of(get("user:42"), get("user:0")), true)
        .addCallback(
            outcomes -> {
              out.println(
                  "   outcomes: "
                      + outcomes.stream()
                          .map(o -> o.succeeded() ? "ok " + o.value() : "failed " + o.failure())
                          .toList());
              return outcomes;
            });
    deliverReplies();
  }

  void cancellingStopsTheWait() {
    out.println("4. Cancelling fails the Deferred with CancelledException.");
    Deferred<String> slow = get("user:42");
    slow.addErrback(
        failure -> {
          failure.trap(CancelledException.class);
          out.println("   cancelled: " + failure.getErrorMessage());
          return null;
        });
    slow.cancel();
    deliverReplies(); // the late reply is ignored: nobody waits for it any more
    out.println("   after the late reply: " + slow);
  }

  /** The toy cache has no such key. */
  public static final class KeyNotFoundException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception. Any thread.
     *
     * @param key the missing key
     */
    public KeyNotFoundException(String key) {
      super("no such key: " + key);
    }
  }
}
