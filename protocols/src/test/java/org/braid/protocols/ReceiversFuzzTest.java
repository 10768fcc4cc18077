package org.braid.protocols;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.braid.reactor.Protocol;
import org.braid.reactor.testing.StringTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzz tests of every parser (Jazzer). In a normal build each method runs once
 * per seed in {@code src/test/resources/org/braid/protocols/ReceiversFuzzTestInputs/<method>/}
 * (regression mode); {@code FUZZING.md} gives the command for a real fuzzing run, whose findings
 * are added there as new seeds.
 *
 * <p>Each input is {@code [config][maxLength][c1][c2][c3][c4]} followed by the bytes to parse:
 * the config picks the framing variant, the four chunk sizes (1 to 16, cycled) split the bytes
 * into {@code dataReceived} calls. Every harness checks, against an oracle written independently
 * of the parser (whole input, no buffering): no exception escapes (the default hooks throw
 * nothing), the frames delivered are exactly the oracle's, and the connection is lost exactly
 * when the oracle finds a bad frame.
 */
class ReceiversFuzzTest {
  private static final int HEADER = 6;
  private static LogCapture[] quiet;

  @BeforeAll
  static void silenceExpectedErrors() {
    quiet =
        new LogCapture[] {
          LogCapture.of(LineReceiver.class),
          LogCapture.of(LineOnlyReceiver.class),
          LogCapture.of(IntNStringReceiver.class),
          LogCapture.of(NetstringReceiver.class)
        };
  }

  @AfterAll
  static void restoreLogging() {
    for (LogCapture c : quiet) {
      c.close();
    }
  }

  /** What an oracle expects: the frames, and whether the connection is lost. */
  record Outcome(List<String> frames, boolean lost) {}

  /** The input split by the header's chunk sizes. */
  private static List<byte[]> chunks(byte[] data) {
    List<byte[]> pieces = new ArrayList<>();
    int[] sizes = new int[4];
    for (int i = 0; i < 4; i++) {
      sizes[i] = (data[2 + i] & 0x0F) + 1;
    }
    int pos = HEADER;
    for (int i = 0; pos < data.length; i++) {
      int end = Math.min(data.length, pos + sizes[i % 4]);
      pieces.add(Arrays.copyOfRange(data, pos, end));
      pos = end;
    }
    return pieces;
  }

  private static void feed(Protocol protocol, byte[] data) {
    for (byte[] piece : chunks(data)) {
      protocol.dataReceived(piece);
    }
  }

  private static byte[] body(byte[] data) {
    return Arrays.copyOfRange(data, HEADER, data.length);
  }

  private static String text(byte[] b, int from, int to) {
    return new String(b, from, to - from, ISO_8859_1);
  }

