package messenger;

import io.vertx.core.json.JsonObject;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The origin check over HTTP: a plain-HTTP server refuses an https Origin on its own host and port, and
 * believes a proxy's forwarded scheme only when configured to ({@code http.trustForwardedHeaders}).
 */
@ExtendWith(RabbitBroker.class)
class OriginCheckTest {

  @RegisterExtension
  static final TestApp direct = TestApp.perClass();

  @RegisterExtension
  static final TestApp behindProxy = TestApp.perClass(new JsonObject()
    .put("http", new JsonObject().put("trustForwardedHeaders", true)));

  private static HttpResponse<String> send(TestApp app, String origin, String forwardedProto) {
    User user = app.user("origin");
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.baseUrl() + "/send"))
      .header("Origin", origin)
      .header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"hi\"}"));
    if (forwardedProto != null) {
      request.header("X-Forwarded-Proto", forwardedProto);
    }
    return user.request(request);
  }

  private static String https(TestApp app) {
    return "https://localhost:" + app.port;
  }

  @Test
  void anHttpsOriginIsRefusedByThePlainHttpServer() {
    HttpResponse<String> res = send(direct, https(direct), null);
    assertThat(res.statusCode()).as(res.body()).isEqualTo(403);
    assertThat(new JsonObject(res.body()).getString("error")).isEqualTo("forbidden");
    assertThat(send(direct, direct.baseUrl(), null).statusCode()).isEqualTo(202);
  }

  @Test
  void aForwardedSchemeIsIgnoredUnlessTheProxyIsTrusted() {
    assertThat(send(direct, https(direct), "https").statusCode()).isEqualTo(403);
  }

  @Test
  void behindATrustedProxyTheForwardedSchemeCounts() {
    assertThat(send(behindProxy, https(behindProxy), "https").statusCode()).isEqualTo(202);
    assertThat(send(behindProxy, behindProxy.baseUrl(), "https").statusCode()).isEqualTo(403);
    assertThat(send(behindProxy, https(behindProxy), null).statusCode()).isEqualTo(403);
  }
}
