package messenger.identity;

import io.vertx.core.json.JsonObject;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.ServerSocket;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sign-in settings without a provider that answers: none configured, one that is down, one that never answers,
 * and accounts only. Start-up never waits for the provider, and name login keeps working where it is on.
 */
@ExtendWith(RabbitBroker.class)
class OidcConfigurationTest {

  private static JsonObject oidc(String issuer, boolean nameLogin) {
    return new JsonObject().put("auth", new JsonObject().put("nameLogin", nameLogin).put("oidc", new JsonObject()
      .put("issuer", issuer).put("clientId", "messenger").put("clientSecret", "s3cret").put("name", "Acme SSO")
      .put("discoveryTimeoutMs", 1000).put("discoveryRetryMs", 500)));
  }

  @Test
  void withoutAProviderTheLoginPageHasOnlyTheNameAndTheOidcRoutesAre404() {
    try (TestApp app = TestApp.start()) {
      User visitor = new User(app.baseUrl(), "x");
      HttpResponse<String> page = visitor.get("/");
      assertThat(page.body()).contains("action=\"/login\"").doesNotContain("Sign in with", "/login/oidc");
      for (String path : new String[]{"/login/oidc", "/login/oidc/callback?code=x&state=y"}) {
        HttpResponse<String> res = visitor.get(path);
        assertThat(res.statusCode()).as(path).isEqualTo(404);
        assertThat(new JsonObject(res.body()).getString("error")).isEqualTo("not_found");
      }
    }
  }

  @Test
  void aProviderThatIsDownIsSaidOnTheLoginPageAndNameLoginStillWorks() {
    String issuer = "http://127.0.0.1:" + TestApp.freePort() + "/realms/gone";
    try (TestApp app = TestApp.start(oidc(issuer, true))) { // healthy: start-up did not wait for the provider
      User visitor = new User(app.baseUrl(), "dora");
      HttpResponse<String> page = visitor.get("/");
      assertThat(page.body()).contains("Signing in with Acme SSO is unavailable right now", "action=\"/login\"")
        .doesNotContain("href=\"/login/oidc\"");
      HttpResponse<String> start = visitor.get("/login/oidc");
      assertThat(start.statusCode()).isEqualTo(503);
      assertThat(start.body()).contains("You can log in with a name meanwhile.");
      assertThat(visitor.login().statusCode()).isEqualTo(303);
      assertThat(visitor.send("still here").statusCode()).isEqualTo(202);
    }
  }

  @Test
  void aProviderThatNeverAnswersDoesNotHoldUpStartUp() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) { // accepts connections (the kernel does), never answers
      try (TestApp app = TestApp.start(oidc("http://127.0.0.1:" + silent.getLocalPort() + "/realms/silent", true))) {
        assertThat(new User(app.baseUrl(), "x").get("/").body()).contains("Signing in with Acme SSO is unavailable");
        assertThat(app.user("erin").send("hello").statusCode()).isEqualTo(202);
      }
    }
  }

  @Test
  void withNameLoginOffOnlyTheProviderSignsIn() {
    String issuer = "http://127.0.0.1:" + TestApp.freePort() + "/realms/gone";
    try (TestApp app = TestApp.start(oidc(issuer, false))) {
      User visitor = new User(app.baseUrl(), "frank");
      HttpResponse<String> page = visitor.get("/");
      assertThat(page.body()).doesNotContain("action=\"/login\"").contains("Sign in and start chatting");
      HttpResponse<String> login = visitor.login();
      assertThat(login.statusCode()).isEqualTo(403);
      assertThat(login.body()).contains("Logging in with a name only is turned off here: sign in with Acme SSO.");
      assertThat(visitor.get("/chat").statusCode()).isEqualTo(303);
      assertThat(visitor.get("/login/oidc").body()).contains("Please try again later.");
    }
  }
}
