package messenger.rabbit;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import messenger.Settings;
import messenger.broker.Broker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-user publisher map stays bounded: users who log out or go idle are dropped. No broker needed. */
@ExtendWith(VertxExtension.class)
class UserPublishersTest {

  private static final long NOW = 1_000_000;
  private static final long TEN_MINUTES = 10 * 60_000;

  /** 10 000 users who each sent once, user i at NOW + i ms, through a publisher that was never started. */
  private static UserPublishers tenThousandUsers(Vertx vertx) {
    Settings settings = Settings.from(Settings.defaults().mergeIn(
      new JsonObject().put("chat", new JsonObject().put("publisherIdleMinutes", 10)), true));
    // Never started: every publish is refused as unavailable, but the user's publisher exists all the same.
    ChatPublisher publisher = new ChatPublisher(vertx, Broker.configured(settings.rabbit()), settings.rabbit(),
      connection -> { }, new ReaderProgress(settings.rabbit().readerStallMs(), NOW));
    UserPublishers users = new UserPublishers(publisher, settings.chat());
    for (int i = 0; i < 10_000; i++) {
      users.publish("user-" + i, null, "id-" + i, "general", "hello", NOW + i);
    }
    assertThat(users.size()).isEqualTo(10_000);
    return users;
  }

  @Test
  void usersWhoLogOutAreDroppedAtOnce(Vertx vertx) {
    UserPublishers users = tenThousandUsers(vertx);
    for (int i = 0; i < 5_000; i++) {
      users.remove("user-" + i);
    }
    assertThat(users.size()).isEqualTo(5_000);
  }

  @Test
  void usersIdleForLongerThanTheLimitAreEvicted(Vertx vertx) {
    UserPublishers users = tenThousandUsers(vertx);
    users.evictIdle(NOW + 7_500 + TEN_MINUTES); // users 0..7499 have been idle for more than ten minutes
    assertThat(users.size()).isEqualTo(2_500);
    users.evictIdle(NOW + 10_000 + TEN_MINUTES);
    assertThat(users.size()).isZero();
  }
}
