package messenger.browser;

import io.vertx.core.json.JsonObject;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The message box stops at the server's limit, here configured to 10 characters (the default is 2000): the
 * page is told the limit by the server and counts as the server does, characters (code points) of the text
 * without the white space around it. What the box holds is then always accepted, and a counter shows as the
 * text nears the limit. A message the server refuses as it is never comes with a Retry that cannot succeed:
 * its text goes back into the box, or it is dismissed.
 */
@Tag("browser")
@ExtendWith(RabbitBroker.class)
class ComposerLimitBrowserTest {

  private static final int LIMIT = 10;

  @RegisterExtension
  static final TestApp app = TestApp.perClass(new JsonObject().put("chat", new JsonObject().put("maxTextLength", LIMIT)));

  @RegisterExtension
  final People people = new People(() -> app);

  /**
   * Puts text into the box at the caret as an emoji keyboard or an input method does (Chromium's own
   * Input.insertText; ChromeDriver cannot type characters beyond the BMP).
   */
  private static void paste(Browser browser, String text) {
    browser.js("arguments[0].focus();", browser.input());
    browser.driver.executeCdpCommand("Input.insertText", Map.of("text", text));
  }

  private static String boxText(Browser browser) {
    return browser.input().getDomProperty("value");
  }

  @Test
  void typingStopsAtTheServersLimit() {
    Browser ada = people.login("Ada");
    ada.type("abcdefghijKLMNOP");
    assertThat(boxText(ada)).isEqualTo("abcdefghij");
    ada.type(Keys.ENTER);
    assertThat(ada.awaitMessage("abcdefghij").confirmed()).isTrue();
  }

  @Test
  void emojiCountAsTheServerCountsThemOneCharacterEach() {
    Browser ada = people.login("Ada");
    String emoji = "😀👋🏽🇫🇷✨😀😀😀😀😀😀😀😀"; // 14 code points (👋🏽 and 🇫🇷 are two each), 27 UTF-16 units
    String firstTen = emoji.codePoints().limit(LIMIT)
      .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    paste(ada, emoji);
    assertThat(boxText(ada)).isEqualTo(firstTen);
    assertThat(boxText(ada).length()).as("UTF-16 units, which a maxlength attribute would count").isGreaterThan(LIMIT);
    ada.type(Keys.ENTER);
    assertThat(ada.awaitMessage(firstTen).confirmed()).as("accepted by the server").isTrue();
  }

  @Test
  void whiteSpaceAroundTheTextDoesNotCount() {
    Browser ada = people.login("Ada");
    paste(ada, "   " + "x".repeat(LIMIT) + "   ");
    assertThat(boxText(ada)).isEqualTo("   " + "x".repeat(LIMIT) + "   ");
    ada.type("y");
    assertThat(boxText(ada)).as("a character after the spaces would count, and the spaces with it")
      .isEqualTo("   " + "x".repeat(LIMIT) + "   ");
    ada.type(Keys.ENTER);
    assertThat(ada.awaitMessage("x".repeat(LIMIT)).confirmed()).isTrue();
  }

  @Test
  void aPasteThatDoesNotFitKeepsWhatWasThereAndWhatFitsOfItself() {
    Browser ada = people.login("Ada");
    ada.type("abcdefgh");
    ada.js("arguments[0].setSelectionRange(4, 4);", ada.input());
    paste(ada, "XYZ");
    assertThat(boxText(ada)).isEqualTo("abcdXYefgh");
    assertThat(ada.js("return arguments[0].selectionStart;", ada.input())).as("the caret after what was pasted").isEqualTo(6L);
  }

  @Test
  void aCounterShowsNearTheLimit() {
    Browser ada = people.login("Ada");
    WebElement counter = ada.driver.findElement(By.id("counter"));
    ada.type("abcdefgh");
    assertThat(counter.isDisplayed()).as("8 of 10: not near the limit yet").isFalse();
    ada.type("i");
    assertThat(counter.isDisplayed()).isTrue();
    assertThat(counter.getText()).isEqualTo("9 / 10");
    assertThat(counter.getDomAttribute("class")).doesNotContain("full");
    ada.type("jk");
    assertThat(counter.getText()).isEqualTo("10 / 10");
    assertThat(counter.getDomAttribute("class")).contains("full");
    ada.type(Keys.ENTER);
    ada.awaitMessage("abcdefghij");
    assertThat(counter.isDisplayed()).as("the box is empty again").isFalse();
  }

  @Test
  void aMessageTheServerRefusesCanBeTakenBackIntoTheBoxOrDismissedAndHasNoRetry() {
    Browser ada = people.login("Ada");
    // Nothing visible in it: the page cannot tell (it is no white space to JavaScript), the server refuses it (400).
    String invisible = "\u200B\u200B";
    ada.send(invisible);
    Browser.Message refused = awaitFailed(ada, invisible);
    assertThat(refused.state()).contains("not sent");
    WebElement item = item(ada, refused);
    assertThat(item.findElements(By.tagName("button"))).extracting(WebElement::getText).containsExactly("Edit", "Dismiss");
    ada.type("draft");

    item.findElement(By.cssSelector("button.edit")).click();
    awaitGone(ada, refused);
    assertThat(boxText(ada)).as("its text back in the box, before the draft").isEqualTo(invisible + "\ndraft");
    ada.js("arguments[0].value = '';", ada.input());

    ada.send(invisible);
    Browser.Message again = awaitFailed(ada, invisible);
    item(ada, again).findElement(By.cssSelector("button.dismiss")).click();
    awaitGone(ada, again);
    assertThat(boxText(ada)).isEmpty();
    ada.send("visible");
    assertThat(ada.awaitMessage("visible").confirmed()).isTrue();
    assertThat(ada.texts()).doesNotContain(invisible);
  }

  private static void awaitGone(Browser browser, Browser.Message message) {
    browser.waitFor("message " + message.id() + " to leave the list",
      () -> browser.messages().stream().noneMatch(m -> m.id().equals(message.id())));
  }

  private static Browser.Message awaitFailed(Browser browser, String text) {
    return browser.waitFor("\"" + text + "\" to be refused", () -> browser.messages().stream()
      .filter(m -> m.text().equals(text) && m.hasClass("failed")).findFirst().orElse(null));
  }

  private static WebElement item(Browser browser, Browser.Message message) {
    return browser.driver.findElement(By.cssSelector("li[data-id='" + message.id() + "']"));
  }
}
