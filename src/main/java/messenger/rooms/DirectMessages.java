package messenger.rooms;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The direct messages of this chat as this process has read them from the room log, readable from any thread (the
 * web verticles check every send, history request and bridge registration against it); written by
 * {@link RoomsVerticle} only, in log order. A conversation is never removed: its members stay its members.
 */
public final class DirectMessages {

  private final Map<String, DirectMessage> byId = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> byAccount = new ConcurrentHashMap<>();

  /** The conversation, or null when there is none of that id (yet, on this instance). */
  public DirectMessage get(String id) {
    return id == null ? null : byId.get(id);
  }

  /** True when {@code id} is a conversation and {@code account} (null: a name-only session) one of its two members. */
  public boolean isMember(String id, String account) {
    DirectMessage dm = get(id);
    return dm != null && dm.hasMember(account);
  }

  /** The conversation of two accounts, or null. */
  public DirectMessage between(String account, String other) {
    return of(account).stream().filter(dm -> dm.hasMember(other)).findFirst().orElse(null);
  }

  /** The conversations {@code account} is in, newest first. */
  public List<DirectMessage> of(String account) {
    if (account == null) {
      return List.of();
    }
    List<DirectMessage> list = new ArrayList<>();
    byAccount.getOrDefault(account, Set.of()).forEach(id -> list.add(byId.get(id)));
    list.sort(Comparator.comparingLong(DirectMessage::createdAt).reversed().thenComparing(DirectMessage::id));
    return list;
  }

  public int size() {
    return byId.size();
  }

  /** The first record of an id wins (two instances opening one pair at once write the same conversation twice). */
  boolean add(DirectMessage dm) {
    if (byId.putIfAbsent(dm.id(), dm) != null) {
      return false;
    }
    byAccount.computeIfAbsent(dm.a().id(), k -> ConcurrentHashMap.newKeySet()).add(dm.id());
    byAccount.computeIfAbsent(dm.b().id(), k -> ConcurrentHashMap.newKeySet()).add(dm.id());
    return true;
  }
}
