package messenger.browser;

import io.vertx.core.json.JsonObject;
import messenger.browser.Browser.Message;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A message's life on the sender's screen: "sending…" at once, then sent; or failed with a Retry that
 * sends the same id again, so that nobody ever sees it twice. The app allows one message per five
 * seconds, so that a second message in a row is refused with 429.
 */
@Tag("browser")
@ExtendWith(RabbitBroker.class)
class SendStateBrowserTest {

  private static TestApp app;
  private final List<Browser> browsers = new ArrayList<>();

  @BeforeAll
  static void startApp() {
    app = TestApp.start(new JsonObject().put("chat", new JsonObject().put("rateBurst", 1).put("ratePerSecond", 0.2)));
  }

  @AfterAll
  static void stopApp() {
    app.close();
  }

  @AfterEach
  void closeBrowsers() {
    browsers.forEach(Browser::close);
  }

  private Browser person(String name) {
    Browser browser = Browser.open(app);
    browsers.add(browser);
    return browser.login(name);
  }

  @Test
  void aMessageShowsAsSendingAtOnceAndTurnsIntoTheServersCopy() {
    Browser ada = person("Cleo");
    // A slow network (1.5 s each way) makes the local echo observable.
    ada.driver.executeCdpCommand("Network.enable", Map.of());
    ada.driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of(
      "offline", false, "latency", 1500, "downloadThroughput", -1, "uploadThroughput", -1));
    try {
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
    } finally {
      ada.driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of(
        "offline", false, "latency", 0, "downloadThroughput", -1, "uploadThroughput", -1));
    }
  }

  @Test
  void aRefusedMessageIsMarkedFailedAndItsRetrySendsItOnce() {
    Browser ada = person("Ada");
    Browser bob = person("Bob");

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
