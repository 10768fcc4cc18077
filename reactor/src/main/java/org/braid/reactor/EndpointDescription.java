package org.braid.reactor;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed endpoint string, Twisted's syntax: {@code type:arg:arg:key=value:key=value}. Colons
 * separate parts; a part with an {@code =} is a keyword parameter, the others are positional; a
 * backslash makes the next character literal ({@code tcp:80:interface=\:\:1}). Any thread.
 */
final class EndpointDescription {
  private final String text;
  private final String type;
  private final List<String> positional;
  private final Map<String, String> keywords;

  private EndpointDescription(
      String text, String type, List<String> positional, Map<String, String> keywords) {
    this.text = text;
    this.type = type;
    this.positional = positional;
    this.keywords = keywords;
  }

  /**
   * Splits a description into its type, positional and keyword parts.
   *
   * @param text the description
   * @return the parts
   * @throws IllegalArgumentException naming the bad part
   */
  static EndpointDescription parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("endpoint description is empty: '" + text + "'");
    }
    List<List<String>> parts = new ArrayList<>(); // each part: its '='-separated pieces
    List<String> pieces = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        if (i + 1 == text.length()) {
          throw new IllegalArgumentException("endpoint '" + text + "': ends with a lone backslash");
        }
        current.append(text.charAt(++i));
      } else if (c == ':') {
        pieces.add(current.toString());
        current.setLength(0);
        parts.add(pieces);
        pieces = new ArrayList<>();
      } else if (c == '=') {
        pieces.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    pieces.add(current.toString());
    parts.add(pieces);

    String type = null;
    List<String> positional = new ArrayList<>();
    Map<String, String> keywords = new LinkedHashMap<>();
    for (List<String> part : parts) {
      if (part.size() == 1) {
        if (type == null) {
          type = part.get(0);
        } else {
          positional.add(part.get(0));
        }
      } else if (part.size() == 2) {
        String key = part.get(0);
        if (type == null) {
          throw new IllegalArgumentException(
              "endpoint '" + text + "': starts with the parameter '" + key + "=...' instead of a type");
        }
        if (key.isEmpty()) {
          throw new IllegalArgumentException(
              "endpoint '" + text + "': a parameter has no name ('=" + part.get(1) + "')");
        }
        if (keywords.put(key, part.get(1)) != null) {
          throw new IllegalArgumentException(
              "endpoint '" + text + "': parameter '" + key + "' is given twice");
        }
      } else {
        throw new IllegalArgumentException(
            "endpoint '"
                + text
                + "': parameter '"
                + String.join("=", part)
                + "' has more than one '=' (escape it as \\=)");
      }
    }
    if (type.isEmpty()) {
      throw new IllegalArgumentException("endpoint '" + text + "': the type before the first ':' is empty");
    }
    return new EndpointDescription(
        text, type, Collections.unmodifiableList(positional), Collections.unmodifiableMap(keywords));
  }

  String text() {
    return text;
  }

  String type() {
    return type;
  }

  /**
   * Fails unless every keyword is one of {@code allowed} and there are at most {@code maxPositional}
   * positional arguments.
   */
  void check(String kind, Set<String> allowed, int maxPositional) {
    for (String key : keywords.keySet()) {
      if (!allowed.contains(key)) {
        throw fail("unknown parameter '" + key + "' (" + kind + " endpoints accept: " + String.join(", ", allowed) + ")");
      }
    }
    if (positional.size() > maxPositional) {
      throw fail(
          "unexpected argument '"
              + positional.get(maxPositional)
              + "' ("
              + kind
              + " endpoints take at most "
              + maxPositional
              + " without a name)");
    }
  }

  /**
   * The value of a parameter given by name or at a position, or {@code null}.
   *
   * @param name the keyword
   * @param position the positional index that may carry it, or -1
   */
  String value(String name, int position) {
    String byName = keywords.get(name);
    String byPosition = position >= 0 && position < positional.size() ? positional.get(position) : null;
    if (byName != null && byPosition != null) {
      throw fail(name + " is given twice ('" + byPosition + "' and " + name + "='" + byName + "')");
    }
    return byName != null ? byName : byPosition;
  }

  String required(String name, int position) {
    String value = value(name, position);
    if (value == null || value.isEmpty()) {
      throw fail("the " + name + " is missing");
    }
    return value;
  }

  int port(String value, int min) {
    int port;
    try {
      port = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw fail("port '" + value + "' is not a number");
    }
    if (port < min || port > 65535) {
      throw fail("port " + port + " is out of range " + min + "..65535");
    }
    return port;
  }

  int positiveInt(String name, String value) {
    int parsed;
    try {
      parsed = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw fail(name + " '" + value + "' is not a number");
    }
    if (parsed < 1) {
      throw fail(name + " " + parsed + " must be at least 1");
    }
    return parsed;
  }

  /** Seconds, possibly fractional ("0.5"), as Twisted's timeouts are written. */
  Duration seconds(String name, String value) {
    BigDecimal seconds;
    try {
      seconds = new BigDecimal(value);
    } catch (NumberFormatException e) {
      throw fail(name + " '" + value + "' is not a number of seconds");
    }
    if (seconds.signum() <= 0) {
      throw fail(name + " " + value + " must be positive");
    }
    try {
      long whole = seconds.setScale(0, RoundingMode.DOWN).longValueExact();
      int nanos = seconds.remainder(BigDecimal.ONE).movePointRight(9).intValue();
      return Duration.ofSeconds(whole, nanos);
    } catch (ArithmeticException e) {
      throw fail(name + " " + value + " is too large");
    }
  }

  IllegalArgumentException fail(String problem) {
    return new IllegalArgumentException("endpoint '" + text + "': " + problem);
  }
}
