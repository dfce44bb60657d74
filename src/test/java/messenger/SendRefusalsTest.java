package messenger;

import io.vertx.core.json.JsonObject;
import messenger.testing.Prometheus;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every send answered with an error is counted by its code, whichever part refused it (the session, the origin
 * check, the content type, the body), and nothing else is; JSON with or without a charset is JSON.
 */
@ExtendWith(RabbitBroker.class)
class SendRefusalsTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass(new JsonObject().put("http", new JsonObject().put("maxBodyBytes", 4096)));

  private static HttpResponse<String> post(User user, Map<String, String> headers, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.baseUrl() + "/send"))
      .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return user.request(request);
  }

  private static double refused(String reason) {
    double value = Prometheus.value(app.metrics(), "messenger_messages_refused_total{instance=\""
      + Instance.NAME + "\",reason=\"" + reason + "\"}");
    return Double.isNaN(value) ? 0 : value;
  }

  @Test
  void everyRefusedSendIsCountedByItsCode() {
    User user = app.user("counted");
    User nobody = new User(app.baseUrl(), "nobody");
    Map<String, String> json = Map.of("Origin", app.baseUrl(), "Content-Type", "application/json");
    String[] reasons = {"unauthenticated", "forbidden", "unsupported_media_type", "too_large", "empty", "malformed_json"};
    double[] counts = new double[reasons.length];
    for (int i = 0; i < reasons.length; i++) {
      counts[i] = refused(reasons[i]);
    }

    assertThat(post(nobody, json, "{\"text\":\"hi\"}").statusCode()).isEqualTo(401);
    assertThat(post(user, Map.of("Origin", "http://evil.example", "Content-Type", "application/json"), "{\"text\":\"hi\"}")
      .statusCode()).isEqualTo(403);
    assertThat(post(user, Map.of("Origin", app.baseUrl(), "Content-Type", "text/plain"), "hi").statusCode()).isEqualTo(415);
    assertThat(post(user, Map.of("Origin", app.baseUrl()), "{\"text\":\"hi\"}").statusCode()).as("no content type").isEqualTo(415);
    assertThat(post(user, json, "x".repeat(5000)).statusCode()).isEqualTo(413);
    assertThat(post(user, json, "{\"text\":\"  \"}").statusCode()).isEqualTo(400);
    assertThat(post(user, json, "{\"text\":").statusCode()).isEqualTo(400);
    assertThat(nobody.get("/history").statusCode()).as("not a send: not counted").isEqualTo(401);

    double[] expected = {1, 1, 2, 1, 1, 1};
    for (int i = 0; i < reasons.length; i++) {
      assertThat(refused(reasons[i]) - counts[i]).as(reasons[i]).isEqualTo(expected[i]);
    }
  }

  @Test
  void jsonWithOrWithoutACharsetIsJson() {
    User user = app.user("typed");
    for (String type : new String[] {"application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8"}) {
      assertThat(post(user, Map.of("Origin", app.baseUrl(), "Content-Type", type), "{\"text\":\"hi\"}").statusCode())
        .as(type).isEqualTo(202);
    }
  }
}
