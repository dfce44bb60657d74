package messenger;

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
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Changes to rooms after their creation: the topic (anyone), archiving (the creator; never general), both written
 * to the room log and applied on every instance, live and on one started later; an archived room leaves the list,
 * refuses sends (410) and keeps its history; and per-room join and leave notices on {@code chat.members}, once per
 * change however many tabs or instances, on every instance.
 */
@ExtendWith(RabbitBroker.class)
class RoomChangesTest {

  private static final JsonObject CONFIG = new JsonObject()
    .put("chat", new JsonObject().put("ratePerSecond", 1000).put("rateBurst", 1000));

  @RegisterExtension
  static final TestApp app = TestApp.perClass(CONFIG);

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static void assertError(HttpResponse<String> res, int status, String code) {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    JsonObject error = new JsonObject(res.body());
    assertThat(error.getString("error")).as(res.body()).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
  }

  private static JsonObject listed(User user, String room) {
    return new JsonObject(user.get("/rooms").body()).getJsonArray("rooms").stream()
      .map(r -> (JsonObject) r).filter(r -> room.equals(r.getString("name"))).findFirst().orElse(null);
  }

  @Test
  void anyoneChangesATopicAndEveryPageIsToldWhoSetIt() throws Exception {
    User maker = app.user(unique("maker"));
    User other = app.user(unique("other"));
    String room = unique("topic");
    assertThat(maker.createRoom(room, "first").statusCode()).isEqualTo(201);
    try (BridgeClient pages = app.bridge(other).register(Addresses.CHAT_ROOMS)) {
      pages.drain(300);
      HttpResponse<String> changed = other.setTopic(room, "  Second topic ");
      assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
      assertThat(new JsonObject(changed.body())).isEqualTo(new JsonObject().put("name", room).put("topic", "Second topic"));
      assertThat(listed(maker, room).getString("topic")).as("applied when answered").isEqualTo("Second topic");
      JsonObject told = pages.await(Addresses.CHAT_ROOMS, m -> room.equals(m.getString("room")), 5000);
      assertThat(told).isEqualTo(new JsonObject().put("type", "topic").put("room", room).put("by", other.name)
        .put("topic", "Second topic"));

      assertThat(maker.setTopic(room, "").statusCode()).as("no topic").isEqualTo(200);
      assertThat(listed(other, room).getString("topic")).isEmpty();
      pages.drain(300);
      assertThat(maker.setTopic(room, "").statusCode()).as("the same topic again").isEqualTo(200);
      assertThat(pages.drain(500)).as("nothing changed, nobody told").isEmpty();
    }
  }

  @Test
  void badTopicsUnknownRoomsAndGeneralAreRefused() {
    User ann = app.user(unique("ann"));
    String room = unique("bad");
    assertThat(ann.createRoom(room, null).statusCode()).isEqualTo(201);
    assertError(ann.setTopic(room, "x".repeat(201)), 400, "invalid_topic");
    assertError(ann.setTopic(room, "two\nlines"), 400, "invalid_topic");
    assertError(ann.put("/rooms/" + room + "/topic", "application/json", "{\"topic\": 5}"), 400, "invalid_topic");
    assertError(ann.put("/rooms/" + room + "/topic", "application/json", "{}"), 400, "invalid_topic");
    assertError(ann.put("/rooms/" + room + "/topic", "application/json", "not json"), 400, "malformed_json");
    assertError(ann.put("/rooms/" + room + "/topic", "text/plain", "{\"topic\": \"t\"}"), 415, "unsupported_media_type");
    assertError(ann.setTopic(unique("nowhere"), "t"), 404, "unknown_room");
    assertError(ann.setTopic("Not_A_Room", "t"), 404, "unknown_room");
    assertError(ann.archiveRoom(unique("nowhere")), 404, "unknown_room");
    assertError(ann.get("/rooms/" + unique("nowhere")), 404, "unknown_room");
    assertError(ann.setTopic("general", "t"), 403, "not_allowed");
    assertError(ann.archiveRoom("general"), 403, "not_allowed");
    assertThat(ann.rooms()).contains("general", room);
    assertThat(listed(ann, room).getString("topic")).isEmpty();
  }

