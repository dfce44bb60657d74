package messenger.chat;

/** A token bucket: {@code burst} messages at once, refilled at {@code perSecond}. Not thread-safe. */
public final class RateLimiter {

  private final double perMilli;
  private final double burst;
  private double tokens;
  private long last;

  public RateLimiter(double perSecond, int burst, long nowMillis) {
    this.perMilli = perSecond / 1000.0;
    this.burst = burst;
    this.tokens = burst;
    this.last = nowMillis;
  }

  public boolean tryAcquire(long nowMillis) {
    tokens = Math.min(burst, tokens + (nowMillis - last) * perMilli);
    last = nowMillis;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
