package messenger;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.vertx.core.json.JsonObject;
import messenger.testing.BridgeClient;
import messenger.testing.Cleanup;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import messenger.testing.TcpProxy;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Logging out ends the session everywhere: a copy of the cookie taken before {@code POST /logout} is no session on
 * the instance that logged it out, on every other instance, and on an instance started after the logout. The
 * record of logouts is the stream {@code <exchange>.logouts} (an in-memory record on the embedded broker).
 */
@ExtendWith(RabbitBroker.class)
class LogoutTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final String exchange = "test-" + UUID.randomUUID().toString().substring(0, 8);
  @RegisterExtension
  final Cleanup cleanup = new Cleanup();

  private TestApp app() {
    return app(new JsonObject());
  }

  private TestApp app(JsonObject overrides) {
    return cleanup.keep(TestApp.start(exchange, exchange + ".log", overrides));
  }

  private static HttpResponse<String> request(TestApp app, String method, String path, String cookie) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.baseUrl() + path))
      .header("Cookie", cookie).header("Origin", app.baseUrl()).header("Content-Type", "application/json");
    return HTTP.send(request.method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
      : HttpRequest.BodyPublishers.ofString("{\"text\":\"still me?\"}")).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Every way in that needs a session: each answers as to someone without one. */
  private static void assertNoSession(TestApp app, String cookie) throws Exception {
    String where = " on " + app.baseUrl();
    assertThat(request(app, "GET", "/history", cookie).statusCode()).as("GET /history" + where).isEqualTo(401);
    assertThat(request(app, "POST", "/send", cookie).statusCode()).as("POST /send" + where).isEqualTo(401);
    assertThat(request(app, "POST", "/typing", cookie).statusCode()).as("POST /typing" + where).isEqualTo(401);
    assertThat(request(app, "GET", "/eventbus/info", cookie).statusCode()).as("GET /eventbus/info" + where).isEqualTo(401);
    HttpResponse<String> chat = request(app, "GET", "/chat", cookie);
    assertThat(chat.statusCode()).as("GET /chat" + where).isEqualTo(303);
    assertThat(chat.headers().firstValue("Location")).hasValue("/");
    assertThatThrownBy(() -> BridgeClient.connect(app.vertx, app.baseUrl(), cookie, app.baseUrl()).close())
      .as("the bridge socket" + where).hasMessageContaining("401");
  }

  private static User loggedIn(TestApp app, String name) {
    User user = app.user(name);
    assertThat(user.get("/history").statusCode()).isEqualTo(200);
    return user;
  }

  @Test
  void aCookieCopiedBeforeLogoutIsNoSessionAtOnce() throws Exception {
    TestApp app = app();
    User alice = loggedIn(app, "alice");
    String copy = alice.cookieHeader();
    assertThat(alice.postForm("/logout", "").statusCode()).isEqualTo(303);
    assertNoSession(app, copy);
    assertThat(alice.login().statusCode()).as("logging in again works").isEqualTo(303);
    assertThat(alice.get("/history").statusCode()).isEqualTo(200);
  }

  @Test
  @NeedsRabbitMQ("instances share the record of logouts on the broker")
  void aCookieCopiedBeforeLogoutIsNoSessionOnEveryInstanceAndOnOnesStartedLater() throws Exception {
    TestApp a = app();
    TestApp b = app();
    User alice = loggedIn(a, "alice");
    String copy = alice.cookieHeader();
    assertThat(alice.via(b.baseUrl()).get("/history").statusCode()).as("the session works on b").isEqualTo(200);

    long start = System.nanoTime();
    assertThat(alice.postForm("/logout", "").statusCode()).isEqualTo(303);
    long answered = System.nanoTime();
    await("the logout to reach b").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
      .untilAsserted(() -> assertThat(request(b, "GET", "/history", copy).statusCode()).isEqualTo(401));
    System.out.printf("logout: POST /logout answered after %d ms, the cookie refused on another instance after %d ms%n",
      (answered - start) / 1_000_000, (System.nanoTime() - start) / 1_000_000);
    assertNoSession(a, copy);
    assertNoSession(b, copy);

    TestApp later = app(); // healthy, so serving: no waiting allowed
    assertNoSession(later, copy);
  }

  /** The stream is declared with exactly these arguments: declaring it again with them is accepted, with others refused. */
  @Test
  @NeedsRabbitMQ("it reads the stream")
  void theRecordIsAStreamNamedAfterTheExchangeKeepingEachLogoutForTheSessionTimeout() throws Exception {
    TestApp app = app(new JsonObject().put("http", new JsonObject().put("sessionTimeoutMinutes", 90)));
    User alice = loggedIn(app, "alice");
    assertThat(alice.postForm("/logout", "").statusCode()).isEqualTo(303);

    try (Connection connection = RabbitBroker.connect(); Channel channel = connection.createChannel()) {
      channel.queueDeclare(exchange + ".logouts", true, false, false,
        Map.of("x-queue-type", "stream", "x-max-age", "90m", "x-stream-max-segment-size-bytes", 1_000_000));
    }
    List<String> bodies = RabbitBroker.readBodies(exchange + ".logouts");
    assertThat(bodies).singleElement().satisfies(body -> {
      JsonObject logout = new JsonObject(body);
      assertThat(logout.fieldNames()).containsExactlyInAnyOrder("user", "login", "at");
      assertThat(logout.getString("user")).isEqualTo("alice");
      assertThat(logout.getLong("at")).isCloseTo(System.currentTimeMillis(), within(60_000L));
    });
  }

  @Test
  @NeedsRabbitMQ("it declares the stream beforehand")
  void aRecordDeclaredWithAnotherSessionTimeoutIsUsedAsItIs() throws Exception {
    try (Connection connection = RabbitBroker.connect(); Channel channel = connection.createChannel()) {
      channel.queueDeclare(exchange + ".logouts", true, false, false, Map.of("x-queue-type", "stream", "x-max-age", "1m"));
    }
    TestApp a = app();
    User alice = loggedIn(a, "alice");
    String copy = alice.cookieHeader();
    assertThat(alice.postForm("/logout", "").statusCode()).isEqualTo(303);
    assertNoSession(app(), copy);
  }

  /**
   * An instance that starts while the broker is away cannot tell a live session from one that logged out: it
   * answers 503 to what needs a session, and serves sessions once it has read the record.
   */
  @Test
  @NeedsRabbitMQ("it cuts the way to the broker")
  void anInstanceThatCannotReadTheRecordYetTrustsNoSession() throws Exception {
    TestApp a = app();
    User alice = loggedIn(a, "alice");
    TcpProxy broker = cleanup.keep(TcpProxy.toBroker(false));
    TestApp cutOff = cleanup.keep(TestApp.launch(exchange, exchange + ".log",
      new JsonObject().put("rabbitmq", new JsonObject().put("uri", broker.uri()))));
    await("the cut-off instance to serve pages").atMost(Duration.ofSeconds(20)).ignoreExceptions()
      .untilAsserted(() -> assertThat(cutOff.health()).isEqualTo(503));

    HttpResponse<String> history = request(cutOff, "GET", "/history", alice.cookieHeader());
    assertThat(history.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(history.body()).getString("error")).isEqualTo("unavailable");

    broker.up();
    cutOff.awaitHealthy();
    await("the record to be read").atMost(Duration.ofSeconds(20))
      .untilAsserted(() -> assertThat(request(cutOff, "GET", "/history", alice.cookieHeader()).statusCode()).isEqualTo(200));
  }
}