  @Test
  void changesNeedASessionAndThisSite() {
    User maker = app.user(unique("maker"));
    String room = unique("site");
    assertThat(maker.createRoom(room, "kept").statusCode()).isEqualTo(201);
    User nobody = new User(app.baseUrl(), "nobody");
    for (String[] route : new String[][]{{"PUT", "/topic"}, {"POST", "/archive"}, {"POST", "/join"}, {"POST", "/leave"}}) {
      String path = "/rooms/" + room + route[1];
      HttpResponse<String> crossSite = maker.request(HttpRequest.newBuilder(URI.create(app.baseUrl() + path))
        .header("Origin", "http://evil.example")
        .header("Content-Type", "application/json")
        .method(route[0], HttpRequest.BodyPublishers.ofString("{\"topic\":\"pwned\"}")));
      assertError(crossSite, 403, "forbidden");
      HttpResponse<String> anonymous = nobody.request(HttpRequest.newBuilder(URI.create(app.baseUrl() + path))
        .header("Origin", app.baseUrl())
        .header("Content-Type", "application/json")
        .method(route[0], HttpRequest.BodyPublishers.ofString("{\"topic\":\"pwned\"}")));
      assertError(anonymous, 401, "unauthenticated");
    }
    assertError(nobody.get("/rooms/" + room), 401, "unauthenticated");
    assertThat(listed(maker, room).getString("topic")).isEqualTo("kept");
  }

