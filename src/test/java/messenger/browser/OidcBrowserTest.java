package messenger.browser;

import io.vertx.core.json.JsonObject;
import messenger.testing.Keycloak;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signing in through Keycloak's real login form in Chromium: the chat then shows the person's account name with a
 * badge, on their own page and beside their messages on everyone's; a wrong password stays on Keycloak's form.
 */
@Tag("browser")
@ExtendWith({Keycloak.class, RabbitBroker.class})
class OidcBrowserTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass(new JsonObject().put("auth", Keycloak.auth(true)));
  private final List<Browser> browsers = new ArrayList<>();

  @AfterEach
  void closeBrowsers() {
    browsers.forEach(Browser::close);
  }

  private Browser open() {
    Browser browser = Browser.open(app);
    browsers.add(browser);
    return browser;
  }

  /** From the login page's button through Keycloak's form; returns once the provider's form was submitted. */
  static void signInThroughKeycloak(Browser browser, String username, String password) {
    browser.go("/");
    browser.driver.findElement(By.id("oidc-login")).click();
    WebElement user = browser.waitFor("Keycloak's login form",
      () -> browser.driver.findElements(By.id("username")).stream().findFirst().orElse(null));
    user.sendKeys(username);
    browser.driver.findElement(By.id("password")).sendKeys(password);
    browser.driver.findElement(By.id("kc-login")).click();
  }

  @Test
  void aPersonSignedInThroughKeycloakChatsUnderTheirAccountNameWithABadge() {
    Browser alice = open();
    assertThat(alice.go("/").driver.findElement(By.id("oidc-login")).getText()).isEqualTo("Sign in with Keycloak");
    alice.screenshot("login-oidc");
    signInThroughKeycloak(alice, "alice", "alice-password");
    alice.waitFor("the chat page after signing in", () -> alice.driver.getCurrentUrl().endsWith("/chat"));
    alice.awaitConnected();
    assertThat(alice.driver.findElement(By.id("me")).getText()).isEqualTo("alice");
    assertThat(alice.driver.findElements(By.cssSelector(".topbar .me .verified"))).hasSize(1);

    Browser dora = open().login("dora");
    alice.send("signed in and chatting");
    dora.send("only a name here");
    dora.awaitMessage("signed in and chatting");
    dora.awaitMessage("only a name here");
    assertThat(badgeBeside(dora, "signed in and chatting")).as("alice's message, on dora's page").isTrue();
    assertThat(badgeBeside(dora, "only a name here")).as("dora's own, name only").isFalse();
    alice.awaitMessage("only a name here");
    assertThat(badgeBeside(alice, "signed in and chatting")).isTrue();
    alice.screenshot("oidc-signed-in-badge");
    assertThat(alice.consoleErrors()).isEmpty();
    assertThat(dora.consoleErrors()).isEmpty();

    alice.logout(); // through Keycloak's logout, back to the login page
    assertThat(alice.driver.getCurrentUrl()).isEqualTo(app.baseUrl() + "/");
  }

  @Test
  void aWrongPasswordStaysOnKeycloaksFormAndSignsNobodyIn() {
    Browser mallory = open();
    signInThroughKeycloak(mallory, "bob", "wrong-password");
    mallory.waitFor("Keycloak's form again, with its error",
      () -> mallory.driver.getPageSource().contains("Invalid username or password."));
    assertThat(mallory.driver.findElements(By.id("password"))).as("the form, to try again").hasSize(1);
    mallory.go("/chat");
    assertThat(mallory.driver.getCurrentUrl()).isEqualTo(app.baseUrl() + "/");
  }

  private static boolean badgeBeside(Browser browser, String text) {
    return (Boolean) browser.js("var text = arguments[0];"
      + " return Array.from(document.querySelectorAll('#messages > li.message')).some(function (li) {"
      + " return li.querySelector('.text').textContent === text && li.querySelector('.meta .verified') !== null; });", text);
  }
}
