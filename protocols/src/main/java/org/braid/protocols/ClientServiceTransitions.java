package org.braid.protocols;

import static org.braid.protocols.ClientService.State.CONNECTED;
import static org.braid.protocols.ClientService.State.CONNECTING;
import static org.braid.protocols.ClientService.State.DISCONNECTING;
import static org.braid.protocols.ClientService.State.INITIAL;
import static org.braid.protocols.ClientService.State.RESTARTING;
import static org.braid.protocols.ClientService.State.STOPPED;
import static org.braid.protocols.ClientService.State.WAITING;
import static org.braid.protocols.ClientServiceTransitions.Action.ADOPT_CONNECTION;
import static org.braid.protocols.ClientServiceTransitions.Action.AWAIT_CONNECTION;
import static org.braid.protocols.ClientServiceTransitions.Action.AWAIT_STOP;
import static org.braid.protocols.ClientServiceTransitions.Action.CANCEL_WAITERS;
import static org.braid.protocols.ClientServiceTransitions.Action.CONNECT;
import static org.braid.protocols.ClientServiceTransitions.Action.CURRENT_CONNECTION;
import static org.braid.protocols.ClientServiceTransitions.Action.DELIVER_FAILURE;
import static org.braid.protocols.ClientServiceTransitions.Action.DISCONNECT;
import static org.braid.protocols.ClientServiceTransitions.Action.FINISH_STOPPING;
import static org.braid.protocols.ClientServiceTransitions.Action.FORGET_CONNECTION;
import static org.braid.protocols.ClientServiceTransitions.Action.NOTIFY_WAITERS;
import static org.braid.protocols.ClientServiceTransitions.Action.NO_CONNECTION;
import static org.braid.protocols.ClientServiceTransitions.Action.RESET_FAILED_ATTEMPTS;
import static org.braid.protocols.ClientServiceTransitions.Action.SCHEDULE_RETRY;
import static org.braid.protocols.ClientServiceTransitions.Action.STOPPED_ALREADY;
import static org.braid.protocols.ClientServiceTransitions.Action.STOP_CONNECTING;
import static org.braid.protocols.ClientServiceTransitions.Action.STOP_RETRYING;
import static org.braid.protocols.ClientServiceTransitions.Event.CLIENT_DISCONNECTED;
import static org.braid.protocols.ClientServiceTransitions.Event.CONNECTION_FAILED;
import static org.braid.protocols.ClientServiceTransitions.Event.CONNECTION_MADE;
import static org.braid.protocols.ClientServiceTransitions.Event.RECONNECT;
import static org.braid.protocols.ClientServiceTransitions.Event.START;
import static org.braid.protocols.ClientServiceTransitions.Event.STOP;
import static org.braid.protocols.ClientServiceTransitions.Event.WHEN_CONNECTED;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.braid.protocols.ClientService.State;

/**
 * The one place where {@link ClientService}'s life is written down: for each state and event,
 * the next state and the actions to run, in order (Twisted's {@code _ClientMachine}, whose
 * automat table this is, plus three transitions Twisted leaves undefined, marked below).
 *
 * <p>The service enters the next state <em>before</em> it runs the actions, as automat does, so
 * an event an action causes synchronously (stopping an attempt fails it at once) is handled in
 * the new state. What the service returns from {@code stopService} and {@code whenConnected} is
 * what the first action that produces a Deferred produced. An event with no transition here is a
 * bug, reported as an {@link IllegalStateException} naming the state and the event.
 *
 * <p>Immutable; any thread.
 */
final class ClientServiceTransitions {

  /** What happens to a service. */
  enum Event {
    /** {@code startService()}. */
    START,
    /** {@code stopService()}. */
    STOP,
    /** The attempt connected (and {@code prepareConnection} succeeded). */
    CONNECTION_MADE,
    /** The attempt failed (or was stopped, or {@code prepareConnection} failed). */
    CONNECTION_FAILED,
    /** The wait between attempts is over. */
    RECONNECT,
    /** The connection the service holds was lost. */
    CLIENT_DISCONNECTED,
    /** {@code whenConnected(...)}. */
    WHEN_CONNECTED
  }

  /** What a transition does; {@link ClientService} runs them. */
  enum Action {
    /** Start an attempt. */
    CONNECT,
    /** Stop the attempt in progress (cancel its Deferred). */
    STOP_CONNECTING,
    /** Cancel the scheduled retry. */
    STOP_RETRYING,
    /** Lose the held connection. */
    DISCONNECT,
    /** Hold the connection that was made while stopping, so DISCONNECT can close it. */
    ADOPT_CONNECTION,
    /** Forget the held connection. */
    FORGET_CONNECTION,
    /** Count a failure and schedule the next attempt after the policy's delay. */
    SCHEDULE_RETRY,
    /** Zero the count of failed attempts. */
    RESET_FAILED_ATTEMPTS,
    /** Hold the new connection, zero the failures, fire every whenConnected Deferred with it. */
    NOTIFY_WAITERS,
    /** Fail the whenConnected Deferreds whose failAfterFailures this failure reaches. */
    DELIVER_FAILURE,
    /** Fail every whenConnected Deferred with CancelledException. */
    CANCEL_WAITERS,
    /** Fire every stopService Deferred. */
    FINISH_STOPPING,
    /** Result: a Deferred firing once stopped. */
    AWAIT_STOP,
    /** Result: a Deferred already fired (stopping a stopped service). */
    STOPPED_ALREADY,
    /** Result: a Deferred of the next connection. */
    AWAIT_CONNECTION,
    /** Result: a Deferred of the held connection. */
    CURRENT_CONNECTION,
    /** Result: a Deferred failed with CancelledException (no connection will come). */
    NO_CONNECTION
  }

