package messenger;

import io.vertx.core.json.JsonObject;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Sessions: cookie flags, no fixation, no forgery, and valid across instances that share the secret. */
@ExtendWith(RabbitBroker.class)
class SessionSecurityTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @RegisterExtension
  static final TestApp app = TestApp.perClass();

  private static HttpResponse<String> get(TestApp target, String path, String cookie) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.baseUrl() + path));
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String sessionCookie(HttpResponse<?> response) {
    return response.headers().allValues("Set-Cookie").stream()
      .filter(c -> c.startsWith("messenger.session="))
      .map(c -> c.substring(0, c.indexOf(';')))
      .findFirst().orElse(null);
  }

  private static String loginWith(TestApp target, String cookie, String name) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.baseUrl() + "/login"))
      .header("Origin", target.baseUrl())
      .header("Content-Type", "application/x-www-form-urlencoded")
      .POST(HttpRequest.BodyPublishers.ofString("name=" + name));
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(303);
    return sessionCookie(response);
  }

  @Test
  void theSessionCookieIsHttpOnlyAndSameSite() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(app.baseUrl() + "/login"))
      .header("Origin", app.baseUrl()).header("Content-Type", "application/x-www-form-urlencoded")
      .POST(HttpRequest.BodyPublishers.ofString("name=cookie")).build();
    List<String> cookies = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).headers().allValues("Set-Cookie");
    assertThat(cookies).filteredOn(c -> c.startsWith("messenger.session=")).singleElement()
      .satisfies(c -> assertThat(c).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax").contains("Path=/"));
  }

  @Test
  void aSessionPlantedBeforeLoginDoesNotBecomeTheLoggedInSession() throws Exception {
    String planted = sessionCookie(get(app, "/", null));
    assertThat(planted).as("an anonymous visit gets a session cookie").isNotNull();
    String loggedIn = loginWith(app, planted, "victim");
    assertThat(loggedIn).isNotEqualTo(planted);
    assertThat(get(app, "/chat", loggedIn).statusCode()).isEqualTo(200);
    assertThat(get(app, "/chat", planted).statusCode()).as("the planted cookie is still anonymous").isEqualTo(303);
  }

  @Test
  void aTamperedOrForgedCookieIsRejected() throws Exception {
    String cookie = loginWith(app, null, "honest");
    char[] chars = cookie.toCharArray();
    int i = chars.length - 5;
    chars[i] = chars[i] == 'A' ? 'B' : 'A';
    String tampered = new String(chars);
    for (String forged : List.of(tampered, "messenger.session=" + "A".repeat(120), "messenger.session=!!", "messenger.session=")) {
      assertThat(get(app, "/chat", forged).statusCode()).as(forged).isEqualTo(303);
      assertThat(get(app, "/history", forged).statusCode()).as(forged).isEqualTo(401);
    }
  }

  @Test
  void aSessionIsValidOnAnotherInstanceWithTheSameSecretOnly() throws Exception {
    String cookie = loginWith(app, null, "traveller");
    String name = "secret-" + UUID.randomUUID().toString().substring(0, 8);
    try (TestApp sameSecret = TestApp.start(app.exchange, app.stream, new JsonObject());
         TestApp otherSecret = TestApp.start(name, name + ".log",
           new JsonObject().put("session", new JsonObject().put("secret", "another-secret")))) {
      HttpResponse<String> page = get(sameSecret, "/chat", cookie);
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("data-user=\"traveller\"");
      assertThat(get(otherSecret, "/chat", cookie).statusCode()).isEqualTo(303);
    }
  }

  @Test
  void everyResponseCarriesTheSecurityHeaders() throws Exception {
    String cookie = loginWith(app, null, "headers");
    for (String path : List.of("/", "/chat", "/history", "/assets/js/chat.js", "/nope", "/health")) {
      HttpResponse<String> response = get(app, path, cookie);
      assertThat(response.headers().firstValue("Content-Security-Policy")).as(path).hasValueSatisfying(csp -> assertThat(csp)
        .contains("script-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe-inline").doesNotContain("unsafe-eval"));
      assertThat(response.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
      assertThat(response.headers().firstValue("Referrer-Policy")).as(path).hasValue("same-origin");
      assertThat(response.headers().firstValue("X-Frame-Options")).as(path).hasValueSatisfying(v -> assertThat(v).isEqualToIgnoringCase("DENY"));
    }
  }

  @Test
  void stateChangingRoutesRefuseOtherSites() throws Exception {
    String cookie = loginWith(app, null, "target");
    for (String path : List.of("/login", "/logout", "/send")) {
      for (String origin : List.of("http://evil.example", "null", "http://localhost:1")) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(app.baseUrl() + path))
          .header("Cookie", cookie).header("Origin", origin).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"csrf\"}")).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + " from " + origin).isEqualTo(403);
        assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("forbidden");
      }
    }
    assertThat(get(app, "/chat", cookie).statusCode()).as("the session survived").isEqualTo(200);
  }
}
