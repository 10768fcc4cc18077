package org.braid.tutorial.recipes;

import java.nio.charset.StandardCharsets;
import org.braid.protocols.memcache.Value;

/** The recipes' values are UTF-8 text. Any thread. */
final class Texts {
  private Texts() {}

  static String text(Value value) {
    return new String(value.data(), StandardCharsets.UTF_8);
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** A failure as a short reason: its type and message. */
  static String reason(Throwable failure) {
    return failure.getClass().getSimpleName()
        + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
  }
}
