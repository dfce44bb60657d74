package messenger.presence;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** One typing event per user per interval, users independent, and nobody remembered for longer than needed. */
class TypingThrottleTest {

  @Test
  void oneEventPerUserPerInterval() {
    TypingThrottle throttle = new TypingThrottle(3_000);
    assertThat(throttle.pass("alice", 10_000)).isTrue();
    assertThat(throttle.pass("alice", 12_999)).isFalse();
    assertThat(throttle.pass("bob", 12_999)).as("another user").isTrue();
    assertThat(throttle.pass("alice", 13_000)).isTrue();
    assertThat(throttle.pass("alice", 14_000)).as("the interval starts again at the last event that passed").isFalse();
  }

  @Test
  void pruningForgetsOnlyThoseWhoseIntervalIsOver() {
    TypingThrottle throttle = new TypingThrottle(3_000);
    throttle.pass("alice", 0);
    throttle.pass("bob", 2_000);
    throttle.prune(3_000);
    assertThat(throttle.size()).isEqualTo(1);
    assertThat(throttle.pass("bob", 4_999)).isFalse();
    throttle.prune(5_000);
    assertThat(throttle.size()).isZero();
  }
}
