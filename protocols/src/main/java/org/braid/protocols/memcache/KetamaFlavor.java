package org.braid.protocols.memcache;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Which client's ketama continuum to reproduce. Two clients that build the same continuum send
 * every key to the same server, so a Braid client can share a memcached pool with them.
 *
 * <p>Both flavours hash a key with the first four bytes of its MD5 digest (little-endian, unsigned)
 * and send it to the server owning the first point at or after that hash, wrapping to the first
 * point. Both place four points per MD5 digest of a node name {@code "<name>-<i>"} for i = 0, 1, ...
 * They differ in the name, in how many names each server gets, and in who wins when two points
 * collide:
 *
 * <table>
 *   <caption>Flavours</caption>
 *   <tr><th></th><th>{@link #LIBMEMCACHED}</th><th>{@link #SPYMEMCACHED}</th></tr>
 *   <tr><td>node name</td><td>{@code host}, or {@code host:port} when the port is not 11211</td>
 *       <td>{@code ip:port}, {@code hostname/ip:port}, or {@code host:port} if unresolved</td></tr>
 *   <tr><td>points per server</td><td>weighted: {@code floor(w/W * 160/4 * n) * 4}</td>
 *       <td>160, weights not supported</td></tr>
 *   <tr><td>equal points</td><td>the server listed first wins</td>
 *       <td>the server listed last wins</td></tr>
 * </table>
 *
 * <p>Immutable; any thread.
 */
public enum KetamaFlavor {
  /**
   * libmemcached with {@code MEMCACHED_BEHAVIOR_KETAMA_WEIGHTED} (as used by pylibmc, PHP's
   * memcached extension and finagle's KetamaClient): each server gets {@code floor(pct * 160 / 4 *
   * n)} names, computed in single precision exactly as libmemcached does, where {@code pct} is its
   * share of the total weight and {@code n} the number of servers. Equal weights therefore give 160
   * points each in most pools.
   */
  LIBMEMCACHED {
    @Override
    public String nodeName(InetSocketAddress address) {
      // libmemcached hashes the host string as configured; getHostString never does a DNS lookup.
      String host = address.getHostString();
      return address.getPort() == DEFAULT_PORT ? host : host + ":" + address.getPort();
    }

    @Override
    int digestsPerServer(int weight, long totalWeight, int serverCount) {
      // Single-precision steps, as in libmemcached's update_continuum: the float product is
      // widened to double for "+ 0.0000000001", narrowed back to float, then floored. The tiny
      // addend is lost in the narrowing except for values far below 1; kept for fidelity.
      float pct = (float) weight / (float) totalWeight;
      float product = pct * POINTS_PER_SERVER / POINTS_PER_DIGEST * (float) serverCount;
      return (int) Math.floor((float) (product + 0.0000000001));
    }

    @Override
    boolean lastDuplicateWins() {
      return false;
    }
  },

  /**
   * spymemcached's {@code KetamaNodeLocator} with its default {@code SPYMEMCACHED} node-key format
   * and the {@code KETAMA_HASH} algorithm: 160 points per server whatever its weight, and the node
   * name is {@code String.valueOf(socketAddress)} without a leading slash, as Java printed it before
   * JDK 14 (see {@link #nodeName}).
   */
  SPYMEMCACHED {
    @Override
    public String nodeName(InetSocketAddress address) {
      // What InetSocketAddress.toString() printed up to JDK 13, minus spymemcached's stripped "/".
      // JDK 14 changed unresolved addresses to "host/<unresolved>:port" and bracketed IPv6
      // literals; spymemcached's published expectations were computed with the older form, and a
      // continuum must not change with the JDK it runs on.
      InetAddress ip = address.getAddress();
      String name;
      if (ip == null) {
        name = address.getHostString() + ":" + address.getPort();
      } else {
        // InetAddress.toString() is "hostname/literal", or "/literal" when it was built from a
        // literal; it never does a reverse lookup.
        name = ip.toString() + ":" + address.getPort();
      }
      return name.startsWith("/") ? name.substring(1) : name;
    }

    @Override
    int digestsPerServer(int weight, long totalWeight, int serverCount) {
      if (weight != 1) {
        throw new IllegalArgumentException(
            "weight "
                + weight
                + " is not supported by the SPYMEMCACHED flavour, which places 160 points per"
                + " server whatever its weight; use LIBMEMCACHED for weighted servers");
      }
      return POINTS_PER_SERVER / POINTS_PER_DIGEST;
    }

    @Override
    boolean lastDuplicateWins() {
      // spymemcached puts points into a TreeMap: a later put on the same point replaces the owner.
      return true;
    }
  };

  /** memcached's default port, which libmemcached leaves out of the node name. */
  public static final int DEFAULT_PORT = 11211;

  /** Points per server at equal weights (libmemcached's MEMCACHED_POINTS_PER_SERVER_KETAMA). */
  static final int POINTS_PER_SERVER = 160;

  /** Each MD5 digest of a node name yields four 32-bit points. */
  static final int POINTS_PER_DIGEST = 4;

  /**
   * The string this flavour hashes for a server, before {@code "-<i>"} is appended. Never does a
   * DNS lookup.
   *
   * @param address the server as the other client was configured with it: unresolved, or
   *     resolved from a literal or a name
   * @return the node name
   */
  public abstract String nodeName(InetSocketAddress address);

  /**
   * How many node names (each giving four points) a server gets.
   *
   * @param weight the server's weight, at least 1
   * @param totalWeight the sum of all servers' weights
   * @param serverCount the number of servers
   * @return the number of MD5 digests to take for this server
   */
  abstract int digestsPerServer(int weight, long totalWeight, int serverCount);

  /**
   * Who owns a point that two node names hash to.
   *
   * @return true when the server added last owns it, false when the one added first does
   */
  abstract boolean lastDuplicateWins();
}
