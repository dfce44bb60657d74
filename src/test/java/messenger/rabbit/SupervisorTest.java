package messenger.rabbit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQClient;
import messenger.Settings;
import messenger.broker.Broker;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The supervisor reconnects whenever its owner says it does not run, whatever the reason (a lost connection,
 * or a check of the owner's own), and retries a setup that failed.
 */
@ExtendWith(RabbitBroker.class)
@NeedsRabbitMQ("it connects to the broker")
class SupervisorTest {

  private static final long INTERVAL = 100;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private RabbitMQClient client() {
    JsonObject config = Settings.defaults();
    config.getJsonObject("rabbitmq").put("uri", RabbitBroker.uri());
    return Broker.configured(Settings.from(config).rabbit()).client(vertx, "supervisor-test", 0);
  }

  private static void await(BooleanSupplier condition, String what) {
    Awaitility.await(what).atMost(Duration.ofSeconds(15)).until(condition::getAsBoolean);
  }

  @Test
  void anOwnerThatSaysItDoesNotRunGetsAFreshConnection() {
    RabbitMQClient client = client();
    AtomicInteger connections = new AtomicInteger();
    AtomicBoolean healthy = new AtomicBoolean(true);
    Supervisor supervisor = new Supervisor(vertx, client, "test", INTERVAL, new Supervisor.Supervised() {
      @Override
      public Future<?> connected() {
        connections.incrementAndGet();
        return Future.succeededFuture();
      }

      @Override
      public boolean isRunning() {
        return healthy.get() && client.isConnected();
      }
    });
    vertx.runOnContext(v -> supervisor.start());
    await(() -> connections.get() == 1 && client.isConnected(), "first connection");

    Awaitility.await("no reconnect while it runs").during(Duration.ofMillis(5 * INTERVAL)).atMost(Duration.ofSeconds(5))
      .until(() -> connections.get() == 1);

    healthy.set(false); // e.g. subscribed but receiving nothing
    await(() -> connections.get() >= 2, "a new connection once the owner says it does not run");
    healthy.set(true);
    await(client::isConnected, "connected again");
    vertx.runOnContext(v -> supervisor.stop());
  }

  @Test
  void aSetupThatFailsIsTriedAgainUntilItWorks() {
    RabbitMQClient client = client();
    AtomicInteger attempts = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean();
    Supervisor supervisor = new Supervisor(vertx, client, "test", INTERVAL, new Supervisor.Supervised() {
      @Override
      public void connecting() {
        running.set(false);
      }

      @Override
      public Future<?> connected() {
        if (attempts.incrementAndGet() < 3) {
          return Future.failedFuture("not yet");
        }
        running.set(true);
        return Future.succeededFuture();
      }

      @Override
      public boolean isRunning() {
        return running.get();
      }
    });
    vertx.runOnContext(v -> supervisor.start());
    await(running::get, "running after two failed setups");
    assertThat(attempts.get()).isEqualTo(3);
    vertx.runOnContext(v -> supervisor.stop());
  }
}
