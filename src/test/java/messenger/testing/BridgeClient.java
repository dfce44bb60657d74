package messenger.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A browser's view of the event-bus bridge without a browser: the raw SockJS WebSocket endpoint
 * ({@code /eventbus/websocket}), which speaks the bridge's JSON frames in binary WebSocket frames.
 */
public final class BridgeClient implements AutoCloseable {

  private final Vertx vertx;
  private final WebSocketClient client;
  private final WebSocket socket;
  private final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private volatile boolean closed;
  private final long pinger;

  private BridgeClient(Vertx vertx, WebSocketClient client, WebSocket socket) {
    this.vertx = vertx;
    this.client = client;
    this.socket = socket;
    socket.handler(this::onFrame);
    // The bridge closes sockets that stay silent past its ping timeout (10 s); browsers ping every 5 s.
    pinger = vertx.setPeriodic(5000, t -> {
      if (!socket.isClosed()) {
        socket.writeTextMessage("{\"type\":\"ping\"}");
      }
    });
    socket.closeHandler(v -> {
      closed = true;
      vertx.cancelTimer(pinger);
    });
  }

  public static BridgeClient open(TestApp app, User user) {
    return connect(app.vertx, user.baseUrl(), user.cookieHeader(), user.baseUrl());
  }

  /** Opens the raw bridge socket with the given cookie and Origin (either may be null); fails if refused. */
  public static BridgeClient connect(Vertx vertx, String baseUrl, String cookie, String origin) {
    URI uri = URI.create(baseUrl);
    // A small receive buffer, so that a client that stops reading shows it quickly.
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setReceiveBufferSize(16 * 1024));
    WebSocketConnectOptions options = new WebSocketConnectOptions()
      .setHost(uri.getHost()).setPort(uri.getPort()).setURI("/eventbus/websocket");
    if (cookie != null) {
      options.addHeader("Cookie", cookie);
    }
    if (origin != null) {
      options.addHeader("Origin", origin);
    } else {
      options.setAllowOriginHeader(false); // the client would add one of its own
    }
    WebSocket socket = client.connect(options).await();
    return new BridgeClient(vertx, client, socket);
  }

  private void onFrame(Buffer data) {
    frames.add(new JsonObject(data));
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
    Thread.sleep(millis);
    List<JsonObject> arrived = new ArrayList<>();
    frames.drainTo(arrived);
    return arrived.stream()
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

  public BridgeClient sendRaw(String text) {
    socket.writeTextMessage(text).await();
    return this;
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

  /** Frames that arrive within the given time. */
  public List<JsonObject> drain(long millis) throws InterruptedException {
    List<JsonObject> result = new ArrayList<>();
    long deadline = System.currentTimeMillis() + millis;
    long left;
    while ((left = deadline - System.currentTimeMillis()) > 0) {
      JsonObject frame = frames.poll(left, TimeUnit.MILLISECONDS);
      if (frame != null) {
        result.add(frame);
      }
    }
    return result;
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

  @Override
  public void close() {
    if (!socket.isClosed()) {
      socket.close().await();
    }
    client.close().await();
  }
}
