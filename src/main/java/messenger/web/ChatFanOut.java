package messenger.web;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import messenger.Addresses;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Delivers {@code chat.messages} to the bridge sockets of one HttpVerticle that subscribed to it.
 *
 * <p>Left to itself the bridge registers one event-bus consumer per socket, so each message costs one
 * dispatch, one JSON copy and one encode per socket. Here it costs one consumer and one encode per event
 * loop, then one write of the same frame per socket: the frame is the one the bridge would send.
 *
 * <p>The browser still subscribes with a bridge {@code register} frame. Its REGISTER event is retargeted
 * (the bridge's documented {@code setRawMessage}) to {@link #PARKED}, an address nothing is ever sent to,
 * so the bridge answers and counts the registration as usual but never delivers on it.
 */
final class ChatFanOut {

  /** Where a socket's own bridge registration for chat.messages goes: permitted, and always silent. */
  private static final String PARKED = "chat.parked";

  private final Set<SockJSSocket> subscribers = new LinkedHashSet<>();
  /** Decides whether a socket gets the next frame; it cuts off one that does not keep up. */
  private final Predicate<SockJSSocket> canTakeMore;
  /** A copy of {@link #subscribers} to iterate: cutting a socket off may remove it during a delivery. */
  private SockJSSocket[] snapshot = new SockJSSocket[0];
  private boolean changed;

  ChatFanOut(Vertx vertx, Predicate<SockJSSocket> canTakeMore) {
    this.canTakeMore = canTakeMore;
    // Unregistered with the verticle that created it.
    vertx.eventBus().<JsonObject>localConsumer(Addresses.CHAT_MESSAGES, msg -> deliver(msg.body()));
  }

  /**
   * Sees every bridge event first: takes over subscriptions to chat.messages. Returns without completing
   * the event, which the caller does.
   */
  void onBridgeEvent(BridgeEvent event) {
    BridgeEventType type = event.type();
    if (type == BridgeEventType.SOCKET_CLOSED) {
      remove(event.socket());
    } else if ((type == BridgeEventType.REGISTER || type == BridgeEventType.UNREGISTER)
      && Addresses.CHAT_MESSAGES.equals(event.getRawMessage().getString("address"))) {
      event.setRawMessage(event.getRawMessage().copy().put("address", PARKED));
      if (type == BridgeEventType.REGISTER) {
        changed |= subscribers.add(event.socket());
      } else {
        remove(event.socket());
      }
    }
  }

  private void remove(SockJSSocket socket) {
    changed |= subscribers.remove(socket);
  }

  private void deliver(JsonObject message) {
    Buffer frame = BridgeFrames.rec(Addresses.CHAT_MESSAGES, message);
    if (changed) {
      snapshot = subscribers.toArray(SockJSSocket[]::new);
      changed = false;
    }
    for (SockJSSocket socket : snapshot) {
      if (canTakeMore.test(socket)) {
        socket.write(frame);
      }
    }
  }
}
