package messenger.browser;

import io.vertx.core.json.JsonObject;
import messenger.testing.Keycloak;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Direct messages in Chromium, three people signed in through Keycloak's real form: Alice opens a conversation with
 * Bob from the online list (a Message button beside signed-in people only) and writes; it appears live in Bob's
 * sidebar under "Direct messages" with its unread count while he is in #general; they chat; Carol sees none of it,
 * not even at its address. The online list marks the signed-in people with a badge, on everyone's page.
 */
@Tag("browser")
@ExtendWith({Keycloak.class, RabbitBroker.class})
class DirectMessagesBrowserTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass(new JsonObject().put("auth", Keycloak.auth(true)));
  private final List<Browser> browsers = new ArrayList<>();

  @BeforeAll
  static void carol() {
    Keycloak.ensureUser("carol", "carol-password"); // a Keycloak started from an older realm file lacks her
  }

  @AfterEach
  void closeBrowsers() {
    browsers.forEach(Browser::close);
  }

  private Browser signedIn(String username) {
    Browser browser = Browser.open(app);
    browsers.add(browser);
    OidcBrowserTest.signInThroughKeycloak(browser, username, username + "-password");
    browser.waitFor(username + "'s chat page", () -> browser.driver.getCurrentUrl().endsWith("/chat"));
    browser.awaitConnected();
    return browser;
  }

  /** What the sidebar says of a direct message: "" without counts, e.g. "1" with one unread; null when it is not there. */
  private static String badges(Browser browser, String dm) {
    return (String) browser.js("var li = document.querySelector('#dm-list li[data-room=\"' + arguments[0] + '\"]');"
      + "return li ? Array.from(li.querySelectorAll('.mentions, .unread')).map(function (b) { return b.textContent; }).join(' ') : null;", dm);
  }

  @SuppressWarnings("unchecked")
  private static List<String> dms(Browser browser) {
    return (List<String>) browser.js("return Array.from(document.querySelectorAll('#dm-list li')).map(function (li) {"
      + " return li.dataset.room; });");
  }

  private static void click(Browser browser, String css) {
    browser.waitFor("a click on " + css, () -> {
      try {
        browser.driver.findElement(By.cssSelector(css)).click();
        return true;
      } catch (StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
        return false;
      }
    });
  }

  private static String title(Browser browser) {
    return browser.driver.findElement(By.id("room-title")).getText();
  }

  @Test
  void twoPeopleChatInADirectMessageOpenedFromTheOnlineListAndAThirdCannotSeeIt() {
    Browser alice = signedIn("alice");
    Browser bob = signedIn("bob");
    Browser carol = signedIn("carol");
    Browser dora = Browser.open(app).login("dora"); // a name only: no button for her, none for her
    browsers.add(dora);

    alice.waitFor("a Message button beside bob", () -> !alice.driver.findElements(
      By.cssSelector("#online button[aria-label='Message bob']")).isEmpty());
    alice.waitFor("dora online for alice", () -> alice.online().contains("dora"));
    assertThat(alice.driver.findElements(By.cssSelector("#online li.me button.message"))).as("none beside herself").isEmpty();
    assertThat(alice.driver.findElements(By.cssSelector("#online button.message"))).as("bob's and carol's only").hasSize(2);
    assertThat(dora.driver.findElements(By.cssSelector("#online button.message"))).as("a name-only reader has none").isEmpty();
    // The badge beside the signed-in names, on everyone's page; none beside dora's.
    for (Browser reader : List.of(alice, dora)) {
      reader.waitFor("three badges in the online list", () -> reader.driver.findElements(By.cssSelector("#online li .verified")).size() == 3);
    }
    assertThat(alice.js("return Array.from(document.querySelectorAll('#online li')).filter(function (li) {"
      + " return li.querySelector('.verified'); }).map(function (li) { return li.querySelector('.name').textContent; });"))
      .isEqualTo(List.of("alice", "bob", "carol"));
    assertThat(dora.driver.findElement(By.id("dms")).isDisplayed()).isFalse();

    click(alice, "#online button[aria-label='Message bob']");
    alice.waitFor("the conversation open", () -> ((String) alice.js("return location.pathname;")).matches("/chat/dm\\.[A-Za-z0-9_-]{22}"));
    String path = (String) alice.js("return location.pathname;");
    String dm = path.substring("/chat/".length());
    alice.waitFor("bob's name as its title", () -> "bob".equals(title(alice)));
    assertThat(dms(alice)).containsExactly(dm);
    alice.send("psst, bob");
    alice.awaitMessage("psst, bob");

    // Bob, in #general, sees it appear with one unread, then reads and answers.
    bob.waitFor("the conversation in bob's sidebar with one unread", () -> "1".equals(badges(bob, dm)));
    assertThat(bob.driver.findElement(By.cssSelector("#dm-list a[data-room='" + dm + "']")).getText()).startsWith("alice");
    assertThat(bob.driver.getTitle()).isEqualTo("(1) Messenger");
    click(bob, "#dm-list a[data-room='" + dm + "']");
    bob.awaitMessage("psst, bob");
    bob.waitFor("read", () -> "".equals(badges(bob, dm)));
    bob.send("hi alice");
    alice.awaitMessage("hi alice");
    bob.screenshot("direct-message");

    // After a reload it is still there, for both.
    bob.reload();
    bob.awaitConnected();
    bob.waitFor("the conversation after a reload", () -> "alice".equals(title(bob)));
    bob.awaitMessage("hi alice");

    // Carol: not in her sidebar, nothing at its address, nothing in #general.
    assertThat(dms(carol)).isEmpty();
    carol.go(path);
    carol.awaitConnected();
    carol.waitFor("no such conversation for carol", () -> carol.driver.findElement(By.id("room-missing")).getText()
      .equals("There is no such conversation, or you are not in it."));
    assertThat(carol.texts()).doesNotContain("psst, bob", "hi alice");
    assertThat(carol.driver.findElement(By.id("text")).isEnabled()).isFalse();
    assertThat(dms(carol)).isEmpty();
    carol.go("/chat");
    carol.awaitConnected();
    assertThat(carol.texts()).doesNotContain("psst, bob", "hi alice");

    assertThat(alice.consoleErrors()).isEmpty();
    assertThat(bob.consoleErrors()).isEmpty();
  }
}
