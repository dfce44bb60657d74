package messenger.testing;

import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * Registration on the bridge is asynchronous: a message sent right after a "register" frame may be
 * published before the handler exists. Tests therefore send probes until every socket got the same one;
 * frames up to that probe are consumed, so what follows is what the test sends next.
 */
public final class Probe {

  private Probe() {
  }

  public static void awaitDelivery(User sender, BridgeClient... bridges) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      String id = "probe-" + UUID.randomUUID();
      if (sender.send("probe", id).statusCode() != 202) {
        throw new IllegalStateException("probe not accepted");
      }
      boolean allSaw = true;
      for (BridgeClient bridge : bridges) {
        allSaw &= sawWithin(bridge, id, 2000);
      }
      if (allSaw) {
        return;
      }
    }
    throw new IllegalStateException("no probe reached every bridge socket within 20 s");
  }

  private static boolean sawWithin(BridgeClient bridge, String id, long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < deadline) {
      for (JsonObject message : bridge.messages(1, 200)) {
        if (id.equals(message.getString("id"))) {
          return true;
        }
      }
    }
    return false;
  }
}