  @Test
  void onlyTheCreatorArchivesAndChangesAreLimitedPerSession() {
    User maker = app.user(unique("maker"));
    User other = app.user(unique("other"));
    String room = unique("mine");
    assertThat(maker.createRoom(room, null).statusCode()).isEqualTo(201);
    HttpResponse<String> refused = other.archiveRoom(room);
    assertError(refused, 403, "not_allowed");
    assertThat(new JsonObject(refused.body()).getString("message")).contains(maker.name);
    assertThat(other.rooms()).contains(room);

    // 3 at once (rooms.createBurst), then 6 a minute: counted apart from creations.
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      statuses.add(other.setTopic(room, "topic " + i).statusCode());
    }
    assertThat(statuses).startsWith(200, 200, 200).contains(429);
    assertError(other.setTopic(room, "once more"), 429, "too_fast");
    assertThat(other.createRoom(unique("still"), null).statusCode()).as("creating is limited apart").isEqualTo(201);
    assertThat(maker.archiveRoom(room).statusCode()).as("another session").isEqualTo(200);
  }

  @Test
  void anArchivedRoomLeavesTheListRefusesSendsAndKeepsItsHistory() throws Exception {
    User maker = app.user(unique("maker"));
    String room = unique("old");
    assertThat(maker.createRoom(room, "soon gone").statusCode()).isEqualTo(201);
    assertThat(maker.send("kept", null, room).statusCode()).isEqualTo(202);
    try (BridgeClient pages = app.bridge(maker).register(Addresses.CHAT_ROOMS)) {
      pages.drain(300);
      HttpResponse<String> archived = maker.archiveRoom(room);
      assertThat(archived.statusCode()).as(archived.body()).isEqualTo(200);
      assertThat(maker.rooms()).as("applied when answered").doesNotContain(room);
      assertThat(pages.await(Addresses.CHAT_ROOMS, m -> room.equals(m.getString("room")), 5000))
        .isEqualTo(new JsonObject().put("type", "archived").put("room", room).put("by", maker.name));
    }
    assertError(maker.send("too late", null, room), 410, "archived");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
      assertThat(maker.history("?room=" + room)).extracting(m -> m.getString("text")).containsExactly("kept"));
    JsonObject info = new JsonObject(maker.get("/rooms/" + room).body());
    assertThat(info.getBoolean("archived")).isTrue();
    assertThat(info.getString("archivedBy")).isEqualTo(maker.name);
    assertThat(info.getString("topic")).isEqualTo("soon gone");
    assertError(maker.setTopic(room, "again"), 410, "archived");
    assertError(maker.archiveRoom(room), 410, "archived");
    assertError(maker.post("/rooms/" + room + "/join", "application/json", ""), 410, "archived");
    assertError(maker.createRoom(room, null), 409, "exists");
  }

  @Test
  @NeedsRabbitMQ("several instances share the room log")
  void topicsAndArchivesReachEveryInstanceLiveAndOneStartedLater() throws Exception {
    String kept = unique("kept");
    String gone = unique("gone");
    TestApp second = TestApp.start(app.exchange, app.stream, CONFIG);
    try {
      User ida = app.user(unique("ida"));
      User ivo = app.user(unique("ivo")).via(second.baseUrl());
      ivo.login();
      assertThat(ida.createRoom(kept, "old topic").statusCode()).isEqualTo(201);
      assertThat(ida.createRoom(gone, null).statusCode()).isEqualTo(201);
      assertThat(ida.send("before the archive", null, gone).statusCode()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ivo.rooms()).contains(kept, gone));
      try (BridgeClient there = second.bridge(ivo).register(Addresses.CHAT_ROOMS)) {
        there.drain(300);
        assertThat(ida.setTopic(kept, "new topic").statusCode()).isEqualTo(200);
        assertThat(ida.archiveRoom(gone).statusCode()).isEqualTo(200);
        assertThat(there.await(Addresses.CHAT_ROOMS, m -> gone.equals(m.getString("room")), 10_000))
          .as("the second instance's pages are told").isNotNull();
      }
      assertThat(listed(ivo, kept).getString("topic")).isEqualTo("new topic");
      assertThat(ivo.rooms()).doesNotContain(gone);
      assertError(ivo.send("on the other instance", null, gone), 410, "archived");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> // the message and the archive travel on two logs
        assertThat(ivo.history("?room=" + gone)).extracting(m -> m.getString("text")).containsExactly("before the archive"));
    } finally {
      second.stop();
    }
    TestApp later = TestApp.start(app.exchange, app.stream, CONFIG);
    try {
      User late = app.user(unique("late")).via(later.baseUrl());
      late.login();
      assertThat(listed(late, kept).getString("topic")).as("read from the room log at start-up").isEqualTo("new topic");
      assertThat(late.rooms()).doesNotContain(gone);
      assertError(late.send("later still", null, gone), 410, "archived");
      assertError(late.createRoom(gone, null), 409, "exists");
      assertThat(late.history("?room=" + gone)).extracting(m -> m.getString("text")).containsExactly("before the archive");
    } finally {
      later.stop();
    }
  }

  @Test
  @NeedsRabbitMQ("join and leave notices travel between instances")
  void joinAndLeaveNoticesReachEveryInstanceOncePerChange() throws Exception {
    String room = unique("notices");
    TestApp second = TestApp.start(app.exchange, app.stream, CONFIG);
    try {
      User ada = app.user(unique("ada"));
      User bob = app.user(unique("bob")).via(second.baseUrl());
      bob.login();
      assertThat(ada.createRoom(room, null).statusCode()).isEqualTo(201);
      User cy = app.user(unique("cy")); // a bridge socket connects where its user's address says
      try (BridgeClient here = app.bridge(cy).register(Addresses.CHAT_MEMBERS);
           BridgeClient there = second.bridge(bob).register(Addresses.CHAT_MEMBERS)) {
        // The second instance hears the presence exchange once it has connected to it: a probe toggled until it does.
        String probe = unique("probe");
        assertThat(app.user(unique("prober")).createRoom(probe, null).statusCode()).isEqualTo(201);
        User prober = app.user(unique("prober"));
        boolean[] in = {false};
        await("the second instance hearing notices").atMost(Duration.ofSeconds(15)).until(() -> {
          in[0] = !in[0];
          assertThat(prober.post("/rooms/" + probe + (in[0] ? "/join" : "/leave"), "application/json", "").statusCode()).isEqualTo(204);
          return there.await(Addresses.CHAT_MEMBERS, m -> probe.equals(m.getString("room")), 1500) != null;
        });
        here.drain(300);
        there.drain(300);

        assertThat(ada.post("/rooms/" + room + "/join", "application/json", "").statusCode()).isEqualTo(204);
        JsonObject joined = new JsonObject().put("room", room).put("user", ada.name).put("joined", true);
        assertThat(here.await(Addresses.CHAT_MEMBERS, m -> room.equals(m.getString("room")), 5000)).isEqualTo(joined);
        assertThat(there.await(Addresses.CHAT_MEMBERS, m -> room.equals(m.getString("room")), 5000)).isEqualTo(joined);

        // Another tab of Ada's, on the other instance, joining too: nothing new to say.
        User adaThere = ada.via(second.baseUrl());
        assertThat(adaThere.post("/rooms/" + room + "/join", "application/json", "").statusCode()).isEqualTo(204);
        assertThat(ada.post("/rooms/" + room + "/join", "application/json", "").statusCode()).isEqualTo(204);
        assertThat(here.drain(700)).as("no second notice here").isEmpty();
        assertThat(there.drain(100)).as("no second notice there").isEmpty();

        assertThat(ada.post("/rooms/" + room + "/leave", "application/json", "").statusCode()).isEqualTo(204);
        JsonObject left = new JsonObject().put("room", room).put("user", ada.name).put("joined", false);
        assertThat(here.await(Addresses.CHAT_MEMBERS, m -> room.equals(m.getString("room")), 5000)).isEqualTo(left);
        assertThat(there.await(Addresses.CHAT_MEMBERS, m -> room.equals(m.getString("room")), 5000)).isEqualTo(left);
      }
      assertError(ada.post("/rooms/" + unique("nowhere") + "/join", "application/json", ""), 404, "unknown_room");
      assertError(ada.post("/rooms/Not_A_Room/leave", "application/json", ""), 404, "unknown_room");
    } finally {
      second.stop();
    }
  }
}
