package org.braid.protocols.memcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KetamaContinuumTest {

  /** libketama's sample pool (its ketama.servers), used by libmemcached's and finagle's tests. */
  private static final String[][] LIBKETAMA_SERVERS = {
    {"10.0.1.1", "600"}, {"10.0.1.2", "300"}, {"10.0.1.3", "200"}, {"10.0.1.4", "350"},
    {"10.0.1.5", "1000"}, {"10.0.1.6", "800"}, {"10.0.1.7", "950"}, {"10.0.1.8", "100"},
  };

  private static KetamaContinuum<String> libketamaPool(KetamaFlavor flavor, boolean weighted) {
    KetamaContinuum.Builder<String> builder = KetamaContinuum.builder(flavor);
    for (String[] server : LIBKETAMA_SERVERS) {
      InetSocketAddress address = new InetSocketAddress(literal(server[0]), 11211);
      builder.add(server[0], address, weighted ? Integer.parseInt(server[1]) : 1);
    }
    return builder.build();
  }

  /** A resolved address built from an IP literal, as spymemcached's AddrUtil builds them. */
  private static InetAddress literal(String ip) {
    try {
      return InetAddress.getByName(ip); // a literal: parsed, never looked up
    } catch (IOException e) {
      throw new AssertionError(ip + " is not an IP literal", e);
    }
  }

  private static List<String[]> resourceLines(String path) throws IOException {
    List<String[]> lines = new ArrayList<>();
    try (InputStream in = KetamaContinuumTest.class.getResourceAsStream(path)) {
      assertThat(in).as("test resource " + path).isNotNull();
      BufferedReader reader =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines.add(line.split(" "));
      }
    }
    return lines;
  }

  @Test
  void allPublishedLibmemcachedVectorsMapToTheirServerAndPoint() throws IOException {
    // finagle-memcached KetamaClientTest ("load known good results"), data from libmemcached.
    KetamaContinuum<String> ring = libketamaPool(KetamaFlavor.LIBMEMCACHED, true);
    List<String[]> vectors = resourceLines("/ketama/ketama_results");
    assertThat(vectors).hasSize(99);

    int matched = 0;
    for (String[] vector : vectors) {
      byte[] key = vector[0].getBytes(StandardCharsets.US_ASCII);
      assertThat(KetamaContinuum.hash(key)).as("hash of %s", vector[0])
          .isEqualTo(Long.parseLong(vector[1]));
      assertThat(ring.pointFor(KetamaContinuum.hash(key))).as("point of %s", vector[0])
          .isEqualTo(Long.parseLong(vector[2]));
      assertThat(ring.serverFor(key)).as("server of %s", vector[0]).isEqualTo(vector[3]);
      matched++;
    }
    assertThat(matched).isEqualTo(99);
  }

  @Test
  void libmemcachedWeightsGivePointsInProportionComputedInSinglePrecision() {
    KetamaContinuum<String> ring = libketamaPool(KetamaFlavor.LIBMEMCACHED, true);
    // floor(w / 4300 * 160 / 4 * 8) digests of 4 points, e.g. 10.0.1.5: 1000 / 4300 * 320 = 74.4.
    assertThat(ring.pointCountOf("10.0.1.5")).isEqualTo(74 * 4);
    assertThat(ring.pointCountOf("10.0.1.8")).isEqualTo(7 * 4);
    assertThat(ring.pointCountOf("10.0.1.1")).isEqualTo(44 * 4);
    assertThat(ring.pointCount()).isEqualTo((44 + 22 + 14 + 26 + 74 + 59 + 70 + 7) * 4);
  }

  @Test
  void libmemcachedLeavesTheDefaultPortOutOfTheNodeName() {
    assertThat(KetamaFlavor.LIBMEMCACHED.nodeName(new InetSocketAddress(literal("10.0.1.1"), 11211)))
        .isEqualTo("10.0.1.1");
    assertThat(KetamaFlavor.LIBMEMCACHED.nodeName(InetSocketAddress.createUnresolved("cache1", 11212)))
        .isEqualTo("cache1:11212");
  }

  @Test
  void spymemcachedNodeNamesAreTheClassicSocketAddressStringWithoutLeadingSlash() throws IOException {
    assertThat(KetamaFlavor.SPYMEMCACHED.nodeName(new InetSocketAddress(literal("10.0.1.1"), 11211)))
        .isEqualTo("10.0.1.1:11211");
    assertThat(KetamaFlavor.SPYMEMCACHED.nodeName(InetSocketAddress.createUnresolved("127.0.0.1", 10000)))
        .isEqualTo("127.0.0.1:10000");
    InetAddress named = InetAddress.getByAddress("myhost", new byte[] {10, 0, 2, 1});
    assertThat(KetamaFlavor.SPYMEMCACHED.nodeName(new InetSocketAddress(named, 11211)))
        .isEqualTo("myhost/10.0.2.1:11211");
  }

  @Test
  void spymemcachedPublishedLibKetamaCompatTwoExpectationsHold() throws IOException {
    // spymemcached KetamaNodeLocatorTest.testLibKetamaCompatTwo (579 of its key -> server pairs).
    KetamaContinuum<String> ring = libketamaPool(KetamaFlavor.SPYMEMCACHED, false);
    List<String[]> vectors = resourceLines("/ketama/spymemcached_lib_ketama_compat_two");
    assertThat(vectors).hasSize(579);
    for (String[] vector : vectors) {
      assertThat(ring.serverFor(vector[0]) + ":11211").as("server of %s", vector[0])
          .isEqualTo(vector[1]);
    }
    assertThat(ring.pointCount()).isEqualTo(8 * 160);
  }

  private static KetamaContinuum<Integer> spymemcachedTestNodes(int count) {
    // spymemcached KetamaNodeLocatorTest.setupNodes: unresolved 127.0.0.1, ports 10000 + i.
    KetamaContinuum.Builder<Integer> builder = KetamaContinuum.builder(KetamaFlavor.SPYMEMCACHED);
    for (int i = 0; i < count; i++) {
      builder.add(i, InetSocketAddress.createUnresolved("127.0.0.1", 10000 + i));
    }
    return builder.build();
  }

  @Test
  void spymemcachedPublishedLookupsHold() {
    // spymemcached KetamaNodeLocatorTest: testLookups, testClusterResizing, testLibKetamaCompat.
    KetamaContinuum<Integer> four = spymemcachedTestNodes(4);
    assertThat(four.serverFor("dustin")).isEqualTo(0);
    assertThat(four.serverFor("noelani")).isEqualTo(2);
    assertThat(four.serverFor("some other key")).isEqualTo(0);

    KetamaContinuum<Integer> five = spymemcachedTestNodes(5);
    assertThat(five.serverFor("dustin")).isEqualTo(0);
    assertThat(five.serverFor("noelani")).isEqualTo(2);
    assertThat(five.serverFor("some other key")).isEqualTo(4);
    assertThat(five.serverFor("36")).isEqualTo(2);
    assertThat(five.serverFor("10037")).isEqualTo(3);
    assertThat(five.serverFor("22051")).isEqualTo(1);
    assertThat(five.serverFor("49044")).isEqualTo(4);
  }

  @Test
  void keysPastTheLastPointWrapToTheFirstPoint() {
    // spymemcached KetamaNodeLocatorTest.testContinuumWrapping.
    KetamaContinuum<Integer> four = spymemcachedTestNodes(4);
    assertThat(four.maxPoint()).isEqualTo(4294887009L);
    for (String key : List.of("V5XS8C8N", "8KR2DKR2", "L9KH6X4X")) {
      assertThat(KetamaContinuum.hash(key.getBytes(StandardCharsets.UTF_8)))
          .isGreaterThan(four.maxPoint());
      assertThat(four.serverFor(key)).isEqualTo(3);
    }
  }

  /** "10.0.2.53:11211-38" and "10.0.2.161:11211-8" share the point 3152960057 (found offline). */
  private static final long SHARED_POINT = 3152960057L;

  private static String keyLandingOn(KetamaContinuum<?> ring, long point) {
    for (int i = 0; i < 1_000_000; i++) {
      String key = "collision-" + i;
      if (ring.pointFor(KetamaContinuum.hash(key.getBytes(StandardCharsets.UTF_8))) == point) {
        return key;
      }
    }
    throw new AssertionError("no key among 1,000,000 lands on point " + point);
  }

  @Test
  void onEqualPointsLibmemcachedKeepsTheServerAddedFirst() {
    KetamaContinuum<String> ring = KetamaContinuum.<String>builder(KetamaFlavor.LIBMEMCACHED)
        .addNamed("first", "10.0.2.53:11211", 1)
        .addNamed("second", "10.0.2.161:11211", 1)
        .build();
    assertThat(ring.pointCount()).isEqualTo(320);
    assertThat(ring.serverFor(keyLandingOn(ring, SHARED_POINT))).isEqualTo("first");
  }

  @Test
  void onEqualPointsSpymemcachedKeepsTheServerAddedLast() {
    KetamaContinuum<String> ring = KetamaContinuum.<String>builder(KetamaFlavor.SPYMEMCACHED)
        .addNamed("first", "10.0.2.53:11211", 1)
        .addNamed("second", "10.0.2.161:11211", 1)
        .build();
    assertThat(ring.pointCount()).isEqualTo(319);
    assertThat(ring.serverFor(keyLandingOn(ring, SHARED_POINT))).isEqualTo("second");
  }

  private static KetamaContinuum<Integer> equalServers(KetamaFlavor flavor, int count, int skip) {
    KetamaContinuum.Builder<Integer> builder = KetamaContinuum.builder(flavor);
    for (int i = 0; i < count; i++) {
      if (i != skip) {
        builder.add(i, InetSocketAddress.createUnresolved("cache" + i + ".example", 11211));
      }
    }
    return builder.build();
  }

  @ParameterizedTest
  @EnumSource(KetamaFlavor.class)
  void removingOneOfTenEqualServersMovesOnlyItsOwnKeys(KetamaFlavor flavor) {
    int servers = 10;
    KetamaContinuum<Integer> before = equalServers(flavor, servers, -1);
    KetamaContinuum<Integer> after = equalServers(flavor, servers, 3);
    int keys = 10_000;
    int moved = 0;
    for (int i = 0; i < keys; i++) {
      String key = "user:" + i;
      Integer owner = before.serverFor(key);
      if (!owner.equals(after.serverFor(key))) {
        assertThat(owner).as("previous owner of moved key %s", key).isEqualTo(3);
        moved++;
      }
    }
    // Every key of the removed server moves, and about 1/10 of all keys were its own.
    assertThat((double) moved / keys).isBetween(0.5 / servers, 1.5 / servers);
  }

  @Test
  void removingAWeightedServerAlsoRescalesTheOthersButMovesFarFewerKeysThanModulo() {
    KetamaContinuum<String> before = libketamaPool(KetamaFlavor.LIBMEMCACHED, true);
    KetamaContinuum.Builder<String> builder = KetamaContinuum.builder(KetamaFlavor.LIBMEMCACHED);
    for (String[] server : LIBKETAMA_SERVERS) {
      if (!server[0].equals("10.0.1.8")) {
        builder.add(server[0], new InetSocketAddress(literal(server[0]), 11211),
            Integer.parseInt(server[1]));
      }
    }
    KetamaContinuum<String> after = builder.build();
    // libmemcached gives floor(w / W * 40 * n) digests: with n down from 8 to 7 and W barely
    // changed, every survivor loses digests (10.0.1.1: 44 -> 40), so some of their keys move too.
    assertThat(after.pointCountOf("10.0.1.1")).isEqualTo(40 * 4);
    int keys = 10_000;
    int moved = 0;
    for (int i = 0; i < keys; i++) {
      String key = "user:" + i;
      String owner = before.serverFor(key);
      if (owner.equals("10.0.1.8")) {
        assertThat(after.serverFor(key)).isNotEqualTo(owner);
      }
      moved += owner.equals(after.serverFor(key)) ? 0 : 1;
    }
    // The removed server held 28 of 1264 points (2%); a modulo rehash would move 7/8 of the keys.
    assertThat((double) moved / keys).isBetween(28.0 / 1264, 0.25);
  }

  @Test
  void spymemcachedFlavourRejectsWeightsBecauseSpymemcachedIgnoresThem() {
    KetamaContinuum.Builder<String> builder = KetamaContinuum.builder(KetamaFlavor.SPYMEMCACHED);
    builder.add("a", InetSocketAddress.createUnresolved("a", 11211), 5);
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("weight 5 is not supported by the SPYMEMCACHED flavour");
  }

  @Test
  void builderRejectsNoServersDuplicatesAndWeightsBelowOne() {
    assertThatThrownBy(() -> KetamaContinuum.builder(KetamaFlavor.LIBMEMCACHED).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs at least one server; got 0");
    KetamaContinuum.Builder<String> builder = KetamaContinuum.builder(KetamaFlavor.LIBMEMCACHED);
    builder.addNamed("a", "host-a", 1);
    assertThatThrownBy(() -> builder.addNamed("b", "host-a", 1))
        .hasMessageContaining("node name host-a is already used by a");
    assertThatThrownBy(() -> builder.addNamed("a", "host-b", 1))
        .hasMessageContaining("server a was already added as host-a");
    assertThatThrownBy(() -> builder.addNamed("c", "host-c", 0))
        .hasMessageContaining("weight 0 of host-c is below the minimum 1");
  }

  @Test
  void aSingleServerOwnsEveryKey() {
    KetamaContinuum<String> ring = KetamaContinuum.<String>builder(KetamaFlavor.LIBMEMCACHED)
        .add("only", InetSocketAddress.createUnresolved("only", 11211))
        .build();
    assertThat(ring.pointCount()).isEqualTo(160);
    for (int i = 0; i < 100; i++) {
      assertThat(ring.serverFor("k" + i)).isEqualTo("only");
    }
  }
}
