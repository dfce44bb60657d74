package messenger;

import io.vertx.core.json.JsonObject;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 10 000 distinct people log in, send one message each and log out, a few at a time: the instance's map of
 * per-user publishers follows the people who are there, and is empty when they have all left.
 */
@ExtendWith(RabbitBroker.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ManyUsersTest {

  private static final int USERS = 10_000;
  private static final int AT_ONCE = 8;

  @Test
  void publishersOfUsersWhoLoggedOutAreDropped() throws Exception {
    try (TestApp app = TestApp.start()) {
      // One client for everyone, cookies handled by hand: 10 000 HttpClients would each hold a thread.
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      AtomicInteger next = new AtomicInteger();
      AtomicInteger sent = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(AT_ONCE);
      long started = System.nanoTime();
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < AT_ONCE; w++) {
        workers.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < USERS; i = next.getAndIncrement()) {
            String cookie = login(http, app, "user " + i);
            HttpResponse<String> res = post(http, app, "/send", cookie, "application/json",
              new JsonObject().put("text", "hello from " + i).encode());
            if (res.statusCode() == 202) {
              sent.incrementAndGet();
            }
            assertThat(post(http, app, "/logout", cookie, "application/x-www-form-urlencoded", "").statusCode()).isEqualTo(303);
          }
          return null;
        }));
      }
      int most = 0;
      while (workers.stream().anyMatch(f -> !f.isDone())) {
        most = Math.max(most, publishers(http, app));
        Thread.sleep(50);
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
      pool.shutdown();
      long seconds = (System.nanoTime() - started) / 1_000_000_000;
      int left = publishers(http, app);
      System.out.printf("many users: %d logged in, sent and logged out in %d s; publishers at most %d, afterwards %d%n",
        USERS, seconds, most, left);
      assertThat(sent.get()).isEqualTo(USERS);
      assertThat(most).as("publishers held at once").isLessThanOrEqualTo(AT_ONCE);
      // Logout is a one-way bus message: give the last few a moment.
      await("no publisher left").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> assertThat(publishers(http, app)).isZero());
    }
  }

  private static String login(HttpClient http, TestApp app, String name) throws Exception {
    HttpResponse<String> res = post(http, app, "/login", null, "application/x-www-form-urlencoded",
      "name=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
    assertThat(res.statusCode()).isEqualTo(303);
    String setCookie = res.headers().firstValue("Set-Cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  private static HttpResponse<String> post(HttpClient http, TestApp app, String path, String cookie,
                                           String contentType, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.baseUrl() + path))
      .timeout(Duration.ofSeconds(15))
      .header("Origin", app.baseUrl())
      .header("Content-Type", contentType)
      .POST(HttpRequest.BodyPublishers.ofString(body));
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The number of per-user publishers, as /health reports it. */
  private static int publishers(HttpClient http, TestApp app) throws Exception {
    HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/health")).build(),
      HttpResponse.BodyHandlers.ofString());
    return TestApp.healthCheck(new JsonObject(res.body()), "rabbitmq").getJsonObject("data").getInteger("publishers");
  }
}
