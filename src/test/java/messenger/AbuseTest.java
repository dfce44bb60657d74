package messenger;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import messenger.testing.BridgeClient;
import messenger.testing.BridgeClient.Transport;
import messenger.testing.Memory;
import messenger.testing.Prometheus;
import messenger.testing.LogCapture;
import messenger.testing.Probe;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bad input, floods and slow readers: each gets a clear answer, and harms nobody else. After each case,
 * another user's next request still works, and the server logged no exception.
 */
@ExtendWith(RabbitBroker.class)
class AbuseTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass();

  private static void othersStillFine() {
    User bystander = app.user("bystander-" + UUID.randomUUID().toString().substring(0, 6));
    assertThat(bystander.send("still here").statusCode()).isEqualTo(202);
  }

  @Test
  void badSendBodiesGetClearErrors() throws Exception {
    try (LogCapture log = new LogCapture()) {
      User user = app.user("prankster");
      byte[] invalidUtf8 = "{\"text\":\"bad \u0000\"}".getBytes(StandardCharsets.UTF_8);
      invalidUtf8[invalidUtf8.length - 4] = (byte) 0xC3; // a lone lead byte
      invalidUtf8[invalidUtf8.length - 3] = (byte) 0x28;
      HttpResponse<String> res = user.request(java.net.http.HttpRequest.newBuilder(java.net.URI.create(app.baseUrl() + "/send"))
        .header("Origin", app.baseUrl()).header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(invalidUtf8)));
      assertThat(res.statusCode()).isEqualTo(400);
      assertThat(new JsonObject(res.body()).getString("error")).isEqualTo("malformed_json");

      assertThat(user.post("/send", "application/json", "{\"message\":\"hi\"}").statusCode()).isEqualTo(400);
      assertThat(user.post("/send", "application/json", "{\"text\":[\"hi\"]}").statusCode()).isEqualTo(400);
      assertThat(user.post("/send", "application/json", "\"just a string\"").statusCode()).isEqualTo(400);
      assertThat(user.post("/send", "application/jsonx", "{\"text\":\"hi\"}").statusCode()).isEqualTo(415);
      assertThat(user.post("/send", "application/json", "{\"text\":\"hi\",\"id\":\"" + "a".repeat(65) + "\"}").statusCode()).isEqualTo(400);
      assertThat(user.post("/send", "application/json", "{\"text\":\"hi\",\"id\":42}").statusCode()).isEqualTo(400);
      othersStillFine();
      assertThat(log.problems()).isEmpty();
    }
  }

  @Test
  void anOversizedBodyIsRefusedFromItsLengthWithoutBeingRead() throws Exception {
    User user = app.user("uploader");
    try (Socket socket = new Socket("localhost", app.port)) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /send HTTP/1.1\r\nHost: localhost:" + app.port + "\r\nOrigin: " + app.baseUrl()
        + "\r\nCookie: " + user.cookieHeader() + "\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n{\"text\":\"")
        .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // Only the headers and a few bytes were sent: the answer comes from the declared length alone.
      InputStream in = socket.getInputStream();
      String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(statusLine).isEqualTo("HTTP/1.1 413");
    }
    othersStillFine();
  }

  @Test
  void badNamesAreRefusedAndShownEscaped() {
    for (String name : List.of("", "   ", "x".repeat(33), "bell\u0007", "tab\tname", "<img src=x onerror=alert(1)>", "a\u202Eb")) {
      HttpResponse<String> res = new User(app.baseUrl(), name).login();
      assertThat(res.statusCode()).as(name).isEqualTo(400);
      assertThat(res.body()).as(name).contains("field-error").doesNotContain("<img src=x");
    }
    othersStillFine();
  }

  @Test
  void garbageOnTheBridgeIsRefusedAndHarmsNoOtherSocket() throws Exception {
    try (LogCapture log = new LogCapture()) {
      User user = app.user("scribbler");
      User other = app.user("reader");
      BridgeClient bystander = app.bridge(other).register(Addresses.CHAT_MESSAGES);
      BridgeClient attacker = app.bridge(user);
      for (String frame : List.of("not json", "{}", "[]", "{\"type\":42}", "{\"type\":\"register\"}",
        "{\"type\":\"explode\",\"address\":\"chat.messages\"}", "{\"type\":\"unregister\",\"address\":\"nothing\"}",
        "{\"type\":\"register\",\"address\":\"" + "y".repeat(10_000) + "\"}")) {
        attacker.sendRaw(frame);
      }
      for (int i = 0; i < 2000; i++) {
        attacker.register("chat.messages" + (i % 2 == 0 ? "" : "x" + i));
      }
      List<JsonObject> answers = attacker.drain(1500);
      assertThat(answers).isNotEmpty().allSatisfy(frame -> assertThat(frame.getString("type")).isIn("err", "rec"));
      assertThat(answers.stream().filter(f -> "err".equals(f.getString("type"))).map(f -> f.getString("body")).distinct())
        .contains("invalid_json", "missing_type", "missing_address", "invalid_type", "max_address_length_reached", "access_denied");

      Probe.awaitDelivery(other, bystander);
      assertThat(other.send("after the garbage").statusCode()).isEqualTo(202);
      assertThat(bystander.messages(1, 10_000)).singleElement()
        .satisfies(m -> assertThat(m.getString("text")).isEqualTo("after the garbage"));
      attacker.close();
      bystander.close();
      // Each got its error frame; what a client does wrong is no error of the server's.
      assertThat(log.problems()).isEmpty();
    }
  }

  private static List<String> errorBodies(BridgeClient socket) throws InterruptedException {
    return socket.drain(1000).stream().filter(f -> "err".equals(f.getString("type"))).map(f -> f.getString("body")).toList();
  }

  /** Quoted in a log line, a frame type with a line break in it would forge a line of its own. */
  @Test
  void aFrameCannotWriteALineIntoTheLog() throws Exception {
    try (LogCapture log = new LogCapture(); BridgeClient socket = app.bridge(app.user("forger"))) {
      socket.sendFrame(new JsonObject().put("type", "x\n12:00:00.000 ERROR [main] m.web.Pages - forged")
        .put("address", Addresses.CHAT_MESSAGES));
      assertThat(errorBodies(socket)).containsExactly("invalid_type");
      assertThat(log.messages()).noneMatch(m -> m.contains("forged"));
    }
  }

  /** Browsers send nothing on the bus: a send whose headers are not an object is refused like any other. */
  @Test
  void aSendWithHeadersThatAreNotAnObjectGetsAnErrorFrameAndThrowsNothing() throws Exception {
    try (LogCapture log = new LogCapture(); BridgeClient socket = app.bridge(app.user("headless"))) {
      for (Object headers : List.of("x", 42, new JsonArray().add(1))) {
        for (String type : List.of("send", "publish")) {
          socket.sendFrame(new JsonObject().put("type", type).put("address", Addresses.CHAT_MESSAGES)
            .put("headers", headers).put("body", "hi"));
        }
      }
      assertThat(errorBodies(socket)).hasSize(6).containsOnly("rejected");
      assertThat(log.problems()).isEmpty();
    }
  }

  /** A browser that vanishes mid-connection (a reset, no close frame), on either WebSocket transport. */
  @Test
  void anAbruptDisconnectIsNoError() throws Exception {
    User user = app.user("vanishing");
    try (LogCapture log = new LogCapture()) {
      for (String path : List.of("/eventbus/websocket", "/eventbus/000/" + UUID.randomUUID() + "/websocket")) {
        double before = bridgeClients();
        Socket socket = new Socket("localhost", app.port);
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost:" + app.port + "\r\nOrigin: "
          + app.baseUrl() + "\r\nCookie: " + user.cookieHeader() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 101");
        await("the socket to be counted").atMost(Duration.ofSeconds(10)).until(() -> bridgeClients() == before + 1);
        socket.setSoLinger(true, 0);
        socket.close(); // a reset
        await("the server to notice").atMost(Duration.ofSeconds(10)).until(() -> bridgeClients() == before);
      }
      assertThat(log.problems()).isEmpty();
    }
  }

  /** One session may hold 10 bridge sockets (http.maxSocketsPerSession): one more is refused, saying why. */
  @Test
  void aSessionHoldsAtMostItsMaximumOfBridgeSockets() throws Exception {
    User user = app.user("hoarder");
    List<BridgeClient> tabs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      tabs.add(app.bridge(user));
    }
    BridgeClient oneTooMany = app.bridge(user);
    await("the socket beyond the maximum to be closed").atMost(Duration.ofSeconds(10)).until(oneTooMany::isClosed);
    assertThat(oneTooMany.drain(0)).extracting(f -> f.getString("body")).containsExactly("too_many_sockets");
    assertThat(oneTooMany.closeStatus()).isEqualTo((short) 4029);
    assertThat(oneTooMany.closeReason()).isEqualTo("too many sockets for this session");
    othersStillFine();

    tabs.remove(0).close();
    BridgeClient again = app.bridge(user).register(Addresses.CHAT_MESSAGES);
    Probe.awaitDelivery(user, again);
    tabs.add(again);
    for (BridgeClient tab : tabs) {
      tab.close();
    }
  }

  private static double bridgeClients() {
    return Prometheus.value(app.metrics(), "messenger_bridge_clients");
  }

  /** 100 sends at about 100 msg/s, five times the limit; {@code alongside} runs after every 20th. */
  private static List<Integer> flood(User flooder, Runnable alongside) {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      statuses.add(flooder.send("spam " + i).statusCode());
      if (i % 20 == 0) {
        alongside.run();
      }
      TestApp.sleep(10);
    }
    return statuses;
  }

  @Test
  void aFloodIsAcceptedUpToTheBurstAndRefusedWith429Beyond() {
    User flooder = app.user("flooder");
    long start = System.currentTimeMillis();
    List<Integer> statuses = flood(flooder, () -> { });
    double seconds = (System.currentTimeMillis() - start) / 1000.0;
    long accepted = statuses.stream().filter(s -> s == 202).count();
    System.out.println("flood of 100 at ~100 msg/s: " + accepted + " accepted, " + statuses.stream().filter(s -> s == 429).count() + " refused with 429");
    assertThat(statuses.subList(0, 10)).containsOnly(202);
    assertThat(statuses).allMatch(s -> s == 202 || s == 429);
    assertThat((double) accepted).as("burst 10 + 5/s").isLessThanOrEqualTo(10 + 5 * seconds + 1);
    // However slow this machine is, a burst beyond the bucket is refused.
    HttpResponse<String> limited = null;
    for (int i = 0; i < 30 && (limited == null || limited.statusCode() != 429); i++) {
      limited = flooder.send("one more");
    }
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(new JsonObject(limited.body()).getString("error")).isEqualTo("too_fast");
    // When to try again: one refill of the bucket at 5 a second, rounded up to whole seconds; the page waits that long.
    assertThat(limited.headers().firstValue("Retry-After")).contains("1");
  }

  @Test
  void aFloodDoesNotLimitOtherUsers() {
    User calm = app.user("calm");
    List<Integer> calmStatuses = new ArrayList<>();
    List<Integer> flooder = flood(app.user("flooder-2"), () -> calmStatuses.add(calm.send("calm").statusCode()));
    assertThat(flooder).as("the flooder was limited").contains(429);
    assertThat(calmStatuses).as("the calm user's sends during the flood").hasSize(5).containsOnly(202);
  }

  /**
   * An app that takes 2000-character messages as fast as one sender posts them, and two readers: one that
   * keeps reading and one that stops during {@link #burst()}. Closing it lets the stalled one read again.
   */
  private record Firehose(TestApp app, BridgeClient healthy, BridgeClient stalled) implements AutoCloseable {

    static Firehose start() {
      TestApp app = TestApp.start(new JsonObject()
        .put("chat", new JsonObject().put("ratePerSecond", 10_000).put("rateBurst", 10_000)));
      return new Firehose(app, app.bridge(app.user("keeps-up")).register(Addresses.CHAT_MESSAGES),
        app.bridge(app.user("stalls")).register(Addresses.CHAT_MESSAGES));
    }

    /**
     * The stalled reader stops reading, then 1000 messages go out: 2 MB, several times what the socket
     * buffers on both ends hold (about 140 messages here). Returns how many were accepted.
     */
    int burst() {
      User sender = app.user("firehose");
      Probe.awaitDelivery(sender, healthy, stalled);
      stalled.stopReading();
      String text = "z".repeat(2000);
      int sent = 0;
      for (int i = 0; i < 1000; i++) {
        if (sender.send(text).statusCode() == 202) {
          sent++;
        }
      }
      return sent;
    }

    @Override
    public void close() {
      stalled.resumeReading();
      app.close();
    }
  }

  @Test
  void aReaderThatStopsReadingIsClosedWith4008TooSlow() throws Exception {
    try (Firehose firehose = Firehose.start()) {
      int sent = firehose.burst();
      // The stalled tab wakes up: it finds what was written before the cut, then the close frame.
      BridgeClient stalled = firehose.stalled();
      stalled.resumeReading();
      await("the stalled reader's socket to be closed").atMost(Duration.ofSeconds(20)).until(stalled::isClosed);
      int buffered = stalled.messages(Integer.MAX_VALUE, 1000).size();
      System.out.println("slow reader: closed with " + stalled.closeStatus() + " \"" + stalled.closeReason() + "\" after "
        + buffered + " of " + sent + " messages of 2000 characters");
      assertThat(stalled.closeStatus()).isEqualTo((short) 4008);
      assertThat(stalled.closeReason()).isEqualTo("too slow");
      assertThat(buffered).as("messages the stalled reader got before the cut").isLessThan(sent);
    }
  }

  /**
   * A socket that never reads and churns presence: each of its 1250 registrations on chat.presence is answered
   * with the whole online list (3.7 KB here). It is cut off like any slow reader, on either WebSocket transport:
   * nothing more is written to it, so what waits for it in the server stays small.
   */
  @ParameterizedTest
  @EnumSource(Transport.class)
  void aSocketThatNeverReadsWhileChurningPresenceIsCutOffAndKeepsNoMemory(Transport transport) throws Exception {
    crowd();
    String name = "churner-" + transport.name().toLowerCase(Locale.ROOT);
    BridgeClient churner = app.bridge(app.user(name), transport);
    JsonObject register = new JsonObject().put("type", "register").put("address", Addresses.CHAT_PRESENCE);
    JsonObject unregister = register.copy().put("type", "unregister");
    try (LogCapture log = new LogCapture()) {
      long heapBefore = Memory.settledHeap();
      churner.stopReading();
      for (int i = 0; i < 1250; i++) {
        churner.sendFrame(register).sendFrame(unregister);
      }
      boolean cutOff = eventually(Duration.ofSeconds(30), () -> log.messages().contains(
        "Closing the bridge socket of " + name + ": it does not keep up with its messages"));
      long retained = Memory.settledHeap() - heapBefore;
      System.out.printf("presence churn over %s: %s; heap retained %.1f MB%n", transport,
        cutOff ? "cut off" : "not cut off within 30 s", retained / 1e6);

      assertThat(cutOff).as("the server cut off the socket that does not read").isTrue();
      assertThat(retained).as("heap retained for the socket").isLessThan(2_000_000);
    }
    churner.resumeReading();
    await("the churner to see its socket closed").atMost(Duration.ofSeconds(30)).until(churner::isClosed);
    int lists = churner.collect(Addresses.CHAT_PRESENCE, 500).size();
    System.out.printf("presence churn over %s: %d of 1250 lists written before the cut-off, closed with %s%n",
      transport, lists, churner.closeStatus());
    assertThat(lists).as("lists written to the socket").isLessThan(200);
    assertThat(churner.closeStatus()).isEqualTo(transport == Transport.RAW ? (short) 4008 : (short) 3000);
  }

  private static final int CROWD = 100;
  private static boolean crowded;

  /**
   * A hundred people online (once per class), with names of 32 characters, so that the online list is long. They log
   * in through one HTTP client, so that nothing of theirs but their sockets stays to blur the heap measurement.
   */
  private static void crowd() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; !crowded && i < CROWD; i++) {
      HttpResponse<Void> login = http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/login"))
        .header("Origin", app.baseUrl()).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(String.format("name=someone-with-a-long-name-%07d", i))).build(),
        HttpResponse.BodyHandlers.discarding());
      String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
      BridgeClient.connect(app.vertx, app.baseUrl(), cookie, app.baseUrl());
    }
    crowded = true;
  }

  private static boolean eventually(Duration within, java.util.concurrent.Callable<Boolean> condition) {
    try {
      await().atMost(within).until(condition);
      return true;
    } catch (ConditionTimeoutException notWithin) {
      return false;
    }
  }

  @Test
  void othersReceiveEveryMessageWhileOneReaderStalls() throws Exception {
    try (Firehose firehose = Firehose.start()) {
      int sent = firehose.burst();
      assertThat(firehose.healthy().messages(sent, 30_000)).as("messages the healthy reader got").hasSize(sent);
    }
  }
}
