package messenger.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** Frames written to bridge sockets by Messenger itself, in the bridge's own wire format. */
final class BridgeFrames {

  private BridgeFrames() {
  }

  /** A message on {@code address}, as the bridge delivers one to a socket registered there. */
  static Buffer rec(String address, JsonObject body) {
    return new JsonObject().put("type", "rec").put("address", address).put("body", body).toBuffer();
  }
}
