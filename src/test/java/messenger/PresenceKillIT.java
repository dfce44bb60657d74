package messenger;

import io.vertx.core.json.JsonObject;
import messenger.testing.JarInstance;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.BridgeClient;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An instance that goes away, as a separate process (the fat jar) next to an in-JVM instance: stopped
 * politely (SIGTERM: it says goodbye, its users leave after the leave grace unless their pages came back
 * elsewhere) and killed (SIGKILL: no goodbye, its users leave when its heartbeats have been missing for the
 * expiry time).
 */
@ExtendWith(RabbitBroker.class)
@NeedsRabbitMQ("a second process shares the app's broker")
class PresenceKillIT {

  private static final long EXPIRY = 2_000;

  @Test
  void anInstanceThatStopsSaysGoodbyeAndOneThatIsKilledExpires() throws Exception {
    String name = "kill-" + UUID.randomUUID().toString().substring(0, 8);
    JsonObject presence = new JsonObject()
      .put("heartbeatMs", 500).put("expiryMs", EXPIRY).put("leaveGraceMs", 500);
    try (TestApp a = TestApp.start(name, name + ".log", new JsonObject().put("presence", presence))) {
      Thread.sleep(1_000); // a's quiet start is over
      User carol = new User(a.baseUrl(), "carol");
      assertThat(carol.login().statusCode()).isEqualTo(303);
      BridgeClient carolTab = BridgeClient.connect(a.vertx, a.baseUrl(), carol.cookieHeader(), a.baseUrl());
      carolTab.register(Addresses.CHAT_PRESENCE);

      for (boolean kill : new boolean[] {false, true}) {
        try (JarInstance jar = JarInstance.start(name, JarInstance.conf(name, name + ".log").put("presence", presence))) {
          Thread.sleep(1_000); // its quiet start is over
          User bob = new User(jar.baseUrl(), "bob");
          assertThat(bob.login().statusCode()).isEqualTo(303);
          BridgeClient bobTab = BridgeClient.connect(a.vertx, bob.baseUrl(), bob.cookieHeader(), bob.baseUrl());
          assertThat(carolTab.await(Addresses.CHAT_PRESENCE, e -> e.getJsonArray("joined").contains("bob"), 10_000))
            .as("bob joined").isNotNull();

          long stopped = System.currentTimeMillis();
          if (kill) {
            jar.kill(); // SIGKILL: no goodbye
          } else {
            assertThat(jar.stop()).as("exits within 10 s of SIGTERM").isLessThan(10_000);
          }
          assertThat(carolTab.await(Addresses.CHAT_PRESENCE, e -> e.getJsonArray("left").contains("bob"), 20_000))
            .as("bob left").isNotNull();
          System.out.println("presence: instance " + (kill ? "killed (SIGKILL)" : "stopped (SIGTERM)")
            + " -> its users left on the other instance after " + (System.currentTimeMillis() - stopped)
            + " ms (leave grace 500 ms, expiry " + EXPIRY + " ms)");
          bobTab.close();
        }
      }
      carolTab.close();
    }
  }
}
