package messenger;

import io.vertx.core.json.JsonObject;
import messenger.testing.LogWriter;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import messenger.testing.TcpProxy;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static messenger.testing.User.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One scrolling user, or a crowd, cannot load the broker: reads of the stream are bounded per instance (a few at
 * once, a short queue, then 503 {@code busy}) and every session has a rate limit (429).
 */
@ExtendWith(RabbitBroker.class)
class HistoryLimitsTest {

  private static void assertRefused(HttpResponse<String> res, int status, String error) {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    JsonObject body = new JsonObject(res.body());
    assertThat(body.getString("error")).isEqualTo(error);
    assertThat(body.getString("message")).isNotBlank();
    assertThat(res.headers().firstValue("Retry-After")).as("when to ask again").hasValue("1");
  }

  /**
   * One read at a time and one more waiting (at most 1.5 s): with the broker stalled behind a proxy, a third
   * request is refused at once and the waiting one when its wait is over; pages from memory are still answered,
   * and the stalled read completes once the broker answers again.
   */
  @Test
  @NeedsRabbitMQ("history beyond memory is read from the stream")
  void readsOfTheStreamBeyondTheLimitAreAnswered503InsteadOfQueueing() throws Exception {
    try (TcpProxy proxy = TcpProxy.toBroker(true);
         TestApp app = TestApp.start(new JsonObject()
           .put("rabbitmq", new JsonObject().put("uri", proxy.uri()))
           .put("chat", new JsonObject().put("historySize", 10))
           .put("history", new JsonObject().put("maxConcurrentReads", 1).put("maxQueuedReads", 1)
             .put("queueTimeoutMs", 1500).put("readTimeoutMs", 60_000)))) {
      try (LogWriter log = LogWriter.to(app.exchange)) {
        for (int i = 0; i < 100; i++) {
          log.chat("m-" + i, "writer", "message " + i);
        }
      }
      User ann = app.user("ann");
      User bob = app.user("bob");
      User cat = app.user("cat");
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(ann.history("?limit=1")).extracting(m -> m.getString("text")).containsExactly("message 99"));
      long first = ann.history("?limit=100").get(0).getLong("seq");
      String beyondMemory = "/history?after=" + first + "&limit=20";
      assertThat(ann.get(beyondMemory).statusCode()).as("a read of the stream, before the stall").isEqualTo(200);

      proxy.stall();
      CompletableFuture<HttpResponse<String>> reading = async(ann, beyondMemory);
      awaitReads(app, 1, 0);
      CompletableFuture<HttpResponse<String>> waiting = async(bob, beyondMemory);
      awaitReads(app, 1, 1);

      assertRefused(cat.get(beyondMemory), 503, "busy");
      assertThat(messages(cat.historyPage("?limit=5"))).as("a page from memory").hasSize(5);
      assertRefused(waiting.get(30, java.util.concurrent.TimeUnit.SECONDS), 503, "busy");
      assertThat(reading).isNotDone();

      proxy.resume();
      HttpResponse<String> read = reading.get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
      assertThat(messages(new JsonObject(read.body()))).extracting(m -> m.getString("text"))
        .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(i -> "message " + i).toList());
      awaitReads(app, 0, 0);
    }
  }

  @Test
  void everySessionHasARateLimit() {
    try (TestApp app = TestApp.start(new JsonObject()
      .put("history", new JsonObject().put("ratePerSecond", 0.1).put("rateBurst", 3)))) {
      User ann = app.user("ann");
      for (int i = 0; i < 3; i++) {
        assertThat(ann.get("/history").statusCode()).isEqualTo(200);
      }
      assertRefused(ann.get("/history"), 429, "too_fast");
      assertThat(app.user("bob").get("/history").statusCode()).as("another session").isEqualTo(200);
    }
  }

  private static CompletableFuture<HttpResponse<String>> async(User user, String path) {
    return HttpClient.newBuilder().build().sendAsync(HttpRequest.newBuilder(URI.create(user.baseUrl() + path))
      .header("Cookie", user.cookieHeader()).timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Waits until the instance says how many history requests read the stream and wait to. */
  private static void awaitReads(TestApp app, int reading, int waiting) {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      String metrics = app.metrics();
      assertThat(reads(metrics, "reading")).as("reading").isEqualTo(reading);
      assertThat(reads(metrics, "waiting")).as("waiting").isEqualTo(waiting);
    });
  }

  private static double reads(String metrics, String state) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith("messenger_history_reads{") && line.contains("state=\"" + state + "\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return Double.NaN;
  }
}
