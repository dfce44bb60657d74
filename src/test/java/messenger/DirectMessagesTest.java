package messenger;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.vertx.core.json.JsonObject;
import messenger.rooms.DirectMessage;
import messenger.rooms.Room;
import messenger.testing.BridgeClient;
import messenger.testing.FakeOidcProvider;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Direct messages between signed-in people, against the real broker: two members open one and talk; a third
 * signed-in person and a name-only one are refused on every route (/send, /history) and on the bridge; the id can
 * be neither guessed nor taken by a room; the conversation is in the room log, so an instance started later lists
 * it and serves it. People sign in through a small fake OpenID Connect provider ({@link FakeOidcProvider}): what is
 * tested here is what Messenger does with an account, not the provider (OidcSignInTest runs the real Keycloak).
 */
@NeedsRabbitMQ("the room log (a stream) keeps direct messages, and a second instance reads it")
class DirectMessagesTest {

  private static final JsonObject NO_LIMITS = new JsonObject()
    .put("chat", new JsonObject().put("ratePerSecond", 1000).put("rateBurst", 1000));
  private static FakeOidcProvider provider;
  private static JsonObject config;
  private static TestApp app;

  @BeforeAll
  static void start() {
    provider = new FakeOidcProvider("messenger");
    config = NO_LIMITS.copy().put("auth", new JsonObject().put("nameLogin", true).put("oidc", new JsonObject()
      .put("issuer", provider.issuer).put("clientId", "messenger").put("clientSecret", "s3cret").put("name", "Fake")
      .put("discoveryRetryMs", 200)));
    app = TestApp.start(config);
    awaitDiscovered(app);
  }

  @AfterAll
  static void stop() {
    app.close();
    provider.close();
  }

  private static void awaitDiscovered(TestApp instance) {
    await("the provider discovered").atMost(Duration.ofSeconds(10))
      .untilAsserted(() -> assertThat(new User(instance.baseUrl(), "x").get("/").body()).contains("href=\"/login/oidc\""));
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  private static HttpResponse<String> open(User user, String with) {
    return user.post("/dms", "application/json", new JsonObject().put("with", with).encode());
  }

  /** Opens a conversation with someone who just came online (presence takes a moment to say so). */
  private static JsonObject openWith(User user, String with) {
    HttpResponse<String> opened = await("a conversation with " + with).atMost(Duration.ofSeconds(10))
      .until(() -> open(user, with), res -> res.statusCode() != 404);
    assertThat(opened.statusCode()).as(opened.body()).isEqualTo(201);
    return new JsonObject(opened.body());
  }

  private static void assertError(HttpResponse<String> res, int status, String code) {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    assertThat(new JsonObject(res.body()).getString("error")).isEqualTo(code);
    assertThat(new JsonObject(res.body()).getString("message")).isNotBlank();
  }

  private static List<String> dmIds(User user) {
    HttpResponse<String> res = user.get("/dms");
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    return new JsonObject(res.body()).getJsonArray("dms").stream().map(d -> ((JsonObject) d).getString("id")).toList();
  }

  /** Sends probes into the conversation until each socket got one: its registration has gone through. */
  private static void awaitFollowing(User sender, String dm, BridgeClient... bridges) {
    await("a probe in the conversation on every socket").atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO).until(() -> {
      String id = "probe-" + UUID.randomUUID();
      assertThat(sender.send("probe", id, dm).statusCode()).isEqualTo(202);
      boolean all = true;
      for (BridgeClient bridge : bridges) {
        all &= bridge.await(Addresses.room(dm), m -> id.equals(m.getString("id")), 2000) != null;
      }
      return all;
    });
  }

  /** The first error frame that arrives within the time, or null. */
  private static JsonObject errorFrame(BridgeClient bridge, long millis) throws InterruptedException {
    return bridge.drain(millis).stream().filter(f -> "err".equals(f.getString("type"))).findFirst().orElse(null);
  }

