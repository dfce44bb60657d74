package messenger.browser;

import io.vertx.core.json.JsonObject;
import messenger.testing.Cleanup;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rooms in real browsers: the sidebar, creating and joining rooms (also across instances), each room's
 * messages in its own view, unread counts across a reload and a second tab, mentions and their notification,
 * the room in the address and the back button, the room list on a phone.
 */
@Tag("browser")
@ExtendWith(RabbitBroker.class)
class RoomsBrowserTest {

  @RegisterExtension
  final Cleanup cleanup = new Cleanup();

  private TestApp app(String exchange) {
    // Typing every 100 ms at most: a test types in two rooms in a row.
    JsonObject overrides = new JsonObject().put("presence", new JsonObject().put("typingIntervalMs", 100));
    return cleanup.keep(exchange == null ? TestApp.start(overrides) : TestApp.start(exchange, exchange + ".log", overrides));
  }

  private Browser person(TestApp app, String name) {
    return cleanup.keep(Browser.open(app)).login(name);
  }

  private static List<String> joined(Browser browser) {
    return rooms(browser, "#room-list li");
  }

  private static List<String> others(Browser browser) {
    return rooms(browser, "#other-rooms li");
  }

  /** The rooms of a list in the sidebar, read in one go (the sidebar is drawn again whenever a count changes). */
  @SuppressWarnings("unchecked")
  private static List<String> rooms(Browser browser, String css) {
    return (List<String>) browser.js("return Array.from(document.querySelectorAll(arguments[0]))"
      + ".map(function (li) { return li.dataset.room; });", css);
  }

  /** What the sidebar says of room: "" without counts, else e.g. "@1 3" (mentions, then unread). */
  private static String badges(Browser browser, String room) {
    return (String) browser.js("var li = document.querySelector('#room-list li[data-room=\"' + arguments[0] + '\"]');"
      + "return li ? Array.from(li.querySelectorAll('.mentions, .unread')).map(function (b) { return b.textContent; }).join(' ') : null;", room);
  }

  /** Errors of the page's scripts (the refusals the tests ask for are logged as failed loads: not these). */
  private static List<String> scriptErrors(Browser browser) {
    return browser.consoleErrors().stream().filter(e -> !e.contains("Failed to load resource")).toList();
  }

  /** Clicks what css finds (the sidebar is drawn again whenever a count changes: found again if it was). */
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

  /** Joins room from the list of rooms to browse. */
  private static void join(Browser browser, String room) {
    WebElement details = browser.driver.findElement(By.id("room-browser"));
    if (details.getDomAttribute("open") == null) {
      details.findElement(By.tagName("summary")).click();
    }
    click(browser, "#other-rooms li[data-room='" + room + "'] button.join");
    browser.waitFor(room + " joined", () -> joined(browser).contains(room));
  }

  private static void openRoom(Browser browser, String room) {
    click(browser, "#room-list a[data-room='" + room + "']");
    awaitOpen(browser, room);
  }

  private static void awaitOpen(Browser browser, String room) {
    browser.waitFor("room " + room + " open", () -> ("#" + room).equals(browser.driver.findElement(By.id("room-title")).getText())
      && room.equals(browser.js("return document.body.dataset.room;")));
  }

  private static String path(Browser browser) {
    return (String) browser.js("return location.pathname;");
  }

  private static void createRoom(Browser browser, String name, String topic) {
    WebElement details = browser.driver.findElement(By.id("room-browser"));
    if (details.getDomAttribute("open") == null) {
      details.findElement(By.tagName("summary")).click();
    }
    WebElement nameField = browser.driver.findElement(By.id("room-name"));
    nameField.clear();
    nameField.sendKeys(name);
    WebElement topicField = browser.driver.findElement(By.id("room-topic"));
    topicField.clear();
    topicField.sendKeys(topic);
    click(browser, "#create-room button[type=submit]");
  }

  private static String createError(Browser browser) {
    return browser.waitFor("an error under the room form", () -> {
      WebElement error = browser.driver.findElement(By.id("create-room-error"));
      return error.isDisplayed() && !error.getText().isEmpty() ? error.getText() : null;
    });
  }

