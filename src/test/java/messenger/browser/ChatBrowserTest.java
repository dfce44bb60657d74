package messenger.browser;

import io.vertx.core.json.JsonObject;
import messenger.browser.Browser.Message;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Several people chatting in real browsers against one app and the real broker. */
@Tag("browser")
@ExtendWith(RabbitBroker.class)
class ChatBrowserTest {

    // A generous rate limit: some tests fill the page quickly.
  @RegisterExtension
  static final TestApp app = TestApp.perClass(new JsonObject().put("chat", new JsonObject().put("ratePerSecond", 100).put("rateBurst", 100)));

  @RegisterExtension
  final People people = new People(() -> app);

  @Test
  void threePeopleSeeEveryMessageOnceWithSenderAndTimeInTheSameOrder() {
    Browser ada = people.login("Ada");
    Browser grace = people.login("Grace");
    Browser linus = people.login("Linus");

    ada.send("Morning all! Stand-up in 5?");
    ada.awaitMessage("Morning all! Stand-up in 5?");
    assertThat(ada.input().getDomProperty("value")).as("the input is cleared").isEmpty();
    assertThat(hasFocus(ada, "text")).as("the input keeps focus").isTrue();

    // The Send button works too, and also clears the input and gives the focus back to it.
    grace.type("Sure — I'll bring the coffee ☕");
    grace.driver.findElement(By.id("send")).click();
    grace.awaitMessage("Sure — I'll bring the coffee ☕");
    assertThat(grace.input().getDomProperty("value")).isEmpty();
    assertThat(hasFocus(grace, "text")).isTrue();

    // Shift+Enter makes a new line and sends nothing; Enter then sends both lines as one message.
    linus.type("Two things:", Keys.chord(Keys.SHIFT, Keys.ENTER), "1. the release", Keys.chord(Keys.SHIFT, Keys.ENTER),
      "2. the bug in the login form");
    assertThat(linus.input().getDomProperty("value")).isEqualTo("Two things:\n1. the release\n2. the bug in the login form");
    assertThat(linus.messages()).extracting(Message::text).doesNotContain("Two things:");
    linus.type(Keys.ENTER);
    linus.awaitMessage("Two things:\n1. the release\n2. the bug in the login form");

    ada.send("Great, see you there.");
    List<String> expected = List.of("Morning all! Stand-up in 5?", "Sure — I'll bring the coffee ☕",
      "Two things:\n1. the release\n2. the bug in the login form", "Great, see you there.");
    for (Browser browser : List.of(ada, grace, linus)) {
      browser.awaitTexts(expected);
    }
    List<Message> seenByAda = ada.messages();
    assertThat(seenByAda).extracting(Message::sender).containsExactly("Ada", "Grace", "Linus", "Ada");
    assertThat(seenByAda).allSatisfy(m -> {
      assertThat(m.confirmed()).isTrue();
      assertThat(m.time()).matches(".*\\d{1,2}[:.]\\d{2}.*");
    });
    assertThat(seenByAda).extracting(Message::seq).isSorted().doesNotHaveDuplicates();
    // Same messages, same ids, same order, same times in every window.
    for (Browser other : List.of(grace, linus)) {
      assertThat(other.messages()).extracting(Message::id, Message::seq, Message::sender, Message::text, Message::time)
        .containsExactlyElementsOf(seenByAda.stream()
          .map(m -> tuple(m.id(), m.seq(), m.sender(), m.text(), m.time())).toList());
    }
    for (Browser browser : List.of(ada, grace, linus)) {
      assertThat(browser.consoleErrors()).as("errors in the browser console").isEmpty();
    }
    // The conversation as Grace sees it is the README's screenshot.
    grace.resize(1280, 640);
    grace.driver.findElement(By.id("text")).click(); // the pointer off the Send button
    grace.screenshot("conversation-1280");
  }

