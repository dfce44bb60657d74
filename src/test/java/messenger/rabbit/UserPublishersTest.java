package messenger.rabbit;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import messenger.Settings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-user publisher map stays bounded: users who log out or go idle are dropped. No broker needed. */
class UserPublishersTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void tenThousandUsersWhoGoIdleAreAllEvictedAndLoggedOutOnesAtOnce() {
    Settings settings = Settings.from(new JsonObject().put("chat", new JsonObject().put("publisherIdleMinutes", 10)));
    // Never started: every publish is refused as unavailable, but the user's publisher exists all the same.
    ChatPublisher publisher = new ChatPublisher(vertx, settings.rabbit(), client -> io.vertx.core.Future.succeededFuture());
    UserPublishers users = new UserPublishers(publisher, settings.chat());
    long now = 1_000_000;
    for (int i = 0; i < 10_000; i++) {
      users.publish("user-" + i, "id-" + i, "hello", now + i);
    }
    assertThat(users.size()).isEqualTo(10_000);

    for (int i = 0; i < 5_000; i++) {
      users.remove("user-" + i); // logged out
    }
    assertThat(users.size()).isEqualTo(5_000);

    long tenMinutes = 10 * 60_000;
    users.evictIdle(now + 7_500 + tenMinutes); // users 5000..7499 have been idle for more than ten minutes
    assertThat(users.size()).isEqualTo(2_500);
    users.evictIdle(now + 10_000 + tenMinutes);
    assertThat(users.size()).isZero();
  }
}