  @Test
  @NeedsRabbitMQ("two instances share the room log and the chat log")
  void aRoomCreatedOnOneInstanceAppearsOnAnotherAndEachRoomShowsOnlyItsMessagesAndTyping() {
    String exchange = "test-" + UUID.randomUUID().toString().substring(0, 8);
    TestApp a = app(exchange);
    TestApp b = app(exchange);
    Browser ada = person(a, "Ada");
    Browser bob = person(b, "Bob");
    assertThat(joined(ada)).containsExactly("general");
    assertThat(ada.driver.findElement(By.id("room-title")).getText()).isEqualTo("#general");

    createRoom(ada, "design", "Pixels and words");
    awaitOpen(ada, "design");
    assertThat(path(ada)).isEqualTo("/chat/design");
    assertThat(joined(ada)).containsExactly("general", "design");
    assertThat(ada.driver.findElement(By.id("room-topic-line")).getText()).isEqualTo("Pixels and words");

    // The server's refusals are shown as it words them.
    createRoom(ada, "design", "");
    assertThat(createError(ada)).contains("design").contains("already");
    createRoom(ada, "Not a name!", "");
    assertThat(createError(ada)).contains("lower-case");

    // Bob, on the other instance, is told of the new room without reloading.
    bob.waitFor("design in Bob's list of rooms to join", () -> others(bob).contains("design"));
    join(bob, "design");
    assertThat(joined(bob)).containsExactly("general", "design");

    ada.send("Only for design");
    ada.awaitMessage("Only for design");
    bob.waitFor("an unread message in design for Bob", () -> "1".equals(badges(bob, "design")));
    bob.send("Only for general");
    bob.awaitMessage("Only for general");
    openRoom(bob, "design");
    bob.awaitTexts(List.of("Only for design"));
    bob.waitFor("design read", () -> "".equals(badges(bob, "design")));
    ada.waitFor("general's unread for Ada", () -> "1".equals(badges(ada, "general")));
    assertThat(ada.texts()).containsExactly("Only for design");
    openRoom(ada, "general");
    ada.awaitTexts(List.of("Only for general"));

    // Typing is said in the room it happens in only.
    bob.type("still in design");
    openRoom(ada, "design");
    bob.type(" …");
    ada.waitFor("Bob typing in design", () -> ada.driver.findElement(By.id("typing")).getText().equals("Bob is typing…"));
    openRoom(ada, "general");
    assertThat(ada.driver.findElement(By.id("typing")).getText()).as("general's typing line").isEmpty();
    bob.type(" more");
    TestApp.sleep(1_000); // a typing event in design has had time to arrive: none is shown in general
    assertThat(ada.driver.findElement(By.id("typing")).getText()).as("general's typing line").isEmpty();
    assertThat(scriptErrors(ada)).isEmpty();
    assertThat(scriptErrors(bob)).isEmpty();
  }

  @Test
  void unreadCountsAreRightAfterAReloadAndInASecondTab() {
    TestApp app = app(null);
    User bob = app.user("Bob");
    assertThat(bob.createRoom("ops", "Deploys").statusCode()).isEqualTo(201);
    Browser ada = person(app, "Ada");
    ada.waitFor("ops to join", () -> others(ada).contains("ops"));
    join(ada, "ops");
    assertThat(badges(ada, "ops")).as("joining does not make a room's past unread").isEmpty();

    for (int i = 1; i <= 3; i++) {
      assertThat(bob.send("deploy " + i, null, "ops").statusCode()).isEqualTo(202);
    }
    assertThat(bob.send("@Ada can you check?", null, "ops").statusCode()).isEqualTo(202);
    ada.waitFor("four unread in ops, one mentioning Ada", () -> "@1 4".equals(badges(ada, "ops")));
    assertThat(ada.driver.getTitle()).isEqualTo("(4) Messenger");

    ada.reload();
    ada.awaitConnected();
    ada.waitFor(() -> "the same counts after a reload, not " + badges(ada, "ops"), Browser.TIMEOUT,
      () -> "@1 4".equals(badges(ada, "ops")));
    assertThat(ada.driver.getTitle()).isEqualTo("(4) Messenger");

    // Read in a second tab: the first tab's counts follow.
    String first = ada.driver.getWindowHandle();
    ada.driver.switchTo().newWindow(WindowType.TAB);
    ada.go("/chat/ops");
    ada.awaitConnected();
    ada.awaitTexts(List.of("deploy 1", "deploy 2", "deploy 3", "@Ada can you check?"));
    assertThat(ada.driver.findElements(By.cssSelector("#messages mark.mention"))).extracting(WebElement::getText)
      .containsExactly("@Ada");
    ada.waitFor("ops read in the second tab", () -> "".equals(badges(ada, "ops")));
    assertThat(ada.driver.getTitle()).isEqualTo("Messenger");
    ada.driver.switchTo().window(first);
    ada.waitFor("ops read in the first tab too", () -> "".equals(badges(ada, "ops")));
    assertThat(ada.driver.getTitle()).isEqualTo("Messenger");

    // A new message counts again; the tabs agree after a reload.
    assertThat(bob.send("deploy 4", null, "ops").statusCode()).isEqualTo(202);
    ada.waitFor("one unread in ops", () -> "1".equals(badges(ada, "ops")));
    ada.reload();
    ada.awaitConnected();
    ada.waitFor("one unread in ops after a reload", () -> "1".equals(badges(ada, "ops")));
    assertThat(ada.driver.getTitle()).isEqualTo("(1) Messenger");
  }

