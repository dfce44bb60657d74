package messenger.browser;

import io.vertx.core.json.JsonObject;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

import static org.assertj.core.api.Assertions.assertThat;

/** A sign-in provider that does not answer, as a person sees it: the login page says so, and a name still works. */
@Tag("browser")
@ExtendWith(RabbitBroker.class)
class OidcProviderDownBrowserTest {

  @Test
  void theLoginPageSaysTheProviderIsUnavailableAndNameLoginWorks() {
    JsonObject auth = new JsonObject().put("nameLogin", true).put("oidc", new JsonObject()
      .put("issuer", "http://127.0.0.1:" + TestApp.freePort() + "/realms/gone").put("clientId", "messenger")
      .put("clientSecret", "s3cret").put("name", "Acme SSO").put("discoveryTimeoutMs", 1000).put("discoveryRetryMs", 500));
    try (TestApp app = TestApp.start(new JsonObject().put("auth", auth)); Browser browser = Browser.open(app)) {
      browser.go("/");
      assertThat(browser.driver.findElement(By.id("oidc-down")).getText())
        .isEqualTo("Signing in with Acme SSO is unavailable right now: it does not answer.");
      assertThat(browser.driver.findElements(By.id("oidc-login"))).isEmpty();
      browser.screenshot("login-oidc-down");
      browser.login("Grace");
      assertThat(browser.driver.findElement(By.id("me")).getText()).isEqualTo("Grace");
      assertThat(browser.driver.findElements(By.cssSelector(".me .verified"))).as("no badge for a name").isEmpty();
    }
  }
}
