package org.braid.protocols.examples;

import java.net.SocketAddress;
import java.util.LinkedHashSet;
import java.util.Set;
import org.braid.deferred.Failure;
import org.braid.protocols.LineReceiver;
import org.braid.reactor.Factory;
import org.braid.reactor.ListeningPort;
import org.braid.reactor.Protocol;
import org.braid.reactor.Reactor;
import org.braid.reactor.SelectorReactor;

/**
 * A chat room: every line a client sends goes to every other client. What connections share (who
 * is in the room) lives in the factory; each connection's protocol joins on {@code
 * connectionMade} and leaves on {@code connectionLost}.
 *
 * <pre>{@code
 * java ... org.braid.protocols.examples.ChatServer [port [interface]]   # 8001 127.0.0.1
 * }</pre>
 *
 * Reactor thread only, apart from {@link #main}.
 */
public final class ChatServer {
  private ChatServer() {}

  // tag::room[]
  /** The room: the factory builds one {@link Member} per connection and knows them all. */
  public static final class Room extends Factory {
    private final Set<Member> members = new LinkedHashSet<>();

    @Override
    protected Protocol newProtocol(SocketAddress peer) {
      return new Member(this);
    }

    /** Sends {@code line} to everyone in the room but {@code from}. */
    void broadcast(Member from, byte[] line) {
      for (Member member : members) {
        if (member != from) {
          member.sendLine(line);
        }
      }
    }

    /**
     * How many clients are in the room.
     *
     * @return the count
     */
    public int size() {
      return members.size();
    }
  }
  // end::room[]

  // tag::member[]
  /** One client in the room. */
  public static final class Member extends LineReceiver {
    private final Room room;

    Member(Room room) {
      this.room = room;
    }

    @Override
    public void connectionMade() {
      room.members.add(this);
    }

    @Override
    public void lineReceived(byte[] line) {
      room.broadcast(this, line);
    }

    @Override
    public void connectionLost(Failure reason) {
      room.members.remove(this);
    }
  }
  // end::member[]

  /**
   * Listens for chat clients.
   *
   * @param reactor the reactor to listen with
   * @param room the room the clients join
   * @param port the TCP port, 0 for any free one
   * @param iface the address to bind, e.g. "127.0.0.1"
   * @return the listening port
   */
  public static ListeningPort listen(Reactor reactor, Room room, int port, String iface) {
    return reactor.listenTCP(port, room, 50, iface);
  }

  /**
   * Runs the server until the process is interrupted.
   *
   * @param args optional port (default 8001) and interface (default 127.0.0.1)
   */
  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8001;
    String iface = args.length > 1 ? args[1] : "127.0.0.1";
    SelectorReactor reactor = new SelectorReactor();
    ListeningPort listening = listen(reactor, new Room(), port, iface);
    System.out.println("chat server listening on " + listening.getHost());
    reactor.run();
  }
}
