package messenger.rabbit;

import io.vertx.core.Future;
import messenger.Settings;
import messenger.chat.RateLimiter;
import messenger.chat.RecentIds;

import java.util.function.BooleanSupplier;

/** Publishes one user's messages: stamps who and when, enforces the user's rate, remembers what was confirmed. */
final class UserPublisher {

  private final String sender;
  private final String senderId;
  private final ChatPublisher publisher;
  private final RateLimiter limiter;
  /** Whether messages carry their room as the stream filter value (see {@link StreamFilter}). */
  private final BooleanSupplier filterValues;
  /** A retry of an already confirmed message is answered at once instead of being published again. */
  private final RecentIds confirmed = new RecentIds(64);
  private long lastUsed;

  UserPublisher(String sender, String senderId, ChatPublisher publisher, Settings.Chat chat, BooleanSupplier filterValues,
                long now) {
    this.filterValues = filterValues;
    this.sender = sender;
    this.senderId = senderId;
    this.publisher = publisher;
    this.limiter = new RateLimiter(chat.ratePerSecond(), chat.rateBurst(), now);
    this.lastUsed = now;
  }

  /** {@code members}: a direct message's {@code dm-members} header, else null. */
  Future<Void> publish(String id, String room, String members, String text, long now) {
    lastUsed = now;
    if (confirmed.contains(id)) {
      return Future.succeededFuture();
    }
    if (!limiter.tryAcquire(now)) {
      return Future.failedFuture(new SendRefused(SendRefused.TOO_FAST, "You are sending too fast; wait a moment."));
    }
    if (!publisher.isReady()) {
      return Future.failedFuture(new SendRefused(SendRefused.UNAVAILABLE, "The message broker is unavailable; try again."));
    }
    return publisher.publish(WireFormat.properties(id, sender, senderId, room, members, now, filterValues.getAsBoolean()),
        WireFormat.body(text))
      .recover(err -> Future.failedFuture(
        new SendRefused(SendRefused.UNAVAILABLE, "The broker did not confirm the message; try again.")))
      .onSuccess(v -> confirmed.add(id));
  }

  long lastUsed() {
    return lastUsed;
  }
}
