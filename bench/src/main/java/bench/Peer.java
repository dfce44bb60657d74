package bench;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;

/** One system under test: how a receiver subscribes, how a sender sends, which process serves it. */
interface Peer {

  String name();

  /** The process whose CPU and memory count as "the server". */
  long serverPid();

  /** Opens receiver {@code index}: connected and subscribed; every data frame goes to {@code frames}. */
  Future<WebSocket> openReceiver(Clients clients, int index, Handler<Buffer> frames);

  /** A frame each receiver sends every few seconds to stay connected, as the browser client does; or null. */
  default String keepAlive() {
    return null;
  }

  /**
   * Opens sender {@code index}, e.g. logged in as its own user. Its sends complete when the server accepted
   * the message: 202 for HTTP, which Messenger answers only after the broker's confirm. A STOMP SEND is
   * not answered unless {@code confirmed}: then it asks for a RECEIPT, which RabbitMQ sends after its confirm.
   */
  Future<Sender> openSender(Clients clients, int index, boolean confirmed);

  /**
   * Receivers each follow one of this many rooms (receiver i the room i mod rooms) and message seq goes to room
   * seq mod rooms; 1: every receiver gets every message.
   */
  default int rooms() {
    return 1;
  }

  /** How many senders the peer can take: each Web-STOMP sender is a connection to the shared broker. */
  default int maxSenders() {
    return Integer.MAX_VALUE;
  }

  /** Sends messages with a given id. */
  interface Sender {
    Future<Void> send(String id);
  }

  /** What another load-generator process needs to open receivers on this peer ({@link #fromSpec}). */
  JsonObject spec();

  /** The peer as seen from load-generator process number {@code process} (this one is 0). */
  static Peer fromSpec(JsonObject spec, int process) {
    return switch (spec.getString("name")) {
      case "messenger" -> new MessengerPeer(spec.getInteger("port"), spec.getInteger("monitoringPort"), spec.getLong("pid"), process,
        spec.getInteger("rooms", 0));
      case "bare" -> new BarePeer(spec.getInteger("port"), spec.getLong("pid"));
      case "web-stomp" -> new StompPeer(spec.getInteger("port"), spec.getLong("pid"), spec.getString("exchange"),
        spec.getInteger("maxSenders"));
      default -> throw new IllegalArgumentException("unknown peer " + spec);
    };
  }

  /** The HTTP and WebSocket clients of one load-generator event loop. */
  record Clients(HttpClient http, WebSocketClient ws) {
  }

  /** A chat message of typical length; the id carries the scheduled send time. */
  String TEXT = "The quick brown fox jumps over the lazy dog while the chat server fans it out to all.";
}
