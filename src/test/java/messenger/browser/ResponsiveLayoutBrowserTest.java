package messenger.browser;

import io.vertx.core.json.JsonObject;
import messenger.testing.Cleanup;
import messenger.testing.RabbitBroker;
import messenger.testing.TcpProxy;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebElement;

import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/**
 * The chat page as the window changes: a resize or a phone's rotation keeps the newest message in view; the
 * typing line and the "New messages ↓" button belong to the message column (not to the whole width, which
 * holds the online list too), and the button covers no message; on a phone, "Reconnecting…" leaves the
 * header on its two lines.
 */
@Tag("browser")
@ExtendWith(RabbitBroker.class)
class ResponsiveLayoutBrowserTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass(new JsonObject().put("chat", new JsonObject().put("rateBurst", 1000)));

  @RegisterExtension
  final People people = new People(() -> app);

  @RegisterExtension
  final Cleanup cleanup = new Cleanup();

  @Test
  void afterAResizeOrARotationTheViewStaysAtTheNewestMessage() {
    Browser ada = atTheNewestOfFortyLines("Ada", "resize");
    int[][] sizes = {{375, 740}, {740, 375}, {375, 740}, {1280, 900}};
    for (int[] size : sizes) {
      ada.resize(size[0], size[1]);
      ada.waitFor("the view at the newest message at " + size[0] + " × " + size[1], () -> atBottom(ada));
    }
  }

  @Test
  void aScrollEventThatComesAfterTheNextResizeDoesNotStopTheViewFollowing() {
    Browser ada = atTheNewestOfFortyLines("Ida", "late");
    // Two resizes in two frames, as when a window is dragged: the first puts the view at the bottom (a scroll
    // whose event comes with the next frame); the second shrinks the list before that event is delivered.
    ada.js("var l = document.getElementById('messages');"
      + " var second = new ResizeObserver(function () { second.disconnect(); l.style.flex = 'none'; l.style.height = '150px'; });"
      + " l.style.flex = 'none'; l.style.height = '300px'; second.observe(l);");
    ada.waitFor("the view at the newest message after both resizes", () -> atBottom(ada)
      && Boolean.TRUE.equals(ada.js("return document.getElementById('messages').clientHeight <= 150;")));
  }

  @Test
  void aLayoutThatPullsTheViewUpOnTheWayToTheNewSizeDoesNotStopTheViewFollowing() {
    Browser ada = atTheNewestOfFortyLines("Ivy", "clamp");
    // A rotation can lay the page out more than once before the next frame. Here the list first grows, so the
    // browser pulls the view up to the list's new bottom (reading scrollTop lays it out), then it shrinks: the
    // view moved, but the reader did not move it.
    ada.js("var l = document.getElementById('messages'); l.style.flex = 'none';"
      + " l.style.height = (l.clientHeight + 200) + 'px'; l.scrollTop; l.style.height = '150px';");
    ada.waitFor("the view at the newest message after the list grew, then shrank", () -> atBottom(ada)
      && Boolean.TRUE.equals(ada.js("return document.getElementById('messages').clientHeight <= 150;")));
  }

  @Test
  void aReaderWhoScrollsUpAfterTheContentGrewStaysWhereTheyScrolled() {
    Browser ada = atTheNewestOfFortyLines("Una", "grow");
    // Content that grows by itself (the list's box keeps its size), then the reader scrolls up: that move is theirs.
    ada.js("var l = document.getElementById('messages'); var tall = document.createElement('div');"
      + " tall.style.height = '400px'; l.appendChild(tall);");
    ada.js("var l = document.getElementById('messages'); l.scrollTop = l.scrollTop - 300;");
    assertThat(app.user("Carol").send("while Una reads above").statusCode()).isEqualTo(202);
    ada.awaitMessage("while Una reads above");
    ada.waitFor("the new-messages button", () -> ada.driver.findElement(By.id("new-messages")).isDisplayed());
    assertThat(atBottom(ada)).as("the view stayed where the reader scrolled").isFalse();
  }

  @Test
  void theTypingLineAndTheNewMessagesButtonBelongToTheMessageColumn() {
    Browser ada = people.open(1280, 900).login("Ann");
    Browser bob = people.open(1280, 900).login("Ben");
    fill("column", 40);
    ada.awaitMessage("column line 40");
    ada.js("document.getElementById('messages').scrollTop = 0;");
    assertThat(app.user("Carol").send("while Ann reads the top").statusCode()).isEqualTo(202);
    WebElement button = ada.driver.findElement(By.id("new-messages"));
    ada.waitFor("the new-messages button", button::isDisplayed);
    bob.type("typing");
    ada.waitFor("Ben's typing to show", () -> ada.driver.findElement(By.id("typing")).getText().equals("Ben is typing…"));

    Map<String, Number> column = edges(ada, "#messages");
    Map<String, Number> typing = edges(ada, "#typing");
    double columnCentre = (column.get("left").doubleValue() + column.get("right").doubleValue()) / 2;
    // The room list on the left and the online list on the right: the column is not the page.
    assertThat(column.get("right").doubleValue() - column.get("left").doubleValue()).as("the column's width")
      .isLessThan(1280 - 300);
    assertThat(typing.get("left").doubleValue()).as("the typing line's text starts where the messages do")
      .isCloseTo(column.get("left").doubleValue(), offset(1.0));

    Rectangle b = button.getRect();
    assertThat(b.getX() + b.getWidth() / 2.0).as("the button's centre").isCloseTo(columnCentre, offset(2.0));
    Rectangle list = ada.driver.findElement(By.id("messages")).getRect();
    assertThat(b.getY()).as("the button is below the messages, not over them").isGreaterThanOrEqualTo(list.getY() + list.getHeight());
    ada.screenshot("column-1280");
  }

  @Test
  void onAPhoneReconnectingLeavesLogOutOnTheFirstLine() {
    TestApp own = cleanup.keep(TestApp.start());
    TcpProxy network = cleanup.keep(TcpProxy.toApp(own));
    Browser pat = cleanup.keep(Browser.open("http://127.0.0.1:" + network.port, 375, 740)).login("Pat Smallscreen");
    network.down();
    pat.waitFor("the page to say it is reconnecting", () -> "reconnecting".equals(pat.connectionState()));
    assertThat(pat.driver.findElement(By.id("connection")).getText()).isEqualTo("Reconnecting…");

    Rectangle title = pat.driver.findElement(By.cssSelector(".topbar h1")).getRect();
    Rectangle connection = pat.driver.findElement(By.id("connection")).getRect();
    Rectangle logout = pat.driver.findElement(By.cssSelector("#logout-form button")).getRect();
    Rectangle me = pat.driver.findElement(By.cssSelector(".topbar .me")).getRect();
    Rectangle header = pat.driver.findElement(By.cssSelector(".topbar")).getRect();
    double firstLine = title.getY() + title.getHeight() / 2.0;
    assertThat(connection.getY() + connection.getHeight() / 2.0).as("the connection on the first line").isCloseTo(firstLine, offset(8.0));
    assertThat(logout.getY() + logout.getHeight() / 2.0).as("Log out on the first line").isCloseTo(firstLine, offset(8.0));
    assertThat(me.getY()).as("who is signed in on the second line").isGreaterThanOrEqualTo(logout.getY() + logout.getHeight() - 8);
    assertThat(header.getY() + header.getHeight() - (me.getY() + me.getHeight())).as("nothing below the second line").isLessThan(16);
    assertThat(logout.getX() + logout.getWidth()).isLessThanOrEqualTo(375);
    assertThat(pat.js("var c = document.getElementById('connection'); return c.scrollWidth <= c.clientWidth;"))
      .as("the whole of \"Reconnecting…\" is shown, not cut").isEqualTo(true);
    pat.screenshot("reconnecting-375");
  }

  /** Signed in as {@code name}, with 40 lines of Carol's in the list and the view at the newest. */
  private Browser atTheNewestOfFortyLines(String name, String prefix) {
    Browser browser = people.open(1280, 900).login(name);
    fill(prefix, 40);
    browser.awaitMessage(prefix + " line 40");
    browser.waitFor("the view at the newest message", () -> atBottom(browser));
    return browser;
  }

  private static void fill(String prefix, int count) {
    User carol = app.user("Carol");
    IntStream.rangeClosed(1, count).forEach(i -> assertThat(carol.send(prefix + " line " + i).statusCode()).isEqualTo(202));
  }

  private static boolean atBottom(Browser browser) {
    return Boolean.TRUE.equals(browser.js(
      "var l = document.getElementById('messages'); return l.scrollHeight - l.scrollTop - l.clientHeight < 2;"));
  }

  /** Where the element's content starts and ends horizontally (inside its padding), in CSS pixels. */
  @SuppressWarnings("unchecked")
  private static Map<String, Number> edges(Browser browser, String selector) {
    return (Map<String, Number>) browser.js("var e = document.querySelector(arguments[0]), r = e.getBoundingClientRect(),"
      + " s = getComputedStyle(e); return { left: r.left + parseFloat(s.paddingLeft), right: r.right - parseFloat(s.paddingRight) };", selector);
  }
}
