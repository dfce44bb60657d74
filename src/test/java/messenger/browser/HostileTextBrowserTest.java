package messenger.browser;

import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Text that tries to be markup, script or a layout breaker is shown as the text it is. */
@Tag("browser")
@ExtendWith(RabbitBroker.class)
class HostileTextBrowserTest {

  static final String IMG = "<img src=x onerror=alert(1)>";
  static final String SCRIPT = "</script><script>alert(1)</script>";
  static final String RTL = "invoice \u202Egnp.exe\u202C done";
  static final String LONG_WORD = "W".repeat(2000);
  static final String EMOJI = "👋🏽 héllo 🇫🇷 👨‍👩‍👧 ✨";

  @RegisterExtension
  static final TestApp app = TestApp.perClass();

  @RegisterExtension
  final People people = new People(() -> app);

  @Test
  void hostileTextRendersLiterallyWithoutDialogsOrABrokenLayout() {
    Browser mallory = people.login("Mallory");
    Browser ada = people.login("Ada");
    List<String> texts = List.of(IMG, SCRIPT, RTL, LONG_WORD, EMOJI);
    // Typed like a person would; ChromeDriver cannot type characters beyond the BMP, so the emoji are
    // pasted into the box, and the long word comes through the API (typing it takes long).
    for (String text : List.of(IMG, SCRIPT, RTL)) {
      mallory.send(text);
      mallory.awaitMessage(text);
    }
    mallory.js("document.getElementById('text').value = arguments[0];", EMOJI);
    mallory.driver.findElement(By.id("send")).click();
    mallory.awaitMessage(EMOJI);
    User api = app.user("Mallory API"); // a second session cannot take the name while Mallory is online
    assertThat(api.send(LONG_WORD).statusCode()).isEqualTo(202);

    for (Browser browser : List.of(mallory, ada)) {
      browser.waitFor("every hostile text", () -> browser.texts().containsAll(texts));
      assertThat(browser.dialogOpen()).as("a JavaScript dialog").isFalse();
      // Nothing became markup: no element inside a message but the page's own.
      assertThat(browser.driver.findElements(By.cssSelector("#messages img, #messages script, #messages iframe"))).isEmpty();
      // The layout holds: no horizontal scrolling anywhere, every bubble inside the message list.
      assertThat(browser.js("return document.documentElement.scrollWidth <= window.innerWidth;")).isEqualTo(true);
      assertThat(browser.js("var l = document.getElementById('messages'); return l.scrollWidth <= l.clientWidth;"))
        .isEqualTo(true);
      WebElement longWord = ChatBrowserTest.messageElement(browser, LONG_WORD);
      WebElement list = browser.driver.findElement(By.id("messages"));
      assertThat(longWord.getRect().getX() + longWord.getRect().getWidth())
        .isLessThanOrEqualTo(list.getRect().getX() + list.getRect().getWidth());
      // The right-to-left override stays inside the text: the name and time above it still read left to right.
      WebElement rtl = ChatBrowserTest.messageElement(browser, RTL);
      WebElement sender = rtl.findElement(By.className("sender"));
      WebElement time = rtl.findElement(By.tagName("time"));
      assertThat(sender.getRect().getX()).isLessThan(time.getRect().getX());
    }
    mallory.js("document.getElementById('messages').scrollTop = 0;");
    mallory.screenshot("hostile-text");
  }

  @Test
  void thePagesForbidInlineScriptAndHaveNone() {
    User visitor = new User(app.baseUrl(), "Csp");
    User user = app.user("Csp");
    for (HttpResponse<String> page : List.of(visitor.get("/"), user.get("/chat"))) {
      String path = page.uri().getPath();
      assertThat(page.statusCode()).isEqualTo(200);
      String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
      assertThat(csp).as("CSP of " + path).contains("script-src 'self'").doesNotContain("unsafe-inline")
        .doesNotContain("unsafe-eval");
    }

    Browser browser = people.open();
    browser.go("/");
    assertNoInlineScript(browser);
    browser.login("Csp");
    assertNoInlineScript(browser);

    // The browser enforces it: an inline script injected into the page does not run.
    browser.js("window.__violations = 0;"
      + "document.addEventListener('securitypolicyviolation', function () { window.__violations++; });"
      + "var s = document.createElement('script'); s.textContent = 'window.__pwned = true;';"
      + "document.body.appendChild(s);");
    browser.waitFor("a CSP violation report", () -> ((Number) browser.js("return window.__violations;")).intValue() > 0);
    assertThat(browser.js("return window.__pwned === undefined;")).isEqualTo(true);
  }

  private static void assertNoInlineScript(Browser browser) {
    List<WebElement> scripts = browser.driver.findElements(By.tagName("script"));
    assertThat(scripts).allSatisfy(s -> assertThat(s.getDomAttribute("src")).isNotBlank());
    assertThat(browser.js("return Array.from(document.querySelectorAll('*')).filter(function (e) {"
      + " return Array.from(e.attributes).some(function (a) { return /^on/i.test(a.name); }); }).length;"))
      .as("elements with inline event handlers").isEqualTo(0L);
  }
}
