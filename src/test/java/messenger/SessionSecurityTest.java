package messenger;

import io.vertx.core.json.JsonObject;
import messenger.testing.LogCapture;
import messenger.testing.RabbitBroker;
import messenger.testing.SecurityHeaders;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
    SecurityHeaders.assertSessionCookie(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
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

  /**
   * Cookies that are not a session: bytes that are not base64url, too short to hold the cipher's IV and tag,
   * truncated, with a stray character, sealed with another key. Each is no session on every route (never a 500), and the
   * answer replaces or clears it, so the browser stops sending it.
   */
  @Test
  void aMalformedCookieIsNoSessionOnEveryRouteAndIsReplacedOrCleared() throws Exception {
    String good = loginWith(app, null, "malformed").substring("messenger.session=".length());
    String name = "secret-" + UUID.randomUUID().toString().substring(0, 8);
    String otherKey;
    try (TestApp other = TestApp.start(name, name + ".log",
      new JsonObject().put("session", new JsonObject().put("secret", "another-secret-of-at-least-32-chars")))) {
      otherKey = loginWith(other, null, "malformed").substring("messenger.session=".length());
    }
    List<String> malformed = List.of("A".repeat(120), "%%%", "AAAA+/AA".repeat(40), good.substring(0, 30),
      good.substring(0, good.length() - 1), "=" + good, good + ".", otherKey);
    record Route(String method, String path, int anonymous) {
    }
    List<Route> routes = List.of(new Route("GET", "/", 200), new Route("GET", "/chat", 303),
      new Route("GET", "/history", 401), new Route("POST", "/login", 303), new Route("POST", "/send", 401),
      new Route("GET", "/eventbus/info", 401));
    SoftAssertions softly = new SoftAssertions();
    try (LogCapture log = new LogCapture()) {
      for (String cookie : malformed) {
        for (Route route : routes) {
          String body = route.path.equals("/login") ? "name=fresh" : "{\"text\":\"hi\"}";
          HttpRequest request = HttpRequest.newBuilder(URI.create(app.baseUrl() + route.path))
            .header("Cookie", "messenger.session=" + cookie).header("Origin", app.baseUrl())
            .header("Content-Type", route.path.equals("/login") ? "application/x-www-form-urlencoded" : "application/json")
            .method(route.method, route.method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .build();
          HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
          String what = route.method + " " + route.path + " with messenger.session=" + cookie;
          softly.assertThat(response.statusCode()).as(what).isEqualTo(route.anonymous);
          softly.assertThat(response.headers().allValues("Set-Cookie")).as(what + ": the cookie is replaced or cleared")
            .anySatisfy(set -> assertThat(set).startsWith("messenger.session=").doesNotStartWith("messenger.session=" + cookie + ";"));
        }
      }
      softly.assertThat(log.problems()).as("exceptions logged").isEmpty();
    }
    softly.assertAll();
  }

  @Test
  void aSessionIsValidOnAnotherInstanceWithTheSameSecretOnly() throws Exception {
    String cookie = loginWith(app, null, "traveller");
    String name = "secret-" + UUID.randomUUID().toString().substring(0, 8);
    TestApp sameSecret = TestApp.start(app.exchange, app.stream, new JsonObject());
    try (TestApp otherSecret = TestApp.start(name, name + ".log",
      new JsonObject().put("session", new JsonObject().put("secret", "another-secret-of-at-least-32-chars")))) {
      HttpResponse<String> page = get(sameSecret, "/chat", cookie);
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("data-user=\"traveller\"");
      assertThat(get(otherSecret, "/chat", cookie).statusCode()).isEqualTo(303);
    } finally {
      sameSecret.stop(); // not close(): the stream and exchange it shares with the class's app stay
    }
  }

  /**
   * Without SESSION_SECRET a single instance makes a key once and keeps it in a file only its user can read,
   * says where in the log (never the key), and its sessions survive a restart.
   */
  @Test
  void withoutASecretOneInstanceKeepsItsSessionsAcrossARestart(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("keys").resolve("session-secret");
    JsonObject noSecret = new JsonObject().put("session", new JsonObject().putNull("secret").put("secretFile", file.toString()));
    String name = "restart-" + UUID.randomUUID().toString().substring(0, 8);
    String cookie;
    try (LogCapture log = new LogCapture()) {
      try (TestApp first = TestApp.start(name, name + ".log", noSecret)) {
        cookie = loginWith(first, null, "phoenix");
      }
      String key = Files.readString(file).strip();
      assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains(file.toString()));
      assertThat(log.messages()).noneMatch(m -> m.contains(key));
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    try (TestApp second = TestApp.start(name, name + ".log", noSecret)) {
      HttpResponse<String> page = get(second, "/chat", cookie);
      assertThat(page.statusCode()).as("the session survived the restart").isEqualTo(200);
      assertThat(page.body()).contains("data-user=\"phoenix\"");
    }
  }

  @Test
  void everyResponseCarriesTheSecurityHeaders() throws Exception {
    String cookie = loginWith(app, null, "headers");
    for (String path : List.of("/", "/chat", "/history", "/assets/js/chat.js", "/nope", "/health")) {
      SecurityHeaders.assertPresent(get(app, path, cookie));
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
