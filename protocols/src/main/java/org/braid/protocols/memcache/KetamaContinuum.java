package org.braid.protocols.memcache;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Consistent hashing of keys onto servers, compatible with libketama as libmemcached and
 * spymemcached implement it (see {@link KetamaFlavor}): adding or removing one of n servers moves
 * only about 1/n of the keys.
 *
 * <pre>{@code
 * KetamaContinuum<Connection> ring =
 *     KetamaContinuum.<Connection>builder(KetamaFlavor.LIBMEMCACHED)
 *         .add(cacheA, new InetSocketAddress("10.0.1.1", 11211), 600)
 *         .add(cacheB, new InetSocketAddress("10.0.1.2", 11211), 300)
 *         .build();
 * Connection owner = ring.serverFor("user:42");
 * }</pre>
 *
 * <p>Immutable once built, so any thread may use it; a changed server list means a new continuum.
 *
 * @param <S> what the caller routes to: a connection, an address, a name
 */
public final class KetamaContinuum<S> {
  private static final MessageDigest MD5_PROTOTYPE = newMd5();

  private final KetamaFlavor flavor;
  private final List<S> servers;
  /** Point values in ascending order, each an unsigned 32-bit value held in a long. */
  private final long[] points;
  /** points[i] belongs to servers.get(owners[i]). */
  private final int[] owners;

  private KetamaContinuum(KetamaFlavor flavor, List<S> servers, long[] points, int[] owners) {
    this.flavor = flavor;
    this.servers = servers;
    this.points = points;
    this.owners = owners;
  }

  /**
   * Starts a continuum of the given flavour. Any thread.
   *
   * @param flavor whose continuum to reproduce
   * @param <S> the server type
   * @return an empty builder
   */
  public static <S> Builder<S> builder(KetamaFlavor flavor) {
    return new Builder<>(Objects.requireNonNull(flavor, "flavor"));
  }

  /**
   * The ketama hash of a key: the first four bytes of its MD5 digest, little-endian, unsigned.
   * Any thread.
   *
   * @param key the key's bytes
   * @return a value in [0, 2^32)
   */
  public static long hash(byte[] key) {
    return point(md5(key), 0);
  }