  @Test
  void ownMessagesLookDifferentFromOthers() {
    Browser ada = people.login("Ada");
    Browser grace = people.login("Grace");
    ada.send("mine or yours?");
    grace.awaitMessage("mine or yours?");
    grace.send("yours, Ada");
    ada.awaitMessage("yours, Ada");

    List<Message> shownToAda = ada.messages();
    assertThat(shownToAda).filteredOn(m -> m.text().equals("mine or yours?")).singleElement()
      .satisfies(m -> assertThat(m.mine()).isTrue());
    assertThat(shownToAda).filteredOn(m -> m.text().equals("yours, Ada")).singleElement()
      .satisfies(m -> assertThat(m.mine()).isFalse());

    WebElement mine = messageElement(ada, "mine or yours?");
    WebElement theirs = messageElement(ada, "yours, Ada");
    assertThat(mine.getCssValue("background-color")).isNotEqualTo(theirs.getCssValue("background-color"));
    // Own messages sit on the right, the others' on the left.
    assertThat(mine.getRect().getX()).isGreaterThan(theirs.getRect().getX());
  }

  @Test
  void aLateJoinerSeesTheHistoryAndAReloadKeepsTheConversation() {
    Browser ada = people.login("Ada");
    ada.send("first, before Bob came");
    ada.send("second, before Bob came");
    ada.awaitMessage("second, before Bob came");

    Browser bob = people.login("Bob");
    List<Message> seenByAda = ada.messages();
    bob.awaitTexts(seenByAda.stream().map(Message::text).toList());
    assertThat(bob.messages()).extracting(Message::id).containsExactlyElementsOf(seenByAda.stream().map(Message::id).toList());

    bob.send("hi, I'm new here");
    ada.awaitMessage("hi, I'm new here");
    List<String> before = bob.texts();
    bob.reload();
    bob.awaitConnected();
    bob.awaitTexts(before);
    assertThat(bob.driver.findElement(By.id("me")).getText()).isEqualTo("Bob");
  }

  @Test
  void theViewFollowsNewMessagesUnlessTheReaderScrolledUp() {
    User carol = app.user("Carol");
    Browser ada = people.login("Ada");
    List<String> filler = IntStream.rangeClosed(1, 40).mapToObj(i -> "filler line " + i).toList();
    filler.forEach(text -> assertThat(carol.send(text).statusCode()).isEqualTo(202));
    ada.awaitMessage("filler line 40");
    ada.waitFor("the view at the newest message", () -> atBottom(ada));
    assertThat(newMessagesMarker(ada).isDisplayed()).isFalse();

    // Reading older messages: a new one must not yank the view down, but a marker says it is there.
    ada.js("document.getElementById('messages').scrollTop = 0;");
    assertThat(carol.send("while Ada reads the top").statusCode()).isEqualTo(202);
    ada.awaitMessage("while Ada reads the top");
    ada.waitFor("the new-messages marker", () -> newMessagesMarker(ada).isDisplayed());
    assertThat(scrollTop(ada)).isZero();

    newMessagesMarker(ada).click();
    ada.waitFor("the view at the newest message after clicking the marker", () -> atBottom(ada));
    assertThat(newMessagesMarker(ada).isDisplayed()).isFalse();

    // At the bottom, a new message scrolls into view by itself and no marker appears.
    assertThat(carol.send("and one more").statusCode()).isEqualTo(202);
    ada.awaitMessage("and one more");
    ada.waitFor("the view to follow the new message", () -> atBottom(ada));
    assertThat(newMessagesMarker(ada).isDisplayed()).isFalse();

    // Scrolling up and sending oneself brings the view back to one's own message.
    ada.js("document.getElementById('messages').scrollTop = 0;");
    ada.send("my own reply");
    ada.awaitMessage("my own reply");
    ada.waitFor("the view at one's own new message", () -> atBottom(ada));
  }

  static boolean hasFocus(Browser browser, String id) {
    return Boolean.TRUE.equals(browser.js("return document.activeElement && document.activeElement.id === arguments[0];", id));
  }

  static WebElement messageElement(Browser browser, String text) {
    return browser.waitFor("the element of \"" + text + "\"", () -> browser.driver.findElements(By.cssSelector("#messages > li.message"))
      .stream().filter(li -> li.findElement(By.className("text")).getText().equals(text)).findFirst().orElse(null));
  }

  private static WebElement newMessagesMarker(Browser browser) {
    return browser.driver.findElement(By.id("new-messages"));
  }

  private static long scrollTop(Browser browser) {
    return ((Number) browser.js("return Math.round(document.getElementById('messages').scrollTop);")).longValue();
  }

  private static boolean atBottom(Browser browser) {
    return Boolean.TRUE.equals(browser.js(
      "var l = document.getElementById('messages'); return l.scrollHeight - l.scrollTop - l.clientHeight < 2;"));
  }
}
