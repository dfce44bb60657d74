package messenger.testing;

import messenger.Addresses;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Registration on the bridge is asynchronous: a message sent right after a "register" frame may be
 * published before the handler exists. Tests therefore send probes until every socket got the same one;
 * frames up to that probe are consumed, so what follows is what the test sends next.
 */
public final class Probe {

  private Probe() {
  }

  public static void awaitDelivery(User sender, BridgeClient... bridges) {
    await("a probe that reaches every bridge socket").atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO)
      .until(() -> reachesAll(sender, bridges));
  }

  /** Sends one probe and waits up to 2 s for it on every socket (on each, so that each is read up to it). */
  private static boolean reachesAll(User sender, BridgeClient... bridges) throws InterruptedException {
    String id = "probe-" + UUID.randomUUID();
    assertThat(sender.send("probe", id).statusCode()).as("the probe's send").isEqualTo(202);
    boolean all = true;
    for (BridgeClient bridge : bridges) {
      all &= bridge.await(Addresses.CHAT_MESSAGES, m -> id.equals(m.getString("id")), 2000) != null;
    }
    return all;
  }
}
