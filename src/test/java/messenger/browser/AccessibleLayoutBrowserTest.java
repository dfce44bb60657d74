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
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebElement;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Labels, live regions, and a page that works on a phone (375 px) and on a laptop (1280 px). */
@Tag("browser")
@ExtendWith(RabbitBroker.class)
class AccessibleLayoutBrowserTest {

  private static TestApp app;
  private final List<Browser> browsers = new ArrayList<>();

  @BeforeAll
  static void startApp() {
    app = TestApp.start();
  }

  @AfterAll
  static void stopApp() {
    app.close();
  }

  @AfterEach
  void closeBrowsers() {
    browsers.forEach(Browser::close);
  }

  private Browser open(int width, int height) {
    Browser browser = Browser.open(app, width, height);
    browsers.add(browser);
    return browser;
  }

  @Test
  void inputsAreLabelledAndNewMessagesAreAnnounced() {
    Browser browser = open(1280, 900);
    browser.go("/");
    assertThat(browser.driver.findElement(By.id("name")).getAccessibleName()).isEqualTo("Display name");
    assertThat(browser.driver.findElement(By.cssSelector("button[type=submit]")).getAccessibleName()).isEqualTo("Join the chat");
    browser.screenshot("login-1280");

    browser.login("Screen Reader");
    assertThat(browser.input().getAccessibleName()).isEqualTo("Message");
    assertThat(browser.driver.findElement(By.id("send")).getAccessibleName()).isEqualTo("Send");
    assertThat(browser.driver.findElement(By.cssSelector("#logout-form button")).getAccessibleName()).isEqualTo("Log out");
    WebElement log = browser.driver.findElement(By.id("messages"));
    assertThat(log.getAriaRole()).isEqualTo("log");
    assertThat(log.getAttribute("aria-live")).isEqualTo("polite");
    assertThat(log.getAccessibleName()).isEqualTo("Messages");
    WebElement connection = browser.driver.findElement(By.id("connection"));
    assertThat(connection.getAriaRole()).isEqualTo("status");

    // A new message lands inside the live region, where a screen reader announces it.
    browser.send("can you hear me?");
    browser.awaitMessage("can you hear me?");
    assertThat(log.findElements(By.cssSelector("li.message"))).isNotEmpty();
    assertThat(browser.js("return document.querySelector('[aria-live]').contains("
      + "Array.from(document.querySelectorAll('#messages .text')).pop());")).isEqualTo(true);
  }

  @ParameterizedTest(name = "{0} px wide")
  @ValueSource(ints = {375, 1280})
  void theChatIsUsableAt(int width) {
    int height = width < 600 ? 740 : 800;
    Browser login = open(width, height);
    login.go("/");
    assertFitsTheWidth(login, width);
    assertInView(login, login.driver.findElement(By.id("name")), width, height);
    assertInView(login, login.driver.findElement(By.cssSelector("button[type=submit]")), width, height);
    login.screenshot("login-" + width);
    login.login("Pat Smallscreen");

    Browser other = open(1280, 800).login("Sam Bigscreen");
    other.send("Hi Pat! How does it look on your phone?");
    login.awaitMessage("Hi Pat! How does it look on your phone?");
    login.type("Looks good — the box and the button both fit, and long lines wrap nicely even on a narrow screen.");
    login.driver.findElement(By.id("send")).click();
    login.awaitMessage("Looks good — the box and the button both fit, and long lines wrap nicely even on a narrow screen.");

    assertFitsTheWidth(login, width);
    for (String selector : List.of("#text", "#send", "#logout-form button", "#connection", "#me")) {
      assertInView(login, login.driver.findElement(By.cssSelector(selector)), width, height);
    }
    // Most of the screen is left for the conversation.
    assertThat(login.driver.findElement(By.id("messages")).getRect().getHeight()).isGreaterThan(height * 6 / 10);
    for (WebElement message : login.driver.findElements(By.cssSelector("#messages > li"))) {
      Rectangle r = message.getRect();
      assertThat(r.getX()).isGreaterThanOrEqualTo(0);
      assertThat(r.getX() + r.getWidth()).isLessThanOrEqualTo(width);
    }
    login.screenshot("chat-" + width);
  }

