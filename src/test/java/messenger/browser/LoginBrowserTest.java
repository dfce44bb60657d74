package messenger.browser;

import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import static org.assertj.core.api.Assertions.assertThat;

/** The login page in a real browser: logging in, bad names, logging out. */
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

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "'   '                                  | Please enter a display name.",
    "<b>bold</b>                            | A display name can only contain letters, digits, spaces and _ - ."})
  void anInvalidNameGetsAReadableMessageBesideTheField(String name, String message) {
    browser = Browser.open(app);
    browser.submitLogin(name);
    WebElement error = browser.waitFor("the error beside the name field",
      () -> browser.driver.findElements(By.id("name-error")).stream().findFirst().orElse(null));
    assertThat(error.getText()).isEqualTo(message);
    assertThat(error.isDisplayed()).isTrue();
    WebElement field = browser.driver.findElement(By.id("name"));
    assertThat(field.getDomAttribute("aria-invalid")).isEqualTo("true");
    assertThat(field.getDomAttribute("aria-describedby")).isEqualTo("name-error");
    // The form is still there, with what was typed, ready to be corrected.
    assertThat(field.getDomProperty("value")).isEqualTo(name);
    assertThat(browser.driver.getCurrentUrl()).endsWith("/login");
    // Beside the field: right below it, not somewhere else on the page.
    int fieldBottom = field.getRect().getY() + field.getRect().getHeight();
    assertThat(error.getRect().getY()).isBetween(fieldBottom, fieldBottom + 40);
    browser.screenshot("login-error");

    browser.login("Fixed Name");
    assertThat(browser.driver.findElement(By.id("me")).getText()).isEqualTo("Fixed Name");
  }

  /** The server's limit (DESIGN.md: 32), sent with the page; the server's message for longer names is in HttpApiTest. */
  @Test
  void theNameFieldStopsAtTheServersLimit() {
    browser = Browser.open(app);
    browser.go("/");
    WebElement field = browser.driver.findElement(By.id("name"));
    field.sendKeys("a name that is far too long to be shown");
    // A space after the 32nd character is let in: as on the server, it counts only once something follows it.
    assertThat(field.getDomProperty("value")).isEqualTo("a name that is far too long to b ");
    field.sendKeys(Keys.ENTER);
    browser.waitFor("the chat page", () -> browser.driver.getCurrentUrl().endsWith("/chat"));
    assertThat(browser.driver.findElement(By.id("me")).getText()).isEqualTo("a name that is far too long to b");
  }

  @Test
  void logoutReturnsToTheLoginPageAndClosesTheBridge() {
    browser = Browser.open(app);
    browser.login("Leaving Soon");
    // Record, across the page change, who closed the bridge's WebSocket: the page on logout, or the
    // browser (SockJS on "unload") because the page went away.
    browser.js("window.addEventListener('pagehide', function () { sessionStorage.setItem('leaving', 'yes'); });"
      + "var close = WebSocket.prototype.close; WebSocket.prototype.close = function () {"
      + " if (!sessionStorage.getItem('bridgeClosed')) {"
      + "  sessionStorage.setItem('bridgeClosed', sessionStorage.getItem('leaving') ? 'on leaving' : 'by the page'); }"
      + " return close.apply(this, arguments); };");
    browser.logout();
    assertThat(browser.driver.getCurrentUrl()).isEqualTo(app.baseUrl() + "/");
    assertThat(browser.js("return sessionStorage.getItem('bridgeClosed');")).isEqualTo("by the page");
    // The session is over: the chat page sends the browser back to the login page.
    browser.go("/chat");
    assertThat(browser.driver.getCurrentUrl()).isEqualTo(app.baseUrl() + "/");
    assertThat(browser.driver.findElement(By.id("name")).isDisplayed()).isTrue();
  }
}
