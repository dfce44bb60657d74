package messenger;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.vertx.core.json.JsonObject;
import messenger.testing.BridgeClient;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rooms: the registry (GET and POST /rooms, durable in the room log and the same on every instance), messages that
 * carry their room (the AMQP header, the bus payload, /send and /history by room) and live delivery per room.
 */
@ExtendWith(RabbitBroker.class)
class RoomsTest {

  /** Little memory (5 messages for 2 rooms), so that a room's history beyond it is read from the stream. */
  private static final JsonObject CONFIG = new JsonObject()
    .put("chat", new JsonObject().put("historySize", 5).put("ratePerSecond", 1000).put("rateBurst", 1000))
    .put("rooms", new JsonObject().put("historyRooms", 2));

  @RegisterExtension
  static final TestApp app = TestApp.perClass(CONFIG);

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A room made by a user of its own (creating is limited per session). */
  private static String newRoom() {
    String name = unique("room");
    assertThat(app.user(unique("maker")).createRoom(name, null).statusCode()).isEqualTo(201);
    return name;
  }

  private static JsonObject error(HttpResponse<String> res) {
    return new JsonObject(res.body());
  }

  private static void assertError(HttpResponse<String> res, int status, String code) {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    assertThat(error(res).getString("error")).isEqualTo(code);
    assertThat(error(res).getString("message")).isNotBlank();
  }

