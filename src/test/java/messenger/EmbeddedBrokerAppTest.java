package messenger;

import io.vertx.core.json.JsonObject;
import messenger.testing.BridgeClient;
import messenger.testing.LogCapture;
import messenger.testing.Probe;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The app on its embedded broker (no RabbitMQ involved). */
class EmbeddedBrokerAppTest {

  private static final JsonObject EMBEDDED = new JsonObject().put("rabbitmq", new JsonObject().put("embedded", "always"));

  @Test
  void twoPeopleChatOnTheEmbeddedBroker() throws Exception {
    try (TestApp app = TestApp.start(EMBEDDED)) {
      User ann = app.user("ann");
      User ben = app.user("ben");
      BridgeClient annBridge = app.bridge(ann).register(Addresses.CHAT_MESSAGES);
      BridgeClient benBridge = app.bridge(ben).register(Addresses.CHAT_MESSAGES);
      Probe.awaitDelivery(ann, annBridge, benBridge);

      String retried = UUID.randomUUID().toString();
      assertThat(ann.send("hi Ben", retried).statusCode()).isEqualTo(202);
      assertThat(ann.send("hi Ben", retried).statusCode()).as("a retry with the same id").isEqualTo(202);
      assertThat(ben.send("hi Ann").statusCode()).isEqualTo(202);
      assertThat(ann.send("bye").statusCode()).isEqualTo(202);

      List<JsonObject> seenByAnn = annBridge.messages(3, 10_000);
      seenByAnn.addAll(annBridge.drain(300)); // anything more would be a duplicate
      List<JsonObject> seenByBen = benBridge.messages(3, 10_000);
      seenByBen.addAll(benBridge.drain(300));
      assertThat(seenByAnn).extracting(m -> m.getString("sender") + ": " + m.getString("text"))
        .containsExactly("ann: hi Ben", "ben: hi Ann", "ann: bye");
      assertThat(seenByBen).isEqualTo(seenByAnn);
      assertThat(seenByAnn).extracting(m -> m.getLong("seq")).isSorted().doesNotHaveDuplicates();

      long firstSeq = seenByAnn.get(0).getLong("seq");
      JsonObject later = new JsonObject(ben.get("/history?after=" + firstSeq).body());
      assertThat(later.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getString("text")).toList())
        .containsExactly("hi Ann", "bye");

      annBridge.close();
      benBridge.close();
    }
  }

  @Test
  void roomsLiveInTheInstanceOnTheEmbeddedBroker() throws Exception {
    try (TestApp app = TestApp.start(EMBEDDED)) {
      User cat = app.user("cat");
      assertThat(cat.createRoom("ops", "deploys").statusCode()).isEqualTo(201);
      assertThat(cat.createRoom("ops", null).statusCode()).isEqualTo(409);
      assertThat(cat.rooms()).containsExactly("general", "ops");
      try (BridgeClient inOps = app.bridge(cat).register(Addresses.room("ops"));
           BridgeClient inGeneral = app.bridge(cat).register(Addresses.CHAT_MESSAGES)) {
        Probe.awaitDelivery(cat, inGeneral);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
          String id = UUID.randomUUID().toString();
          cat.send("probe", id, "ops");
          return inOps.await(Addresses.room("ops"), m -> id.equals(m.getString("id")), 1000) != null;
        });
        assertThat(cat.send("in ops", null, "ops").statusCode()).isEqualTo(202);
        assertThat(inOps.await(Addresses.room("ops"), m -> "in ops".equals(m.getString("text")), 5000)).isNotNull();
        assertThat(inGeneral.drain(300)).noneMatch(f -> f.getJsonObject("body").getString("room").equals("ops"));
      }
      assertThat(cat.history("?room=ops&limit=1")).extracting(m -> m.getString("text")).containsExactly("in ops");
      assertThat(cat.history("?limit=200")).extracting(m -> m.getString("text")).doesNotContain("in ops");
    }
  }

  @Test
  void healthAndTheLogSayTheEmbeddedBrokerIsATryOut() {
    try (LogCapture log = new LogCapture(); TestApp app = TestApp.start(EMBEDDED)) {
      await("the log to say the broker is available").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(log.messages()).anyMatch(m -> m.startsWith("The embedded broker (Qpid) is available")));
      assertThat(log.messages()).noneMatch(m -> m.contains("RabbitMQ is"));
      JsonObject health = new JsonObject(app.user("ann").get("/health").body());
      assertThat(health.getString("status")).isEqualTo("UP");
      JsonObject broker = TestApp.healthCheck(health, "rabbitmq").getJsonObject("data").getJsonObject("broker");
      assertThat(broker.getString("kind")).isEqualTo("embedded");
      assertThat(broker.getBoolean("tryOut")).isTrue();
      assertThat(broker.getString("warning"))
        .contains("trying Messenger out").contains("one instance").contains("does not survive a restart").contains("RABBITMQ_URI");
    }
  }

  @Test
  void seqKeepsGrowingAcrossARestartSoOpenBrowsersKeepTheirOrder() {
    long before;
    try (TestApp app = TestApp.start(EMBEDDED)) {
      User cat = app.user("cat");
      assertThat(cat.send("before the restart").statusCode()).isEqualTo(202);
      before = lastSeq(cat);
    }
    try (TestApp app = TestApp.start(EMBEDDED)) {
      User cat = app.user("cat");
      assertThat(cat.send("after the restart").statusCode()).isEqualTo(202);
      assertThat(lastSeq(cat)).isGreaterThan(before);
    }
  }

  /**
   * No stream: the log is what the instance holds (here its newest 5 messages). A page says {@code complete} at
   * the oldest it holds, and {@code expired} once it has dropped older ones, or for seqs of an earlier run.
   */
  @Test
  void theHistoryIsWhatTheInstanceHolds() {
    JsonObject config = EMBEDDED.copy().put("chat", new JsonObject().put("historySize", 5).put("rateBurst", 100));
    try (TestApp app = TestApp.start(config)) {
      User ann = app.user("ann");
      for (int i = 0; i < 3; i++) {
        assertThat(ann.send("m " + i).statusCode()).isEqualTo(202);
      }
      ann.awaitInHistory("m 2");
      JsonObject all = ann.historyPage("?limit=50");
      assertThat(texts(all)).containsExactly("m 0", "m 1", "m 2");
      assertThat(all.getBoolean("complete")).isTrue();
      assertThat(all.getBoolean("expired")).isFalse();
      long firstSeq = User.messages(all).get(0).getLong("seq");

      for (int i = 3; i < 8; i++) {
        assertThat(ann.send("m " + i).statusCode()).isEqualTo(202);
      }
      ann.awaitInHistory("m 7");
      JsonObject held = ann.historyPage("?limit=50");
      assertThat(texts(held)).containsExactly("m 3", "m 4", "m 5", "m 6", "m 7");
      assertThat(held.getBoolean("complete")).isTrue();
      assertThat(held.getBoolean("expired")).as("m 0 to m 2 were dropped").isTrue();
      List<Long> seqs = User.messages(held).stream().map(m -> m.getLong("seq")).toList();

      JsonObject afterDropped = ann.historyPage("?after=" + firstSeq);
      assertThat(texts(afterDropped)).containsExactly("m 3", "m 4", "m 5", "m 6", "m 7");
      assertThat(afterDropped.getBoolean("expired")).isTrue();
      JsonObject afterHeld = ann.historyPage("?after=" + seqs.get(1));
      assertThat(texts(afterHeld)).containsExactly("m 5", "m 6", "m 7");
      assertThat(afterHeld.getBoolean("expired")).isFalse();
      assertThat(afterHeld.getBoolean("complete")).isFalse();
      JsonObject beforeOldest = ann.historyPage("?before=" + seqs.get(0));
      assertThat(texts(beforeOldest)).isEmpty();
      assertThat(beforeOldest.getBoolean("complete")).isTrue();
      assertThat(beforeOldest.getBoolean("expired")).isTrue();
      JsonObject earlierRun = ann.historyPage("?after=5");
      assertThat(earlierRun.getBoolean("expired")).as("seqs of an earlier run").isTrue();
      assertThat(texts(earlierRun)).containsExactly("m 3", "m 4", "m 5", "m 6", "m 7");
    }
  }

  private static List<String> texts(JsonObject page) {
    return User.messages(page).stream().map(m -> m.getString("text")).toList();
  }

  /** The seq of the user's newest message, once the chat log delivered it (a 202 only means confirmed). */
  private static long lastSeq(User user) {
    return await("the message in the history").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
      .until(() -> user.history("?limit=1"), messages -> !messages.isEmpty())
      .get(0).getLong("seq");
  }
}
