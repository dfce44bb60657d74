package messenger;

import io.vertx.core.json.JsonObject;
import messenger.testing.NeedsRabbitMQ;
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

/** The shipped artifact: {@code java -jar target/messenger.jar} as the README runs it. */
@ExtendWith(RabbitBroker.class)
@NeedsRabbitMQ("it gives the jar RABBITMQ_URI; NoBrokerFatJarIT runs the jar without one")
class FatJarIT {

  @Test
  void theJarStartsServesHealthChatsAndStopsCleanlyOnSigterm() throws Exception {
    Path jar = Path.of("target", "messenger.jar");
    assertThat(jar).exists();
    int port = TestApp.freePort();
    String name = "jar-" + UUID.randomUUID().toString().substring(0, 8);
    Path log = Files.createTempFile("messenger-jar", ".log");
    ProcessBuilder builder = new ProcessBuilder(
      Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
      "-conf", new JsonObject().put("rabbitmq", new JsonObject().put("exchange", name).put("stream", name + ".log")).encode())
      .redirectErrorStream(true)
      .redirectOutput(log.toFile());
    builder.environment().put("HTTP_PORT", String.valueOf(port));
    builder.environment().put("RABBITMQ_URI", RabbitBroker.uri());
    builder.environment().put("SESSION_SECRET", "fat-jar-test");

    long started = System.nanoTime();
    Process process = builder.start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      int status = 0;
      long deadline = System.currentTimeMillis() + 30_000;
      while (status != 200 && System.currentTimeMillis() < deadline) {
        try {
          status = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException notYet) {
          Thread.sleep(50);
        }
      }
      long readyMillis = (System.nanoTime() - started) / 1_000_000;
      System.out.println("fat jar: /health 200 after " + readyMillis + " ms");
      assertThat(status).as(Files.readString(log)).isEqualTo(200);

      User user = new User("http://localhost:" + port, "jar-user");
      assertThat(user.login().statusCode()).isEqualTo(303);
      assertThat(user.send("hello from the jar").statusCode()).isEqualTo(202);

      long stopping = System.nanoTime();
      process.destroy(); // SIGTERM
      assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("exits within 10 s of SIGTERM").isTrue();
      System.out.println("fat jar: exited " + (System.nanoTime() - stopping) / 1_000_000 + " ms after SIGTERM");
      String output = Files.readString(log);
      assertThat(output).contains("Messenger is ready").doesNotContain("Exception").doesNotContain(" ERROR ");
    } finally {
      process.destroyForcibly();
      RabbitBroker.delete(name, name + ".log");
    }
  }
}
