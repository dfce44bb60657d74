package messenger.browser;

import io.vertx.core.json.JsonObject;
import messenger.testing.Cleanup;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.interactions.Actions;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Changes to a room as people see them, on two instances: "Bob joined #design" and "Bob left #design" in the
 * room for the others, once however many tabs Bob has; the topic changed on the page and shown live in everyone's
 * header with who set it; the room archived by its creator leaving every sidebar, and whoever had it open moved to
 * general and told why.
 */
@Tag("browser")
@ExtendWith(RabbitBroker.class)
class RoomChangesBrowserTest {

  @RegisterExtension
  final Cleanup cleanup = new Cleanup();

  private Browser person(TestApp app, String name) {
    return cleanup.keep(Browser.open(app)).login(name);
  }

  @SuppressWarnings("unchecked")
  private static List<String> rooms(Browser browser, String css) {
    return (List<String>) browser.js("return Array.from(document.querySelectorAll(arguments[0]))"
      + ".map(function (li) { return li.dataset.room; });", css);
  }

  private static List<String> joined(Browser browser) {
    return rooms(browser, "#room-list li");
  }

  private static List<String> others(Browser browser) {
    return rooms(browser, "#other-rooms li");
  }

  /** The notices about a room in the open room's list. */
  private static List<String> roomNotices(Browser browser, String room) {
    return browser.textsOf("#messages li.notice").stream().filter(text -> text.contains("#" + room) || text.contains("topic")).toList();
  }

  private static String text(Browser browser, String id) {
    return browser.driver.findElement(By.id(id)).getText();
  }

  private static void click(Browser browser, String css) {
    browser.waitFor("a click on " + css, () -> {
      try {
        browser.driver.findElement(By.cssSelector(css)).click();
        return true;
      } catch (StaleElementReferenceException e) {
        return false;
      }
    });
  }

  private static void awaitOpen(Browser browser, String room) {
    browser.waitFor("room " + room + " open", () -> ("#" + room).equals(text(browser, "room-title"))
      && room.equals(browser.js("return document.body.dataset.room;")));
  }

  private static void openBrowserOfRooms(Browser browser) {
    WebElement details = browser.driver.findElement(By.id("room-browser"));
    if (details.getDomAttribute("open") == null) {
      details.findElement(By.tagName("summary")).click();
    }
  }

  private static List<String> scriptErrors(Browser browser) {
    return browser.consoleErrors().stream().filter(e -> !e.contains("Failed to load resource")).toList();
  }