  /**
   * The server that owns {@code key}. Any thread.
   *
   * @param key the key; hashed as its UTF-8 bytes, as spymemcached and libmemcached clients do
   * @return the owner
   */
  public S serverFor(String key) {
    return serverFor(key.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The server that owns {@code key}: the owner of the first point at or after the key's {@link
   * #hash}, or of the first point when the hash is past the last one. Any thread.
   *
   * @param key the key's bytes
   * @return the owner
   */
  public S serverFor(byte[] key) {
    return servers.get(owners[pointIndexFor(hash(key))]);
  }

  /**
   * The point a key hash lands on: the first point at or after it, wrapping. Any thread.
   *
   * @param hash a value in [0, 2^32)
   * @return the point's value
   */
  public long pointFor(long hash) {
    return points[pointIndexFor(hash)];
  }

  private int pointIndexFor(long hash) {
    // Leftmost point >= hash; among equal points (LIBMEMCACHED keeps duplicates) the first added.
    int low = 0;
    int high = points.length;
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (points[middle] < hash) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low == points.length ? 0 : low;
  }

  /**
   * The servers in the order they were added. Any thread.
   *
   * @return an unmodifiable list
   */
  public List<S> servers() {
    return servers;
  }

  /**
   * The flavour this continuum reproduces. Any thread.
   *
   * @return the flavour
   */
  public KetamaFlavor flavor() {
    return flavor;
  }

  /**
   * How many points the continuum has. Any thread.
   *
   * @return the number of points
   */
  public int pointCount() {
    return points.length;
  }

  /**
   * How many points a server owns. Any thread.
   *
   * @param server a server of this continuum (compared with {@code equals})
   * @return its number of points, 0 for an unknown server
   */
  public int pointCountOf(S server) {
    int index = servers.indexOf(server);
    int count = 0;
    for (int owner : owners) {
      if (owner == index) {
        count++;
      }
    }
    return count;
  }

  /**
   * The highest point, past which keys wrap to the first point. Any thread.
   *
   * @return a value in [0, 2^32)
   */
  public long maxPoint() {
    return points[points.length - 1];
  }

  @Override
  public String toString() {
    return "KetamaContinuum[" + flavor + ", " + servers.size() + " servers, " + points.length
        + " points]";
  }

  private static long point(byte[] digest, int slice) {
    int offset = slice * 4;
    return (digest[offset] & 0xFFL)
        | (digest[offset + 1] & 0xFFL) << 8
        | (digest[offset + 2] & 0xFFL) << 16
        | (digest[offset + 3] & 0xFFL) << 24;
  }

  private static byte[] md5(byte[] input) {
    MessageDigest md5;
    try {
      // Cloning a prototype skips the provider lookup that getInstance does on every call.
      md5 = (MessageDigest) MD5_PROTOTYPE.clone();
    } catch (CloneNotSupportedException e) {
      md5 = newMd5();
    }
    return md5.digest(input);
  }

  private static MessageDigest newMd5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide MD5 (MessageDigest's Javadoc).
      throw new IllegalStateException("this JVM provides no MD5 MessageDigest", e);
    }
  }

  /**
   * Collects servers, then builds the continuum. Use it on one thread.
   *
   * @param <S> the server type
   */
  public static final class Builder<S> {
    private final KetamaFlavor flavor;
    private final List<S> servers = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final List<Integer> weights = new ArrayList<>();

    private Builder(KetamaFlavor flavor) {
      this.flavor = flavor;
    }

    /**
     * Adds a server of weight 1.
     *
     * @param server what keys owned by this server route to
     * @param address the address the other clients know the server by; its node name comes from
     *     {@link KetamaFlavor#nodeName}
     * @return this builder
     */
    public Builder<S> add(S server, InetSocketAddress address) {
      return add(server, address, 1);
    }

    /**
     * Adds a weighted server (weights other than 1 need {@link KetamaFlavor#LIBMEMCACHED}).
     *
     * @param server what keys owned by this server route to
     * @param address the address the other clients know the server by
     * @param weight the server's share, at least 1 (libmemcached's "weight", libketama's memory)
     * @return this builder
     */
    public Builder<S> add(S server, InetSocketAddress address, int weight) {
      return addNamed(server, flavor.nodeName(Objects.requireNonNull(address, "address")), weight);
    }

    /**
     * Adds a server under an explicit node name, for pools whose other clients name servers in
     * their own way (e.g. twemproxy's server names).
     *
     * @param server what keys owned by this server route to
     * @param nodeName the string hashed as {@code "<nodeName>-<i>"}
     * @param weight the server's share, at least 1
     * @return this builder
     * @throws IllegalArgumentException when the weight is below 1 or the name is already used
     */
    public Builder<S> addNamed(S server, String nodeName, int weight) {
      Objects.requireNonNull(server, "server");
      Objects.requireNonNull(nodeName, "nodeName");
      if (servers.contains(server)) {
        throw new IllegalArgumentException("server " + server + " was already added as "
            + names.get(servers.indexOf(server)));
      }
      if (weight < 1) {
        throw new IllegalArgumentException("weight " + weight + " of " + nodeName
            + " is below the minimum 1");
      }
      if (names.contains(nodeName)) {
        // Two servers with one name would hash to the same points and one would get no keys.
        throw new IllegalArgumentException("node name " + nodeName + " is already used by "
            + servers.get(names.indexOf(nodeName)));
      }
      servers.add(server);
      names.add(nodeName);
      weights.add(weight);
      return this;
    }

    /**
     * Builds the continuum.
     *
     * @return an immutable continuum over the servers added so far
     * @throws IllegalStateException when no server was added
     * @throws IllegalArgumentException when the flavour rejects a weight
     */
    public KetamaContinuum<S> build() {
      if (servers.isEmpty()) {
        throw new IllegalStateException("a ketama continuum needs at least one server; got 0");
      }
      long totalWeight = 0;
      for (int weight : weights) {
        totalWeight += weight;
      }
      // Collect (point, owner) pairs in insertion order; the sort below is stable, so among
      // equal points the first added comes first.
      int serverCount = servers.size();
      List<long[]> entries = new ArrayList<>(serverCount * KetamaFlavor.POINTS_PER_SERVER);
      for (int s = 0; s < serverCount; s++) {
        int digests = flavor.digestsPerServer(weights.get(s), totalWeight, serverCount);
        for (int i = 0; i < digests; i++) {
          byte[] digest = md5((names.get(s) + "-" + i).getBytes(StandardCharsets.UTF_8));
          for (int slice = 0; slice < KetamaFlavor.POINTS_PER_DIGEST; slice++) {
            entries.add(new long[] {point(digest, slice), s});
          }
        }
      }
      if (entries.isEmpty()) {
        throw new IllegalArgumentException(
            "weights " + weights + " give every server 0 points; raise the smallest weights");
      }
      entries.sort((a, b) -> Long.compare(a[0], b[0]));
      if (flavor.lastDuplicateWins()) {
        entries = keepLastOfEqualPoints(entries);
      }
      long[] points = new long[entries.size()];
      int[] owners = new int[entries.size()];
      for (int i = 0; i < points.length; i++) {
        points[i] = entries.get(i)[0];
        owners[i] = (int) entries.get(i)[1];
      }
      return new KetamaContinuum<>(
          flavor, Collections.unmodifiableList(new ArrayList<>(servers)), points, owners);
    }

    private static List<long[]> keepLastOfEqualPoints(List<long[]> sorted) {
      List<long[]> kept = new ArrayList<>(sorted.size());
      for (int i = 0; i < sorted.size(); i++) {
        if (i + 1 < sorted.size() && sorted.get(i + 1)[0] == sorted.get(i)[0]) {
          continue;
        }
        kept.add(sorted.get(i));
      }
      return kept;
    }
  }
}
