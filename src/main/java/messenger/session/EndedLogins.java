package messenger.session;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The logins that ended (logged out, on any instance) as this process knows them. The session cookie is
 * stateless, so a copy of it stays readable after its logout: a session whose login is here is no session.
 * Written by {@link LogoutVerticle}, read by the web verticles on every request, so thread-safe and one hash
 * lookup per request. Bounded: a login is forgotten once it ended longer ago than a session can live, since
 * every cookie of it has expired by then.
 */
public final class EndedLogins {

  private final long keepMs;
  private final Map<String, Long> endedAt = new ConcurrentHashMap<>();
  private volatile boolean complete;

  /** {@code keepMs}: the session timeout. */
  public EndedLogins(long keepMs) {
    this.keepMs = keepMs;
  }

  /** Returns true when the login was not known to have ended (and ended recently enough to matter). */
  public boolean add(String login, long at, long now) {
    return now - at < keepMs && endedAt.putIfAbsent(login, at) == null;
  }

  public boolean contains(String login) {
    return endedAt.containsKey(login);
  }

  /**
   * True once every login that ended before this process started is known (the record was read to its end).
   * Until then a session cannot be told from an ended one.
   */
  public boolean isComplete() {
    return complete;
  }

  void completed() {
    complete = true;
  }

  /** Forgets the logins whose cookies have all expired. */
  void forgetExpired(long now) {
    endedAt.values().removeIf(at -> now - at >= keepMs);
  }

  int size() {
    return endedAt.size();
  }
}
