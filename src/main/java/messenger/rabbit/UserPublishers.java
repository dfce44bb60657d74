package messenger.rabbit;

import io.vertx.core.Future;
import messenger.Settings;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** The per-user publishers of this instance, keyed by user name; idle or logged-out users are evicted. */
final class UserPublishers {

  private final Map<String, UserPublisher> byName = new HashMap<>();
  private final ChatPublisher publisher;
  private final Settings.Chat chat;
  private final BooleanSupplier filterValues;

  UserPublishers(ChatPublisher publisher, Settings.Chat chat) {
    this(publisher, chat, () -> false);
  }

  /** {@code filterValues}: whether messages carry their room as the stream filter value now (see {@link StreamFilter}). */
  UserPublishers(ChatPublisher publisher, Settings.Chat chat, BooleanSupplier filterValues) {
    this.publisher = publisher;
    this.chat = chat;
    this.filterValues = filterValues;
  }

  /** A message to a room. */
  Future<Void> publish(String sender, String senderId, String id, String room, String text, long now) {
    return publish(sender, senderId, id, room, null, text, now);
  }

  /**
   * {@code senderId}: the signed-in person's account id, or null; a name-only session of the same name is another
   * publisher. {@code members}: a direct message's {@code dm-members} header, null for a room.
   */
  Future<Void> publish(String sender, String senderId, String id, String room, String members, String text, long now) {
    return byName.computeIfAbsent(key(sender, senderId), key -> new UserPublisher(sender, senderId, publisher, chat, filterValues, now))
      .publish(id, room, members, text, now);
  }

  private static String key(String sender, String senderId) {
    return senderId == null ? sender : sender + '\0' + senderId;
  }

  /** Forgets every publisher of {@code sender}, name-only or signed in. */
  void remove(String sender) {
    byName.remove(sender);
    byName.keySet().removeIf(key -> key.startsWith(sender + '\0'));
  }

  void evictIdle(long now) {
    long idleMillis = chat.publisherIdleMinutes() * 60_000;
    byName.values().removeIf(p -> now - p.lastUsed() > idleMillis);
  }

  int size() {
    return byName.size();
  }
}
