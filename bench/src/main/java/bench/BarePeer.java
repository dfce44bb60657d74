package bench;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

/** The ceiling: {@link Broadcaster}, a bare Vert.x WebSocket broadcaster with no broker and no bridge. */
final class BarePeer implements Peer {

  private final int port;
  private final long pid;

  BarePeer(int port, long pid) {
    this.port = port;
    this.pid = pid;
  }

  @Override
  public String name() {
    return "bare";
  }

  @Override
  public long serverPid() {
    return pid;
  }

  @Override
  public Future<WebSocket> openReceiver(Clients clients, int index, Handler<Buffer> frames) {
    return clients.ws().connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"))
      .map(ws -> {
        ws.handler(frames);
        return ws;
      });
  }

  @Override
  public JsonObject spec() {
    return new JsonObject().put("name", name()).put("port", port).put("pid", pid);
  }

  @Override
  public Future<Sender> openSender(Clients clients, int index, boolean confirmed) {
    return Future.succeededFuture(id -> HttpSend.post(clients.http(), port, "/send", id, req -> { }));
  }
}
