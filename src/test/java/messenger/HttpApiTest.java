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
  void textLongerThan2000CharactersIs400ButExactly2000IsAccepted() {
    User user = app.user("validator");
    assertError(user.send("x".repeat(2001)), 400, "too_long");
    assertThat(user.send("x".repeat(2000)).statusCode()).isEqualTo(202);
    // Characters, not UTF-16 units: 2000 emoji are fine.
    assertThat(user.send("😀".repeat(2000)).statusCode()).isEqualTo(202);
  }

  @Test
  void aBodyThatIsNotJsonIs415() {
    User user = app.user("validator");
    assertError(user.post("/send", "text/plain", "hello"), 415, "unsupported_media_type");
    assertError(user.post("/send", "application/x-www-form-urlencoded", "text=hello"), 415, "unsupported_media_type");
  }

  @Test
  void malformedOrMisshapenJsonIs400() {
    User user = app.user("validator");
    assertError(user.post("/send", "application/json", "{\"text\":"), 400, "malformed_json");
    assertError(user.post("/send", "application/json", "[1,2]"), 400, "malformed_json");
    assertError(user.post("/send", "application/json", "{\"text\": 42}"), 400, "bad_request");
    assertError(user.post("/send", "application/json", "{\"text\": \"hi\", \"id\": \"<b>\"}"), 400, "invalid_id");
  }

  @Test
  void aBodyOverTheLimitIs413() {
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
  void loginRedirectsToTheChatAndTheLoginPageRedirectsLoggedInUsers() {
    User user = new User(app.baseUrl(), "  grace  ");
    HttpResponse<String> login = user.login();
    assertThat(login.statusCode()).isEqualTo(303);
    assertThat(login.headers().firstValue("Location")).hasValue("/chat");
    assertThat(login.headers().allValues("Set-Cookie")).anySatisfy(cookie ->
      assertThat(cookie).contains("HTTPOnly").containsIgnoringCase("SameSite=Lax"));
    assertThat(user.get("/").statusCode()).isEqualTo(303);
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
    assertThat(new User(app.baseUrl(), "x".repeat(33)).login().statusCode()).isEqualTo(400);
    assertThat(new User(app.baseUrl(), "   ").login().statusCode()).isEqualTo(400);
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
  void historyNeedsASessionAndValidParameters() {
    assertError(anonymous().get("/history"), 401, "unauthenticated");
    User user = app.user("validator");
    assertError(user.get("/history?limit=500"), 400, "bad_request");
    assertError(user.get("/history?after=abc"), 400, "bad_request");
    assertThat(user.get("/history?limit=200").statusCode()).isEqualTo(200);
  }

  @Test
  void crossSiteRequestsAreRefused() {
    User user = app.user("validator");
    HttpResponse<String> res = user.request(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/send"))
      .header("Origin", "http://evil.example")
      .header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"hi\"}")));
    assertError(res, 403, "forbidden");
  }

  @Test
  void healthIsUpWithTheBrokerConnected() {
    HttpResponse<String> res = anonymous().get("/health");
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(res.body()).getString("status")).isEqualTo("UP");
  }

  @Test
  void pagesCarrySecurityHeaders() {
    HttpResponse<String> res = anonymous().get("/");
    assertThat(res.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
      assertThat(csp).contains("script-src 'self'").doesNotContain("unsafe-inline").contains("frame-ancestors 'none'"));
    assertThat(res.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(res.headers().firstValue("Referrer-Policy")).isPresent();
  }

  @Test
  void unknownRoutesAreJson404() {
    assertError(anonymous().get("/nope"), 404, "not_found");
  }
}
