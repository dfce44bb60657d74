package messenger;

import io.vertx.core.json.JsonObject;
import messenger.testing.AppProcess;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped artifact: {@code java -jar target/messenger.jar} as the README runs it. */
@ExtendWith(RabbitBroker.class)
class FatJarIT {

  @Test
  void theJarStartsServesHealthChatsAndStopsCleanlyOnSigterm() throws Exception {
    String name = "jar-" + UUID.randomUUID().toString().substring(0, 8);
    try (AppProcess app = AppProcess.start(TestApp.freePort(), name, name + ".log", new JsonObject())) {
      System.out.println("fat jar: /health 200 after " + app.awaitHealthy() + " ms");

      User user = new User(app.baseUrl(), "jar-user");
      assertThat(user.login().statusCode()).isEqualTo(303);
      assertThat(user.send("hello from the jar").statusCode()).isEqualTo(202);

      long exitMillis = app.terminate(10_000);
      System.out.println("fat jar: exited " + exitMillis + " ms after SIGTERM");
      assertThat(exitMillis).as("exits within 10 s of SIGTERM").isNotNegative();
      assertThat(app.output()).contains("Messenger is ready").doesNotContain("Exception").doesNotContain(" ERROR ");
    } finally {
      RabbitBroker.delete(name, name + ".log");
    }
  }
}
