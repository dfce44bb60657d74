package messenger.testing;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import messenger.MainVerticle;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real application in this JVM, on a free port, with an exchange and stream of its own. Either
 * started by a test ({@link #start()}) or shared by a test class:
 * {@code @RegisterExtension static final TestApp app = TestApp.perClass();}
 */
public final class TestApp implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  /** Every test app's session secret unless a test sets another: apps on one exchange share sessions. */
  public static final String SECRET = "the-test-apps-session-secret-of-32+-characters";

  /** Replaced when a per-class app starts again (see {@link #beforeAll}). */
  public Vertx vertx = Vertx.vertx();
  public final int port;
  /** The management port: /metrics and /health. */
  public final int monitoringPort;
  public final String exchange;
  public final String stream;
  private final JsonObject config;
  private String deploymentId;
  private boolean stopped;

  private TestApp(JsonObject config, int port, int monitoringPort, String exchange, String stream) {
    this.config = config;
    this.port = port;
    this.monitoringPort = monitoringPort;
    this.exchange = exchange;
    this.stream = stream;
  }

  private TestApp deploy() {
    deploymentId = vertx.deployVerticle(new MainVerticle(), new DeploymentOptions().setConfig(config)).await();
    return this;
  }

  /** An app started before the test class's first test and closed after its last. */
  public static TestApp perClass() {
    return perClass(new JsonObject());
  }

  public static TestApp perClass(JsonObject overrides) {
    String name = "test-" + UUID.randomUUID().toString().substring(0, 8);
    return create(name, name + ".log", overrides);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    // Surefire reruns a failed test in a new run of its class, on the same static instance, closed by then.
    if (stopped) {
      vertx = Vertx.vertx();
      stopped = false;
    }
    deploy().awaitHealthy();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  public static TestApp start() {
    return start(new JsonObject());
  }

  /** Starts with the given configuration merged over the test defaults. */
  public static TestApp start(JsonObject overrides) {
    String name = "test-" + UUID.randomUUID().toString().substring(0, 8);
    return start(name, name + ".log", overrides);
  }

  public static TestApp start(String exchange, String stream, JsonObject overrides) {
    TestApp app = launch(exchange, stream, overrides);
    app.awaitHealthy();
    return app;
  }

  /** Starts without waiting for the broker: the app may well be unhealthy. */
  public static TestApp launch(String exchange, String stream, JsonObject overrides) {
    return create(exchange, stream, overrides).deploy();
  }

  private static TestApp create(String exchange, String stream, JsonObject overrides) {
    JsonObject config = new JsonObject()
      .put("http", new JsonObject().put("port", freePort()).put("instances", 1))
      .put("monitoring", new JsonObject().put("port", freePort()))
      .put("session", new JsonObject().put("secret", SECRET))
      .put("rabbitmq", broker()
        .put("exchange", exchange)
        .put("stream", stream)
        .put("reconnectIntervalMs", 500))
      // No leave grace: a test that closes a tab and logs in with the same name next must not be refused.
      .put("presence", new JsonObject().put("leaveGraceMs", 0))
      .mergeIn(overrides, true);
    // An override may pin the port, e.g. to restart the app where browsers expect it.
    return new TestApp(config, config.getJsonObject("http").getInteger("port"),
      config.getJsonObject("monitoring").getInteger("port"), exchange, stream);
  }

  /** The test run's RabbitMQ, never replaced by an embedded one; or, where there is none, an embedded broker per app. */
  private static JsonObject broker() {
    return RabbitBroker.embedded()
      ? new JsonObject().put("embedded", "always")
      : new JsonObject().put("uri", RabbitBroker.uri()).put("embedded", "never");
  }

  public String baseUrl() {
    return "http://localhost:" + port;
  }

  public User user(String name) {
    return User.login(this, name);
  }

  public BridgeClient bridge(User user) {
    return BridgeClient.open(this, user);
  }

  public BridgeClient bridge(User user, BridgeClient.Transport transport) {
    return BridgeClient.open(this, user, transport);
  }

  /** What the management port's {@code GET /metrics} answers: Prometheus text. */
  public String metrics() {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + monitoringPort + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits until /health says UP: the broker is connected and the chat log is being read. */
  public void awaitHealthy() {
    awaitHealthy(Duration.ofSeconds(20));
  }

  public void awaitHealthy(Duration within) {
    await("the app to be healthy").atMost(within).untilAsserted(() -> assertThat(health()).as("GET /health").isEqualTo(200));
  }

  /** The status of GET /health, or 0 when nothing answers. */
  public int health() {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/health"))
        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The check {@code id} of a {@code /health} answer: {@code rabbitmq} (publisher and chat-log reader), {@code rooms},
   * {@code logouts} (their readers). Found by id: the order of the checks is the health-check library's.
   */
  public static JsonObject healthCheck(JsonObject health, String id) {
    return health.getJsonArray("checks").stream().map(JsonObject.class::cast)
      .filter(check -> id.equals(check.getString("id"))).findFirst()
      .orElseThrow(() -> new AssertionError("no check '" + id + "' in " + health.encode()));
  }

  /** Stops the app (once: a later {@link #close()} only deletes); the exchange and stream stay. */
  public void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    vertx.undeploy(deploymentId).await();
    vertx.close().await();
  }

  @Override
  public void close() {
    try {
      stop();
    } finally {
      RabbitBroker.delete(exchange, stream);
      RabbitBroker.delete(exchange + ".presence", exchange + ".logouts"); // presence's exchange, the logout record
      RabbitBroker.delete(exchange, exchange + ".rooms"); // the room log
    }
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