  @Test
  void aMentionIsCompletedHighlightedAndNotifiesWhenTheTabIsHidden() {
    TestApp app = app(null);
    Browser ada = person(app, "Ada");
    Browser bob = person(app, "Bob");
    assertThat(ada.js("return Notification.permission;")).as("not asked on load").isEqualTo("default");
    WebElement ask = ada.driver.findElement(By.id("notify-me"));
    assertThat(ask.isDisplayed()).isTrue();
    ada.driver.executeCdpCommand("Browser.grantPermissions",
      Map.of("origin", app.baseUrl(), "permissions", List.of("notifications")));
    ask.click();
    ada.waitFor("the button gone once permission is granted", () -> !ask.isDisplayed());
    // Records the notifications the page makes (the headless browser shows none), where another tab of the
    // same site can read them: the page's tab must stay hidden until the mention has come.
    ada.js("var N = window.Notification; localStorage.setItem('shown', '[]');"
      + "window.Notification = class extends N { constructor(title, options) { super(title, options);"
      + " var shown = JSON.parse(localStorage.getItem('shown')); shown.push(title + ' | ' + options.body);"
      + " localStorage.setItem('shown', JSON.stringify(shown)); } };");

    // Bob completes Ada's name from the online list.
    bob.waitFor("Ada online for Bob", () -> bob.driver.findElements(By.cssSelector("#online li")).size() == 2);
    bob.type("@A");
    bob.waitFor("Ada suggested", () -> bob.textsOf("#mention-suggestions li").equals(List.of("Ada")));
    bob.type(Keys.TAB);
    assertThat(bob.input().getDomProperty("value")).isEqualTo("@Ada ");
    bob.type("are you there?", Keys.ENTER);
    bob.awaitMessage("@Ada are you there?");
    assertThat(bob.driver.findElements(By.cssSelector("#messages mark.mention"))).as("not Bob's own name").isEmpty();
    ada.awaitMessage("@Ada are you there?");
    assertThat(ada.driver.findElements(By.cssSelector("#messages mark.mention"))).extracting(WebElement::getText)
      .containsExactly("@Ada");
    assertThat(shown(ada)).as("no notification while Ada looks").isEmpty();

    // Ada looks at another tab: the next mention notifies.
    String chat = ada.driver.getWindowHandle();
    ada.driver.switchTo().newWindow(WindowType.TAB);
    ada.go("/assets/favicon.svg");
    bob.send("@Ada ping from #general");
    ada.waitFor("the notification", () -> !shown(ada).isEmpty());
    assertThat(shown(ada)).containsExactly("Bob mentioned you in #general | @Ada ping from #general");
    ada.driver.switchTo().window(chat);
    ada.awaitMessage("@Ada ping from #general");
  }

  @SuppressWarnings("unchecked")
  private static List<String> shown(Browser browser) {
    return (List<String>) browser.js("return JSON.parse(localStorage.getItem('shown'));");
  }

