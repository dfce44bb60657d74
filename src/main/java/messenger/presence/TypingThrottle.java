package messenger.presence;

import java.util.HashMap;
import java.util.Map;

/** At most one typing event per user per interval. Pure logic with the time passed in; one owner, one event loop. */
final class TypingThrottle {

  private final long intervalMs;
  private final Map<String, Long> lastPassed = new HashMap<>();

  TypingThrottle(long intervalMs) {
    this.intervalMs = intervalMs;
  }

  /** True when {@code user}'s typing goes out now; false when it came too soon after the last that did. */
  boolean pass(String user, long now) {
    Long last = lastPassed.get(user);
    if (last != null && now - last < intervalMs) {
      return false;
    }
    lastPassed.put(user, now);
    return true;
  }

  /** Forgets users whose interval is over, so the map holds only those who typed lately. */
  void prune(long now) {
    lastPassed.values().removeIf(at -> now - at >= intervalMs);
  }

  int size() {
    return lastPassed.size();
  }
}
