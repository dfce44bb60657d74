package messenger;

import io.vertx.core.json.JsonObject;
import messenger.testing.BridgeClient;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An instance that goes away, as a separate process (the fat jar) next to an in-JVM instance: stopped
 * politely (SIGTERM: it says goodbye, its users leave at once) and killed (SIGKILL: no goodbye, its users
 * leave when its heartbeats have been missing for the expiry time).
 */
@ExtendWith(RabbitBroker.class)
class PresenceKillIT {

  private static final long EXPIRY = 2_000;

  private int jarPort;

  @Test
  void anInstanceThatStopsSaysGoodbyeAndOneThatIsKilledExpires() throws Exception {
    String name = "kill-" + UUID.randomUUID().toString().substring(0, 8);
    JsonObject presence = new JsonObject().put("exchange", name + ".presence")
      .put("heartbeatMs", 500).put("expiryMs", EXPIRY).put("leaveGraceMs", 500);
    try (TestApp a = TestApp.start(name, name + ".log", new JsonObject().put("presence", presence))) {
      Thread.sleep(1_000); // a's quiet start is over
      User carol = new User(a.baseUrl(), "carol");
      assertThat(carol.login().statusCode()).isEqualTo(303);
      BridgeClient carolTab = BridgeClient.connect(a.vertx, a.baseUrl(), carol.cookieHeader(), a.baseUrl()).keepAlive();
      carolTab.register(Addresses.CHAT_PRESENCE);

      for (boolean kill : new boolean[] {false, true}) {
        Process jar = startJar(name, presence);
        try {
          User bob = new User("http://localhost:" + jarPort, "bob");
          assertThat(bob.login().statusCode()).isEqualTo(303);
          BridgeClient bobTab = BridgeClient.connect(a.vertx, bob.baseUrl(), bob.cookieHeader(), bob.baseUrl()).keepAlive();
          assertThat(carolTab.await(Addresses.CHAT_PRESENCE, e -> e.getJsonArray("joined").contains("bob"), 10_000))
            .as("bob joined").isNotNull();

          long stopped = System.currentTimeMillis();
          if (kill) {
            jar.destroyForcibly(); // SIGKILL: no goodbye
          } else {
            jar.destroy(); // SIGTERM
          }
          assertThat(carolTab.await(Addresses.CHAT_PRESENCE, e -> e.getJsonArray("left").contains("bob"), 20_000))
            .as("bob left").isNotNull();
          System.out.println("presence: instance " + (kill ? "killed (SIGKILL)" : "stopped (SIGTERM)")
            + " -> its users left on the other instance after " + (System.currentTimeMillis() - stopped)
            + " ms (expiry " + EXPIRY + " ms)");
          bobTab.close();
          assertThat(jar.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
          jar.destroyForcibly();
        }
      }
      carolTab.close();
    }
  }

  private Process startJar(String name, JsonObject presence) throws Exception {
    jarPort = TestApp.freePort();
    Path log = Files.createTempFile("messenger-presence", ".log");
    JsonObject conf = new JsonObject()
      .put("rabbitmq", new JsonObject().put("exchange", name).put("stream", name + ".log").put("reconnectIntervalMs", 500))
      .put("presence", presence);
    ProcessBuilder builder = new ProcessBuilder(
      Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", Path.of("target", "messenger.jar").toString(),
      "-conf", conf.encode())
      .redirectErrorStream(true)
      .redirectOutput(log.toFile());
    builder.environment().put("HTTP_PORT", String.valueOf(jarPort));
    builder.environment().put("RABBITMQ_URI", RabbitBroker.uri());
    builder.environment().put("SESSION_SECRET", "test-secret");
    Process process = builder.start();
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        int status = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + jarPort + "/health"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 200) {
          Thread.sleep(1_000); // its quiet start is over, it knows carol
          return process;
        }
      } catch (java.io.IOException notYet) {
        Thread.sleep(50);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException("the jar did not start: " + Files.readString(log));
  }
}
