package org.braid.tutorial.recipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.braid.tutorial.recipes.RecipeFixture.value;

import java.time.Duration;
import java.util.List;
import org.braid.deferred.Deferred;
import org.braid.protocols.memcache.MemcacheClientProtocol;
import org.braid.protocols.memcache.MemcacheFailureMode;
import org.braid.protocols.memcache.MemcacheServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Hard case 4, a write to several servers where one fails or hangs: one test for both styles. */
class PartialWriteTest {
  private static final Duration PER_REQUEST = Duration.ofSeconds(1);

  private final class Cluster {
    final RecipeFixture f;
    final MemcacheServer a;
    final MemcacheServer b;
    final MemcacheServer c;
    final List<Replica> replicas;

    Cluster(Style style) {
      f = new RecipeFixture(style);
      a = f.server();
      b = f.server();
      c = f.server();
      replicas =
          List.of(
              new Replica("a", f.net.connect(a)),
              new Replica("b", f.net.connect(b)),
              new Replica("c", f.net.connect(c)));
    }

    String valueOn(MemcacheServer server) {
      MemcacheClientProtocol reader = f.net.connect(server);
      return f.read(reader, "k");
    }

    Deferred<WriteOutcome> store(OnPartialWrite policy) {
      return f.recipes.storeEverywhere(replicas, "k", "v2", new WritePlan(PER_REQUEST, policy));
    }
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void writeThatReachesEveryServerIsCompleteAndConsistent(Style style) {
    Cluster cl = new Cluster(style);

    Deferred<WriteOutcome> outcome = cl.store(OnPartialWrite.REPORT);
    cl.f.net.settle();

    WriteOutcome o = value(outcome);
    assertThat(o.applied()).containsExactly("a", "b", "c");
    assertThat(o.isComplete()).isTrue();
    assertThat(o.isConsistent()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void serverErrorOnOneServerIsReportedAsAPartialWrite(Style style) {
    Cluster cl = new Cluster(style);
    cl.b.setFailureMode(MemcacheFailureMode.failNthWrite(1));

    Deferred<WriteOutcome> outcome = cl.store(OnPartialWrite.REPORT);
    cl.f.net.settle();

    WriteOutcome o = value(outcome);
    assertThat(o.applied()).containsExactly("a", "c");
    assertThat(o.missing()).containsOnlyKeys("b");
    assertThat(o.missing().get("b")).startsWith("MemcacheServerErrorException");
    assertThat(o.isConsistent()).isFalse();
    assertThat(o.actions()).isEmpty();
    assertThat(cl.valueOn(cl.b)).isNull();
    assertThat(cl.valueOn(cl.a)).isEqualTo("v2");
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void serverThatNeverAnswersIsCountedMissingExactlyAtThePerRequestTimeout(Style style) {
    Cluster cl = new Cluster(style);
    cl.b.setFailureMode(MemcacheFailureMode.NEVER_ANSWER);

    Deferred<WriteOutcome> outcome = cl.store(OnPartialWrite.REPORT);
    cl.f.net.advance(PER_REQUEST.minusMillis(1));
    assertThat(RecipeFixture.hasResult(outcome)).isFalse();
    cl.f.net.advance(Duration.ofMillis(1));

    WriteOutcome o = value(outcome);
    assertThat(o.applied()).containsExactly("a", "c");
    assertThat(o.missing().get("b")).startsWith("TimeoutException");
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void retryRepairsAServerWhoseWriteFailedOnce(Style style) {
    Cluster cl = new Cluster(style);
    cl.b.setFailureMode(MemcacheFailureMode.failNthWrite(1));

    Deferred<WriteOutcome> outcome = cl.store(OnPartialWrite.RETRY_FAILED);
    cl.f.net.settle();

    WriteOutcome o = value(outcome);
    assertThat(o.applied()).containsExactly("a", "b", "c");
    assertThat(o.isComplete()).isTrue();
    assertThat(o.actions()).containsExactly("retry b: STORED");
    assertThat(cl.valueOn(cl.b)).isEqualTo("v2");
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void retryThatTimesOutAgainLeavesTheWritePartialAndSaysSo(Style style) {
    Cluster cl = new Cluster(style);
    cl.b.setFailureMode(MemcacheFailureMode.NEVER_ANSWER);

    Deferred<WriteOutcome> outcome = cl.store(OnPartialWrite.RETRY_FAILED);
    cl.f.net.advance(PER_REQUEST.multipliedBy(2));

    WriteOutcome o = value(outcome);
    assertThat(o.applied()).containsExactly("a", "c");
    assertThat(o.isConsistent()).isFalse();
    assertThat(o.actions()).singleElement().asString().startsWith("retry b: TimeoutException");
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void undoDeletesWhereTheWriteWasAppliedSoThatNoServerDisagrees(Style style) {
    Cluster cl = new Cluster(style);
    cl.b.setFailureMode(MemcacheFailureMode.NEVER_ANSWER);

    Deferred<WriteOutcome> outcome = cl.store(OnPartialWrite.UNDO_APPLIED);
    cl.f.net.advance(PER_REQUEST);

    WriteOutcome o = value(outcome);
    assertThat(o.applied()).isEmpty();
    assertThat(o.missing()).containsOnlyKeys("a", "b", "c");
    assertThat(o.isConsistent()).isTrue();
    assertThat(o.actions()).containsExactly("undo a: DELETED", "undo c: DELETED");
    assertThat(cl.valueOn(cl.a)).isNull();
    assertThat(cl.valueOn(cl.c)).isNull();
  }
}
