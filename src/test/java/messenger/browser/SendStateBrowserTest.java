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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A message's life on the sender's screen: "sending…" at once, then sent; or refused as too fast (429), shown
 * as waiting, and sent again by the page itself after the server's Retry-After with the same id, so that
 * nobody ever sees it twice. The app allows one message per five seconds: a second message in a row is refused.
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
    Browser cleo = people.login("Cleo");
    // Hold the page's request to /send for 2 s (it then goes to the server as usual), so that the
    // local echo can be seen before the server's answer.
    cleo.js("var realFetch = window.fetch; window.fetch = function (url, options) {"
      + " if (String(url) !== '/send') { return realFetch(url, options); }"
      + " return new Promise(function (r) { setTimeout(r, 2000); }).then(function () { return realFetch(url, options); }); };");
    cleo.send("on a slow line");
    Message echo = cleo.waitFor("the local echo", () -> cleo.messages().stream()
      .filter(m -> m.text().equals("on a slow line")).findFirst().orElse(null));
    assertThat(echo.confirmed()).isFalse();
    assertThat(echo.hasClass("sending")).isTrue();
    assertThat(echo.state()).isEqualTo("sending…");
    assertThat(echo.mine()).isTrue();

    Message sent = cleo.awaitMessage("on a slow line");
    assertThat(sent.id()).isEqualTo(echo.id());
    assertThat(sent.hasClass("sending")).isFalse();
    assertThat(sent.hasClass("failed")).isFalse();
    assertThat(cleo.messages()).filteredOn(m -> m.text().equals("on a slow line")).hasSize(1);
  }

  @Test
  void aMessageRefusedAsTooFastWaitsAndIsSentAgainByItselfOnce() {
    Browser ada = people.login("Ada");
    Browser bob = people.login("Bob");

    ada.send("allowed");
    ada.awaitMessage("allowed");
    long refusedAt = System.currentTimeMillis();
    ada.send("too soon");
    Message waiting = ada.waitFor("the second message to wait", () -> ada.messages().stream()
      .filter(m -> m.text().equals("too soon") && m.hasClass("waiting")).findFirst().orElse(null));
    assertThat(waiting.confirmed()).isFalse();
    assertThat(waiting.state()).startsWith("not sent yet").contains("too fast").contains("Sending again");
    assertThat(ada.driver.findElements(By.cssSelector("li[data-id='" + waiting.id() + "'] button")))
      .as("no Retry: it is sent again by itself; it can be taken back")
      .extracting(WebElement::getText).containsExactly("Edit", "Dismiss");
    bob.awaitMessage("allowed");
    assertThat(bob.texts()).doesNotContain("too soon");

    // The server's Retry-After (5 s: one message per five seconds) passes, and the page sends it again, same id.
    Message sent = ada.awaitMessage("too soon");
    assertThat(System.currentTimeMillis() - refusedAt).as("not before the rate allows it").isGreaterThanOrEqualTo(4_000);
    assertThat(sent.id()).isEqualTo(waiting.id());
    assertThat(sent.hasClass("waiting")).isFalse();
    assertThat(ada.driver.findElements(By.cssSelector("li[data-id='" + waiting.id() + "'] button"))).isEmpty();

    Message seenByBob = bob.awaitMessage("too soon");
    assertThat(seenByBob.id()).isEqualTo(waiting.id());
    bob.awaitTexts(ada.texts());
    assertThat(bob.texts()).filteredOn("too soon"::equals).hasSize(1);
    assertThat(ada.texts()).filteredOn("too soon"::equals).hasSize(1);
  }
}
