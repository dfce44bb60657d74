package messenger;

import io.vertx.core.json.JsonObject;
import messenger.testing.BridgeClient;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Over HTTP: look-alike and invisible names are refused at login, a name is kept in its normal form, and a
 * message with nothing visible in it, or that is not Unicode text, gets 400.
 */
@ExtendWith(RabbitBroker.class)
class NamesAndTextsTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass();

  private static void assertError(HttpResponse<String> res, int status, String error) {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    assertThat(new JsonObject(res.body()).getString("error")).isEqualTo(error);
  }

  /** Logs in and opens a tab, then waits until presence lists the name: it is online. */
  private static BridgeClient online(User user) throws InterruptedException {
    assertThat(user.login().statusCode()).isEqualTo(303);
    BridgeClient tab = app.bridge(user).register(Addresses.CHAT_PRESENCE);
    // The whole list when the tab starts listening, or the change that adds the name just after it.
    assertThat(tab.await(Addresses.CHAT_PRESENCE, p -> p.getJsonArray(p.containsKey("online") ? "online" : "added")
      .contains(user.name), 10_000))
      .as("%s online", user.name).isNotNull();
    return tab;
  }

  @Test
  void lookAlikesOfAnOnlineNameAreRefused() throws Exception {
    try (BridgeClient tab = online(new User(app.baseUrl(), "alice"))) {
      for (String lookAlike : new String[] {"\u0430lice", "ａｌｉｃｅ", "ALICE", "alic\u0435", "\u0251lice"}) {
        HttpResponse<String> refused = new User(app.baseUrl(), lookAlike).login();
        assertThat(refused.statusCode()).as(lookAlike).isEqualTo(400);
        assertThat(refused.body()).as(lookAlike).contains("“alice” is already online in another session");
      }
      assertThat(new User(app.baseUrl(), "alicia").login().statusCode()).isEqualTo(303);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u3164", "\uFFA0", "\u115F", "alice\u3164", "al\u200Bice", "\u202Ebob"})
  void invisibleAndFillerNamesAreRefused(String name) {
    HttpResponse<String> refused = new User(app.baseUrl(), name).login();
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("A display name cannot contain invisible or control characters.");
  }

  @Test
  void aNameIsKeptWithItsWhiteSpaceCollapsed() throws Exception {
    User spaced = new User(app.baseUrl(), "carol  x");
    try (BridgeClient tab = online(new User(app.baseUrl(), "carol x"))) {
      assertThat(spaced.login().statusCode()).as("the same name as shown").isEqualTo(400);
    }
    User fresh = new User(app.baseUrl(), "dora \u00A0 y");
    assertThat(fresh.login().statusCode()).isEqualTo(303);
    assertThat(fresh.get("/chat").body()).contains("data-user=\"dora y\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u0000", "\u200B", "\u3164", "\u00A0", "\u0007", "\u202E", " \u200B\u00A0\u3164 "})
  void aMessageWithNothingVisibleIs400(String text) {
    assertError(app.user("writer").send(text), 400, "empty");
  }

  @Test
  void aMessageWithALoneSurrogateIs400() {
    User user = app.user("writer");
    // Written as a JSON escape: a Java string would be encoded to UTF-8 with '?' in its place.
    assertError(user.post("/send", "application/json", "{\"text\":\"a\\ud800b\"}"), 400, "invalid_text");
    assertError(user.post("/send", "application/json", "{\"text\":\"\\udc00\"}"), 400, "invalid_text");
    assertThat(user.post("/send", "application/json", "{\"text\":\"\\ud83d\\ude00\"}").statusCode()).as("a pair").isEqualTo(202);
    assertThat(user.send("\u200Bhi\u202E").statusCode()).as("visible text with invisible characters").isEqualTo(202);
  }
}
