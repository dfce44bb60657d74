package messenger.testing;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.UUID;

/**
 * Registration on the bridge is asynchronous: a message sent right after a "register" frame may be
 * published before the handler exists. Tests therefore send a probe and wait until every socket got it.
 */
public final class Probe {

  private Probe() {
  }

  public static void awaitDelivery(User sender, BridgeClient... bridges) throws InterruptedException {
    String id = "probe-" + UUID.randomUUID();
    if (sender.send("probe", id).statusCode() != 202) {
      throw new IllegalStateException("probe not accepted");
    }
    for (BridgeClient bridge : bridges) {
      boolean seen = false;
      long deadline = System.currentTimeMillis() + 10_000;
      while (!seen && System.currentTimeMillis() < deadline) {
        List<JsonObject> got = bridge.messages(1, 500);
        seen = got.stream().anyMatch(m -> id.equals(m.getString("id")));
      }
      if (!seen) {
        throw new IllegalStateException("the probe did not reach a bridge socket within 10 s");
      }
    }
  }
}
