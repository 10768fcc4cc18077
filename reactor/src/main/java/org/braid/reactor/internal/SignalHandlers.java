package org.braid.reactor.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT and SIGTERM handlers for a reactor that owns the process: each signal calls a callback
 * (the reactor's graceful stop, through {@code callFromThread}) instead of the JVM's default
 * immediate exit. {@link #uninstall()} puts the previous handlers back.
 *
 * <p>Uses {@code sun.misc.Signal} (module {@code jdk.unsupported}), the only signal API the JDK
 * has. A signal the JVM reserves (e.g. under {@code -Xrs}) is skipped with a warning.
 *
 * <p>{@link #install} and {@link #uninstall}: the thread that runs the reactor. The callback runs
 * on the JVM's signal dispatcher thread.
 */
public final class SignalHandlers {
  private static final Logger LOG = LoggerFactory.getLogger(SignalHandlers.class);

  /** The signals a reactor handles. */
  static final List<String> SIGNALS = List.of("INT", "TERM");

  private record Installed(Signal signal, SignalHandler previous) {}

  private final List<Installed> installed = new ArrayList<>();

  private SignalHandlers() {}

  /**
   * Installs handlers for SIGINT and SIGTERM.
   *
   * @param onSignal called with the signal's name ("INT", "TERM") on the signal thread
   * @return the installed handlers, for {@link #uninstall()}
   */
  public static SignalHandlers install(java.util.function.Consumer<String> onSignal) {
    Objects.requireNonNull(onSignal, "onSignal");
    SignalHandlers handlers = new SignalHandlers();
    for (String name : SIGNALS) {
      Signal signal = new Signal(name);
      try {
        SignalHandler previous = Signal.handle(signal, s -> onSignal.accept(s.getName()));
        if (previous == SignalHandler.SIG_IGN) {
          // The process was started with the signal ignored (nohup does that for SIGINT): the JVM
          // keeps it ignored and would never call our handler. Respect that, visibly.
          Signal.handle(signal, SignalHandler.SIG_IGN);
          LOG.info("SIG{} is ignored by this process; the reactor leaves it ignored", name);
          continue;
        }
        handlers.installed.add(new Installed(signal, previous));
      } catch (IllegalArgumentException reserved) {
        LOG.warn("Cannot handle SIG{}: {}; the reactor will not stop gracefully on it", name, reserved.getMessage());
      }
    }
    return handlers;
  }

  /** Restores the handlers that were in place before {@link #install}. */
  public void uninstall() {
    for (Installed i : installed) {
      try {
        Signal.handle(i.signal(), i.previous());
      } catch (IllegalArgumentException e) {
        LOG.warn("Cannot restore the handler of SIG{}", i.signal().getName(), e);
      }
    }
    installed.clear();
  }
}
