package org.braid.protocols.memcache;

import java.util.Objects;

/**
 * The server's version string, e.g. {@code 1.6.21}.
 *
 * <p>Immutable; any thread.
 *
 * @param version the text after "VERSION ", without CR or LF
 */
public record VersionResult(String version) implements MemcacheReply {
  /**
   * Checks the version.
   *
   * @throws IllegalArgumentException when it contains CR or LF
   */
  public VersionResult {
    Objects.requireNonNull(version, "version");
    if (Ascii.lineBreakIn(version) >= 0) {
      throw new IllegalArgumentException("version has a line break at char "
          + Ascii.lineBreakIn(version) + ": " + Ascii.excerpt(version));
    }
  }
}
