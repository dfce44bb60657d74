package messenger;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import messenger.testing.BridgeClient;
import messenger.testing.RabbitBroker;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.TcpProxy;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Presence and typing with two (or three) instances of the app against the real broker: the online list,
 * join/leave notices, unique names, typing, and what happens when tabs, sessions and connections end.
 * Heartbeat 500 ms, expiry 2 s and leave grace 500 ms keep it quick; every wait is generous.
 */
@ExtendWith(RabbitBroker.class)
@NeedsRabbitMQ("two instances must share one broker")
class PresenceTest {

  private static final long HEARTBEAT = 500;
  private static final long EXPIRY = 2_000;
  private static final long GRACE = 500;
  private static final long WAIT = 10_000;

  private final String exchange = "test-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private static JsonObject fast(String brokerUri) {
    JsonObject config = new JsonObject().put("presence", new JsonObject()
      .put("heartbeatMs", HEARTBEAT).put("expiryMs", EXPIRY).put("leaveGraceMs", GRACE));
    if (brokerUri != null) {
      config.put("rabbitmq", new JsonObject().put("uri", brokerUri));
    }
    return config;
  }

  private TestApp app(String brokerUri) {
    TestApp app = TestApp.start(exchange, exchange + ".log", fast(brokerUri));
    resources.add(app);
    return app;
  }

  private TestApp app() {
    return app(null);
  }

  /** A bridge socket (an open tab) of {@code user} on {@code app}, listening to presence and typing. */
  private BridgeClient tab(TestApp app, User user) {
    BridgeClient tab = BridgeClient.connect(app.vertx, app.baseUrl(), user.cookieHeader(), app.baseUrl());
    tab.register(Addresses.CHAT_PRESENCE).register(Addresses.CHAT_TYPING);
    resources.add(tab);
    return tab;
  }

  private static User login(TestApp app, String name) {
    User user = new User(app.baseUrl(), name);
    assertThat(user.login().statusCode()).as("login of " + name).isEqualTo(303);
    return user;
  }

  private static List<String> online(User viewer) {
    HttpResponse<String> res = viewer.get("/presence");
    assertThat(res.statusCode()).isEqualTo(200);
    return new JsonObject(res.body()).getJsonArray("online").stream().map(Object::toString).toList();
  }

  /** Polls GET /presence until it shows exactly {@code expected}; returns how long that took. */
  private static long awaitOnline(User viewer, String... expected) {
    long start = System.currentTimeMillis();
    await("the online list " + List.of(expected)).atMost(Duration.ofMillis(WAIT)).pollInterval(Duration.ofMillis(20))
      .untilAsserted(() -> assertThat(online(viewer)).containsExactly(expected));
    return System.currentTimeMillis() - start;
  }

  private static Predicate<JsonObject> joined(String name) {
    return body -> body.getJsonArray("joined").contains(name);
  }

  private static Predicate<JsonObject> left(String name) {
    return body -> body.getJsonArray("left").contains(name);
  }

  private static JsonObject awaitPresence(BridgeClient tab, Predicate<JsonObject> match) throws InterruptedException {
    JsonObject event = tab.await(Addresses.CHAT_PRESENCE, match, WAIT);
    assertThat(event).as("presence event").isNotNull();
    return event;
  }

  /** Join and leave notices that arrive within the given time. */
  private static List<String> notices(BridgeClient tab, long millis) throws InterruptedException {
    List<String> notices = new ArrayList<>();
    for (JsonObject event : tab.collect(Addresses.CHAT_PRESENCE, millis)) {
      event.getJsonArray("joined").forEach(n -> notices.add(n + " joined"));
      event.getJsonArray("left").forEach(n -> notices.add(n + " left"));
    }
    return notices;
  }

  /** Two observers, carol on a and dave on b, who see each other. */
  private record Observers(User carol, BridgeClient carolTab, User dave, BridgeClient daveTab) {
  }

  private Observers observers(TestApp a, TestApp b) throws InterruptedException {
    Thread.sleep(2 * HEARTBEAT); // the instances' quiet start is over
    User carol = login(a, "carol");
    User dave = login(b, "dave");
    Observers observers = new Observers(carol, tab(a, carol), dave, tab(b, dave));
    awaitOnline(carol, "carol", "dave");
    awaitOnline(dave, "carol", "dave");
    observers.carolTab().collect(Addresses.CHAT_PRESENCE, 2 * HEARTBEAT); // the observers' own joins
    observers.daveTab().collect(Addresses.CHAT_PRESENCE, 0);
    return observers;
  }

  @Test
  void aUserWithTabsOnTwoInstancesIsOnlineOnceAndJoinsOnce() throws Exception {
    TestApp a = app();
    TestApp b = app();
    Observers o = observers(a, b);

    User alice = login(a, "alice");
    long opened = System.currentTimeMillis();
    tab(a, alice);
    tab(a, alice);
    tab(b, alice); // the same session on the other instance
    JsonObject seen = awaitPresence(o.carolTab(), joined("alice"));
    System.out.println("presence: alice's join seen on the other instance's page after " + (System.currentTimeMillis() - opened) + " ms");
    // Only the change travels to every page, never the whole list: that goes to a page once, when it starts listening.
    assertThat(seen.containsKey("online")).as("the whole list in a change: " + seen).isFalse();
    assertThat(seen.getJsonArray("added")).isEqualTo(new JsonArray().add("alice"));
    assertThat(seen.getJsonArray("removed")).isEmpty();
    awaitPresence(o.daveTab(), joined("alice"));
    assertThat(notices(o.carolTab(), 4 * HEARTBEAT)).as("one join per real change, not per tab or instance").isEmpty();
    assertThat(notices(o.daveTab(), 0)).isEmpty();
    assertThat(online(o.carol())).containsExactly("alice", "carol", "dave");
    assertThat(online(o.dave())).containsExactly("alice", "carol", "dave");
  }

  @Test
  void aUserLeavesWithTheLastTabOnAnyInstanceNotBefore() throws Exception {
    TestApp a = app();
    TestApp b = app();
    Observers o = observers(a, b);
    User alice = login(a, "alice");
    BridgeClient tab1 = tab(a, alice);
    BridgeClient tab2 = tab(a, alice);
    BridgeClient tab3 = tab(b, alice);
    awaitPresence(o.carolTab(), joined("alice"));
    awaitPresence(o.daveTab(), joined("alice"));

    tab1.close();
    tab3.close();
    assertThat(notices(o.carolTab(), 4 * HEARTBEAT)).as("alice still has a tab").isEmpty();
    assertThat(online(o.dave())).containsExactly("alice", "carol", "dave");

    long closed = System.currentTimeMillis();
    tab2.close();
    awaitPresence(o.daveTab(), left("alice"));
    System.out.println("presence: last tab closed -> 'alice left' on the other instance after "
      + (System.currentTimeMillis() - closed) + " ms (leave grace " + GRACE + " ms)");
    JsonObject leave = awaitPresence(o.carolTab(), left("alice"));
    assertThat(leave.getJsonArray("removed")).isEqualTo(new JsonArray().add("alice"));
    assertThat(leave.containsKey("online")).isFalse();
    assertThat(notices(o.carolTab(), 4 * HEARTBEAT)).as("one leave").isEmpty();
    assertThat(notices(o.daveTab(), 0)).isEmpty();
    assertThat(online(o.carol())).containsExactly("carol", "dave");
  }

  @Test
  void aTabThatStartsListeningGetsTheRosterAtOnce() throws Exception {
    TestApp a = app();
    TestApp b = app();
    Observers o = observers(a, b);
    BridgeClient late = BridgeClient.connect(a.vertx, a.baseUrl(), o.carol().cookieHeader(), a.baseUrl());
    resources.add(late);
    late.register(Addresses.CHAT_PRESENCE);
    JsonObject roster = awaitPresence(late, e -> true);
    assertThat(roster.getJsonArray("online")).isEqualTo(new JsonArray().add("carol").add("dave"));
    assertThat(roster.getJsonArray("joined")).isEmpty();
    assertThat(roster.getJsonArray("left")).isEmpty();
    assertThat(roster.getLong("version")).isEqualTo(new JsonObject(o.carol().get("/presence").body()).getLong("version"));
  }

  @Test
  void aReloadIsNeitherALeaveNorAJoin() throws Exception {
    TestApp a = app();
    TestApp b = app();
    Observers o = observers(a, b);
    User alice = login(a, "alice");
    tab(a, alice).close();
    BridgeClient again = tab(a, alice); // the page came back within the grace time
    awaitPresence(o.daveTab(), joined("alice"));
    again.close();
    tab(b, alice); // and again, on the other instance
    assertThat(notices(o.daveTab(), 4 * HEARTBEAT + GRACE)).isEmpty();
    assertThat(notices(o.carolTab(), 0)).containsExactly("alice joined");
  }

  @Test
  void aPageThatMovesToAnotherInstanceWhenItsInstanceStopsDoesNotLeave() throws Exception {
    JsonObject config = fast(null);
    config.getJsonObject("presence").put("leaveGraceMs", 2_000);
    TestApp a = TestApp.start(exchange, exchange + ".log", config);
    resources.add(a);
    TestApp b = TestApp.start(exchange, exchange + ".log", config); // stopped below; a deletes the exchanges
    Observers o = observers(a, b);
    User alice = login(b, "alice");
    tab(b, alice);
    awaitPresence(o.carolTab(), joined("alice"));

    b.stop(); // closes its pages' sockets and says goodbye
    tab(a, alice); // alice's page reconnects, to the other instance
    long stopped = System.currentTimeMillis();
    awaitPresence(o.carolTab(), left("dave")); // dave's page did not come back
    System.out.println("presence: instance stopped -> its users left on the others after "
      + (System.currentTimeMillis() - stopped) + " ms (leave grace 2000 ms)");
    assertThat(notices(o.carolTab(), 4 * HEARTBEAT)).as("alice moved, she did not leave").isEmpty();
    assertThat(online(o.carol())).containsExactly("alice", "carol");
  }

  @Test
  void aNameOnlineOnOneInstanceIsRefusedOnEveryInstanceIgnoringCase() throws Exception {
    TestApp a = app();
    TestApp b = app();
    Observers o = observers(a, b);
    User alice = login(a, "alice");
    tab(a, alice);
    awaitOnline(o.dave(), "alice", "carol", "dave");

    for (TestApp instance : List.of(a, b)) {
      for (String name : List.of("alice", "ALICE", " alice ")) {
        HttpResponse<String> refused = new User(instance.baseUrl(), name).login();
        assertThat(refused.statusCode()).as(name).isEqualTo(400);
        assertThat(refused.body()).contains("is already online in another session");
      }
    }
    assertThat(alice.login().statusCode()).as("the session that has the name may log in again").isEqualTo(303);
  }

  @Test
  void logoutClosesTheSessionsTabsOnEveryInstanceAndFreesTheName() throws Exception {
    TestApp a = app();
    TestApp b = app();
    Observers o = observers(a, b);
    User alice = login(a, "alice");
    BridgeClient onA = tab(a, alice);
    BridgeClient onB = tab(b, alice);
    awaitOnline(o.dave(), "alice", "carol", "dave");

    long loggedOut = System.currentTimeMillis();
    assertThat(alice.postForm("/logout", "").statusCode()).isEqualTo(303);
    awaitPresence(o.daveTab(), left("alice"));
    System.out.println("presence: logout -> 'alice left' on the other instance after " + (System.currentTimeMillis() - loggedOut) + " ms");
    await("the logged-out tabs to be closed").atMost(Duration.ofMillis(WAIT)).untilAsserted(() -> {
      assertThat(onA.isClosed()).as("the logged-out tab on a is closed").isTrue();
      assertThat(onB.isClosed()).as("the logged-out tab on b is closed").isTrue();
    });
    awaitPresence(o.carolTab(), joined("alice"));
    awaitPresence(o.carolTab(), left("alice"));
    assertThat(notices(o.carolTab(), 4 * HEARTBEAT)).isEmpty();
    assertThat(notices(o.daveTab(), 0)).isEmpty();

    assertThat(new User(b.baseUrl(), "alice").login().statusCode()).as("the name is free again").isEqualTo(303);
  }

  @Test
  void aSessionWhoseNameWentToSomeoneElseWhileOfflineIsEnded() throws Exception {
    TestApp a = app();
    TestApp b = app();
    Observers o = observers(a, b);
    User first = login(a, "alice");
    BridgeClient firstTab = tab(a, first);
    awaitPresence(o.daveTab(), joined("alice"));
    firstTab.close();
    awaitPresence(o.daveTab(), left("alice")); // the first alice went away
    User second = login(b, "alice");
    tab(b, second);
    awaitOnline(o.carol(), "alice", "carol", "dave");

    HttpResponse<String> page = first.get("/chat");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("is now online in another session");
    assertThat(first.get("/chat").statusCode()).as("that session is over").isEqualTo(303);
    assertThat(second.get("/chat").body()).contains("data-user=\"alice\"");
  }

  /**
   * The case: a session that closed nothing, whose name another session took while it had no tab open. It
   * can no longer speak, type, read or listen under that name, on any instance: each answer is 403 name_taken.
   */
  @Test
  void aSessionWhoseNameWentToSomeoneElseCanNeitherSpeakNorListenUnderIt() throws Exception {
    TestApp a = app();
    TestApp b = app();
    Observers o = observers(a, b);
    User stale = login(a, "alice"); // logs in, opens no tab
    User holder = login(b, "alice"); // the name was free
    tab(b, holder);
    awaitOnline(o.carol(), "alice", "carol", "dave"); // on a too

    for (TestApp instance : List.of(a, b)) {
      User there = stale.via(instance.baseUrl());
      for (HttpResponse<String> refused : List.of(there.send("I am alice"), there.post("/typing", "application/json", "{}"),
        there.get("/history"), there.get("/presence"), there.request(HttpRequest.newBuilder(
          URI.create(instance.baseUrl() + "/eventbus/info")).header("Origin", instance.baseUrl())))) {
        String what = refused.request().method() + " " + refused.uri();
        assertThat(refused.statusCode()).as(what).isEqualTo(403);
        assertThat(new JsonObject(refused.body()).getString("error")).as(what).isEqualTo("name_taken");
        assertThat(new JsonObject(refused.body()).getString("message")).as(what).contains("“alice” is now online in another session");
      }
      assertThatThrownBy(() -> BridgeClient.connect(instance.vertx, instance.baseUrl(), stale.cookieHeader(), instance.baseUrl()))
        .as("the bridge on " + instance.baseUrl()).hasMessageContaining("403");
    }
    assertThat(holder.send("I am alice").statusCode()).isEqualTo(202);
    holder.awaitInHistory("I am alice");
    assertThat(holder.history("?limit=200")).extracting(m -> m.getString("sender") + ": " + m.getString("text"))
      .containsExactly("alice: I am alice");
  }

  @Test
  void typingReachesEveryInstanceAtMostOnceEveryThreeSeconds() throws Exception {
    TestApp a = app();
    TestApp b = app();
    Observers o = observers(a, b);

    for (int i = 0; i < 5; i++) {
      assertThat(o.dave().post("/typing", "application/json", "{}").statusCode()).isEqualTo(204);
    }
    assertThat(o.carolTab().await(Addresses.CHAT_TYPING, t -> t.getString("user").equals("dave"), WAIT)).isNotNull();
    assertThat(o.daveTab().await(Addresses.CHAT_TYPING, t -> t.getString("user").equals("dave"), WAIT)).isNotNull();
    assertThat(o.carolTab().collect(Addresses.CHAT_TYPING, 1_500)).as("throttled to one per 3 s").isEmpty();
    Thread.sleep(1_600);
    assertThat(o.dave().post("/typing", "application/json", "").statusCode()).isEqualTo(204);
    assertThat(o.carolTab().await(Addresses.CHAT_TYPING, t -> t.getString("user").equals("dave"), WAIT))
      .as("after 3 s a new event goes out").isNotNull();
  }

  @Test
  void typingSaysWhichRoomOnEveryInstanceAndIsThrottledPerRoom() throws Exception {
    TestApp a = app();
    TestApp b = app();
    Observers o = observers(a, b);

    assertThat(o.dave().post("/typing", "application/json", "{\"room\":\"design\"}").statusCode()).isEqualTo(204);
    assertThat(o.carolTab().await(Addresses.CHAT_TYPING, t -> t.getString("user").equals("dave"), WAIT).getString("room"))
      .as("on the other instance").isEqualTo("design");
    // Typing in another room right after is not throttled away: it is news for that room's readers.
    assertThat(o.dave().post("/typing", "application/json", "{}").statusCode()).isEqualTo(204);
    assertThat(o.carolTab().await(Addresses.CHAT_TYPING, t -> t.getString("user").equals("dave")
      && t.getString("room").equals("general"), WAIT)).as("no room is general").isNotNull();

    for (String bad : List.of("{\"room\":\"Not A Room\"}", "{\"room\":7}", "[1", "[]")) {
      HttpResponse<String> refused = o.dave().post("/typing", "application/json", bad);
      assertThat(refused.statusCode()).as(bad).isEqualTo(400);
      assertThat(new JsonObject(refused.body()).getString("error")).as(bad).isIn("invalid_room", "malformed_json");
    }
  }

  @Test
  void typingIsNeverInTheChatLog() throws Exception {
    TestApp a = app();
    User erin = login(a, "erin");
    BridgeClient tab = tab(a, erin);
    assertThat(erin.post("/typing", "application/json", "{}").statusCode()).isEqualTo(204);
    assertThat(tab.await(Addresses.CHAT_TYPING, t -> t.getString("user").equals("erin"), WAIT)).as("the typing event").isNotNull();
    assertThat(new JsonObject(erin.get("/history").body()).getJsonArray("messages")).as("the chat log").isEmpty();
  }

  @Test
  void aNewInstanceKnowsTheRosterWithinOneHeartbeatAndAnnouncesNobodyWhoWasAlreadyThere() throws Exception {
    TestApp a = app();
    TestApp b = app();
    Observers o = observers(a, b);
    User alice = login(a, "alice");
    tab(a, alice);
    awaitOnline(o.dave(), "alice", "carol", "dave");

    long starting = System.currentTimeMillis();
    TestApp c = app();
    long started = System.currentTimeMillis();
    User erin = login(c, "erin");
    BridgeClient erinTab = tab(c, erin);
    long learned = awaitOnline(erin, "alice", "carol", "dave", "erin");
    System.out.println("presence: a new instance knew the roster " + (System.currentTimeMillis() - started)
      + " ms after it was healthy (start took " + (started - starting) + " ms; heartbeat " + HEARTBEAT + " ms)");
    assertThat(learned).isLessThan(WAIT);
    // Only erin's own arrival may show (when her tab listened in time): nobody who was already there.
    assertThat(notices(erinTab, 4 * HEARTBEAT)).as("no notices for people who were already there")
      .doesNotContain("alice joined", "carol joined", "dave joined").doesNotContain("alice left", "carol left", "dave left");
    assertThat(notices(o.carolTab(), 0)).containsExactly("alice joined", "erin joined");
  }

  @Test
  void aTabThatDiesSilentlyIsDroppedAfterTheBridgePingTimeout() throws Exception {
    TestApp a = app();
    TestApp b = app();
    Observers o = observers(a, b);
    User alice = login(a, "alice");
    // No keep-alive: like a tab whose network vanished. The bridge closes it after 10 s without a ping.
    BridgeClient silent = BridgeClient.connect(a.vertx, a.baseUrl(), alice.cookieHeader(), a.baseUrl()).silence();
    resources.add(silent);
    long opened = System.currentTimeMillis();
    awaitPresence(o.daveTab(), joined("alice"));
    assertThat(o.daveTab().await(Addresses.CHAT_PRESENCE, left("alice"), 20_000)).isNotNull();
    System.out.println("presence: a silent tab was dropped " + (System.currentTimeMillis() - opened)
      + " ms after it opened (bridge ping timeout 10 s + leave grace " + GRACE + " ms)");
  }

  @Test
  void aConnectionCutShorterThanTheExpiryChangesNothing() throws Exception {
    try (TcpProxy proxy = TcpProxy.toBroker(true)) {
      TestApp a = app();
      TestApp b = app(proxy.uri());
      Observers o = observers(a, b);

      proxy.down();
      Thread.sleep(EXPIRY / 2);
      proxy.up();
      b.awaitHealthy();
      assertThat(notices(o.carolTab(), EXPIRY + 4 * HEARTBEAT)).as("short cut, seen from a").isEmpty();
      assertThat(notices(o.daveTab(), 0)).as("short cut, seen from b").isEmpty();
      assertThat(online(o.carol())).containsExactly("carol", "dave");
    }
  }

  @Test
  void anInstanceCutOffLongerThanTheExpiryLeavesAndJoinsAgainWhenBack() throws Exception {
    try (TcpProxy proxy = TcpProxy.toBroker(true)) {
      TestApp a = app();
      TestApp b = app(proxy.uri());
      Observers o = observers(a, b);

      long cut = System.currentTimeMillis();
      proxy.down();
      awaitPresence(o.carolTab(), left("dave"));
      System.out.println("presence: instance cut off from the broker -> its users left on the others after "
        + (System.currentTimeMillis() - cut) + " ms (expiry " + EXPIRY + " ms)");
      Thread.sleep(EXPIRY);
      long restored = System.currentTimeMillis();
      proxy.up();
      awaitPresence(o.carolTab(), joined("dave"));
      System.out.println("presence: connection restored -> its users back on the others after "
        + (System.currentTimeMillis() - restored) + " ms");
      assertThat(notices(o.daveTab(), 4 * HEARTBEAT)).as("the cut-off instance changed nothing while deaf").isEmpty();
      assertThat(online(o.dave())).containsExactly("carol", "dave");
    }
  }

  @Test
  void whenEveryInstanceLosesTheBrokerForLongerThanTheExpiryNobodyLeaves() throws Exception {
    // What a broker restart looks like to the instances, without restarting the shared broker.
    try (TcpProxy proxy = TcpProxy.toBroker(true)) {
      TestApp a = app(proxy.uri());
      TestApp b = app(proxy.uri());
      Observers o = observers(a, b);

      proxy.down();
      Thread.sleep(2 * EXPIRY);
      long restored = System.currentTimeMillis();
      proxy.up();
      a.awaitHealthy();
      b.awaitHealthy();
      System.out.println("presence: both instances healthy " + (System.currentTimeMillis() - restored) + " ms after the broker came back");
      assertThat(notices(o.carolTab(), EXPIRY + 4 * HEARTBEAT)).isEmpty();
      assertThat(notices(o.daveTab(), 0)).isEmpty();
      assertThat(online(o.carol())).containsExactly("carol", "dave");
      assertThat(online(o.dave())).containsExactly("carol", "dave");

      // And presence works again afterwards.
      User alice = login(a, "alice");
      tab(a, alice);
      awaitPresence(o.daveTab(), joined("alice"));
    }
  }
}
