package org.braid.protocols.memcache;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.braid.deferred.Deferred;
import org.braid.reactor.Endpoints;
import org.braid.reactor.Reactor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The example in protocols/MEMCACHE.md runs, and is the very code of this test (so the page
 * cannot drift from code that compiles).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MemcacheDocExampleTest {
  private static final Path PAGE = Path.of("MEMCACHE.md");
  private static final Path SOURCE =
      Path.of("src/test/java/org/braid/protocols/memcache/MemcacheDocExampleTest.java");

  @Test
  void theExampleRunsAgainstTheEmbeddedServer() throws Exception {
    try (RunningReactor running = RunningReactor.start()) {
      Reactor reactor = running.reactor;
      MemcacheServer server = running.await(() -> MemcacheServer.start(reactor, 0));
      int port = server.port();

      String result = running.await(() -> {
        // MEMCACHE.md example begin
        Deferred<String> name = Endpoints
            .clientFromString(reactor, "tcp:host=127.0.0.1:port=" + port + ":timeout=5")
            .connect(() -> new MemcacheClientProtocol(reactor, Duration.ofSeconds(2)))
            .addCallbackDeferring(client -> client.set("user:42", 0, 3600, "Ada".getBytes(UTF_8))
                .addCallbackDeferring(stored -> client.get("user:42")))
            .addCallback(hit -> hit.map(value -> new String(value.data(), UTF_8)).orElse("?"));
        // MEMCACHE.md example end
        return name;
      });

      assertThat(result).isEqualTo("Ada");
      running.await(server::stop);
    }
  }

  @Test
  void thePageShowsExactlyTheExampleThisTestRuns() throws Exception {
    String source = Files.readString(SOURCE, UTF_8);
    Matcher inSource = Pattern.compile(
        "// MEMCACHE\\.md example begin\\n(.*?)\\n\\s*// MEMCACHE\\.md example end", Pattern.DOTALL)
        .matcher(source);
    assertThat(inSource.find()).isTrue();
    Matcher onPage = Pattern.compile("<!-- example: MemcacheDocExampleTest -->\\n```java\\n(.*?)"
        + "\\n```", Pattern.DOTALL).matcher(Files.readString(PAGE, UTF_8));
    assertThat(onPage.find()).as("the example block in " + PAGE.toAbsolutePath()).isTrue();

    assertThat(onPage.group(1)).isEqualTo(inSource.group(1).stripIndent());
  }
}