  @Test
  void twoMembersTalkAndNobodyElseCanReadSendOrListen() throws Exception {
    User ada = provider.signIn(app.baseUrl(), unique("ada"));
    User bob = provider.signIn(app.baseUrl(), unique("bob"));
    User cy = provider.signIn(app.baseUrl(), unique("cy"));
    User dora = app.user(unique("dora"));
    try (BridgeClient bobsTab = app.bridge(bob).register(Addresses.CHAT_DMS);
         BridgeClient adasTab = app.bridge(ada);
         BridgeClient cysTab = app.bridge(cy).register(Addresses.CHAT_DMS);
         BridgeClient dorasTab = app.bridge(dora);
         Connection connection = messenger.testing.RabbitBroker.connect(); Channel channel = connection.createChannel()) {
      JsonObject dm = openWith(ada, bob.name);
      String id = dm.getString("id");
      assertThat(id).matches(DirectMessage.ID.pattern()).doesNotMatch(Room.NAME.pattern());
      assertThat(dm.getJsonObject("with")).isEqualTo(new JsonObject().put("id", provider.accountId(bob.name)).put("name", bob.name));

      // Bob hears of it on his own sockets only; Cy, listening on the same address, hears nothing.
      JsonObject notice = bobsTab.await(Addresses.CHAT_DMS, n -> "opened".equals(n.getString("type")), 10_000);
      assertThat(notice).isNotNull();
      assertThat(notice.getJsonObject("dm").getString("id")).isEqualTo(id);
      assertThat(notice.getJsonObject("dm").getJsonObject("with").getString("name")).isEqualTo(ada.name);
      assertThat(cysTab.collect(Addresses.CHAT_DMS, 300)).isEmpty();

      // Opening it again, by name or account id, from either side, is the same conversation.
      HttpResponse<String> again = open(ada, provider.accountId(bob.name));
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(again.body()).getString("id")).isEqualTo(id);
      assertThat(new JsonObject(open(bob, ada.name).body()).getString("id")).isEqualTo(id);
      assertThat(dmIds(ada)).containsExactly(id);
      assertThat(dmIds(bob)).containsExactly(id);
      assertThat(dmIds(cy)).isEmpty();

      String queue = channel.queueDeclare("", false, true, true, null).getQueue();
      channel.queueBind(queue, app.exchange, "");
      adasTab.register(Addresses.room(id));
      bobsTab.register(Addresses.room(id));
      awaitFollowing(ada, id, adasTab, bobsTab);
      // The others cannot listen: each is told so, and gets none of its messages.
      cysTab.register(Addresses.room(id));
      dorasTab.register(Addresses.room(id));
      for (BridgeClient outsider : List.of(cysTab, dorasTab)) {
        JsonObject refused = errorFrame(outsider, 500);
        assertThat(refused).as("an error frame").isNotNull();
        assertThat(refused.getString("body")).isEqualTo("unknown_room");
      }

      assertThat(ada.send("hello bob", "dm-1", id).statusCode()).isEqualTo(202);
      assertThat(bob.send("hello ada", "dm-2", id).statusCode()).isEqualTo(202);
      assertThat(bobsTab.await(Addresses.room(id), m -> "dm-1".equals(m.getString("id")), 10_000)).isNotNull();
      assertThat(adasTab.await(Addresses.room(id), m -> "dm-2".equals(m.getString("id")), 10_000)).isNotNull();
      for (User member : List.of(ada, bob)) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(member.history("?room=" + id))
          .extracting(m -> m.getString("text")).contains("hello bob", "hello ada"));
      }
      assertThat(ada.history("?room=" + id)).filteredOn(m -> "dm-1".equals(m.getString("id")))
        .singleElement().satisfies(m -> {
          assertThat(m.getString("room")).isEqualTo(id);
          assertThat(m.getString("senderId")).isEqualTo(provider.accountId(ada.name));
        });
      assertThat(ada.history("?limit=200")).as("general's history").extracting(m -> m.getString("text"))
        .doesNotContain("hello bob", "hello ada");

      // On the broker: the conversation's id in the header room, and both members' ids.
      GetResponse wire = await().atMost(Duration.ofSeconds(10)).until(() -> {
        GetResponse got = channel.basicGet(queue, true); // the probes first
        return got != null && "hello bob".equals(new String(got.getBody(), StandardCharsets.UTF_8)) ? got : null;
      }, r -> r != null);
      assertThat(wire.getProps().getHeaders().get("room")).hasToString(id);
      String adaId = provider.accountId(ada.name);
      String bobId = provider.accountId(bob.name);
      assertThat(wire.getProps().getHeaders().get("dm-members"))
        .hasToString(adaId.compareTo(bobId) < 0 ? adaId + "," + bobId : bobId + "," + adaId);

      // A third signed-in person and a name-only one: the same answer as for a conversation that does not exist.
      for (User outsider : List.of(cy, dora)) {
        assertError(outsider.send("let me in", null, id), 404, "unknown_room");
        assertError(outsider.get("/history?room=" + id), 404, "unknown_room");
        assertError(outsider.get("/history?room=" + id + "&after=0"), 404, "unknown_room");
      }
      assertThat(cysTab.collect(Addresses.room(id), 300)).isEmpty();
      assertThat(dorasTab.collect(Addresses.room(id), 0)).isEmpty();
      String unknown = "dm." + "A".repeat(22);
      assertError(ada.send("anyone?", null, unknown), 404, "unknown_room");
      assertError(ada.get("/history?room=" + unknown), 404, "unknown_room");
    }
  }

  @Test
  void aNameOnlySessionHasNoDirectMessagesAndBadTargetsAreRefused() throws Exception {
    User eve = provider.signIn(app.baseUrl(), unique("eve"));
    User fay = app.user(unique("fay"));
    assertError(fay.get("/dms"), 403, "accounts_only");
    assertError(open(fay, eve.name), 403, "accounts_only");
    try (BridgeClient faysTab = app.bridge(fay)) {
      // Fay is online, but with a name only.
      HttpResponse<String> notSignedIn = await().atMost(Duration.ofSeconds(10))
        .until(() -> open(eve, fay.name), res -> res.statusCode() != 404);
      assertError(notSignedIn, 400, "not_signed_in");
    }
    assertError(open(eve, "nobody-" + UUID.randomUUID().toString().substring(0, 8)), 404, "unknown_person");
    assertError(open(eve, eve.name), 400, "self");
    assertError(open(eve, provider.accountId(eve.name)), 400, "self");
    assertError(open(eve, ""), 400, "invalid_person");
    assertError(open(eve, "x".repeat(65)), 400, "invalid_person");
    assertError(eve.post("/dms", "application/json", "{\"with\": 42}"), 400, "invalid_person");
    assertError(eve.post("/dms", "application/json", "not json"), 400, "malformed_json");
    assertError(eve.post("/dms", "text/plain", "{}"), 415, "unsupported_media_type");
    assertThat(new User(app.baseUrl(), "nobody").get("/dms").statusCode()).isEqualTo(401);
  }

  @Test
  void openingNewConversationsTooFastIs429AndHarmsNobodyElse() throws Exception {
    User flooder = provider.signIn(app.baseUrl(), unique("flood"));
    User other = provider.signIn(app.baseUrl(), unique("other"));
    List<User> people = new ArrayList<>();
    List<BridgeClient> tabs = new ArrayList<>();
    try {
      for (int i = 0; i < 7; i++) { // online: a conversation is opened with someone online now
        User person = provider.signIn(app.baseUrl(), unique("p" + i));
        people.add(person);
        tabs.add(app.bridge(person));
      }
      // rooms.openDmBurst (5) at once, then rooms.openDmPerMinute: each new one is written to the room log for good.
      List<Integer> statuses = new ArrayList<>();
      for (User person : people.subList(0, 6)) {
        statuses.add(await("a conversation with " + person.name).atMost(Duration.ofSeconds(10))
          .until(() -> open(flooder, person.name), res -> res.statusCode() != 404).statusCode());
      }
      assertThat(statuses).startsWith(201, 201, 201, 201, 201).contains(429);
      assertError(open(flooder, people.get(6).name), 429, "too_fast");
      // One that exists writes nothing: it still opens, as does another person's new one.
      assertThat(open(flooder, people.get(0).name).statusCode()).isEqualTo(200);
      assertThat(openWith(other, people.get(6).name).getJsonObject("with").getString("name")).isEqualTo(people.get(6).name);
      assertThat(flooder.send("still here").statusCode()).isEqualTo(202);
    } finally {
      tabs.forEach(BridgeClient::close);
    }
  }

  @Test
  void theIdCannotBeGuessedNorTakenByARoom() {
    String a = "YWRhLWFjY291bnQtaWQtMDE";
    String b = "Ym9iLWFjY291bnQtaWQtMDI";
    String id = DirectMessage.idOf(TestApp.SECRET, a, b);
    assertThat(id).matches(DirectMessage.ID.pattern()).startsWith("dm.").hasSize(25);
    assertThat(DirectMessage.idOf(TestApp.SECRET, b, a)).as("the same whoever opens it").isEqualTo(id);
    assertThat(DirectMessage.idOf("another-deployment's-secret-of-32-chars", a, b)).as("keyed by the secret").isNotEqualTo(id);
    assertThat(DirectMessage.idOf(TestApp.SECRET, a, "Y2Fyb2wtYWNjb3VudC1pZC0wMw")).isNotEqualTo(id);
    assertThat(Room.isValidName(id)).isFalse();
    HttpResponse<String> taken = app.user(unique("maker")).createRoom(id, null);
    assertError(taken, 400, "invalid_name");
  }

  @Test
  void conversationsSurviveAReloadAndShowOnAnInstanceStartedLater() throws Exception {
    User gus = provider.signIn(app.baseUrl(), unique("gus"));
    User hana = provider.signIn(app.baseUrl(), unique("hana"));
    User cy = provider.signIn(app.baseUrl(), unique("cy"));
    String id;
    try (BridgeClient hanasTab = app.bridge(hana)) {
      id = openWith(gus, hana.name).getString("id");
    }
    assertThat(gus.send("before the second instance", "later-1", id).statusCode()).isEqualTo(202);
    // Stopped, not closed: closing deletes the chat's exchange and streams, which the first instance still uses.
    TestApp later = TestApp.start(app.exchange, app.stream, config);
    awaitDiscovered(later);
    try {
      User hanaThere = hana.via(later.baseUrl());
      User gusThere = gus.via(later.baseUrl());
      assertThat(dmIds(hanaThere)).containsExactly(id);
      assertThat(new JsonObject(hanaThere.get("/dms").body()).getJsonArray("dms").getJsonObject(0).getJsonObject("with")
        .getString("name")).isEqualTo(gus.name);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(hanaThere.history("?room=" + id))
        .extracting(m -> m.getString("text")).contains("before the second instance"));
      try (BridgeClient hanasTabThere = later.bridge(hanaThere).register(Addresses.room(id));
           BridgeClient cysTabThere = later.bridge(cy.via(later.baseUrl())).register(Addresses.room(id))) {
        awaitFollowing(gusThere, id, hanasTabThere);
        assertThat(errorFrame(cysTabThere, 300)).isNotNull();
        assertThat(cysTabThere.collect(Addresses.room(id), 300)).isEmpty();
      }
      assertError(cy.via(later.baseUrl()).get("/history?room=" + id), 404, "unknown_room");
    } finally {
      later.stop();
    }
    // Back on the first instance, as after a reload: still there.
    assertThat(dmIds(gus)).containsExactly(id);
    assertThat(gus.history("?room=" + id)).extracting(m -> m.getString("text")).contains("before the second instance");
  }
}
