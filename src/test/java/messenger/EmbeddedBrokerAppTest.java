package messenger;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import messenger.broker.EmbeddedBroker;
import messenger.testing.BridgeClient;
import messenger.testing.Probe;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The app on its embedded broker (no RabbitMQ involved), and an external broker without streams refused. */
class EmbeddedBrokerAppTest {

  private static final JsonObject EMBEDDED = new JsonObject().put("rabbitmq", new JsonObject().put("embedded", "always"));

  @Test
  void twoPeopleChatOnTheEmbeddedBrokerAndHealthSaysItIsATryOut() throws Exception {
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

      JsonObject health = new JsonObject(ann.get("/health").body());
      assertThat(health.getString("status")).isEqualTo("UP");
      JsonObject broker = health.getJsonArray("checks").getJsonObject(0).getJsonObject("data").getJsonObject("broker");
      assertThat(broker.getString("kind")).isEqualTo("embedded");
      assertThat(broker.getString("warning"))
        .contains("trying Messenger out").contains("one instance").contains("does not survive a restart").contains("RABBITMQ_URI");
      annBridge.close();
      benBridge.close();
    }
  }

  @Test
  void seqKeepsGrowingAcrossARestartSoOpenBrowsersKeepTheirOrder() throws InterruptedException {
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

  /** The seq of the user's newest message, once the chat log delivered it (a 202 only means confirmed). */
  private static long lastSeq(User user) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      JsonObject page = new JsonObject(user.get("/history?limit=1").body());
      if (!page.getJsonArray("messages").isEmpty()) {
        return page.getJsonArray("messages").getJsonObject(0).getLong("seq");
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the message never reached the history");
  }

  @Test
  void anExternalBrokerWithoutStreamsIsRefusedAtStartUp() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (EmbeddedBroker noStreams = EmbeddedBroker.start()) {
      JsonObject config = new JsonObject()
        .put("http", new JsonObject().put("port", TestApp.freePort()).put("instances", 1))
        .put("session", new JsonObject().put("secret", "test-secret"))
        .put("rabbitmq", new JsonObject().put("uri", noStreams.uri()).put("embedded", "never"));
      assertThatThrownBy(() -> vertx.deployVerticle(new MainVerticle(), new DeploymentOptions().setConfig(config)).await())
        .hasMessageContaining("needs RabbitMQ 3.9 or newer");
      assertThat(vertx.deploymentIDs()).as("nothing left running").isEmpty();
    } finally {
      vertx.close().await();
    }
  }
}