  @Test
  void linksAndFormattingRenderAndHostileTextStaysInert() {
    TestApp app = app(null);
    Browser ada = person(app, "Ada");
    String formatted = "See https://example.org/a?b=1&c=2, then `make test` for **all** of _it_";
    ada.send(formatted);
    // The markers are gone; the server's copy (which replaces the page's own echo) is the one read.
    ada.waitFor("the formatted message from the server", () -> ada.messages().stream().anyMatch(m -> m.confirmed()
      && m.text().equals("See https://example.org/a?b=1&c=2, then make test for all of it")));
    WebElement text = ada.driver.findElement(By.cssSelector("#messages li.message .text"));
    WebElement link = text.findElement(By.tagName("a"));
    assertThat(link.getDomAttribute("href")).isEqualTo("https://example.org/a?b=1&c=2");
    assertThat(link.getDomAttribute("rel")).isEqualTo("noopener noreferrer nofollow");
    assertThat(link.getDomAttribute("target")).isEqualTo("_blank");
    assertThat(text.findElement(By.tagName("code")).getText()).isEqualTo("make test");
    assertThat(text.findElement(By.tagName("strong")).getText()).isEqualTo("all");
    assertThat(text.findElement(By.tagName("em")).getText()).isEqualTo("it");

    ada.type("```", Keys.chord(Keys.SHIFT, Keys.ENTER), "<b>not bold</b> **no**", Keys.chord(Keys.SHIFT, Keys.ENTER), "```", Keys.ENTER);
    ada.awaitMessage("<b>not bold</b> **no**");
    assertThat(ada.driver.findElements(By.cssSelector("#messages pre > code"))).extracting(WebElement::getText)
      .containsExactly("<b>not bold</b> **no**");

    List<String> hostile = List.of(
      "javascript:alert(1)",
      "[click](javascript:alert(1)) data:text/html,<script>alert(1)</script>",
      "http://javascript:alert(1)",
      "<img src=x onerror=alert(1)> <a href=\"https://evil.example\">x</a>",
      "**_nested_ markers** stay as typed inside",
      "**unclosed bold and _unclosed italic and `unclosed code",
      "```unclosed fence",
      "snake_case_name and 2*3**4");
    hostile.forEach(ada::send);
    ada.waitFor("every hostile text shown as the server has it", () -> ada.messages().size() == 2 + hostile.size()
      && ada.messages().stream().allMatch(Browser.Message::confirmed));
    List<WebElement> items = ada.driver.findElements(By.cssSelector("#messages li.message .text"));
    List<WebElement> inert = items.subList(2, items.size());
    assertThat(inert).extracting(WebElement::getText).containsExactlyElementsOf(List.of(
      "javascript:alert(1)",
      "[click](javascript:alert(1)) data:text/html,<script>alert(1)</script>",
      "http://javascript:alert(1)",
      "<img src=x onerror=alert(1)> <a href=\"https://evil.example\">x</a>",
      "_nested_ markers stay as typed inside",
      "**unclosed bold and _unclosed italic and `unclosed code",
      "```unclosed fence",
      "snake_case_name and 2*3**4"));
    assertThat(inert.get(4).findElements(By.cssSelector("strong"))).extracting(WebElement::getText)
      .containsExactly("_nested_ markers");
    assertThat(inert.get(4).findElements(By.cssSelector("em"))).as("nested").isEmpty();
    assertThat(ada.driver.findElements(By.cssSelector("#messages img, #messages script"))).isEmpty();
    for (WebElement a : ada.driver.findElements(By.cssSelector("#messages a"))) {
      assertThat(a.getDomAttribute("href")).as("every link").startsWith("http");
      assertThat(a.getDomAttribute("href")).doesNotContain("javascript:alert").doesNotContain("evil.example");
    }
    assertThat(inert.subList(5, 8)).allSatisfy(e ->
      assertThat(e.findElements(By.cssSelector("strong, em, code, a, pre"))).as(e.getText()).isEmpty());
    assertThat(ada.dialogOpen()).isFalse();
    assertThat(scriptErrors(ada)).isEmpty();
  }