  private static int indexOf(byte[] b, byte[] pattern, int from) {
    outer:
    for (int i = from; i <= b.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (b[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static final byte[][] DELIMITERS = {
    {'\r', '\n'}, {'\n'}, {'a', 'b', 'a'}, {0}, {'\r', '\r', '\n'}
  };

  /** Lines with LineReceiver's (and LineOnlyReceiver's) limits, on the whole input at once. */
  static Outcome lineOracle(byte[] input, byte[] delimiter, int max) {
    List<String> lines = new ArrayList<>();
    int pos = 0;
    while (true) {
      int at = indexOf(input, delimiter, pos);
      if (at < 0) {
        return new Outcome(lines, input.length - pos >= max + delimiter.length);
      }
      if (at - pos > max) {
        return new Outcome(lines, true);
      }
      lines.add(text(input, pos, at));
      pos = at + delimiter.length;
    }
  }

  @FuzzTest
  void lineReceiver(byte[] data) {
    if (data.length < HEADER) {
      return;
    }
    byte[] delimiter = DELIMITERS[(data[0] & 0x7F) % DELIMITERS.length];
    int max = data[1] & 0x3F;
    boolean switching = (data[0] & 0x80) != 0;
    if (switching) {
      lineReceiverSwitchingModes(data, delimiter, max);
      return;
    }
    List<String> got = new ArrayList<>();
    LineReceiver p =
        new LineReceiver() {
          @Override
          public void lineReceived(byte[] line) {
            got.add(text(line, 0, line.length));
          }
        };
    p.setDelimiter(delimiter);
    p.setMaxLength(max);
    StringTransport transport = new StringTransport();
    p.makeConnection(transport);
    feed(p, data);
    Outcome expected = lineOracle(body(data), delimiter, max);
    assertThat(got).isEqualTo(expected.frames());
    assertThat(transport.isDisconnecting()).isEqualTo(expected.lost());
  }

  /**
   * Raw mode: a line "#N" (N one digit) switches to raw mode for N bytes. Raw chunks depend on
   * the chunking, so raw data is recorded per completed body; the record must not depend on the
   * chunking at all, so it is compared with the record of the whole input in one call.
   */
  private static void lineReceiverSwitchingModes(byte[] data, byte[] delimiter, int max) {
    List<String> chunked = switchingRecord(delimiter, max, chunks(data));
    List<String> whole = switchingRecord(delimiter, max, List.of(body(data)));
    assertThat(chunked).isEqualTo(whole);
  }

  private static List<String> switchingRecord(byte[] delimiter, int max, List<byte[]> pieces) {
    List<String> record = new ArrayList<>();
    LineReceiver p =
        new LineReceiver() {
          int remaining;
          final StringBuilder raw = new StringBuilder();

          @Override
          public void lineReceived(byte[] line) {
            String s = text(line, 0, line.length);
            record.add("line:" + s);
            if (s.length() == 2 && s.charAt(0) == '#' && Character.isDigit(s.charAt(1))) {
              remaining = s.charAt(1) - '0';
              raw.setLength(0);
              setRawMode();
            }
          }

          @Override
          public void rawDataReceived(byte[] bytes) {
            int take = Math.min(remaining, bytes.length);
            raw.append(text(bytes, 0, take));
            remaining -= take;
            if (remaining == 0) {
              record.add("raw:" + raw);
              setLineMode(Arrays.copyOfRange(bytes, take, bytes.length));
            }
          }
        };
    p.setDelimiter(delimiter);
    p.setMaxLength(max);
    StringTransport transport = new StringTransport();
    p.makeConnection(transport);
    for (byte[] piece : pieces) {
      p.dataReceived(piece.clone());
    }
    record.add("lost:" + transport.isDisconnecting());
    return record;
  }

  @FuzzTest
  void lineOnlyReceiver(byte[] data) {
    if (data.length < HEADER) {
      return;
    }
    byte[] delimiter = DELIMITERS[(data[0] & 0x7F) % DELIMITERS.length];
    int max = data[1] & 0x3F;
    List<String> got = new ArrayList<>();
    LineOnlyReceiver p =
        new LineOnlyReceiver() {
          @Override
          public void lineReceived(byte[] line) {
            got.add(text(line, 0, line.length));
          }
        };
    p.setDelimiter(delimiter);
    p.setMaxLength(max);
    StringTransport transport = new StringTransport();
    p.makeConnection(transport);
    feed(p, data);
    Outcome expected = lineOracle(body(data), delimiter, max);
    assertThat(got).isEqualTo(expected.frames());
    assertThat(transport.isDisconnecting()).isEqualTo(expected.lost());
  }

  /** Length-prefixed strings: big-endian prefixes of {@code prefix} bytes, on the whole input. */
  static Outcome intNOracle(byte[] input, int prefix, int max) {
    List<String> strings = new ArrayList<>();
    int pos = 0;
    while (input.length - pos >= prefix) {
      long length = 0;
      for (int i = 0; i < prefix; i++) {
        length = length * 256 + (input[pos + i] & 0xFF);
      }
      if (length > max) {
        return new Outcome(strings, true);
      }
      if (input.length - pos - prefix < length) {
        break;
      }
      strings.add(text(input, pos + prefix, pos + prefix + (int) length));
      pos += prefix + (int) length;
    }
    return new Outcome(strings, false);
  }

  @FuzzTest
  void intNStringReceiver(byte[] data) {
    if (data.length < HEADER) {
      return;
    }
    int prefix = new int[] {1, 2, 4}[(data[0] & 0xFF) % 3];
    int max = data[1] & 0xFF;
    List<String> got = new ArrayList<>();
    IntNStringReceiver p =
        switch (prefix) {
          case 1 -> new Int8StringReceiver() {
            @Override
            public void stringReceived(byte[] s) {
              got.add(text(s, 0, s.length));
            }
          };
          case 2 -> new Int16StringReceiver() {
            @Override
            public void stringReceived(byte[] s) {
              got.add(text(s, 0, s.length));
            }
          };
          default -> new Int32StringReceiver() {
            @Override
            public void stringReceived(byte[] s) {
              got.add(text(s, 0, s.length));
            }
          };
        };
    p.setMaxLength(max);
    StringTransport transport = new StringTransport();
    p.makeConnection(transport);
    feed(p, data);
    Outcome expected = intNOracle(body(data), prefix, max);
    assertThat(got).isEqualTo(expected.frames());
    assertThat(transport.isDisconnecting()).isEqualTo(expected.lost());
  }

  /** Netstrings, {@code (0|[1-9][0-9]*):payload,}, on the whole input. */
  static Outcome netstringOracle(byte[] input, int max) {
    List<String> strings = new ArrayList<>();
    int pos = 0;
    while (pos < input.length) {
      int digitsEnd = pos;
      while (digitsEnd < input.length && input[digitsEnd] >= '0' && input[digitsEnd] <= '9') {
        digitsEnd++;
      }
      String digits = text(input, pos, digitsEnd);
      if (digits.isEmpty()) {
        return new Outcome(strings, true); // missing length
      }
      if (digits.length() > 1 && digits.charAt(0) == '0') {
        return new Outcome(strings, true); // leading zero
      }
      if (new java.math.BigInteger(digits).compareTo(java.math.BigInteger.valueOf(max)) > 0) {
        return new Outcome(strings, true); // too long, known before the colon
      }
      if (digitsEnd == input.length) {
        break; // the length goes on in data not yet received
      }
      if (input[digitsEnd] != ':') {
        return new Outcome(strings, true); // missing colon
      }
      int length = Integer.parseInt(digits);
      int start = digitsEnd + 1;
      if (input.length - start < length + 1) {
        break; // payload or comma still to come
      }
      if (input[start + length] != ',') {
        return new Outcome(strings, true); // missing comma
      }
      strings.add(text(input, start, start + length));
      pos = start + length + 1;
    }
    return new Outcome(strings, false);
  }

  @FuzzTest
  void netstringReceiver(byte[] data) {
    if (data.length < HEADER) {
      return;
    }
    int max = data[1] & 0xFF;
    List<String> got = new ArrayList<>();
    NetstringReceiver p =
        new NetstringReceiver() {
          @Override
          public void stringReceived(byte[] s) {
            got.add(text(s, 0, s.length));
          }
        };
    p.setMaxLength(max);
    StringTransport transport = new StringTransport();
    p.makeConnection(transport);
    feed(p, data);
    Outcome expected = netstringOracle(body(data), max);
    assertThat(got).isEqualTo(expected.frames());
    assertThat(transport.isDisconnecting()).isEqualTo(expected.lost());
    assertThat(p.isBrokenPeer()).isEqualTo(expected.lost());
  }
}
