package messenger.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A browser's view of the event-bus bridge without a browser, over one of two WebSocket endpoints: the raw one
 * ({@code /eventbus/websocket}), which speaks the bridge's JSON frames in binary WebSocket frames, or SockJS's
 * own WebSocket transport ({@code /eventbus/<server>/<session>/websocket}, what the page's SockJS client uses),
 * which wraps them in SockJS frames ({@code o}, {@code h}, {@code a[...]}, {@code c[code,reason]}).
 */
public final class BridgeClient implements AutoCloseable {

  /** Which WebSocket endpoint of the bridge. */
  public enum Transport {
    RAW, SOCKJS
  }

  private final Vertx vertx;
  private final Transport transport;
  private final WebSocketClient client;
  private final ClientWebSocket socket;
  private final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private volatile boolean closed;
  private volatile Short closeStatus;
  private volatile String closeReason;
  private final long pinger;

  /** Handlers first, then the connection: a socket the server closes at once still shows its frames and close. */
  private BridgeClient(Vertx vertx, Transport transport, WebSocketClient client) {
    this.vertx = vertx;
    this.transport = transport;
    this.client = client;
    this.socket = client.webSocket();
    if (transport == Transport.RAW) {
      socket.binaryMessageHandler(this::onFrame);
    } else {
      socket.textMessageHandler(this::onSockJsFrame);
    }
    // The bridge closes sockets that stay silent past its ping timeout (10 s); browsers ping every 5 s.
    pinger = vertx.setPeriodic(5000, t -> {
      if (!socket.isClosed()) {
        socket.writeTextMessage(wrap("{\"type\":\"ping\"}"));
      }
    });
    socket.closeHandler(v -> {
      if (closeStatus == null) { // SockJS's close frame came first
        closeStatus = socket.closeStatusCode();
        closeReason = socket.closeReason();
      }
      closed = true;
      vertx.cancelTimer(pinger);
    });
  }

  public static BridgeClient open(TestApp app, User user) {
    return open(app, user, Transport.RAW);
  }

  public static BridgeClient open(TestApp app, User user, Transport transport) {
    return connect(app.vertx, transport, user.baseUrl(), user.cookieHeader(), user.baseUrl());
  }

  /** Opens the raw bridge socket with the given cookie and Origin (either may be null); fails if refused. */
  public static BridgeClient connect(Vertx vertx, String baseUrl, String cookie, String origin) {
    return connect(vertx, Transport.RAW, baseUrl, cookie, origin);
  }

  public static BridgeClient connect(Vertx vertx, Transport transport, String baseUrl, String cookie, String origin) {
    URI uri = URI.create(baseUrl);
    // A small receive buffer, so that a client that stops reading shows it quickly.
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setReceiveBufferSize(16 * 1024));
    WebSocketConnectOptions options = new WebSocketConnectOptions()
      .setHost(uri.getHost()).setPort(uri.getPort())
      .setURI(transport == Transport.RAW ? "/eventbus/websocket" : "/eventbus/000/" + UUID.randomUUID() + "/websocket");
    if (cookie != null) {
      options.addHeader("Cookie", cookie);
    }
    if (origin != null) {
      options.addHeader("Origin", origin);
    } else {
      options.setAllowOriginHeader(false); // the client would add one of its own
    }
    BridgeClient bridge = new BridgeClient(vertx, transport, client);
    try {
      bridge.socket.connect(options).await();
    } catch (RuntimeException refused) {
      vertx.cancelTimer(bridge.pinger);
      client.close();
      throw refused;
    }
    return bridge;
  }

  private void onFrame(Buffer data) {
    frames.add(new JsonObject(data));
  }

  /** {@code a["<frame>",...]} carries bridge frames; {@code c[code,"reason"]} closes; {@code o} and {@code h} carry nothing. */
  private void onSockJsFrame(String text) {
    if (text.startsWith("a")) {
      new JsonArray(text.substring(1)).forEach(frame -> frames.add(new JsonObject((String) frame)));
    } else if (text.startsWith("c")) {
      JsonArray close = new JsonArray(text.substring(1));
      closeStatus = close.getInteger(0).shortValue();
      closeReason = close.getString(1);
    }
  }

  /** Stops pinging, like a tab whose network silently vanished: the bridge closes it after its ping timeout. */
  public BridgeClient silence() {
    vertx.cancelTimer(pinger);
    return this;
  }

  /**
   * Waits for a message on {@code address} whose body matches; frames before it are consumed. Returns the
   * body, or null after the timeout.
   */
  public JsonObject await(String address, Predicate<JsonObject> match, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    long left;
    while ((left = deadline - System.currentTimeMillis()) > 0) {
      JsonObject frame = frames.poll(left, TimeUnit.MILLISECONDS);
      if (frame != null && "rec".equals(frame.getString("type")) && address.equals(frame.getString("address"))
        && match.test(frame.getJsonObject("body"))) {
        return frame.getJsonObject("body");
      }
    }
    return null;
  }

  /** The bodies of the messages on {@code address} that arrived so far or arrive within the given time. */
  public List<JsonObject> collect(String address, long millis) throws InterruptedException {
    return drain(millis).stream()
      .filter(f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address")))
      .map(f -> f.getJsonObject("body"))
      .toList();
  }

  public BridgeClient register(String address) {
    return sendFrame(new JsonObject().put("type", "register").put("address", address));
  }

  public BridgeClient sendFrame(JsonObject frame) {
    return sendRaw(frame.encode());
  }

  /** Sends one bridge frame as it is (wrapped as SockJS wants it on that transport). */
  public BridgeClient sendRaw(String text) {
    socket.writeTextMessage(wrap(text)).await();
    return this;
  }

  private String wrap(String frame) {
    return transport == Transport.RAW ? frame : new JsonArray().add(frame).encode();
  }

  /** The next frame, or null after the timeout. */
  public JsonObject next(long timeout, TimeUnit unit) throws InterruptedException {
    return frames.poll(timeout, unit);
  }

  /** Waits until {@code count} "rec" frames arrived (or the timeout) and returns their bodies in order. */
  public List<JsonObject> messages(int count, long timeoutMillis) throws InterruptedException {
    List<JsonObject> bodies = new ArrayList<>();
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (bodies.size() < count) {
      long left = deadline - System.currentTimeMillis();
      JsonObject frame = left > 0 ? frames.poll(left, TimeUnit.MILLISECONDS) : null;
      if (frame == null) {
        break;
      }
      if ("rec".equals(frame.getString("type"))) {
        bodies.add(frame.getJsonObject("body"));
      }
    }
    return bodies;
  }

  /** The frames that arrived so far or arrive within the given time. */
  public List<JsonObject> drain(long millis) throws InterruptedException {
    Thread.sleep(millis);
    List<JsonObject> arrived = new ArrayList<>();
    frames.drainTo(arrived);
    return arrived;
  }

  /** Stops reading from the socket, like a stalled browser tab. */
  public void stopReading() {
    socket.pause();
  }

  public void resumeReading() {
    socket.resume();
  }

  public boolean isClosed() {
    return closed || socket.isClosed();
  }

  /**
   * The status code of the close frame the server sent (e.g. 4008), or null before a close or without one. SockJS's
   * own transports carry no code of the application's: their close frame always says 3000 "Go away!".
   */
  public Short closeStatus() {
    return closeStatus;
  }

  public String closeReason() {
    return closeReason;
  }

  @Override
  public void close() {
    if (!socket.isClosed()) {
      socket.close().await();
    }
    client.close().await();
  }
}
