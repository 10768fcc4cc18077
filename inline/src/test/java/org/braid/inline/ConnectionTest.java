package org.braid.inline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.braid.deferred.testing.DeferredAssertions.assertNoResult;
import static org.braid.deferred.testing.DeferredAssertions.failureResultOf;
import static org.braid.deferred.testing.DeferredAssertions.successResultOf;
import static org.braid.inline.Inline.await;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.braid.deferred.Deferred;
import org.braid.deferred.Failure;
import org.braid.reactor.ConnectionDone;
import org.braid.reactor.ConnectionLost;
import org.braid.reactor.testing.StringTransport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The sequential connection API over an in-memory transport. */
class ConnectionTest {
  private final Connection conn = new Connection(null);
  private final StringTransport transport = new StringTransport();

  ConnectionTest() {
    conn.protocol().makeConnection(transport);
  }

  private void receive(String data, int chunkSize) {
    byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i += chunkSize) {
      byte[] chunk = new byte[Math.min(chunkSize, bytes.length - i)];
      System.arraycopy(bytes, i, chunk, 0, chunk.length);
      conn.protocol().dataReceived(chunk);
    }
  }

  private void lose(Throwable reason) {
    conn.protocol().connectionLost(new Failure(reason));
  }

  @ParameterizedTest(name = "chunks of {0} bytes")
  @ValueSource(ints = {1, 2, 3, 5, 1000})
  void linesArriveWholeHoweverTheBytesAreSplit(int chunkSize) {
    Deferred<List<String>> lines =
        Inline.run(
            () -> {
              List<String> got = new ArrayList<>();
              String line;
              while ((line = await(conn.readLine())) != null) {
                got.add(line);
              }
              return got;
            });

    receive("first\r\nsecond\nthird\r\n", chunkSize);
    lose(new ConnectionDone());

    assertThat(successResultOf(lines)).containsExactly("first", "second", "third");
  }

  @Test
  void readLineWaitsForTheDelimiter() {
    Deferred<String> line = conn.readLine();
    receive("partial", 100);
    assertNoResult(line);

    receive(" line\r\n", 100);

    assertThat(successResultOf(line)).isEqualTo("partial line");
  }

  @Test
  void unterminatedLineAtCleanEndIsReturnedThenNull() {
    receive("tail", 100);
    lose(new ConnectionDone());

    assertThat(successResultOf(conn.readLine())).isEqualTo("tail");
    assertThat(successResultOf(conn.readLine())).isNull();
  }

  @Test
  void lineOverTheLimitFailsTheReadAndLosesTheConnection() {
    Deferred<String> line = conn.readLine();

    receive("x".repeat(Connection.MAX_LINE_LENGTH + 2), 4096);

    assertThat(failureResultOf(line, LineTooLongException.class).getErrorMessage())
        .isEqualTo("line length 16386 exceeds maximum 16384 bytes");
    assertThat(transport.isDisconnecting()).isTrue();
  }

  @Test
  void lineOfExactlyTheLimitIsAccepted() {
    Deferred<String> line = conn.readLine();

    receive("y".repeat(Connection.MAX_LINE_LENGTH) + "\r\n", 4096);

    assertThat(successResultOf(line)).hasSize(Connection.MAX_LINE_LENGTH);
  }

  @ParameterizedTest(name = "chunks of {0} bytes")
  @ValueSource(ints = {1, 3, 100})
  void readExactlyCollectsBytesAcrossChunks(int chunkSize) {
    Deferred<byte[]> bytes = conn.readExactly(6);

    receive("abcdefgh", chunkSize);

    assertThat(new String(successResultOf(bytes), StandardCharsets.UTF_8)).isEqualTo("abcdef");
    assertThat(new String(successResultOf(conn.read()), StandardCharsets.UTF_8)).isEqualTo("gh");
  }

  @Test
  void readExactlyFailsWithConnectionDoneWhenTheStreamEndsFirst() {
    Deferred<byte[]> bytes = conn.readExactly(10);
    receive("short", 100);

    lose(new ConnectionDone());

    failureResultOf(bytes, ConnectionDone.class);
  }

  @Test
  void readReturnsNullAtCleanEndAndFailsOnALostConnection() {
    lose(new ConnectionDone());
    assertThat(successResultOf(conn.read())).isNull();

    Connection other = new Connection(null);
    other.protocol().makeConnection(new StringTransport());
    Deferred<byte[]> pending = other.read();
    other.protocol().connectionLost(new Failure(new ConnectionLost()));
    failureResultOf(pending, ConnectionLost.class);
  }

  @Test
  void onlyOneReadMayWaitAtATime() {
    conn.readLine();

    assertThatThrownBy(conn::read)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already waiting");
  }

  @Test
  void cancellingAWaitingReadLetsAnotherReadTakeItsPlace() {
    Deferred<String> first = conn.readLine();
    first.cancel();
    Deferred<String> second = conn.readLine();

    receive("hello\n", 100);

    assertThat(successResultOf(second)).isEqualTo("hello");
  }

  @Test
  void writeFiresAtOnceBelowTheHighWaterMarkAndWaitsAboveIt() {
    Deferred<Void> first = conn.write("one\n");
    assertThat(first.isCalled()).isTrue();
    assertThat(transport.valueString()).isEqualTo("one\n");

    transport.producer().pauseProducing(); // the transport's buffer went over high water
    Deferred<Void> second = conn.write("two\n");
    assertNoResult(second);
    assertThat(transport.valueString()).isEqualTo("one\ntwo\n");

    transport.producer().resumeProducing();

    successResultOf(second);
  }

  @Test
  void waitingWriteFailsWhenTheConnectionIsLost() {
    transport.producer().pauseProducing();
    Deferred<Void> write = conn.write("stuck\n");

    lose(new ConnectionLost());

    failureResultOf(write, ConnectionLost.class);
    failureResultOf(conn.write("after"), ConnectionLost.class);
  }

  @Test
  void unreadBytesPastTheLimitStopReadingUntilTheCodeCatchesUp() {
    receive("z".repeat(Connection.MAX_BUFFERED + 1), 8192);
    assertThat(transport.producerState()).isEqualTo(StringTransport.ProducerState.PAUSED);

    successResultOf(conn.read());

    assertThat(transport.producerState()).isEqualTo(StringTransport.ProducerState.PRODUCING);
  }

  @Test
  void closeLosesTheConnectionAndFiresWhenItIsGone() {
    Deferred<Void> closed = conn.close();
    assertThat(transport.isDisconnecting()).isTrue();
    assertNoResult(closed);

    lose(new ConnectionDone());

    successResultOf(closed);
  }
}
