package messenger.chat;

import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-user token bucket: a burst at once, then the rate; time is given, never read. */
class RateLimiterTest {

  private static final long T0 = 5_000_000;

  /** How many of {@code attempts} at the same instant are allowed. */
  private static long allowed(RateLimiter limiter, int attempts, long now) {
    return IntStream.range(0, attempts).filter(i -> limiter.tryAcquire(now)).count();
  }

  @Test
  void aFullBucketAllowsTheBurstAtOnceAndNothingMore() {
    assertThat(allowed(new RateLimiter(5, 10, T0), 15, T0)).isEqualTo(10);
  }

  @Test
  void anEmptyBucketRefillsAtTheRate() {
    RateLimiter limiter = new RateLimiter(5, 10, T0);
    allowed(limiter, 10, T0);
    assertThat(limiter.tryAcquire(T0 + 199)).as("4/5 of a token after 199 ms").isFalse();
    assertThat(limiter.tryAcquire(T0 + 200)).as("one token after 200 ms at 5/s").isTrue();
    assertThat(limiter.tryAcquire(T0 + 200)).isFalse();
    assertThat(allowed(limiter, 10, T0 + 1_200)).as("five more in the next second").isEqualTo(5);
  }

  @Test
  void aLongPauseRefillsNoMoreThanTheBurst() {
    RateLimiter limiter = new RateLimiter(5, 10, T0);
    allowed(limiter, 10, T0);
    assertThat(allowed(limiter, 100, T0 + 3_600_000)).isEqualTo(10);
  }

  @Test
  void fractionsOfATokenAddUp() {
    RateLimiter limiter = new RateLimiter(0.2, 1, T0); // one message per five seconds
    assertThat(limiter.tryAcquire(T0)).isTrue();
    assertThat(limiter.tryAcquire(T0 + 2_500)).isFalse();
    assertThat(limiter.tryAcquire(T0 + 4_999)).isFalse();
    assertThat(limiter.tryAcquire(T0 + 5_000)).isTrue();
  }

  @Test
  void aRefusedAttemptCostsNothing() {
    RateLimiter limiter = new RateLimiter(1, 1, T0);
    assertThat(limiter.tryAcquire(T0)).isTrue();
    for (long t = T0 + 100; t < T0 + 1_000; t += 100) {
      assertThat(limiter.tryAcquire(t)).isFalse();
    }
    assertThat(limiter.tryAcquire(T0 + 1_000)).as("the refused attempts did not delay the next token").isTrue();
  }
}
