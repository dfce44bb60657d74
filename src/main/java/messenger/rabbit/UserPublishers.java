package messenger.rabbit;

import io.vertx.core.Future;
import messenger.Settings;

import java.util.HashMap;
import java.util.Map;

/** The per-user publishers of this instance, keyed by user name; idle or logged-out users are evicted. */
final class UserPublishers {

  private final Map<String, UserPublisher> byName = new HashMap<>();
  private final ChatPublisher publisher;
  private final Settings.Chat chat;

  UserPublishers(ChatPublisher publisher, Settings.Chat chat) {
    this.publisher = publisher;
    this.chat = chat;
  }

  Future<Void> publish(String sender, String id, String text, long now) {
    return byName.computeIfAbsent(sender, name -> new UserPublisher(name, publisher, chat, now))
      .publish(id, text, now);
  }

  void remove(String sender) {
    byName.remove(sender);
  }

  void evictIdle(long now) {
    long idleMillis = chat.publisherIdleMinutes() * 60_000;
    byName.values().removeIf(p -> now - p.lastUsed() > idleMillis);
  }

  int size() {
    return byName.size();
  }
}
