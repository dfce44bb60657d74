package bench;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Messenger as a browser uses it: log in, open the bridge's raw {@code /eventbus/websocket}, register on
 * {@code chat.messages}; senders are logged-in users posting {@code /send}. With rooms (the rooms step), receiver i
 * registers on {@code chat.room.bench-<i mod rooms>} instead, and message seq (probe n) is sent to room
 * {@code bench-<seq mod rooms>}.
 */
final class MessengerPeer implements Peer {

  private static final Buffer REGISTER = Buffer.buffer("{\"type\":\"register\",\"address\":\"chat.messages\"}");

  private final int port;
  /** Its management port: /metrics. */
  private final int monitoringPort;
  private final long pid;
  private final String origin;
  /**
   * Names are unique among online users, and a closed tab stays online for a grace period: never reuse one.
   * Every load-generator process numbers its own, so a second process puts its number in the name.
   */
  private final AtomicInteger logins = new AtomicInteger();
  private final int process;
  /** 0: today's single room, {@code chat.messages}. */
  private final int rooms;

  MessengerPeer(int port, int monitoringPort, long pid, int process) {
    this(port, monitoringPort, pid, process, 0);
  }

  MessengerPeer(int port, int monitoringPort, long pid, int process, int rooms) {
    this.rooms = rooms;
    this.port = port;
    this.monitoringPort = monitoringPort;
    this.pid = pid;
    this.process = process;
    this.origin = "http://127.0.0.1:" + port; // the authority the requests reach
  }

  int port() {
    return port;
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
      String register = rooms == 0 ? REGISTER.toString()
        : "{\"type\":\"register\",\"address\":\"chat.room." + room(index) + "\"}";
      return ws.writeTextMessage(register).map(ws);
    });
  }

  /** The bridge closes a socket that has not pinged within its ping timeout (10 s by default). */
  @Override
  public String keepAlive() {
    return "{\"type\":\"ping\"}";
  }

  @Override
  public JsonObject spec() {
    return new JsonObject().put("name", name()).put("port", port).put("monitoringPort", monitoringPort).put("pid", pid)
      .put("rooms", rooms);
  }

  /** The app's own figures (Prometheus text), for the profile. */
  Future<String> scrapeMetrics(io.vertx.core.http.HttpClient http) {
    return http.request(HttpMethod.GET, monitoringPort, "127.0.0.1", "/metrics")
      .compose(req -> req.send().compose(resp -> resp.body().map(Buffer::toString)));
  }

  @Override
  public Future<Sender> openSender(Clients clients, int index, boolean confirmed) {
    return login(clients, "bench-s" + index).map(cookie -> id -> HttpSend.post(clients.http(), port, "/send", id,
      rooms == 0 ? null : room(seqOf(id)), req -> req.putHeader("Origin", origin).putHeader("Cookie", cookie)));
  }

  @Override
  public int rooms() {
    return Math.max(1, rooms);
  }

  /** The same server, its receivers and senders spread over {@code count} rooms (which {@link #createRooms} makes). */
  MessengerPeer inRooms(int count) {
    return new MessengerPeer(port, monitoringPort, pid, process, count);
  }

  private String room(int n) {
    return "bench-" + (n % rooms);
  }

  /** A message's seq ("r<step>_<seq>_<scheduled>") or a probe's number ("p<n>"). */
  private static int seqOf(String id) {
    return id.startsWith("p") ? Integer.parseInt(id.substring(1)) : Integer.parseInt(id.split("_", 3)[1]);
  }

  /** Creates the rooms {@code bench-0} … as one user (the server is started with a creation limit that allows it). */
  Future<Void> createRooms(io.vertx.core.http.HttpClient http) {
    return login(http, "bench-rooms").compose(cookie -> {
      Future<Void> chain = Future.succeededFuture();
      for (int i = 0; i < rooms; i++) {
        String body = new JsonObject().put("name", room(i)).encode();
        chain = chain.compose(v -> http.request(HttpMethod.POST, port, "127.0.0.1", "/rooms")
          .compose(req -> req.putHeader("Content-Type", "application/json").putHeader("Origin", origin)
            .putHeader("Cookie", cookie).send(body))
          .compose(resp -> resp.body().compose(b -> resp.statusCode() == 201 || resp.statusCode() == 409
            ? Future.<Void>succeededFuture() : Future.failedFuture("POST /rooms answered " + resp.statusCode() + " " + b))));
      }
      return chain;
    });
  }

  private Future<String> login(Clients clients, String prefix) {
    return login(clients.http(), prefix);
  }

  /** Logs in as {@code prefix} plus a number never used before; the session's Cookie header. */
  Future<String> login(io.vertx.core.http.HttpClient http, String prefix) {
    String name = prefix + "-" + (process > 0 ? "p" + process + "-" : "") + logins.incrementAndGet();
    return http.request(HttpMethod.POST, port, "127.0.0.1", "/login")
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
