package messenger;

import io.vertx.core.json.JsonObject;
import messenger.testing.BridgeClient;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two chats (two exchanges) on one broker never meet: each derives every other broker name from its own
 * exchange, presence included, so nobody of one chat is online in the other or holds a name there.
 */
@ExtendWith(RabbitBroker.class)
@NeedsRabbitMQ("two chats must share one broker")
class SeparateChatsTest {

  private static final long HEARTBEAT = 300;

  private static List<String> online(User viewer) {
    return new JsonObject(viewer.get("/presence").body()).getJsonArray("online").stream().map(Object::toString).toList();
  }

  @Test
  void peopleOfOneChatAreNeitherOnlineNorHoldNamesInAnother() {
    JsonObject fast = new JsonObject().put("presence", new JsonObject().put("heartbeatMs", HEARTBEAT));
    try (TestApp first = TestApp.start(fast); TestApp second = TestApp.start(fast)) {
      User alice = first.user("alice");
      User bob = second.user("bob");
      try (BridgeClient aliceTab = first.bridge(alice); BridgeClient bobTab = second.bridge(bob)) {
        await("each chat to list its own user").atMost(Duration.ofSeconds(10))
          .until(() -> online(alice).contains("alice") && online(bob).contains("bob"));
        // Each instance announces its own users at once and every heartbeat: a shared presence exchange would
        // show alice to bob well within five heartbeats.
        await("five heartbeats with each chat to itself").during(Duration.ofMillis(5 * HEARTBEAT))
          .atMost(Duration.ofMillis(10 * HEARTBEAT)).pollInterval(Duration.ofMillis(50))
          .untilAsserted(() -> {
            assertThat(online(bob)).as("the second chat's list").containsExactly("bob");
            assertThat(online(alice)).as("the first chat's list").containsExactly("alice");
          });
        assertThat(new User(second.baseUrl(), "alice").login().statusCode()).as("alice's name is free in the other chat")
          .isEqualTo(303);
      }
    }
  }
}
