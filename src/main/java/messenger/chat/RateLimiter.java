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
    // Refilled from the last token taken: refused attempts change nothing, so their rounding cannot add up.
    double available = Math.min(burst, tokens + (nowMillis - last) * perMilli);
    if (available < 1) {
      return false;
    }
    tokens = available - 1;
    last = nowMillis;
    return true;
  }

  /** Full again: as good as a new one, so a holder of many may drop it. */
  public boolean isFull(long nowMillis) {
    return tokens + (nowMillis - last) * perMilli >= burst;
  }
}