  @Test
  @NeedsRabbitMQ("two instances share the room log and presence")
  void joinsLeavesTopicAndArchiveAreSeenLiveOnAnotherInstance() {
    String exchange = "test-" + UUID.randomUUID().toString().substring(0, 8);
    TestApp a = cleanup.keep(TestApp.start(exchange, exchange + ".log", new JsonObject()));
    TestApp b = cleanup.keep(TestApp.start(exchange, exchange + ".log", new JsonObject()));
    Browser ada = person(a, "Ada");
    Browser bob = person(b, "Bob");

    openBrowserOfRooms(ada);
    ada.driver.findElement(By.id("room-name")).sendKeys("design");
    ada.driver.findElement(By.id("room-topic")).sendKeys("Pixels");
    click(ada, "#create-room button[type=submit]");
    awaitOpen(ada, "design");
    ada.waitFor("the topic in the header", () -> text(ada, "room-topic-line").equals("Pixels"));
    assertThat(ada.driver.findElement(By.id("edit-topic")).isDisplayed()).isTrue();
    assertThat(ada.driver.findElement(By.id("archive-room")).isDisplayed()).as("Ada created it").isTrue();

    // Bob has a second tab open: his joining is told once, by the tab he clicked in.
    String bobsFirst = bob.driver.getWindowHandle();
    bob.driver.switchTo().newWindow(WindowType.TAB);
    bob.go("/chat");
    bob.awaitConnected();
    String bobsSecond = bob.driver.getWindowHandle();
    bob.driver.switchTo().window(bobsFirst);
    bob.waitFor("design to join", () -> others(bob).contains("design"));
    openBrowserOfRooms(bob);
    click(bob, "#other-rooms li[data-room='design'] button.join");
    bob.waitFor("design joined", () -> joined(bob).contains("design"));
    ada.waitFor(() -> "Bob's joining told in #design (shows " + roomNotices(ada, "design") + ")", Browser.TIMEOUT,
      () -> roomNotices(ada, "design").equals(List.of("Bob joined #design")));
    bob.driver.switchTo().window(bobsSecond);
    bob.waitFor("design joined in the second tab too", () -> joined(bob).contains("design"));
    bob.driver.switchTo().window(bobsFirst);
    TestApp.sleep(1_000); // a second notice, from the second tab, has had time to come: none does
    assertThat(roomNotices(ada, "design")).containsExactly("Bob joined #design");

    // Leaving and joining again are told too; Bob's own pages say nothing of him.
    // The × shows when the pointer is on the room.
    new Actions(bob.driver).moveToElement(bob.driver.findElement(By.cssSelector("#room-list li[data-room='design']"))).perform();
    click(bob, "#room-list li[data-room='design'] button.leave");
    ada.waitFor("Bob's leaving told", () -> roomNotices(ada, "design").equals(List.of("Bob joined #design", "Bob left #design")));
    bob.go("/chat/design");
    awaitOpen(bob, "design");
    bob.awaitConnected();
    click(bob, "#join-room");
    ada.waitFor("Bob's joining again told", () -> roomNotices(ada, "design")
      .equals(List.of("Bob joined #design", "Bob left #design", "Bob joined #design")));
    assertThat(roomNotices(bob, "design")).as("not about oneself").isEmpty();
    assertThat(text(bob, "room-topic-line")).isEqualTo("Pixels");
    assertThat(bob.driver.findElement(By.id("archive-room")).isDisplayed()).as("only its creator archives").isFalse();

    // Bob changes the topic on the page; Ada's header follows at once, and the room says who set it.
    click(bob, "#edit-topic");
    WebElement field = bob.driver.findElement(By.id("topic-input"));
    assertThat(field.getDomProperty("value")).isEqualTo("Pixels");
    field.clear();
    field.sendKeys("Pixels and words");
    click(bob, "#topic-form button[type=submit]");
    bob.waitFor("the form closed", () -> !bob.driver.findElement(By.id("topic-form")).isDisplayed());
    bob.waitFor("Bob's header", () -> text(bob, "room-topic-line").equals("Pixels and words"));
    ada.waitFor("Ada's header", () -> text(ada, "room-topic-line").equals("Pixels and words"));
    ada.waitFor("who set the topic", () -> roomNotices(ada, "design").contains("Bob set the topic: Pixels and words"));
    // A topic the server refuses is said under the header as the server words it.
    click(bob, "#edit-topic");
    bob.driver.findElement(By.id("topic-input")).sendKeys("x".repeat(201));
    click(bob, "#topic-form button[type=submit]");
    bob.waitFor("the refusal", () -> text(bob, "room-error").contains("200 characters"));
    click(bob, "#topic-cancel");

    // Ada archives design: it leaves every sidebar, and Bob, who has it open, is moved to general and told.
    ada.js("window.confirm = function () { return true; };");
    click(ada, "#archive-room");
    bob.waitFor("Bob moved to general", () -> "/chat".equals(bob.js("return location.pathname;"))
      && "#general".equals(text(bob, "room-title")));
    bob.waitFor("Bob told why", () -> text(bob, "room-missing").startsWith("#design was archived by Ada"));
    assertThat(joined(bob)).containsExactly("general");
    assertThat(others(bob)).doesNotContain("design");
    assertThat(bob.input().isEnabled()).isTrue();
    bob.driver.switchTo().window(bobsSecond);
    bob.waitFor("gone from the second tab's sidebar", () -> joined(bob).equals(List.of("general")));
    bob.driver.switchTo().window(bobsFirst);
    awaitOpen(ada, "general");
    assertThat(joined(ada)).containsExactly("general");

    // A bookmark of the archived room says what became of it.
    bob.go("/chat/design");
    bob.waitFor("the archived room said", () -> text(bob, "room-missing").equals("#design was archived by Ada: it takes no new messages."));
    assertThat(bob.input().isEnabled()).isFalse();
    assertThat(scriptErrors(ada)).isEmpty();
    assertThat(scriptErrors(bob)).isEmpty();
  }
}