  /**
   * The next state and the actions on the way.
   *
   * @param next the state entered
   * @param actions what to run, in order
   */
  record Transition(State next, List<Action> actions) {}

  private static final Map<State, Map<Event, Transition>> TABLE = new EnumMap<>(State.class);

  static {
    //  state          event                next           actions
    on(INITIAL,       START,               CONNECTING,    CONNECT);
    on(INITIAL,       STOP,                STOPPED,       STOPPED_ALREADY);
    on(INITIAL,       WHEN_CONNECTED,      INITIAL,       AWAIT_CONNECTION);

    on(CONNECTING,    START,               CONNECTING);
    on(CONNECTING,    STOP,                DISCONNECTING, AWAIT_STOP, STOP_CONNECTING);
    on(CONNECTING,    CONNECTION_MADE,     CONNECTED,     NOTIFY_WAITERS);
    on(CONNECTING,    CONNECTION_FAILED,   WAITING,       SCHEDULE_RETRY, DELIVER_FAILURE);
    on(CONNECTING,    WHEN_CONNECTED,      CONNECTING,    AWAIT_CONNECTION);

    on(WAITING,       START,               WAITING);
    on(WAITING,       STOP,                STOPPED,       AWAIT_STOP, CANCEL_WAITERS, STOP_RETRYING, FINISH_STOPPING);
    on(WAITING,       RECONNECT,           CONNECTING,    CONNECT);
    on(WAITING,       WHEN_CONNECTED,      WAITING,       AWAIT_CONNECTION);

    on(CONNECTED,     START,               CONNECTED);
    on(CONNECTED,     STOP,                DISCONNECTING, AWAIT_STOP, DISCONNECT);
    on(CONNECTED,     CLIENT_DISCONNECTED, WAITING,       FORGET_CONNECTION, SCHEDULE_RETRY);
    on(CONNECTED,     WHEN_CONNECTED,      CONNECTED,     CURRENT_CONNECTION);

    on(DISCONNECTING, START,               RESTARTING,    RESET_FAILED_ATTEMPTS);
    on(DISCONNECTING, STOP,                DISCONNECTING, AWAIT_STOP);
    on(DISCONNECTING, CLIENT_DISCONNECTED, STOPPED,       CANCEL_WAITERS, FINISH_STOPPING, FORGET_CONNECTION);
    on(DISCONNECTING, CONNECTION_FAILED,   STOPPED,       CANCEL_WAITERS, FINISH_STOPPING);
    // Not in Twisted: an attempt whose cancellation still connected it.
    on(DISCONNECTING, CONNECTION_MADE,     DISCONNECTING, ADOPT_CONNECTION, DISCONNECT);
    on(DISCONNECTING, WHEN_CONNECTED,      DISCONNECTING, AWAIT_CONNECTION);

    on(RESTARTING,    START,               RESTARTING);
    on(RESTARTING,    STOP,                DISCONNECTING, AWAIT_STOP);
    on(RESTARTING,    CLIENT_DISCONNECTED, CONNECTING,    FINISH_STOPPING, FORGET_CONNECTION, CONNECT);
    // Not in Twisted: restarted before a stopped attempt's failure arrived (asynchronous cancel).
    on(RESTARTING,    CONNECTION_FAILED,   CONNECTING,    FINISH_STOPPING, CONNECT);
    // Not in Twisted: as DISCONNECTING's, then restart when it is closed.
    on(RESTARTING,    CONNECTION_MADE,     RESTARTING,    ADOPT_CONNECTION, DISCONNECT);
    on(RESTARTING,    WHEN_CONNECTED,      RESTARTING,    AWAIT_CONNECTION);

    on(STOPPED,       START,               CONNECTING,    CONNECT);
    on(STOPPED,       STOP,                STOPPED,       STOPPED_ALREADY);
    on(STOPPED,       WHEN_CONNECTED,      STOPPED,       NO_CONNECTION);
  }

  private ClientServiceTransitions() {}

  private static void on(State from, Event event, State next, Action... actions) {
    Transition previous =
        TABLE
            .computeIfAbsent(from, s -> new EnumMap<>(Event.class))
            .put(event, new Transition(next, List.of(actions)));
    if (previous != null) {
      throw new ExceptionInInitializerError("two transitions for " + event + " in " + from);
    }
  }

  /**
   * The transition for {@code event} in state {@code from}.
   *
   * @throws IllegalStateException when there is none
   */
  static Transition of(State from, Event event) {
    Transition t = TABLE.getOrDefault(from, Map.of()).get(event);
    if (t == null) {
      throw new IllegalStateException("ClientService has no transition for " + event + " in state " + from);
    }
    return t;
  }

  /** The whole table, for tests and documentation. */
  static Map<State, Map<Event, Transition>> table() {
    return TABLE;
  }
}
