package org.braid.protocols.memcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.braid.protocols.BackoffPolicy;
import org.braid.protocols.memcache.KetamaMemcacheClient.DeadServerPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client of many servers against three embedded servers on real loopback sockets. */
@Timeout(60)
class KetamaMemcacheClientTest {
  private RunningReactor running;
  private final List<MemcacheServer> servers = new ArrayList<>();
  private KetamaMemcacheClient client;

  @BeforeEach
  void startServers() throws Exception {
    running = RunningReactor.start();
    for (int i = 0; i < 3; i++) {
      servers.add(running.await(() -> MemcacheServer.start(running.reactor, 0)));
    }
  }

  @AfterEach
  void stopEverything() throws Exception {
    if (client != null) {
      running.await(client::stop);
    }
    for (MemcacheServer server : servers) {
      running.await(server::stop);
    }
    running.close();
  }

  private KetamaMemcacheClient start(DeadServerPolicy policy) throws Exception {
    client =
        running.compute(
            () -> {
              KetamaMemcacheClient.Builder builder =
                  KetamaMemcacheClient.builder(running.reactor)
                      .deadServerPolicy(policy)
                      .connectTimeout(Duration.ofSeconds(2))
                      // Retry slowly: a dead server must stay dead while a test looks at it.
                      .backoffPolicy(BackoffPolicy.constant(Duration.ofSeconds(30)));
              for (MemcacheServer server : servers) {
                builder.server(server.address());
              }
              KetamaMemcacheClient built = builder.build();
              built.start();
              return built;
            });
    return client;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(Optional<Value> hit) {
    return hit.map(v -> new String(v.data(), StandardCharsets.UTF_8)).orElse(null);
  }

  private MemcacheServer serverAt(InetSocketAddress address) {
    return servers.stream().filter(s -> s.address().equals(address)).findFirst().orElseThrow();
  }

  @Test
  void eachKeyIsStoredOnTheServerTheContinuumNames() throws Exception {
    start(DeadServerPolicy.FAIL_FAST);
    KetamaContinuum<InetSocketAddress> expected =
        continuumOf(servers.stream().map(MemcacheServer::address).toList());

    for (int i = 0; i < 60; i++) {
      String key = "key:" + i;
      String value = "v" + i;
      running.await(() -> client.set(key, bytes(value)));
      InetSocketAddress owner = expected.serverFor(key);
      assertThat(client.serverFor(key)).isEqualTo(owner);
      MemcacheClient direct = client.server(owner);
      assertThat(text(running.await(() -> direct.get(key)))).isEqualTo(value);
    }
    // Sixty keys over three servers: every server got some.
    for (MemcacheServer server : servers) {
      assertThat(server.store().stats().getLong("curr_items")).isPositive();
    }
  }

  private static KetamaContinuum<InetSocketAddress> continuumOf(List<InetSocketAddress> addresses) {
    KetamaContinuum.Builder<InetSocketAddress> builder =
        KetamaContinuum.builder(KetamaFlavor.LIBMEMCACHED);
    for (InetSocketAddress address : addresses) {
      builder.add(address, address, 1);
    }
    return builder.build();
  }

  @Test
  void multiKeyGetIsSplitByServerAndMergedInTheOrderAsked() throws Exception {
    start(DeadServerPolicy.FAIL_FAST);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String key = "multi:" + i;
      keys.add(key);
      if (i % 3 != 0) {
        running.await(() -> client.set(key, bytes(key.toUpperCase())));
      }
    }

    Map<String, Value> found = running.await(() -> client.getAll(keys));

    List<String> expectedKeys = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      if (i % 3 != 0) {
        expectedKeys.add("multi:" + i);
      }
    }
    assertThat(found.keySet()).containsExactlyElementsOf(expectedKeys);
    assertThat(new String(found.get("multi:1").data(), StandardCharsets.UTF_8))
        .isEqualTo("MULTI:1");
  }

  @Test
  void failFastFailsTheDeadServersKeysAtOnceAndServesTheOthers() throws Exception {
    start(DeadServerPolicy.FAIL_FAST);
    String deadKey = keyOwnedBy(servers.get(0).address(), "ff");
    String liveKey = keyOwnedBy(servers.get(1).address(), "ff");
    running.await(() -> client.set(liveKey, bytes("alive")));

    killAndWaitUntilDead(servers.get(0), deadKey);

    assertThatThrownBy(() -> running.await(() -> client.get(deadKey)))
        .isInstanceOf(ConnectException.class)
        .hasMessageContaining(servers.get(0).address().getPort() + "")
        .hasMessageContaining("FAIL_FAST");
    assertThat(text(running.await(() -> client.get(liveKey)))).isEqualTo("alive");
  }

  @Test
  void rehashSendsTheDeadServersKeysToALiveServerAndLeavesTheOthersWhereTheyAre() throws Exception {
    start(DeadServerPolicy.REHASH);
    InetSocketAddress dead = servers.get(0).address();
    Map<String, InetSocketAddress> before = new LinkedHashMap<>();
    for (int i = 0; i < 60; i++) {
      before.put("rh:" + i, client.serverFor("rh:" + i));
    }
    String deadKey = keyOwnedBy(dead, "rh");

    killAndWaitUntilDead(servers.get(0), deadKey);

    for (Map.Entry<String, InetSocketAddress> e : before.entrySet()) {
      InetSocketAddress now = client.serverFor(e.getKey());
      if (e.getValue().equals(dead)) {
        assertThat(now).isNotEqualTo(dead);
      } else {
        assertThat(now).as("key %s must not move", e.getKey()).isEqualTo(e.getValue());
      }
    }
    running.await(() -> client.set(deadKey, bytes("moved")));
    assertThat(text(running.await(() -> client.get(deadKey)))).isEqualTo("moved");
    MemcacheClient stand = client.server(client.serverFor(deadKey));
    assertThat(text(running.await(() -> stand.get(deadKey)))).isEqualTo("moved");
  }

  @Test
  void flushAllReachesEveryServer() throws Exception {
    start(DeadServerPolicy.FAIL_FAST);
    for (int i = 0; i < 30; i++) {
      String key = "f:" + i;
      running.await(() -> client.set(key, bytes("x")));
    }

    running.await(client::flushAll);

    for (MemcacheServer server : servers) {
      MemcacheClient direct = client.server(server.address());
      for (int i = 0; i < 30; i++) {
        String key = "f:" + i;
        assertThat(running.await(() -> direct.get(key))).isEmpty();
      }
    }
  }

  @Test
  void perServerCommandsAreRefusedWithAPointerToServer() throws Exception {
    start(DeadServerPolicy.FAIL_FAST);

    assertThatThrownBy(() -> running.await(client::version))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("client.server(address)");
    MemcacheClient one = client.server(servers.get(2).address());
    assertThat(running.await(one::version)).isEqualTo(MemcacheServer.DEFAULT_VERSION);
  }

  @Test
  void builderRefusesAnUnknownServerAndADuplicate() throws Exception {
    start(DeadServerPolicy.FAIL_FAST);
    assertThatThrownBy(() -> client.server(new InetSocketAddress("127.0.0.1", 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not one of this client's servers");
    InetSocketAddress a = servers.get(0).address();
    assertThatThrownBy(
            () -> KetamaMemcacheClient.builder(running.reactor).server(a).server(a))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("given twice");
  }

  /** A key whose owner on the full continuum is {@code address}. */
  private String keyOwnedBy(InetSocketAddress address, String prefix) {
    KetamaContinuum<InetSocketAddress> all =
        continuumOf(servers.stream().map(MemcacheServer::address).toList());
    for (int i = 0; ; i++) {
      String key = prefix + ":" + i;
      if (all.serverFor(key).equals(address)) {
        return key;
      }
    }
  }

  /**
   * Stops a server (its port then refuses connections) and makes the client notice: a request
   * for one of its keys fails once the connection is gone and a reconnection attempt failed.
   */
  private void killAndWaitUntilDead(MemcacheServer server, String key) throws Exception {
    running.await(server::stop);
    for (int attempt = 0; attempt < 200; attempt++) {
      if (running.compute(() -> client.isDown(server.address()))) {
        return;
      }
      try {
        running.await(() -> client.server(server.address()).get(key), Duration.ofSeconds(5));
      } catch (Exception expected) {
        // the connection was lost or refused: that is what we wait for
      }
    }
    throw new AssertionError("the client never saw " + server.address() + " die: " + client);
  }
}
