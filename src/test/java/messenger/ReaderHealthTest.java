package messenger;

import io.vertx.core.json.JsonObject;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import messenger.testing.Rabbitmqctl;
import messenger.testing.TcpProxy;
import messenger.testing.TestApp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code /health} answers for every reader, not only the chat log's: the room log's and the logout record's
 * connections are closed from the broker's side, one at a time, while the app is kept from connecting again (a
 * proxy refuses new connections and keeps the others): {@code /health} is 503 and its check names that reader, the
 * other checks stay UP, and once the broker may be reached again the reader is back and {@code /health} 200.
 */
@NeedsRabbitMQ("the room log and the logout record are streams")
class ReaderHealthTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @ParameterizedTest
  @CsvSource({"rooms, room log", "logouts, logout record"})
  void aReaderCutOffFromTheBrokerIsNamedByHealthUntilItIsBack(String check, String reader) throws Exception {
    assumeTrue(Rabbitmqctl.available(), "skipped: closing one connection needs rabbitmqctl and a local broker");
    String name = "readers-" + UUID.randomUUID().toString().substring(0, 8);
    try (TcpProxy proxy = TcpProxy.toBroker(true);
         TestApp app = TestApp.start(name, name + ".log", new JsonObject().put("rabbitmq", new JsonObject().put("uri", proxy.uri())))) {
      assertThat(check(health(app), check).getString("status")).isEqualTo("UP");

      proxy.refuseNew(); // the reader's connection cannot come back before the test has seen it missing
      Rabbitmqctl.closeConnection("messenger-" + check + "@" + Instance.NAME, proxy.targetSidePorts());
      await("/health to name the " + reader).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        HttpResponse<String> health = health(app);
        assertThat(health.statusCode()).isEqualTo(503);
        JsonObject down = check(health, check);
        assertThat(down.getString("status")).isEqualTo("DOWN");
        assertThat(down.getJsonObject("data").getString("reader")).isEqualTo(reader);
        assertThat(down.getJsonObject("data").getString("state")).isEqualTo("disconnected");
        assertThat(down.getJsonObject("data").getString("stream")).isEqualTo(name + "." + check);
        JsonObject body = new JsonObject(health.body());
        assertThat(body.getJsonArray("checks").stream().map(JsonObject.class::cast)
          .filter(c -> !c.getString("id").equals(check)).map(c -> c.getString("status")))
          .as("every other check").hasSize(2).containsOnly("UP");
      });

      proxy.up();
      app.awaitHealthy(Duration.ofSeconds(10));
      JsonObject up = check(health(app), check);
      assertThat(up.getString("status")).isEqualTo("UP");
      assertThat(up.getJsonObject("data").getString("state")).isEqualTo("reading");
    }
  }

  private static HttpResponse<String> health(TestApp app) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/health")).timeout(Duration.ofSeconds(5)).build(),
      HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject check(HttpResponse<String> health, String id) {
    return TestApp.healthCheck(new JsonObject(health.body()), id);
  }
}
