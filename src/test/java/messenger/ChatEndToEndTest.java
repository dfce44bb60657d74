package messenger;

import io.vertx.core.json.JsonObject;
import messenger.testing.BridgeClient;
import messenger.testing.Probe;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Three people chat through the HTTP routes and the bridge, against the real broker. */
@ExtendWith(RabbitBroker.class)
class ChatEndToEndTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass();

  @Test
  void everyoneReceivesEveryMessageOnceInTheSameOrder() throws Exception {
    List<User> users = List.of(app.user("alice"), app.user("bob"), app.user("carol"));
    List<BridgeClient> bridges = new ArrayList<>();
    for (User user : users) {
      bridges.add(app.bridge(user).register(Addresses.CHAT_MESSAGES));
    }
    Probe.awaitDelivery(users.get(0), bridges.toArray(BridgeClient[]::new));

    List<String> sentIds = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      for (User user : users) {
        String id = UUID.randomUUID().toString();
        HttpResponse<String> res = user.send(user.name + " says " + round, id);
        assertThat(res.statusCode()).isEqualTo(202);
        assertThat(new JsonObject(res.body()).getString("id")).isEqualTo(id);
        sentIds.add(id);
      }
    }

    List<List<JsonObject>> received = new ArrayList<>();
    for (BridgeClient bridge : bridges) {
      List<JsonObject> messages = bridge.messages(15, 10_000);
      messages.addAll(bridge.drain(300)); // anything extra would be a duplicate
      received.add(messages);
    }
    for (List<JsonObject> messages : received) {
      assertThat(messages).extracting(m -> m.getString("id")).containsExactlyInAnyOrderElementsOf(sentIds);
      assertThat(messages).extracting(m -> m.getLong("seq")).isSorted().doesNotHaveDuplicates();
      assertThat(messages).allSatisfy(m -> {
        assertThat(m.fieldNames()).containsExactlyInAnyOrder("seq", "id", "room", "sender", "text", "ts");
        assertThat(m.getString("room")).isEqualTo("general");
        assertThat(m.getString("text")).startsWith(m.getString("sender") + " says ");
      });
    }
    assertThat(received.get(1)).isEqualTo(received.get(0));
    assertThat(received.get(2)).isEqualTo(received.get(0));
    // Each user's own messages arrive in the order they were sent.
    for (User user : users) {
      assertThat(received.get(0)).filteredOn(m -> m.getString("sender").equals(user.name))
        .extracting(m -> m.getString("text"))
        .containsExactly(user.name + " says 0", user.name + " says 1", user.name + " says 2",
          user.name + " says 3", user.name + " says 4");
    }
    bridges.forEach(BridgeClient::close);
  }

  @Test
  void htmlInAMessageArrivesAsPlainText() throws Exception {
    User mallory = app.user("mallory");
    BridgeClient bridge = app.bridge(mallory).register(Addresses.CHAT_MESSAGES);
    Probe.awaitDelivery(mallory, bridge);
    String hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    assertThat(mallory.send(hostile).statusCode()).isEqualTo(202);
    List<JsonObject> messages = bridge.messages(1, 10_000);
    assertThat(messages).singleElement().satisfies(m -> assertThat(m.getString("text")).isEqualTo(hostile));
    bridge.close();
  }

  @Test
  void theSenderIsTheSessionsUserWhateverTheBodySays() throws Exception {
    User eve = app.user("eve");
    BridgeClient bridge = app.bridge(eve).register(Addresses.CHAT_MESSAGES);
    Probe.awaitDelivery(eve, bridge);
    HttpResponse<String> res = eve.post("/send", "application/json",
      new JsonObject().put("text", "I am alice").put("sender", "alice").encode());
    assertThat(res.statusCode()).isEqualTo(202);
    assertThat(bridge.messages(1, 10_000)).singleElement()
      .satisfies(m -> assertThat(m.getString("sender")).isEqualTo("eve"));
    bridge.close();
  }

  @Test
  void historyAfterASeqReturnsExactlyTheLaterMessages() {
    User dave = app.user("dave");
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      assertThat(dave.send("history " + i).statusCode()).isEqualTo(202);
    }
    dave.awaitInHistory("history 5");
    JsonObject newest = new JsonObject(dave.get("/history?limit=6").body());
    newest.getJsonArray("messages").forEach(m -> seqs.add(((JsonObject) m).getLong("seq")));
    assertThat(seqs).hasSize(6).isSorted();

    JsonObject after = new JsonObject(dave.get("/history?after=" + seqs.get(2)).body());
    assertThat(after.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getLong("seq")).toList())
      .isEqualTo(seqs.subList(3, 6));
    assertThat(after.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getString("text")).toList())
      .containsExactly("history 3", "history 4", "history 5");

    JsonObject limited = new JsonObject(dave.get("/history?after=" + seqs.get(0) + "&limit=2").body());
    assertThat(limited.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getLong("seq")).toList())
      .isEqualTo(seqs.subList(1, 3));
  }

  @Test
  void aRetryWithTheSameIdIsDeliveredOnce() throws Exception {
    User frank = app.user("frank");
    BridgeClient bridge = app.bridge(frank).register(Addresses.CHAT_MESSAGES);
    Probe.awaitDelivery(frank, bridge);
    String id = UUID.randomUUID().toString();
    assertThat(frank.send("once", id).statusCode()).isEqualTo(202);
    assertThat(frank.send("once", id).statusCode()).isEqualTo(202);
    List<JsonObject> got = bridge.messages(2, 2_000);
    assertThat(got).extracting(m -> m.getString("id")).containsExactly(id);
    bridge.close();
  }
}
