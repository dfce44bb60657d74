package messenger.browser;

import io.vertx.core.json.JsonObject;
import messenger.browser.Browser.Message;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A message's life on the sender's screen: "sending…" at once, then sent; or failed with a Retry that
 * sends the same id again, so that nobody ever sees it twice. The app allows one message per five
 * seconds, so that a second message in a row is refused with 429.
 */
@Tag("browser")
@ExtendWith(RabbitBroker.class)
class SendStateBrowserTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass(new JsonObject().put("chat", new JsonObject().put("rateBurst", 1).put("ratePerSecond", 0.2)));

  @RegisterExtension
  final People people = new People(() -> app);

  @Test
  void aMessageShowsAsSendingAtOnceAndTurnsIntoTheServersCopy() {
    Browser ada = people.login("Cleo");
    // Hold the page's request to /send for 2 s (it then goes to the server as usual), so that the
    // local echo can be seen before the server's answer.
    ada.js("var realFetch = window.fetch; window.fetch = function (url, options) {"
      + " if (String(url) !== '/send') { return realFetch(url, options); }"
      + " return new Promise(function (r) { setTimeout(r, 2000); }).then(function () { return realFetch(url, options); }); };");
    ada.send("on a slow line");
    Message echo = ada.waitFor("the local echo", () -> ada.messages().stream()
      .filter(m -> m.text().equals("on a slow line")).findFirst().orElse(null));
    assertThat(echo.confirmed()).isFalse();
    assertThat(echo.hasClass("sending")).isTrue();
    assertThat(echo.state()).isEqualTo("sending…");
    assertThat(echo.mine()).isTrue();

    Message sent = ada.awaitMessage("on a slow line");
    assertThat(sent.id()).isEqualTo(echo.id());
    assertThat(sent.hasClass("sending")).isFalse();
    assertThat(sent.hasClass("failed")).isFalse();
    assertThat(ada.messages()).filteredOn(m -> m.text().equals("on a slow line")).hasSize(1);
  }

  @Test
  void aRefusedMessageIsMarkedFailedAndItsRetrySendsItOnce() {
    Browser ada = people.login("Ada");
    Browser bob = people.login("Bob");

    ada.send("allowed");
    ada.awaitMessage("allowed");
    ada.send("too soon");
    Message failed = ada.waitFor("the second message to be marked failed", () -> ada.messages().stream()
      .filter(m -> m.text().equals("too soon") && m.hasClass("failed")).findFirst().orElse(null));
    assertThat(failed.confirmed()).isFalse();
    assertThat(failed.state()).startsWith("not sent");
    WebElement retry = ada.driver.findElement(By.cssSelector("li[data-id='" + failed.id() + "'] button.retry"));
    assertThat(retry.getText()).isEqualTo("Retry");
    bob.awaitMessage("allowed");
    assertThat(bob.texts()).doesNotContain("too soon");

    // The rate limit refills one message per five seconds; then the retry goes through, with the same id.
    waitForTheRateLimit();
    retry.click();
    Message sent = ada.awaitMessage("too soon");
    assertThat(sent.id()).isEqualTo(failed.id());
    assertThat(ada.driver.findElements(By.cssSelector("button.retry"))).isEmpty();

    Message seenByBob = bob.awaitMessage("too soon");
    assertThat(seenByBob.id()).isEqualTo(failed.id());
    bob.awaitTexts(ada.texts());
    assertThat(bob.texts()).filteredOn("too soon"::equals).hasSize(1);
    assertThat(ada.texts()).filteredOn("too soon"::equals).hasSize(1);
  }

  /** The limit is one message per five seconds: wait that long since the last accepted send. */
  private static void waitForTheRateLimit() {
    try {
      Thread.sleep(5_500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
