package messenger;

import io.vertx.core.json.JsonObject;
import messenger.testing.JarInstance;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped artifact: {@code java -jar target/messenger.jar} as the README runs it. */
@ExtendWith(RabbitBroker.class)
@NeedsRabbitMQ("it gives the jar RABBITMQ_URI; NoBrokerFatJarIT runs the jar without one")
class FatJarIT {

  @Test
  void theJarStartsServesHealthChatsAndStopsCleanlyOnSigterm() throws Exception {
    String name = "jar-" + UUID.randomUUID().toString().substring(0, 8);
    long started = System.nanoTime();
    try (JarInstance app = JarInstance.start(name, new JsonObject()
      .put("rabbitmq", new JsonObject().put("exchange", name).put("stream", name + ".log")))) {
      System.out.println("fat jar: /health 200 " + (System.nanoTime() - started) / 1_000_000 + " ms after starting the JVM");

      User user = new User(app.baseUrl(), "jar-user");
      assertThat(user.login().statusCode()).isEqualTo(303);
      assertThat(user.send("hello from the jar").statusCode()).isEqualTo(202);

      long exitMillis = app.stop();
      System.out.println("fat jar: exited " + exitMillis + " ms after SIGTERM");
      assertThat(exitMillis).as("exits within 10 s of SIGTERM").isLessThan(10_000);
      // A clean start and stop say nothing alarming (Micrometer warned "Gauge has been already registered" on every start).
      assertThat(app.output()).contains("Messenger is ready").contains("RabbitMQ is available")
        .doesNotContain("Exception").doesNotContain(" ERROR ").doesNotContain(" WARN ");
    } finally {
      RabbitBroker.delete(name, name + ".log");
    }
  }
}
