package messenger.presence;

import messenger.identity.Account;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The browser tabs open on this instance: one per bridge socket, each with its user and login. A user whose
 * last tab here closed still counts for a short grace time, so that a page reload or a dropped connection
 * that comes back at once is not a leave and a join. Logging out ends a user's tabs at once, without grace.
 *
 * <p>Pure logic with the time passed in; not thread-safe (one owner, one event loop).
 */
public final class LocalTabs {

  private record Tab(String user, String login) {
  }

  private record Lingering(String login, long until) {
  }

  private final long graceMs;
  private final Map<String, Tab> bySocket = new HashMap<>();
  private final Map<String, Lingering> leaving = new HashMap<>();

  public LocalTabs(long graceMs) {
    this.graceMs = graceMs;
  }

  public void open(String socket, String user, String login) {
    bySocket.put(socket, new Tab(user, login));
    leaving.remove(user);
  }

  /** Returns true when that was the user's last tab here: the user then lingers until the grace time is over. */
  public boolean close(String socket, long now) {
    Tab tab = bySocket.remove(socket);
    if (tab == null || bySocket.values().stream().anyMatch(t -> t.user().equals(tab.user()))) {
      return false;
    }
    leaving.put(tab.user(), new Lingering(tab.login(), now + graceMs));
    return true;
  }

  /** Ends the tabs of one login of a user; returns their socket ids, which the caller should close. */
  public List<String> logout(String user, String login) {
    List<String> sockets = new ArrayList<>();
    bySocket.entrySet().removeIf(e -> {
      boolean match = e.getValue().user().equals(user) && e.getValue().login().equals(login);
      if (match) {
        sockets.add(e.getKey());
      }
      return match;
    });
    Lingering lingering = leaving.get(user);
    if (lingering != null && lingering.login().equals(login)) {
      leaving.remove(user);
    }
    return sockets;
  }

  /** True when a user's grace time is over: {@link #users} then says something new. */
  public boolean graceEnded(long now) {
    for (Lingering l : leaving.values()) {
      if (l.until() <= now) {
        return true;
      }
    }
    return false;
  }

  /** Who is here now (name → login): users with an open tab, and those still within their grace time. */
  public Map<String, String> users(long now) {
    leaving.values().removeIf(l -> l.until() <= now);
    Map<String, String> users = new HashMap<>();
    leaving.forEach((user, l) -> users.put(user, l.login()));
    // One login per name is announced: a signed-in person's over a name-only session's (which loses the name).
    bySocket.values().forEach(t -> users.merge(t.user(), t.login(),
      (kept, other) -> Account.idOfLogin(kept) == null ? other : kept));
    return users;
  }

  public int tabCount() {
    return bySocket.size();
  }
}
