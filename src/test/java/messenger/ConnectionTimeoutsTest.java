package messenger;

import io.vertx.core.json.JsonObject;
import messenger.testing.BridgeClient;
import messenger.testing.Probe;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nobody holds a connection without using it (here with an idle timeout of 6 s and a request-head timeout of 2 s),
 * while a bridge WebSocket that pings and a SockJS stream stay open as long as they like.
 */
@ExtendWith(RabbitBroker.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ConnectionTimeoutsTest {

  private static final int IDLE_SECONDS = 6;
  private static final int HEAD_SECONDS = 2;

  @RegisterExtension
  static final TestApp app = TestApp.perClass(new JsonObject().put("http", new JsonObject()
    .put("idleTimeoutSeconds", IDLE_SECONDS).put("requestHeaderTimeoutSeconds", HEAD_SECONDS)));

  /** Reads until the server closes the connection; returns how long that took, or fails after {@code limit}. */
  private static Duration untilClosed(Socket socket, Duration limit) throws IOException {
    long start = System.nanoTime();
    socket.setSoTimeout((int) limit.toMillis());
    InputStream in = socket.getInputStream();
    try {
      while (in.read() != -1) {
        // whatever the server says first (e.g. a 408) does not matter
      }
    } catch (SocketTimeoutException stillOpen) {
      throw new AssertionError("the connection is still open after " + limit.toSeconds() + " s");
    } catch (IOException reset) {
      // closed too
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static Socket connect() throws IOException {
    return new Socket("localhost", app.port);
  }

  @Test
  void aConnectionThatSendsNothingIsClosed() throws Exception {
    try (Socket socket = connect()) {
      Duration open = untilClosed(socket, Duration.ofSeconds(20));
      System.out.println("a connection that sends nothing: closed after " + open.toMillis() + " ms");
      assertThat(open).isGreaterThanOrEqualTo(Duration.ofMillis(HEAD_SECONDS * 1000 - 200));
    }
  }

  @Test
  void aConnectionThatStopsHalfwayThroughItsHeadersIsClosed() throws Exception {
    try (Socket socket = connect()) {
      socket.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: localhost:" + app.port + "\r\nAccept: ")
        .getBytes(StandardCharsets.US_ASCII));
      Duration open = untilClosed(socket, Duration.ofSeconds(20));
      System.out.println("half-sent headers: closed after " + open.toMillis() + " ms");
    }
  }

  /** One byte every half second is never idle: only the request-head timeout ends it. */
  @Test
  void headersTrickledByteByByteAreCutOffAtTheRequestHeadTimeout() throws Exception {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      byte[] head = ("GET /health HTTP/1.1\r\nHost: localhost:" + app.port + "\r\nX-Padding: " + "x".repeat(200) + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
      long start = System.nanoTime();
      long giveUp = start + Duration.ofSeconds(IDLE_SECONDS + HEAD_SECONDS + 2).toNanos();
      boolean cut = false;
      for (int i = 0; i < head.length && !cut && System.nanoTime() < giveUp; i++) {
        try {
          out.write(head[i]);
          out.flush();
        } catch (IOException closed) {
          cut = true;
        }
        cut |= closedWithin(socket, Duration.ofMillis(500));
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      System.out.println("headers trickled a byte per 500 ms: cut off after " + millis + " ms");
      assertThat(cut).as("cut off before the headers were complete").isTrue();
      assertThat(millis).isLessThan((IDLE_SECONDS + HEAD_SECONDS) * 1000L);
    }
  }

  private static boolean closedWithin(Socket socket, Duration wait) throws IOException {
    socket.setSoTimeout((int) wait.toMillis());
    try {
      return socket.getInputStream().read() == -1;
    } catch (SocketTimeoutException open) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  @Test
  void keepAliveConnectionsServeOneRequestAfterAnotherAndCloseWhenUnused() throws Exception {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      for (int i = 0; i < 3; i++) {
        out.write(("GET /health HTTP/1.1\r\nHost: localhost:" + app.port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(in.readLine()).as("answer %d on one connection", i + 1).isEqualTo("HTTP/1.1 200 OK");
        skipResponse(in);
        TestApp.sleep(HEAD_SECONDS * 1000L / 2); // within the timeout, each time
      }
      untilClosed(socket, Duration.ofSeconds(20));
    }
  }

  private static void skipResponse(BufferedReader in) throws IOException {
    int length = 0;
    for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    in.skip(length);
  }

  /** The page's client pings every 5 s: its WebSocket is never idle, and it has no request head to wait for. */
  @Test
  void aBridgeWebSocketThatPingsStaysOpen() throws Exception {
    User ada = app.user("ada");
    try (BridgeClient bridge = app.bridge(ada).register(Addresses.CHAT_MESSAGES)) {
      Probe.awaitDelivery(ada, bridge);
      TestApp.sleep((IDLE_SECONDS * 2 + 1) * 1000L);
      assertThat(bridge.isClosed()).isFalse();
      assertThat(ada.send("still here").statusCode()).isEqualTo(202);
      assertThat(bridge.messages(1, 10_000)).singleElement().satisfies(m -> assertThat(m.getString("text")).isEqualTo("still here"));
    }
  }

  /**
   * SockJS's xhr-streaming: one long response, which carries a heartbeat at least twice per idle timeout, while the
   * page posts its pings (every 5 s) on other requests.
   */
  @Test
  void aSockJsStreamStaysOpenOnItsHeartbeats() throws Exception {
    User ada = app.user("streamer");
    String session = "/eventbus/000/" + UUID.randomUUID() + "/";
    HttpResponse<InputStream> stream = ada.stream(HttpRequest.newBuilder(URI.create(app.baseUrl() + session + "xhr_streaming"))
      .header("Origin", app.baseUrl()).POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(stream.statusCode()).isEqualTo(200);
    List<String> frames = new ArrayList<>();
    long start = System.nanoTime();
    long pinged = start;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      while (System.nanoTime() - start < Duration.ofSeconds(IDLE_SECONDS * 2 + 1).toNanos()) {
        String frame = in.readLine();
        assertThat(frame).as("the stream ended after frames %s", frames).isNotNull();
        frames.add(frame.startsWith("hhhh") ? "prelude" : frame);
        if (System.nanoTime() - pinged > Duration.ofSeconds(4).toNanos()) {
          assertThat(ada.post(session + "xhr_send", "text/plain", "[\"{\\\"type\\\":\\\"ping\\\"}\"]").statusCode())
            .as("a ping").isEqualTo(204);
          pinged = System.nanoTime();
        }
      }
    }
    System.out.println("xhr-streaming frames over " + (IDLE_SECONDS * 2 + 1) + " s: " + frames);
    assertThat(frames).startsWith("prelude", "o").contains("h");
  }
}
