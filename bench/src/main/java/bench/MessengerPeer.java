package bench;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Messenger as a browser uses it: log in, open the bridge's raw {@code /eventbus/websocket}, register on
 * {@code chat.messages}; senders are logged-in users posting {@code /send}.
 */
final class MessengerPeer implements Peer {

  private static final Buffer REGISTER = Buffer.buffer("{\"type\":\"register\",\"address\":\"chat.messages\"}");

  private final int port;
  private final long pid;
  private final String origin;
  /** Names are unique among online users, and a closed tab stays online for a grace period: never reuse one. */
  private final AtomicInteger logins = new AtomicInteger();

  MessengerPeer(int port, long pid) {
    this.port = port;
    this.pid = pid;
    this.origin = "http://127.0.0.1:" + port; // the authority the requests reach
  }

  @Override
  public String name() {
    return "messenger";
  }

  @Override
  public long serverPid() {
    return pid;
  }

  @Override
  public Future<WebSocket> openReceiver(Clients clients, int index, Handler<Buffer> frames) {
    return login(clients, "bench-r" + index).compose(cookie -> {
      WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(port).setURI("/eventbus/websocket")
        .addHeader("Origin", origin)
        .addHeader("Cookie", cookie);
      return clients.ws().connect(options);
    }).compose(ws -> {
      ws.handler(frames);
      return ws.writeTextMessage(REGISTER.toString()).map(ws);
    });
  }

  /** The bridge closes a socket that has not pinged within its ping timeout (10 s by default). */
  @Override
  public String keepAlive() {
    return "{\"type\":\"ping\"}";
  }

  @Override
  public Future<Sender> openSender(Clients clients, int index) {
    return login(clients, "bench-s" + index).map(cookie -> id -> HttpSend.post(clients.http(), port, "/send", id,
      req -> req.putHeader("Origin", origin).putHeader("Cookie", cookie)));
  }

  /** Logs in as {@code prefix} plus a number never used before. */
  private Future<String> login(Clients clients, String prefix) {
    String name = prefix + "-" + logins.incrementAndGet();
    return clients.http().request(HttpMethod.POST, port, "127.0.0.1", "/login")
      .compose(req -> req.putHeader("Content-Type", "application/x-www-form-urlencoded")
        .putHeader("Origin", origin)
        .send("name=" + name))
      .compose(resp -> resp.body().map(body -> {
        String setCookie = resp.cookies().stream().filter(c -> c.startsWith("messenger.session=")).findFirst()
          .orElseThrow(() -> new IllegalStateException("login " + name + ": " + resp.statusCode() + " without a session"));
        return setCookie.substring(0, setCookie.indexOf(';') < 0 ? setCookie.length() : setCookie.indexOf(';'));
      }));
  }
}