  @Test
  void textHasEnoughContrast() {
    Browser login = open(1280, 800);
    login.go("/");
    assertContrast(login, "h1, .lead, label, .hint, button");
    login.submitLogin("<bad>");
    login.waitFor("the name error", () -> !login.driver.findElements(By.id("name-error")).isEmpty());
    assertContrast(login, ".field-error");

    login.login("Contrast Checker");
    Browser others = open(1280, 800).login("Someone Else");
    // Names in all eight colours.
    for (String name : List.of("Ann", "Ben", "Cy", "Dee", "Eve", "Fay", "Gus", "Hal", "Ivy", "Jo", "Kim", "Lu")) {
      assertThat(app.user(name).send("hello from " + name).statusCode()).isEqualTo(202);
    }
    others.send("and from me");
    login.send("and from myself");
    login.awaitMessage("and from me");
    login.awaitMessage("and from myself");
    assertThat(login.driver.findElements(By.cssSelector(".message.theirs")).stream()
      .map(li -> li.getAttribute("data-hue")).distinct().count()).as("name colours used").isGreaterThanOrEqualTo(6);
    assertContrast(login, "h1, #connection, .me, #logout-form button, .message .sender, .message time, .message .text, "
      + "#send, .composer-hint");
  }

  /** Every element matched has text with a contrast of at least 4.5:1 against its background (WCAG AA). */
  private static void assertContrast(Browser browser, String selectors) {
    @SuppressWarnings("unchecked")
    List<String> failures = (List<String>) browser.js(CONTRAST, selectors);
    assertThat(failures).as("text below 4.5:1 contrast").isEmpty();
  }

  private static final String CONTRAST = """
    function rgb(css) { var m = css.match(/[\\d.]+/g).map(Number); return { c: m.slice(0, 3), a: m.length > 3 ? m[3] : 1 }; }
    function lum(c) {
      var v = c.map(function (x) { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
      return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
    }
    function background(el) {
      for (; el; el = el.parentElement) {
        var b = rgb(getComputedStyle(el).backgroundColor);
        if (b.a > 0) { return b.c; }
      }
      return [255, 255, 255];
    }
    var failures = [];
    document.querySelectorAll(arguments[0]).forEach(function (el) {
      if (!el.textContent.trim() || el.getClientRects().length === 0) { return; }
      var fg = lum(rgb(getComputedStyle(el).color).c), bg = lum(background(el));
      var ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      if (ratio < 4.5) {
        failures.push(el.tagName.toLowerCase() + '.' + el.className + ' "' + el.textContent.trim().slice(0, 30)
          + '": ' + ratio.toFixed(2));
      }
    });
    return failures;
    """;

  private static void assertFitsTheWidth(Browser browser, int width) {
    assertThat(((Number) browser.js("return document.documentElement.scrollWidth;")).intValue())
      .as("page width at " + width + " px").isLessThanOrEqualTo(width);
  }

  private static void assertInView(Browser browser, WebElement element, int width, int height) {
    assertThat(element.isDisplayed()).as(element + " displayed").isTrue();
    Rectangle r = element.getRect();
    int viewportHeight = ((Number) browser.js("return window.innerHeight;")).intValue();
    assertThat(r.getX()).isGreaterThanOrEqualTo(0);
    assertThat(r.getX() + r.getWidth()).as(element + " right edge").isLessThanOrEqualTo(width);
    assertThat(r.getY()).isGreaterThanOrEqualTo(0);
    assertThat(r.getY() + r.getHeight()).as(element + " bottom edge").isLessThanOrEqualTo(Math.min(height, viewportHeight));
    // Big enough to hit with a finger (WCAG 2.2 target size minimum: 24 × 24 CSS px).
    if (element.getTagName().equals("button") || element.getTagName().equals("textarea")) {
      assertThat(r.getHeight()).as(element + " height").isGreaterThanOrEqualTo(24);
      assertThat(r.getWidth()).as(element + " width").isGreaterThanOrEqualTo(24);
    }
  }
}
