package messenger.presence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is online in the whole deployment, as this instance sees it: the last state each instance announced
 * (its users, each with the login that holds the name), and when that instance was last heard from. A user
 * is online while at least one live instance lists them, so two tabs, or tabs on two instances, count once.
 * An instance that stops announcing is dropped after the expiry time, one that says goodbye after the leave
 * grace; this instance's own entry never expires.
 *
 * <p>Pure logic with the time passed in: no timers, no I/O, not thread-safe (one owner, one event loop).
 */
public final class Roster {

  /** What one update did to the set of online users. */
  public record Change(List<String> joined, List<String> left) {

    static final Change NONE = new Change(List.of(), List.of());

    public boolean isEmpty() {
      return joined.isEmpty() && left.isEmpty();
    }
  }

  private record Announcement(Map<String, String> users, long expiresAt) {
  }

  private final String self;
  private final long expiryMs;
  private final Map<String, Announcement> instances = new HashMap<>();
  /**
   * Logins a logout ended, with when. Another instance's announcement made before it heard of the logout may still
   * list the login, and arrive after it: the user would come back online for a heartbeat ("joined", then "left").
   * An ended login never holds a name again, so it is left out of every announcement; kept {@link #ENDED_KEEP_EXPIRIES}
   * expiry times, far longer than an announcement takes to arrive.
   */
  private final Map<String, Long> ended = new HashMap<>();
  private static final int ENDED_KEEP_EXPIRIES = 10;
  /** Grows whenever who is online under which login may have changed. */
  private long revision;

  public Roster(String self, long expiryMs) {
    this.self = self;
    this.expiryMs = expiryMs;
  }

  /** An instance's complete list of users (name → login id), replacing what it said before. */
  public Change update(String instance, Map<String, String> users, long now) {
    Set<String> before = online();
    if (!ended.isEmpty() && users.values().stream().anyMatch(ended::containsKey)) {
      users = withoutEnded(users);
    }
    Announcement previous = instances.put(instance, new Announcement(Map.copyOf(users), now + expiryMs));
    if (previous == null || !previous.users().equals(users)) {
      revision++;
    }
    return diff(before);
  }

  /**
   * An instance said goodbye: its users stay for {@code graceMs} only. A page whose instance stopped
   * reconnects, maybe to another instance, within that time: then it was no leave.
   */
  public void retire(String instance, long now, long graceMs) {
    instances.computeIfPresent(instance, (id, a) -> new Announcement(a.users(), Math.min(a.expiresAt(), now + graceMs)));
  }

  /** A logout ended this login: its user leaves wherever it is listed, and later announcements of it count for nothing. */
  public Change end(String login, long now) {
    Set<String> before = online();
    ended.put(login, now);
    instances.replaceAll((id, a) -> a.users().containsValue(login) ? new Announcement(withoutEnded(a.users()), a.expiresAt()) : a);
    revision++;
    return diff(before);
  }

  /** Drops every other instance not heard from within the expiry time. */
  public Change expire(long now) {
    ended.values().removeIf(at -> now - at > ENDED_KEEP_EXPIRIES * expiryMs);
    Set<String> before = online();
    if (instances.entrySet().removeIf(e -> !e.getKey().equals(self) && now > e.getValue().expiresAt())) {
      revision++;
    }
    return diff(before);
  }

  /**
   * Gives every other instance a fresh expiry time. Used after this instance was cut off from the broker:
   * while deaf it could not tell a dead instance from a silent connection, so nobody is judged on that time.
   */
  public void touchAll(long now) {
    instances.replaceAll((id, a) -> new Announcement(a.users(), now + expiryMs));
  }

  /** Everyone online, sorted. */
  public TreeSet<String> online() {
    TreeSet<String> names = new TreeSet<>();
    instances.values().forEach(a -> names.addAll(a.users().keySet()));
    return names;
  }

  /** Changes whenever {@link #holders()} may have. */
  public long revision() {
    return revision;
  }

  /** Every online name with the logins under which it is online (usually one). */
  public Map<String, Set<String>> holders() {
    Map<String, Set<String>> holders = new HashMap<>();
    instances.values().forEach(a -> a.users().forEach((name, login) ->
      holders.computeIfAbsent(name, n -> new HashSet<>()).add(login)));
    return holders;
  }

  /** Instances currently known, this one included. */
  public Set<String> instances() {
    return Set.copyOf(instances.keySet());
  }

  private Map<String, String> withoutEnded(Map<String, String> users) {
    Map<String, String> kept = new HashMap<>(users);
    kept.values().removeIf(ended::containsKey);
    return Map.copyOf(kept);
  }

  private Change diff(Set<String> before) {
    Set<String> after = online();
    if (after.equals(before)) {
      return Change.NONE;
    }
    List<String> joined = new ArrayList<>(after);
    joined.removeAll(before);
    List<String> left = new ArrayList<>(before);
    left.removeAll(after);
    return new Change(List.copyOf(joined), List.copyOf(left));
  }
}
