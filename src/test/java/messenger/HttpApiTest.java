package messenger;

import io.vertx.core.json.JsonObject;
import messenger.testing.RabbitBroker;
import messenger.testing.SecurityHeaders;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP routes' contract: status codes, redirects and JSON errors of DESIGN.md. */
@ExtendWith(RabbitBroker.class)
class HttpApiTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass(new JsonObject().put("chat", new JsonObject().put("rateBurst", 1000)));

  private static User anonymous() {
    return new User(app.baseUrl(), "nobody");
  }

  private static void assertError(HttpResponse<String> res, int status, String error) {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    JsonObject body = new JsonObject(res.body());
    assertThat(body.getString("error")).isEqualTo(error);
    assertThat(body.getString("message")).isNotBlank();
  }

  @Test
  void sendWithoutASessionIs401() {
    assertError(anonymous().send("hello"), 401, "unauthenticated");
  }

  @Test
  void emptyAndBlankTextIs400() {
    User user = app.user("validator");
    assertError(user.send(""), 400, "empty");
    assertError(user.send(" \n\t "), 400, "empty");
  }

  @Test
  void textLongerThan2000CharactersIs400() {
    assertError(app.user("validator").send("x".repeat(2001)), 400, "too_long");
  }

  @Test
  void textOfExactly2000CharactersIsAccepted() {
    assertThat(app.user("validator").send("x".repeat(2000)).statusCode()).isEqualTo(202);
  }

  /** What the page counts too (webroot/js/text-limit.js): characters, not UTF-16 units, after trimming. */
  @Test
  void theLimitCountsCharactersNotUtf16Units() {
    User user = app.user("validator");
    assertThat(user.send("😀".repeat(2000)).statusCode()).isEqualTo(202);
    assertError(user.send("😀".repeat(2001)), 400, "too_long");
  }

  @Test
  void whitespaceAroundTheTextDoesNotCount() {
    assertThat(app.user("validator").send(" \n" + "x".repeat(2000) + "\n\t ").statusCode()).isEqualTo(202);
  }

  @Test
  void aBodyThatIsNotJsonIs415() {
    User user = app.user("validator");
    assertError(user.post("/send", "text/plain", "hello"), 415, "unsupported_media_type");
    assertError(user.post("/send", "application/x-www-form-urlencoded", "text=hello"), 415, "unsupported_media_type");
  }

  /** Media types are case-insensitive (RFC 9110 §8.3.1), and parameters may follow. */
  @Test
  void theJsonContentTypeIsRecognisedInAnyCase() {
    User user = app.user("validator");
    for (String type : List.of("APPLICATION/JSON", "Application/Json; Charset=UTF-8", "application/json;charset=utf-8")) {
      assertThat(user.post("/send", type, "{\"text\": \"typed as " + type + "\"}").statusCode()).as(type).isEqualTo(202);
    }
    assertError(user.post("/send", "application/jsonp", "{\"text\": \"hi\"}"), 415, "unsupported_media_type");
  }

  @Test
  void malformedJsonIs400() {
    User user = app.user("validator");
    assertError(user.post("/send", "application/json", "{\"text\":"), 400, "malformed_json");
    assertError(user.post("/send", "application/json", "[1,2]"), 400, "malformed_json");
  }

  @Test
  void aTextThatIsNotAStringIs400() {
    assertError(app.user("validator").post("/send", "application/json", "{\"text\": 42}"), 400, "bad_request");
  }

  @Test
  void anInvalidClientIdIs400() {
    assertError(app.user("validator").post("/send", "application/json", "{\"text\": \"hi\", \"id\": \"<b>\"}"),
      400, "invalid_id");
  }

  @Test
  void aBodyOverTheLimitIs413AndTheSessionStillWorks() {
    User user = app.user("validator");
    assertError(user.send("x".repeat(1_000_000)), 413, "too_large");
    assertThat(user.send("still fine").statusCode()).isEqualTo(202);
  }

  @Test
  void chatWithoutASessionRedirectsToTheLoginPage() {
    HttpResponse<String> res = anonymous().get("/chat");
    assertThat(res.statusCode()).isEqualTo(303);
    assertThat(res.headers().firstValue("Location")).hasValue("/");
  }

  @Test
  void loginRedirectsToTheChat() {
    HttpResponse<String> login = new User(app.baseUrl(), "ivy").login();
    assertThat(login.statusCode()).isEqualTo(303);
    assertThat(login.headers().firstValue("Location")).hasValue("/chat");
  }

  @Test
  void theLoginPageRedirectsLoggedInUsersToTheChat() {
    HttpResponse<String> res = app.user("jack").get("/");
    assertThat(res.statusCode()).isEqualTo(303);
    assertThat(res.headers().firstValue("Location")).hasValue("/chat");
  }

  @Test
  void theNameIsTrimmed() {
    User user = new User(app.baseUrl(), "  grace  ");
    assertThat(user.login().statusCode()).isEqualTo(303);
    HttpResponse<String> chat = user.get("/chat");
    assertThat(chat.statusCode()).isEqualTo(200);
    assertThat(chat.body()).contains("data-user=\"grace\"");
  }

  @Test
  void anInvalidNameGetsTheLoginPageWithAMessage() {
    HttpResponse<String> res = new User(app.baseUrl(), "<b>bold</b>").login();
    assertThat(res.statusCode()).isEqualTo(400);
    assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/html"));
    assertThat(res.body()).contains("can only contain letters").doesNotContain("<b>bold</b>").contains("&lt;b&gt;");
  }

  @Test
  void thePagesCarryTheServersLimits() {
    HttpResponse<String> login = anonymous().get("/");
    assertThat(login.body()).contains("data-max-length=\"32\"").contains("1–32 characters").doesNotContain("maxlength");
    HttpResponse<String> chat = app.user("limits").get("/chat");
    assertThat(chat.body()).contains("data-max-length=\"2000\"").contains("data-typing-interval-ms=\"3000\"")
      .doesNotContain("maxlength");
  }

  @Test
  void logoutEndsTheSession() {
    User user = app.user("henry");
    HttpResponse<String> res = user.postForm("/logout", "");
    assertThat(res.statusCode()).isEqualTo(303);
    assertThat(res.headers().firstValue("Location")).hasValue("/");
    assertThat(user.get("/chat").statusCode()).isEqualTo(303);
  }

  @Test
  void historyNeedsASession() {
    assertError(anonymous().get("/history"), 401, "unauthenticated");
  }

  @Test
  void historyRefusesInvalidParameters() {
    User user = app.user("validator");
    for (String query : List.of("limit=0", "limit=201", "limit=500", "limit=abc", "limit=-1", "limit=",
      "after=abc", "after=-1", "after=-2", "after=1.5", "after=1e3", "after=", "after=%2B5", "after=99999999999999999999",
      "before=abc", "before=-1", "before=", "before=0x10", "after=1&before=5", "after=1&after=2")) {
      assertError(user.get("/history?" + query), 400, "bad_request");
    }
    assertThat(user.get("/history?limit=200").statusCode()).isEqualTo(200);
    assertThat(user.get("/history?limit=1").statusCode()).isEqualTo(200);
  }

  @Test
  void aHistoryPageSaysWhetherItIsCompleteAndWhetherMessagesExpired() {
    JsonObject page = new JsonObject(app.user("validator").get("/history?after=0&limit=1").body());
    assertThat(page.fieldNames()).containsExactlyInAnyOrder("messages", "complete", "expired");
    assertThat(page.getValue("complete")).isInstanceOf(Boolean.class);
    assertThat(page.getValue("expired")).isInstanceOf(Boolean.class);
  }

  @Test
  void presenceAndTypingNeedASession() {
    assertError(anonymous().get("/presence"), 401, "unauthenticated");
    assertError(anonymous().post("/typing", "application/json", "{}"), 401, "unauthenticated");
  }

  @Test
  void crossSiteRequestsAreRefused() {
    User user = app.user("validator");
    for (String path : List.of("/send", "/typing")) {
      HttpResponse<String> res = user.request(HttpRequest.newBuilder(URI.create(app.baseUrl() + path))
        .header("Origin", "http://evil.example")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"hi\"}")));
      assertError(res, 403, "forbidden");
    }
  }

  /** UP, and why: both broker connections and every reader; the DOWN side is in MainVerticleTest and ReaderHealthTest. */
  @Test
  void healthSaysUpAndWhy() {
    HttpResponse<String> res = anonymous().get("/health");
    assertThat(res.statusCode()).isEqualTo(200);
    JsonObject health = new JsonObject(res.body());
    assertThat(health.getString("status")).isEqualTo("UP");
    JsonObject check = TestApp.healthCheck(health, "rabbitmq");
    assertThat(check.getString("status")).isEqualTo("UP");
    JsonObject data = check.getJsonObject("data");
    assertThat(data.getBoolean("publisher")).as("publisher connected").isTrue();
    assertThat(data.getBoolean("consumer")).as("chat log being read").isTrue();
    assertThat(data.getJsonObject("broker").getString("kind")).isEqualTo(RabbitBroker.embedded() ? "embedded" : "rabbitmq");
    for (String reader : List.of("rooms", "logouts")) {
      JsonObject readerCheck = TestApp.healthCheck(health, reader);
      assertThat(readerCheck.getString("status")).as(reader).isEqualTo("UP");
      assertThat(readerCheck.getJsonObject("data").getString("state")).as(reader)
        .isEqualTo(RabbitBroker.embedded() ? "in memory" : "reading");
    }
  }

  @Test
  void pagesCarrySecurityHeaders() {
    User user = app.user("headers");
    for (HttpResponse<String> page : List.of(anonymous().get("/"), user.get("/chat"))) {
      SecurityHeaders.assertPresent(page);
    }
    SecurityHeaders.assertSessionCookie(anonymous().get("/"));
    SecurityHeaders.assertSessionCookie(new User(app.baseUrl(), "cookie-flags").login());
  }

  @Test
  void unknownRoutesAreJson404() {
    assertError(anonymous().get("/nope"), 404, "not_found");
  }
}
