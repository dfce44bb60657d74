package messenger.rabbit;

import com.rabbitmq.client.AMQP;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import messenger.Settings;
import messenger.chat.RateLimiter;
import messenger.chat.RecentIds;

import java.util.Date;
import java.util.Map;

/** Publishes one user's messages: stamps who and when, enforces the user's rate, remembers what was confirmed. */
final class UserPublisher {

  private final String sender;
  private final ChatPublisher publisher;
  private final RateLimiter limiter;
  /** A retry of an already confirmed message is answered at once instead of being published again. */
  private final RecentIds confirmed = new RecentIds(64);
  private long lastUsed;

  UserPublisher(String sender, ChatPublisher publisher, Settings.Chat chat, long now) {
    this.sender = sender;
    this.publisher = publisher;
    this.limiter = new RateLimiter(chat.ratePerSecond(), chat.rateBurst(), now);
    this.lastUsed = now;
  }

  Future<Void> publish(String id, String text, long now) {
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
    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
      .messageId(id)
      .contentType("text/plain")
      .contentEncoding("utf-8")
      .deliveryMode(2)
      .timestamp(new Date(now))
      .headers(Map.of("sender", sender, "sent-at", now))
      .build();
    return publisher.publish(properties, Buffer.buffer(text))
      .recover(err -> Future.failedFuture(
        new SendRefused(SendRefused.UNAVAILABLE, "The broker did not confirm the message; try again.")))
      .onSuccess(v -> confirmed.add(id));
  }

  long lastUsed() {
    return lastUsed;
  }
}
