package bench;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;

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

  /** Opens sender {@code index}, e.g. logged in as its own user. */
  Future<Sender> openSender(Clients clients, int index);

  /** Sends messages with a given id; completes when the server accepted it (202, or written for STOMP). */
  interface Sender {
    Future<Void> send(String id);
  }

  /** The HTTP and WebSocket clients of one load-generator event loop. */
  record Clients(HttpClient http, WebSocketClient ws) {
  }

  /** A chat message of typical length; the id carries the scheduled send time. */
  String TEXT = "The quick brown fox jumps over the lazy dog while the chat server fans it out to all.";
}
