package messenger.browser;

import io.vertx.core.json.JsonObject;
import messenger.testing.BridgeClient;
import messenger.testing.Cleanup;
import messenger.testing.RabbitBroker;
import messenger.testing.TcpProxy;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When a session ends while its page is open (logged out elsewhere, the server's key changed, its name taken by
 * another session), the page goes back to the login form, which says why, and what was not sent yet is back in
 * the message box after the next login.
 */
@Tag("browser")
@ExtendWith(RabbitBroker.class)
class SessionEndBrowserTest {

  @RegisterExtension
  final Cleanup cleanup = new Cleanup();

  /** Waits for the login form and returns what it says: the notice, or the error beside the name field. */
  private static String loginFormSays(Browser browser, String why) {
    browser.waitFor("the login form after the session ended (" + why + ")",
      () -> browser.driver.getCurrentUrl().endsWith("/?ended=" + why));
    By said = By.cssSelector(why.equals("session") ? "#notice" : "#name-error");
    return browser.waitFor("what the login form says", () -> browser.driver.findElements(said).stream()
      .findFirst().map(e -> e.getText()).orElse(null));
  }

  private static String composer(Browser browser) {
    return browser.input().getDomProperty("value");
  }

  @Test
  void aLogoutElsewhereSendsThePageToTheLoginFormAndTheDraftComesBack() throws Exception {
    TestApp app = cleanup.keep(TestApp.start());
    Browser rosa = cleanup.keep(Browser.open(app)).login("Rosa");
    rosa.type("half a thought,", Keys.chord(Keys.SHIFT, Keys.ENTER), "not sent yet");

    // The same session logs out elsewhere: another tab, or a copy of the cookie.
    String cookie = "messenger.session=" + rosa.driver.manage().getCookieNamed("messenger.session").getValue();
    HttpResponse<String> logout = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/logout"))
      .header("Cookie", cookie).header("Origin", app.baseUrl()).POST(HttpRequest.BodyPublishers.noBody()).build(),
      HttpResponse.BodyHandlers.ofString());
    assertThat(logout.statusCode()).isEqualTo(303);

    assertThat(loginFormSays(rosa, "session")).isEqualTo("Your session ended — log in again.");
    rosa.screenshot("session-ended");
    rosa.login("Rosa");
    assertThat(composer(rosa)).isEqualTo("half a thought,\nnot sent yet");
  }

  /** A restart with another SESSION_SECRET: the page no longer hangs on "Reconnecting…", and drops nothing. */
  @Test
  void whenTheServersKeyChangesTheMessageThatCouldNotBeSentComesBackAfterTheNextLogin() {
    TestApp first = cleanup.keep(TestApp.start());
    Browser ada = cleanup.keep(Browser.open(first)).login("Ada");
    ada.send("sent before");
    ada.awaitMessage("sent before");

    first.stop();
    ada.waitFor("the page to say it is reconnecting", () -> "reconnecting".equals(ada.connectionState()));
    ada.send("written while the server was away");
    ada.type("and a draft");
    cleanup.keep(TestApp.start(first.exchange, first.stream, new JsonObject()
      .put("http", new JsonObject().put("port", first.port))
      .put("session", new JsonObject().put("secret", "a-new-secret-after-the-restart-32-chars+"))));

    assertThat(loginFormSays(ada, "session")).isEqualTo("Your session ended — log in again.");
    ada.login("Ada");
    assertThat(composer(ada)).isEqualTo("written while the server was away\nand a draft");
  }

  /**
   * The case in a browser: Noor's page loses its connection, someone else logs in as "Noor" meanwhile, and
   * when the page reconnects it is refused under that name: back to the login form, saying why, draft kept.
   */
  @Test
  void aPageWhoseNameWasTakenWhileItWasCutOffReturnsToTheLoginFormSayingWhy() {
    TestApp app = cleanup.keep(TestApp.start());
    TcpProxy network = cleanup.keep(TcpProxy.toApp(app));
    Browser noor = cleanup.keep(Browser.open("http://127.0.0.1:" + network.port, 1280, 900)).login("Noor");
    noor.type("my answer");

    network.down();
    noor.waitFor("the page to say it is reconnecting", () -> "reconnecting".equals(noor.connectionState()));
    User other = new User(app.baseUrl(), "Noor");
    await("the name to be free").atMost(Duration.ofSeconds(20))
      .untilAsserted(() -> assertThat(other.login().statusCode()).isEqualTo(303));
    cleanup.keep(BridgeClient.open(app, other)); // the other Noor is online now
    network.up();

    assertThat(loginFormSays(noor, "name_taken")).isEqualTo("Your name is now online in another session. Pick another name.");
    noor.login("Noor B");
    assertThat(composer(noor)).isEqualTo("my answer");
  }
}
