package messenger.presence;

import messenger.chat.RateLimiter;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which "joined" and "left" notices of rooms go out. A notice that repeats the last one about the same person
 * and room says nothing new and is dropped: two tabs (or two instances) of one person joining one room make one
 * notice. At the instance where it is asked, a person also gets a few notices at once and then one a second, so
 * that clicking join and leave in a loop cannot flood a room. Pure logic with the time passed in; one owner, one
 * event loop; bounded (the least recently noticed people and rooms are forgotten first).
 */
final class MembershipNotices {

  static final double PER_SECOND = 1;
  static final int BURST = 5;
  private static final int REMEMBERED = 10_000;

  private final Map<String, Boolean> last = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > REMEMBERED;
    }
  };
  private final Map<String, RateLimiter> limits = new HashMap<>();

  /** A notice asked here: true when it goes out (not a repeat, and {@code user} is within their rate). */
  boolean asked(String user, String room, boolean joined, long now) {
    if (isRepeat(user, room, joined)) {
      return false;
    }
    if (!limits.computeIfAbsent(user, u -> new RateLimiter(PER_SECOND, BURST, now)).tryAcquire(now)) {
      return false;
    }
    last.put(key(user, room), joined);
    return true;
  }

  /** A notice from another instance: true when it is shown here (not a repeat of what was shown). */
  boolean heard(String user, String room, boolean joined) {
    if (isRepeat(user, room, joined)) {
      return false;
    }
    last.put(key(user, room), joined);
    return true;
  }

  /** Forgets the limits of people who have not asked lately. */
  void prune(long now) {
    limits.values().removeIf(limiter -> limiter.isFull(now));
  }

  private boolean isRepeat(String user, String room, boolean joined) {
    return Boolean.valueOf(joined).equals(last.get(key(user, room)));
  }

  private static String key(String user, String room) {
    return user + '\n' + room;
  }
}