  @Test
  void theRoomIsInTheAddressForReloadBookmarksAndTheBackButton() {
    TestApp app = app(null);
    User bob = app.user("Bob");
    assertThat(bob.createRoom("ops", "").statusCode()).isEqualTo(201);
    assertThat(bob.send("in ops", null, "ops").statusCode()).isEqualTo(202);
    assertThat(bob.send("in general").statusCode()).isEqualTo(202);
    Browser ada = person(app, "Ada");
    ada.awaitTexts(List.of("in general"));

    // A bookmark of a room not joined opens it, with a Join button.
    ada.go("/chat/ops");
    awaitOpen(ada, "ops");
    ada.awaitTexts(List.of("in ops"));
    WebElement join = ada.driver.findElement(By.id("join-room"));
    assertThat(join.isDisplayed()).isTrue();
    join.click();
    ada.waitFor("ops joined", () -> joined(ada).equals(List.of("general", "ops")));
    assertThat(join.isDisplayed()).isFalse();

    openRoom(ada, "general");
    assertThat(path(ada)).isEqualTo("/chat");
    ada.awaitTexts(List.of("in general"));
    ada.driver.navigate().back();
    awaitOpen(ada, "ops");
    assertThat(path(ada)).isEqualTo("/chat/ops");
    ada.awaitTexts(List.of("in ops"));
    ada.driver.navigate().forward();
    awaitOpen(ada, "general");
    ada.awaitTexts(List.of("in general"));
    ada.driver.navigate().back();
    awaitOpen(ada, "ops");
    ada.reload();
    ada.awaitConnected();
    awaitOpen(ada, "ops");
    ada.awaitTexts(List.of("in ops"));
    assertThat(joined(ada)).as("joined rooms kept across a reload").containsExactly("general", "ops");

    // A room that does not exist is said so; a name that cannot be a room's is not a page.
    ada.go("/chat/no-such-room");
    ada.waitFor("the missing room said", () -> ada.driver.findElement(By.id("room-missing")).getText()
      .equals("There is no room called “no-such-room”."));
    assertThat(ada.input().isEnabled()).isFalse();
    assertThat(ada.driver.findElement(By.id("connection")).getText()).as("no history asked of a missing room").isEqualTo("Connected");
    HttpResponse<String> bad = bob.get("/chat/Not_A_Room");
    assertThat(bad.statusCode()).isEqualTo(404);
    assertThat(scriptErrors(ada)).isEmpty();
  }

  @Test
  void onAPhoneTheRoomListIsOneTapAway() {
    TestApp app = app(null);
    User bob = app.user("Bob");
    assertThat(bob.createRoom("ops", "").statusCode()).isEqualTo(201);
    Browser ada = cleanup.keep(Browser.open(app, 390, 844)).login("Ada");
    WebElement rooms = ada.driver.findElement(By.id("rooms"));
    ada.waitFor("the room list off screen", () -> rooms.getRect().getX() + rooms.getRect().getWidth() <= 0);
    click(ada, "#rooms-toggle");
    ada.waitFor("the room list on screen", () -> rooms.getRect().getX() == 0);
    ada.screenshot("rooms-390-open");
    join(ada, "ops");
    click(ada, "#room-list a[data-room='ops']");
    awaitOpen(ada, "ops");
    ada.waitFor("the room list away again", () -> rooms.getRect().getX() + rooms.getRect().getWidth() <= 0);
    assertThat(path(ada)).isEqualTo("/chat/ops");
    ada.send("from my phone");
    ada.awaitMessage("from my phone");
    ada.screenshot("rooms-390");

    // Leaving: the room goes from the list and the page stops following it; general cannot be left.
    click(ada, "#rooms-toggle");
    ada.waitFor("the room list on screen", () -> rooms.getRect().getX() == 0);
    click(ada, "#room-list li[data-room='ops'] button.leave");
    ada.waitFor("ops left", () -> joined(ada).equals(List.of("general")));
    assertThat(ada.driver.findElements(By.cssSelector("#room-list li[data-room='general'] button.leave"))).isEmpty();
    assertThat(ada.js("return JSON.parse(localStorage.getItem('messenger.rooms.Ada'));")).asList().containsExactly("general");
  }
}
