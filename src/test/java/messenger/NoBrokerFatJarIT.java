package messenger;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import messenger.testing.BridgeClient;
import messenger.testing.Probe;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's quick start on a machine without any RabbitMQ: {@code java -jar target/messenger.jar} with no
 * {@code RABBITMQ_URI} and nothing answering where the default points (here a closed port stands for an empty
 * localhost:5672), so the jar starts its embedded broker and two people chat over HTTP and the bridge.
 */
class NoBrokerFatJarIT {

  @Test
  void withNoBrokerAnywhereTheJarEmbedsOneAndTwoPeopleChat() throws Exception {
    Path jar = Path.of("target", "messenger.jar");
    assertThat(jar).exists();
    int port = TestApp.freePort();
    int closedPort = TestApp.freePort(); // nothing listens there
    Path log = Files.createTempFile("messenger-no-broker", ".log");
    // Without SESSION_SECRET the jar keeps a key of its own: here, not in the home directory of whoever runs the tests.
    Path secretFile = Files.createTempDirectory("messenger-no-broker").resolve("session-secret");
    ProcessBuilder builder = new ProcessBuilder(
      Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
      "-conf", new JsonObject()
        .put("rabbitmq", new JsonObject().put("uri", "amqp://guest:guest@localhost:" + closedPort))
        .put("session", new JsonObject().put("secretFile", secretFile.toString())).encode())
      .redirectErrorStream(true)
      .redirectOutput(log.toFile());
    builder.environment().remove("RABBITMQ_URI");
    builder.environment().remove("SESSION_SECRET");
    builder.environment().put("HTTP_PORT", String.valueOf(port));
    builder.environment().put("MONITORING_PORT", String.valueOf(TestApp.freePort()));
    String base = "http://localhost:" + port;

    long started = System.nanoTime();
    Process process = builder.start();
    Vertx vertx = Vertx.vertx();
    try {
      HttpResponse<String> health = awaitHealthy(base, log);
      System.out.println("fat jar on the embedded broker: /health 200 after " + (System.nanoTime() - started) / 1_000_000 + " ms");
      JsonObject broker = TestApp.healthCheck(new JsonObject(health.body()), "rabbitmq").getJsonObject("data").getJsonObject("broker");
      assertThat(broker.getString("kind")).isEqualTo("embedded");
      // "… is available" is logged by the broker side's watcher, which looks every 250 ms: it may follow the first 200.
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(Files.readString(log)).contains("The embedded broker (Qpid) is available"));
      assertThat(Files.readString(log)).contains("EMBEDDED BROKER").contains("TRYING MESSENGER OUT")
        .doesNotContain("RabbitMQ is available")
        .contains("sessions are sealed with the key in " + secretFile);

      User ann = new User(base, "ann");
      User ben = new User(base, "ben");
      assertThat(ann.login().statusCode()).isEqualTo(303);
      assertThat(ben.login().statusCode()).isEqualTo(303);
      try (BridgeClient annBridge = BridgeClient.connect(vertx, base, ann.cookieHeader(), base).register(Addresses.CHAT_MESSAGES);
           BridgeClient benBridge = BridgeClient.connect(vertx, base, ben.cookieHeader(), base).register(Addresses.CHAT_MESSAGES)) {
        Probe.awaitDelivery(ann, annBridge, benBridge);
        assertThat(ann.send("hello Ben, no RabbitMQ here").statusCode()).isEqualTo(202);
        assertThat(ben.send("hello Ann, it works anyway").statusCode()).isEqualTo(202);
        List<JsonObject> seenByAnn = annBridge.messages(2, 10_000);
        List<JsonObject> seenByBen = benBridge.messages(2, 10_000);
        assertThat(seenByAnn).extracting(m -> m.getString("sender") + ": " + m.getString("text"))
          .containsExactly("ann: hello Ben, no RabbitMQ here", "ben: hello Ann, it works anyway");
        assertThat(seenByBen).isEqualTo(seenByAnn);
      }

      process.destroy(); // SIGTERM
      assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("exits within 10 s of SIGTERM").isTrue();
      String output = Files.readString(log);
      assertThat(output).contains("Embedded broker stopped").doesNotContain("Exception").doesNotContain(" ERROR ");
    } finally {
      process.destroyForcibly();
      vertx.close().await();
    }
  }

  private static HttpResponse<String> awaitHealthy(String base, Path log) {
    HttpClient http = HttpClient.newHttpClient();
    return await("/health to say 200").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
      .ignoreExceptionsInstanceOf(IOException.class) // not listening yet
      .until(() -> http.send(HttpRequest.newBuilder(URI.create(base + "/health")).timeout(Duration.ofSeconds(2)).build(),
        HttpResponse.BodyHandlers.ofString()), res -> res.statusCode() == 200);
  }
}
