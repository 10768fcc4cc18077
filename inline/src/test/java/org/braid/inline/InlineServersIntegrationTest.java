package org.braid.inline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.braid.inline.examples.InlineChatServer;
import org.braid.inline.examples.InlineEchoServer;
import org.junit.jupiter.api.AfterEach;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.braid.protocols.examples.ChatServer;
import org.braid.protocols.examples.LineEchoServer;
import org.braid.reactor.Factory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Timeout;

/**
 * The echo and chat servers, written in both styles (callbacks over LineReceiver in protocols'
 * examples, sequential inline code here), held equal by the same tests on real loopback sockets,
 * driven by plain blocking clients.
 */
@Timeout(60)
class InlineServersIntegrationTest {
  /** A chat server under test: its factory and how many clients are in its room. */
  record Chat(Factory factory, IntSupplier clients) {}

  /** One style's echo and chat servers. */
  record Style(String name, Supplier<Factory> echo, Supplier<Chat> chat) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Style> styles() {
    return Stream.of(
        new Style(
            "callbacks",
            () -> Factory.forProtocol(LineEchoServer.Echo::new),
            () -> {
              ChatServer.Room room = new ChatServer.Room();
              return new Chat(room, room::size);
            }),
        new Style(
            "inline",
            InlineEchoServer::factory,
            () -> {
              InlineChatServer chat = new InlineChatServer();
              return new Chat(chat.factory(), chat::clientCount);
            }));
  }

  private final ReactorThread loop = new ReactorThread();

  @AfterEach
  void stop() throws InterruptedException {
    loop.close();
  }

  /** A blocking line client; not Braid, so it tests the server alone. */
  private static final class Client implements AutoCloseable {
    final Socket socket;
    final BufferedReader in;
    final OutputStream out;

    Client(int port) throws Exception {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout((int) ReactorThread.WAIT.toMillis());
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      out = socket.getOutputStream();
    }

    void send(String line) throws Exception {
      out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("styles")
  void echoServerEchoesEveryLineOnManyConnections(Style style) throws Exception {
    int port = loop.listen(style.echo().get());
    List<Client> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 100; i++) {
        clients.add(new Client(port));
      }
      for (int round = 0; round < 5; round++) {
        for (int i = 0; i < clients.size(); i++) {
          clients.get(i).send("line " + i + "/" + round);
        }
        for (int i = 0; i < clients.size(); i++) {
          assertThat(clients.get(i).in.readLine()).isEqualTo("line " + i + "/" + round);
        }
      }
    } finally {
      for (Client c : clients) {
        c.close();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("styles")
  void echoServerClosesTheConnectionWhenTheClientHalfCloses(Style style) throws Exception {
    int port = loop.listen(style.echo().get());
    try (Client client = new Client(port)) {
      client.send("last words");
      client.socket.shutdownOutput();

      assertThat(client.in.readLine()).isEqualTo("last words");
      assertThat(client.in.readLine()).isNull();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("styles")
  void chatServerRelaysEachLineToEveryOtherClient(Style style) throws Exception {
    Chat chat = style.chat().get();
    int port = loop.listen(chat.factory());
    try (Client alice = new Client(port);
        Client bob = new Client(port);
        Client carol = new Client(port)) {
      // Wait until all three joined the room before talking.
      for (int i = 0; i < 1000 && loop.call(chat.clients()::getAsInt) < 3; i++) {
        Thread.onSpinWait();
      }
      assertThat(loop.call(chat.clients()::getAsInt)).isEqualTo(3);

      alice.send("hi from alice");

      assertThat(bob.in.readLine()).isEqualTo("hi from alice");
      assertThat(carol.in.readLine()).isEqualTo("hi from alice");
      bob.send("hi alice");
      assertThat(alice.in.readLine()).isEqualTo("hi alice");
      assertThat(carol.in.readLine()).isEqualTo("hi alice");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("styles")
  void chatServerForgetsClientsThatLeave(Style style) throws Exception {
    Chat chat = style.chat().get();
    int port = loop.listen(chat.factory());
    try (Client stays = new Client(port)) {
      try (Client leaves = new Client(port)) {
        leaves.send("bye");
        assertThat(stays.in.readLine()).isEqualTo("bye");
      }
      for (int i = 0; i < 10_000 && loop.call(chat.clients()::getAsInt) > 1; i++) {
        Thread.onSpinWait();
      }
      assertThat(loop.call(chat.clients()::getAsInt)).isEqualTo(1);
    }
  }
}
