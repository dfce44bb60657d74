package messenger.browser;

import io.vertx.core.json.JsonObject;
import messenger.testing.Cleanup;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session left idle for longer than {@code http.sessionTimeoutMinutes} (1 minute here, the shortest) has expired:
 * the page's next request is refused, and it goes back to the login form, which says why; the message that could
 * not be sent is back in the message box after the next login. Slow by nature: it idles past the timeout.
 */
@Tag("browser")
@ExtendWith(RabbitBroker.class)
class SessionExpiryBrowserTest {

  @RegisterExtension
  final Cleanup cleanup = new Cleanup();

  @Test
  void anExpiredSessionGoesBackToTheLoginFormSayingWhyAndKeepsTheMessage() {
    TestApp app = cleanup.keep(TestApp.start(new JsonObject().put("http", new JsonObject().put("sessionTimeoutMinutes", 1))));
    Browser ivy = cleanup.keep(Browser.open(app)).login("Ivy");
    ivy.send("before the timeout");
    ivy.awaitMessage("before the timeout");

    // The scenario, not a wait for a result: no request for longer than the timeout (the bridge socket only pings,
    // which a cookie session does not see).
    TestApp.sleep(62_000);
    assertThat(ivy.connectionState()).as("the page does not know yet").isEqualTo("open");
    ivy.send("after the timeout");

    ivy.waitFor("the login form after the session expired", () -> ivy.driver.getCurrentUrl().endsWith("/?ended=session"));
    assertThat(ivy.waitFor("what the login form says", () -> ivy.driver.findElements(By.cssSelector("#notice")).stream()
      .findFirst().map(e -> e.getText()).orElse(null))).isEqualTo("Your session ended — log in again.");
    ivy.screenshot("session-expired");
    ivy.login("Ivy");
    assertThat(ivy.input().getDomProperty("value")).isEqualTo("after the timeout");
  }
}
