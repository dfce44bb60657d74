package messenger;

import io.vertx.core.json.JsonObject;
import messenger.testing.ChatLoad;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import messenger.testing.Rabbitmqctl;
import messenger.testing.TestApp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real broker restarted (stop_app / start_app) and all its connections closed by force, mid-chat:
 * two senders at 20 msg/s each, 50 bridge clients. These tests leave the broker running.
 */
@ExtendWith(RabbitBroker.class)
@NeedsRabbitMQ("it restarts the local RabbitMQ with rabbitmqctl")
class BrokerRestartTest {

  private static final JsonObject FAST_SENDERS = new JsonObject()
    .put("rabbitmq", new JsonObject().put("confirmTimeoutMs", 2000))
    .put("chat", new JsonObject().put("ratePerSecond", 100).put("rateBurst", 100));

  @BeforeAll
  static void needsRabbitmqctl() {
    assumeTrue(Rabbitmqctl.available(), "skipped: restarting the broker needs rabbitmqctl and a local broker");
  }

  @Test
  void aBrokerRestartLosesAndDuplicatesNothing() throws Exception {
    try (TestApp app = TestApp.start(FAST_SENDERS)) {
      ChatLoad load = new ChatLoad(app, 2, 20, 50);
      AtomicBoolean sawDown = new AtomicBoolean();
      load.start();
      TestApp.sleep(2000);
      long upAt;
      try {
        assertThat(Rabbitmqctl.run(60, "stop_app")).isTrue();
        for (int i = 0; i < 20; i++) {
          sawDown.compareAndSet(false, app.health() == 503);
          TestApp.sleep(100);
        }
      } finally {
        upAt = System.currentTimeMillis(); // start_app issued
        Rabbitmqctl.ensureRunning();
      }
      app.awaitHealthy(Duration.ofSeconds(30)); // how soon is printed, not asserted: the cores are shared
      long healthyAt = System.currentTimeMillis();
      TestApp.sleep(2000);
      load.stop();
      load.collect();
      System.out.println("broker restart: " + load.verify() + ", /health UP " + (healthyAt - upAt)
        + " ms after start_app was issued");
      assertThat(sawDown).as("/health said DOWN while the broker was stopped").isTrue();
      assertThat(load.statusCounts().keySet()).isSubsetOf(202, 503);
      load.close();
    }
  }

  @Test
  void closingAllConnectionsLosesAndDuplicatesNothing() throws Exception {
    try (TestApp app = TestApp.start(FAST_SENDERS)) {
      ChatLoad load = new ChatLoad(app, 2, 20, 50);
      load.start();
      TestApp.sleep(2000);
      long closedAt = System.currentTimeMillis();
      assertThat(Rabbitmqctl.run(30, "close_all_connections", "test: forced close")).isTrue();
      app.awaitHealthy(Duration.ofSeconds(30)); // how soon is printed, not asserted: the cores are shared
      long healthyAt = System.currentTimeMillis();
      TestApp.sleep(3000);
      load.stop();
      load.collect();
      long sendingAgain = load.firstAcceptedAfter(closedAt + 100);
      System.out.println("close_all_connections: " + load.verify() + ", /health UP " + (healthyAt - closedAt)
        + " ms after, sending again after " + (sendingAgain - closedAt) + " ms");
      assertThat(load.statusCounts().keySet()).isSubsetOf(202, 503);
      load.close();
    }
  }
}
