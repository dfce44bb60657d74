package messenger.identity;

import io.vertx.core.json.JsonObject;
import messenger.testing.FakeOidcProvider;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The ID token must carry the nonce this browser's sign-in asked for: one with another nonce (a token from
 * another sign-in, injected into this one) is refused, although it is validly signed for this client. Against a
 * fake provider, since a real one never sends a wrong nonce on request.
 */
@ExtendWith(RabbitBroker.class)
class NonceTest {

  private static FakeOidcProvider provider;
  private static TestApp app;

  @BeforeAll
  static void start() {
    provider = new FakeOidcProvider("messenger");
    app = TestApp.start(new JsonObject().put("auth", new JsonObject().put("nameLogin", true).put("oidc", new JsonObject()
      .put("issuer", provider.issuer).put("clientId", "messenger").put("clientSecret", "s3cret").put("name", "Fake")
      .put("discoveryRetryMs", 200))));
    await("the provider discovered").atMost(Duration.ofSeconds(10))
      .untilAsserted(() -> assertThat(new User(app.baseUrl(), "x").get("/").body()).contains("href=\"/login/oidc\""));
  }

  @AfterAll
  static void stop() {
    app.close();
    provider.close();
  }

  private static HttpResponse<String> signIn(User user) {
    HttpResponse<String> started = user.get("/login/oidc");
    HttpResponse<String> back = user.getUrl(started.headers().firstValue("Location").orElseThrow());
    return user.getUrl(back.headers().firstValue("Location").orElseThrow());
  }

  @Test
  void theNonceAskedForSignsIn() {
    provider.forgedNonce = null;
    User user = new User(app.baseUrl(), "x");
    assertThat(signIn(user).statusCode()).isEqualTo(303);
    assertThat(user.get("/chat").body()).contains("data-user=\"mallory\"");
  }

  @Test
  void anotherNonceIsRefused() {
    provider.forgedNonce = "a-nonce-of-another-sign-in";
    User user = new User(app.baseUrl(), "x");
    HttpResponse<String> refused = signIn(user);
    assertThat(refused.statusCode()).isEqualTo(502);
    assertThat(refused.body()).contains("Signing in with Fake could not be completed");
    assertThat(user.get("/chat").statusCode()).isEqualTo(303);
  }
}