  /** Sends probes into {@code room} until each socket got one on the room's address. */
  private static void awaitFollowing(User sender, String room, BridgeClient... bridges) {
    await("a probe in " + room + " on every socket").atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO).until(() -> {
      String id = "probe-" + UUID.randomUUID();
      assertThat(sender.send("probe", id, room).statusCode()).isEqualTo(202);
      boolean all = true;
      for (BridgeClient bridge : bridges) {
        all &= bridge.await(Addresses.room(room), m -> id.equals(m.getString("id")), 2000) != null;
      }
      return all;
    });
  }

  @Test
  void generalAlwaysExistsAndACreatedRoomIsListedWithItsTopicAndCreator() {
    User ann = app.user(unique("ann"));
    assertThat(ann.rooms()).first().isEqualTo("general");

    String name = unique("ops");
    HttpResponse<String> created = ann.createRoom(name, "  Deploys and incidents ");
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(new JsonObject(created.body())).isEqualTo(new JsonObject().put("name", name));

    JsonObject listed = new JsonObject(ann.get("/rooms").body()).getJsonArray("rooms").stream()
      .map(r -> (JsonObject) r).filter(r -> name.equals(r.getString("name"))).findFirst().orElseThrow();
    assertThat(listed.fieldNames()).containsExactlyInAnyOrder("name", "topic", "createdBy", "createdAt");
    assertThat(listed.getString("topic")).isEqualTo("Deploys and incidents");
    assertThat(listed.getString("createdBy")).isEqualTo(ann.name);
    assertThat(listed.getLong("createdAt")).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
  }

  @Test
  void badNamesAndTopicsAreRefusedAndATakenNameIsAConflict() {
    User bob = app.user(unique("bob"));
    for (String bad : List.of("Ops", "-ops", "", "ops room", "ops!", "é", "a".repeat(33))) {
      assertError(bob.createRoom(bad, null), 400, "invalid_name");
    }
    assertError(bob.post("/rooms", "application/json", "{\"name\": 42}"), 400, "invalid_name");
    assertError(bob.post("/rooms", "application/json", "{}"), 400, "invalid_name");
    assertError(bob.post("/rooms", "application/json", "[\"ops\"]"), 400, "malformed_json");
    assertError(bob.post("/rooms", "text/plain", "{\"name\": \"ops\"}"), 415, "unsupported_media_type");
    assertError(bob.createRoom(unique("t"), "x".repeat(201)), 400, "invalid_topic");
    assertError(bob.createRoom(unique("t"), "two\nlines"), 400, "invalid_topic");
    assertError(bob.post("/rooms", "application/json", new JsonObject().put("name", unique("t")).put("topic", 7).encode()),
      400, "invalid_topic");
    assertThat(bob.createRoom(unique("t"), "y".repeat(200)).statusCode()).as("a topic of 200 characters").isEqualTo(201);

    assertError(bob.createRoom("general", null), 409, "exists");
    String taken = newRoom();
    assertError(bob.createRoom(taken, "again"), 409, "exists");
  }

  @Test
  void creatingRoomsFastIsRefusedPerSession() {
    User flooder = app.user(unique("flood"));
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      statuses.add(flooder.createRoom(unique("flood"), null).statusCode());
    }
    assertThat(statuses).startsWith(201, 201, 201).contains(429);
    assertError(flooder.createRoom(unique("flood"), null), 429, "too_fast");
    assertThat(app.user(unique("other")).createRoom(unique("calm"), null).statusCode()).as("another session").isEqualTo(201);
  }

  @Test
  void withoutASessionRoomsAreRefused() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/rooms")).build(),
      HttpResponse.BodyHandlers.ofString());
    assertError(res, 401, "unauthenticated");
  }

  @Test
  void theChatPageOpensOnARoomInItsPath() {
    User kim = app.user(unique("kim"));
    assertThat(kim.get("/chat/" + newRoom()).statusCode()).isEqualTo(200);
    assertThat(kim.get("/chat/Not-A-Room").statusCode()).isEqualTo(404);
    assertThat(new User(app.baseUrl(), "nobody").get("/chat/general").statusCode()).as("without a session").isEqualTo(303);
  }

  @Test
  void anUnknownRoomIsNotFoundForSendAndHistory() {
    User cy = app.user(unique("cy"));
    assertError(cy.send("hello", null, unique("nowhere")), 404, "unknown_room");
    assertError(cy.send("hello", null, "Not A Room"), 404, "unknown_room");
    assertError(cy.get("/history?room=" + unique("nowhere")), 404, "unknown_room");
    assertError(cy.post("/send", "application/json", "{\"text\": \"hi\", \"room\": 5}"), 400, "bad_request");
  }

  @Test
  void aMessageInOneRoomNeverReachesASocketThatFollowsOnlyAnother() throws Exception {
    String a = newRoom();
    String b = newRoom();
    User dee = app.user(unique("dee"));
    try (BridgeClient inA = app.bridge(dee).register(Addresses.room(a));
         BridgeClient inB = app.bridge(dee).register(Addresses.room(b));
         BridgeClient inGeneral = app.bridge(dee).register(Addresses.CHAT_MESSAGES)) {
      awaitFollowing(dee, a, inA);
      awaitFollowing(dee, b, inB);
      inGeneral.drain(200);
      for (int i = 0; i < 5; i++) {
        assertThat(dee.send("a" + i, null, a).statusCode()).isEqualTo(202);
        assertThat(dee.send("b" + i, null, b).statusCode()).isEqualTo(202);
      }
      List<JsonObject> seenInA = inA.drain(1000);
      List<JsonObject> seenInB = inB.drain(100);
      assertThat(seenInA).extracting(f -> f.getString("address")).containsOnly(Addresses.room(a));
      assertThat(seenInA).extracting(f -> f.getJsonObject("body").getString("text")).containsExactly("a0", "a1", "a2", "a3", "a4");
      assertThat(seenInA).extracting(f -> f.getJsonObject("body").getString("room")).containsOnly(a);
      assertThat(seenInB).extracting(f -> f.getJsonObject("body").getString("text")).containsExactly("b0", "b1", "b2", "b3", "b4");
      assertThat(inGeneral.drain(100)).as("general's socket").isEmpty();
    }
  }

  @Test
  void generalsMessagesComeOnItsRoomAddressAndOnTheAliasAndASendWithoutARoomIsGenerals() throws Exception {
    User eve = app.user(unique("eve"));
    try (BridgeClient both = app.bridge(eve).register(Addresses.CHAT_MESSAGES).register(Addresses.room("general"))) {
      awaitFollowing(eve, "general", both);
      both.drain(500); // the probes' copies on the alias
      String id = UUID.randomUUID().toString();
      assertThat(eve.send("no room given", id).statusCode()).isEqualTo(202);
      List<JsonObject> frames = both.drain(800);
      assertThat(frames).extracting(f -> f.getString("address"))
        .containsExactlyInAnyOrder(Addresses.CHAT_MESSAGES, Addresses.room("general"));
      assertThat(frames).extracting(f -> f.getJsonObject("body")).allSatisfy(body -> {
        assertThat(body.getString("id")).isEqualTo(id);
        assertThat(body.getString("room")).isEqualTo("general");
      });
    }
  }

  @Test
  void aSocketMayFollowFiftyRooms() throws Exception {
    User fay = app.user(unique("fay"));
    List<String> rooms = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      User maker = app.user(unique("maker"));
      String name = unique("r" + i);
      assertThat(maker.createRoom(name, null).statusCode()).isEqualTo(201);
      rooms.add(name);
    }
    try (BridgeClient bridge = app.bridge(fay).register(Addresses.CHAT_MESSAGES).register(Addresses.CHAT_PRESENCE)
      .register(Addresses.CHAT_TYPING)) {
      rooms.forEach(room -> bridge.register(Addresses.room(room)));
      awaitFollowing(fay, rooms.get(49), bridge);
      assertThat(bridge.drain(300)).noneMatch(f -> "err".equals(f.getString("type")));
      String last = rooms.get(0);
      String id = UUID.randomUUID().toString();
      assertThat(fay.send("first room", id, last).statusCode()).isEqualTo(202);
      assertThat(bridge.await(Addresses.room(last), m -> id.equals(m.getString("id")), 5000)).isNotNull();
    }
  }

  @Test
  @NeedsRabbitMQ("history beyond memory is read from the stream")
  void eachRoomHasItsOwnHistoryPagedBackAndForthBeyondMemory() {
    String a = newRoom();
    String b = newRoom();
    String c = newRoom();
    User gus = app.user(unique("gus"));
    List<String> inA = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      assertThat(gus.send("a" + i, null, a).statusCode()).isEqualTo(202);
      inA.add("a" + i);
      assertThat(gus.send("b" + i, null, b).statusCode()).isEqualTo(202);
      assertThat(gus.send("c" + i, null, c).statusCode()).isEqualTo(202); // with two rooms in memory, one is always out
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
      assertThat(texts(gus.history("?room=" + c + "&limit=1"))).containsExactly("c11"));

    assertThat(texts(gus.history("?room=" + a + "&limit=200"))).containsExactlyElementsOf(inA);
    assertThat(texts(gus.history("?limit=200"))).as("general's").noneMatch(t -> t.matches("[abc]\\d+"));

    // Back from the newest, 5 at a time, until the page says it reached the first.
    List<String> back = new ArrayList<>();
    JsonObject page = gus.historyPage("?room=" + a + "&limit=5");
    while (true) {
      List<JsonObject> messages = User.messages(page);
      assertThat(messages).extracting(m -> m.getString("room")).containsOnly(a);
      List<String> texts = texts(messages);
      Collections.reverse(texts);
      back.addAll(texts);
      if (page.getBoolean("complete") || messages.isEmpty()) {
        break;
      }
      page = gus.historyPage("?room=" + a + "&limit=5&before=" + messages.get(0).getLong("seq"));
    }
    Collections.reverse(back);
    assertThat(back).containsExactlyElementsOf(inA);

    // Forwards from the first, 5 at a time.
    long first = gus.history("?room=" + a + "&limit=1&after=0").get(0).getLong("seq");
    List<String> forward = new ArrayList<>(List.of("a0"));
    long after = first;
    for (List<JsonObject> next; !(next = gus.history("?room=" + a + "&limit=5&after=" + after)).isEmpty(); ) {
      forward.addAll(texts(next));
      after = next.get(next.size() - 1).getLong("seq");
    }
    assertThat(forward).containsExactlyElementsOf(inA);
  }

  @Test
  @NeedsRabbitMQ("reads the exchange with a plain AMQP client")
  void aPlainAmqpConsumerSeesTheRoomHeaderAndAMessageWithoutOneIsGenerals() throws Exception {
    String room = newRoom();
    User hal = app.user(unique("hal"));
    try (Connection connection = RabbitBroker.connect(); Channel channel = connection.createChannel();
         BridgeClient general = app.bridge(hal).register(Addresses.room("general"))) {
      String queue = channel.queueDeclare("", false, true, true, null).getQueue();
      channel.queueBind(queue, app.exchange, "");
      assertThat(hal.send("in the room", null, room).statusCode()).isEqualTo(202);
      GetResponse got = await().atMost(Duration.ofSeconds(10)).until(() -> channel.basicGet(queue, true), r -> r != null);
      assertThat(got.getProps().getHeaders().get("sender")).hasToString(hal.name);
      assertThat(got.getProps().getHeaders().get("room")).hasToString(room);
      assertThat(new String(got.getBody(), StandardCharsets.UTF_8)).isEqualTo("in the room");

      awaitFollowing(hal, "general", general);
      String id = UUID.randomUUID().toString();
      channel.basicPublish(app.exchange, "", new AMQP.BasicProperties.Builder().messageId(id)
        .headers(Map.of("sender", "an old client", "sent-at", System.currentTimeMillis())).timestamp(new Date()).build(),
        "written before rooms".getBytes(StandardCharsets.UTF_8));
      JsonObject delivered = general.await(Addresses.room("general"), m -> id.equals(m.getString("id")), 10_000);
      assertThat(delivered).isNotNull();
      assertThat(delivered.getString("room")).isEqualTo("general");
      hal.awaitInHistory("written before rooms");
    }
  }

  @Test
  @NeedsRabbitMQ("several instances share rooms through the room log")
  void roomsAndTheirMessagesAreTheSameOnASecondInstanceAndOnOneStartedLater() throws Exception {
    TestApp second = TestApp.start(app.exchange, app.stream, CONFIG);
    try {
      User ida = app.user(unique("ida"));
      User ivo = ida.via(second.baseUrl());
      String room = unique("shared");
      assertThat(ida.createRoom(room, "on every instance").statusCode()).isEqualTo(201);
      await("the room on the second instance").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(ivo.rooms()).contains(room));
      try (BridgeClient there = second.bridge(ivo).register(Addresses.room(room))) {
        awaitFollowing(ida, room, there);
        String id = UUID.randomUUID().toString();
        assertThat(ida.send("across", id, room).statusCode()).isEqualTo(202);
        assertThat(there.await(Addresses.room(room), m -> id.equals(m.getString("id")), 10_000)).isNotNull();
        assertThat(ivo.send("and back", null, room).statusCode()).isEqualTo(202);
      }
    } finally {
      second.stop(); // not close(): the exchange and streams are the class's
    }
    TestApp later = TestApp.start(app.exchange, app.stream, CONFIG);
    try {
      User late = app.user(unique("late")).via(later.baseUrl());
      late.login();
      List<String> rooms = late.rooms();
      assertThat(rooms).as("read from the room log at start-up").containsAll(app.user(unique("now")).rooms());
    } finally {
      later.stop();
    }
  }

  private static List<String> texts(List<JsonObject> messages) {
    return new ArrayList<>(messages.stream().map(m -> m.getString("text")).toList());
  }
}
