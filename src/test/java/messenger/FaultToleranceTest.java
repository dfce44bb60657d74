package messenger;

import io.vertx.core.json.JsonObject;
import messenger.testing.ChatLoad;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import messenger.testing.TcpProxy;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connection faults between the app and the broker, made with a TCP proxy so the shared broker is left
 * alone: a cut connection, an unreachable broker, and an app started before its broker.
 */
@ExtendWith(RabbitBroker.class)
@NeedsRabbitMQ("its reader must resume a stream at an offset across a cut connection")
class FaultToleranceTest {

  /**
   * Through the proxy, with a send's longest wait (confirm 2 s + read-back stall check 1.5 s + reconnect 1 s) well
   * inside the tests' windows: a send whose message the cut lost is published again on the publisher's next
   * connection and answered by that confirm, or, if neither that confirm nor its read-back comes, answered 503 after
   * that wait; either way its sender goes on.
   */
  private static JsonObject through(TcpProxy proxy) {
    return new JsonObject()
      .put("rabbitmq", new JsonObject().put("uri", proxy.uri()).put("confirmTimeoutMs", 2000).put("readerStallMs", 1500))
      .put("chat", new JsonObject().put("ratePerSecond", 100).put("rateBurst", 100));
  }

  private static String name() {
    return "fault-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void aCutConnectionLosesAndDuplicatesNothing() throws Exception {
    String name = name();
    try (TcpProxy proxy = TcpProxy.toBroker(true);
         TestApp app = TestApp.start(name, name + ".log", through(proxy))) {
      ChatLoad load = new ChatLoad(app, 2, 20, 50);
      load.start();
      TestApp.sleep(2000);
      long cutAt = System.currentTimeMillis();
      proxy.cut();
      TestApp.sleep(6000);
      load.stop();
      load.collect();
      long recoveredAt = load.firstAcceptedAfter(cutAt + 50);
      System.out.println("connection cut: " + load.verify() + ", sending again " + (recoveredAt - cutAt) + " ms after the cut");
      assertThat(recoveredAt).as("sends accepted again after the cut").isPositive();
      assertThat(recoveredAt - cutAt).isLessThan(10_000);
      load.close();
    }
  }

  @Test
  void anUnreachableBrokerMeans503AndRecoveryWhenItIsBack() throws Exception {
    String name = name();
    try (TcpProxy proxy = TcpProxy.toBroker(true);
         TestApp app = TestApp.start(name, name + ".log", through(proxy))) {
      ChatLoad load = new ChatLoad(app, 2, 20, 50);
      User probe = app.user("probe");
      load.start();
      TestApp.sleep(1500);
      long downAt = System.currentTimeMillis();
      proxy.down();
      await("/health to say DOWN during the outage").atMost(Duration.ofSeconds(4))
        .untilAsserted(() -> assertThat(app.health()).isEqualTo(503));
      // The load's senders may each be waiting for a send made just before the outage (answered once its
      // read-back or confirm comes, or refused when that time is over): a send made now is refused at once.
      assertThat(probe.send("while the broker is unreachable").statusCode()).as("a send during the outage").isEqualTo(503);
      TestApp.sleep(Math.max(0, downAt + 4000 - System.currentTimeMillis())); // an outage of 4 s
      long upAt = System.currentTimeMillis();
      proxy.up();
      app.awaitHealthy(Duration.ofSeconds(30)); // how soon is printed, not asserted: the cores are shared
      long healthyAt = System.currentTimeMillis();
      TestApp.sleep(2000);
      load.stop();
      load.collect();
      System.out.println("broker unreachable for 4 s: " + load.verify() + ", /health UP " + (healthyAt - upAt)
        + " ms after the broker came back, sending again after " + (load.firstAcceptedAfter(upAt) - upAt) + " ms");
      assertThat(load.statusCounts().keySet()).as("only 202 and 503").isSubsetOf(202, 503);
      load.close();
    }
  }

  @Test
  void anAppStartedBeforeItsBrokerServesPagesRefusesSendsAndConnectsLater() throws Exception {
    String name = name();
    try (TcpProxy proxy = TcpProxy.toBroker(false);
         TestApp app = TestApp.launch(name, name + ".log", through(proxy))) {
      assertThat(app.health()).isEqualTo(503);
      User user = new User(app.baseUrl(), "early");
      assertThat(user.get("/").statusCode()).isEqualTo(200);
      assertThat(user.login().statusCode()).isEqualTo(303);
      assertThat(user.get("/chat").statusCode()).isEqualTo(200);
      assertThat(user.send("too early").statusCode()).isEqualTo(503);

      TestApp.sleep(2000); // several failed connection attempts: no crash, no give-up
      long upAt = System.currentTimeMillis();
      proxy.up();
      app.awaitHealthy();
      System.out.println("app started before its broker: healthy " + (System.currentTimeMillis() - upAt) + " ms after the broker came up");
      assertThat(user.send("now it works").statusCode()).isEqualTo(202);
      user.awaitInHistory("now it works");
      assertThat(user.history("")).extracting(m -> m.getString("text")).containsExactly("now it works");
    }
  }
}
