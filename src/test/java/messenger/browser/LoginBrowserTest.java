package messenger.browser;

import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

import static org.assertj.core.api.Assertions.assertThat;

/** The login page in a real browser: logging in, bad names. */
@Tag("browser")
@ExtendWith(RabbitBroker.class)
class LoginBrowserTest {

  private static TestApp app;
  private Browser browser;

  @BeforeAll
  static void startApp() {
    app = TestApp.start();
  }

  @AfterAll
  static void stopApp() {
    app.close();
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void loggingInOpensTheConnectedChatPageWithTheName() {
    browser = Browser.open(app);
    browser.go("/");
    assertThat(browser.driver.getTitle()).contains("Messenger");
    browser.login("Ada Lovelace");
    assertThat(browser.driver.findElement(By.id("me")).getText()).isEqualTo("Ada Lovelace");
    assertThat(browser.connectionState()).isEqualTo("open");
    assertThat(browser.consoleErrors()).isEmpty();
  }
}
