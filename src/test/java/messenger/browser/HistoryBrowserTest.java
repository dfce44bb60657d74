package messenger.browser;

import io.vertx.core.json.JsonObject;
import messenger.browser.Browser.Message;
import messenger.testing.Cleanup;
import messenger.testing.LogWriter;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import messenger.testing.TcpProxy;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;

/**
 * The whole chat log in the page: scrolling to the top loads the page before without moving what the reader
 * looks at, down to "Beginning of the conversation" (or "Older messages are no longer kept" where the log
 * dropped them); day separators name the days; a long absence (much longer than the instance's memory of
 * 20 messages) is filled completely, with a progress note, before the page says "Connected".
 */
@Tag("browser")
@ExtendWith(RabbitBroker.class)
@NeedsRabbitMQ("it reads a history longer than the instance's memory from the stream")
class HistoryBrowserTest {

  private static final int MEMORY = 20;
  private static final int PAGE = 200;

  @RegisterExtension
  final Cleanup cleanup = new Cleanup();

  private TestApp startApp(JsonObject rabbitmq) {
    return cleanup.keep(TestApp.start(new JsonObject()
      .put("chat", new JsonObject().put("historySize", MEMORY).put("rateBurst", 1000))
      .put("history", new JsonObject().put("rateBurst", 1000))
      .put("rabbitmq", rabbitmq)));
  }

  /** Writes "prefix 1" … "prefix n" to the app's log, as sent now, and returns their texts. */
  private static List<String> write(TestApp app, String prefix, int n) throws Exception {
    List<String> texts = IntStream.rangeClosed(1, n).mapToObj(i -> prefix + " " + i).toList();
    try (LogWriter log = LogWriter.to(app.exchange)) {
      for (String text : texts) {
        log.chat(text.replace(' ', '-'), "Bob", text);
      }
    }
    return texts;
  }

  @Test
  void scrollingToTheTopLoadsOlderPagesWithoutMovingTheViewDownToTheBeginning() throws Exception {
    TestApp app = startApp(new JsonObject());
    List<String> all = write(app, "message", 2 * PAGE + 50);
    Browser ada = cleanup.keep(Browser.open(app)).login("Ada");
    ada.awaitMessage("message " + all.size());
    assertThat(ada.texts()).as("the newest page").containsExactlyElementsOf(all.subList(all.size() - PAGE, all.size()));
    assertThat(edge(ada)).as("no marker: older messages exist").isNull();

    recordRequests(ada);
    while (ada.messages().size() < all.size()) {
      // At the top, the first message's place on the screen; it is still there when the page before is in.
      List<Message> shown = ada.messages();
      Message first = shown.get(0);
      // Counted before the scroll: the page it starts may be in before the next look.
      int expected = Math.min(shown.size() + PAGE, all.size());
      double before = ((Number) ada.js("var l = document.getElementById('messages'); l.scrollTop = 0;"
        + " return document.querySelector(\"li[data-id='\" + arguments[0] + \"']\").getBoundingClientRect().top;", first.id())).doubleValue();
      ada.waitFor(() -> "the page before to be shown (" + expected + " messages) " + requests(ada), Browser.TIMEOUT, () -> ada.messages().size() == expected);
      double after = ((Number) ada.js("return document.querySelector(\"li[data-id='\" + arguments[0] + \"']\").getBoundingClientRect().top;",
        first.id())).doubleValue();
      assertThat(after).as("where the message read before the page came in is on the screen").isCloseTo(before, offset(2.0));
    }
    assertThat(ada.texts()).containsExactlyElementsOf(all);
    ada.waitFor("the beginning of the conversation at the top", () -> "Beginning of the conversation".equals(edge(ada)));
    assertThat(ada.js("return document.querySelector('#messages > li').className;")).isEqualTo("edge");
  }

  @Test
  void daySeparatorsSayTodayYesterdayTheWeekdayOrTheDate() throws Exception {
    TestApp app = startApp(new JsonObject());
    ZoneId zone = ZoneId.systemDefault();
    LocalDate today = LocalDate.now(zone);
    Map<String, LocalDate> days = Map.of("long ago", today.minusDays(9), "this week", today.minusDays(3), "yesterday", today.minusDays(1));
    try (LogWriter log = LogWriter.to(app.exchange)) {
      for (String when : List.of("long ago", "this week", "yesterday")) {
        long noon = days.get(when).atTime(12, 0).atZone(zone).toInstant().toEpochMilli();
        log.chat(when + "-1", "Bob", when + " 1", noon);
        log.chat(when + "-2", "Bob", when + " 2", noon + 60_000);
      }
    }
    User bob = app.user("Bob");
    assertThat(bob.send("today 1").statusCode()).isEqualTo(202);
    Browser ada = cleanup.keep(Browser.open(app)).login("Ada");
    ada.awaitMessage("today 1");
    ada.send("today 2");
    ada.awaitMessage("today 2");

    @SuppressWarnings("unchecked")
    List<String> items = (List<String>) ada.js("return Array.from(document.querySelectorAll('#messages > li')).map(function (li) {"
      + " return li.className.split(' ')[0] + ': ' + (li.classList.contains('message') ? li.querySelector('.text').textContent : li.textContent); });");
    String weekday = today.minusDays(3).getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
    LocalDate longAgo = days.get("long ago");
    String longAgoDay = items.get(1);
    assertThat(longAgoDay).as("a date: its weekday, day and month")
      .startsWith("day: ").contains(String.valueOf(longAgo.getDayOfMonth()))
      .contains(longAgo.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
    assertThat(items).containsExactly("edge: Beginning of the conversation", longAgoDay,
      "message: long ago 1", "message: long ago 2", "day: " + weekday, "message: this week 1", "message: this week 2",
      "day: Yesterday", "message: yesterday 1", "message: yesterday 2", "day: Today", "message: today 1", "message: today 2");
    ada.screenshot("day-separators-1280");
  }

  @Test
  void aLongAbsenceIsFilledCompletelyWithAProgressNoteBeforeThePageSaysConnected() throws Exception {
    TestApp app = startApp(new JsonObject());
    TcpProxy network = cleanup.keep(TcpProxy.toApp(app));
    Browser ada = cleanup.keep(Browser.open("http://127.0.0.1:" + network.port, 1280, 900)).login("Ada");
    assertThat(app.user("Bob").send("before the absence").statusCode()).isEqualTo(202);
    ada.awaitMessage("before the absence");
    // Every label the connection indicator shows from now on, with the messages shown at that moment.
    ada.js("window.labels = []; new MutationObserver(function () { window.labels.push("
      + " document.getElementById('connection').textContent + ' @ ' + document.querySelectorAll('#messages > li.message').length);"
      + " }).observe(document.getElementById('connection'), { childList: true, characterData: true, subtree: true });");

    network.down();
    ada.waitFor("the page to say it is reconnecting", () -> "reconnecting".equals(ada.connectionState()));
    List<String> missed = write(app, "missed", 2 * PAGE + 50); // more than 20 times the instance's memory
    // Each page of the catch-up takes a second more, and a message sent live meanwhile is shown at once: the
    // next page must still start after the page before, not after that newer live message.
    ada.js("var realFetch = window.fetch; window.fetch = function (url, options) {"
      + " if (String(url).indexOf('/history?after=') < 0) { return realFetch(url, options); }"
      + " window.catchingUp = true;"
      + " return new Promise(function (r) { setTimeout(r, 1000); }).then(function () { return realFetch(url, options); }); };");
    network.up();
    ada.waitFor("the catch-up to begin", () -> ada.js("return window.catchingUp === true;"));
    assertThat(app.user("Bob").send("live, during the catch-up").statusCode()).isEqualTo(202);

    ada.awaitConnected();
    List<String> expected = new java.util.ArrayList<>(List.of("before the absence"));
    expected.addAll(missed);
    expected.add("live, during the catch-up");
    assertThat(ada.texts()).containsExactlyElementsOf(expected);
    @SuppressWarnings("unchecked")
    List<String> labels = (List<String>) ada.js("return window.labels;");
    assertThat(labels).as("a progress note while the gap is filled, then Connected once it is all there")
      .anyMatch(label -> label.startsWith("Catching up… 200 messages @ "))
      .anyMatch(label -> label.startsWith("Catching up… 400 messages @ "))
      .endsWith("Connected @ " + expected.size());
  }

  @Test
  void theOldestMessagesKeptAreMarkedWhenTheLogDroppedOlderOnes() throws Exception {
    // A log of at most 50 kB in segments of 10 kB: of 3000 messages, the broker keeps a few hundred.
    TestApp app = startApp(new JsonObject().put("streamMaxLengthBytes", 50_000).put("streamMaxSegmentSizeBytes", 10_000));
    List<String> all = write(app, "message", 3000);
    // The app reads the log while the broker drops its oldest segments, which can fail a read for a while
    // (see the README's History section): the page is opened once the app answers the newest page.
    User reader = app.user("Reader");
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
      assertThat(User.messages(reader.historyPage("?limit=200"))).last().extracting(m -> m.getString("text")).isEqualTo("message 3000"));
    Browser ada = cleanup.keep(Browser.open(app)).login("Ada");
    ada.awaitMessage("message 3000");
    ada.waitFor("the top of what the log keeps", () -> {
      ada.js("document.getElementById('messages').scrollTop = 0;");
      return edge(ada);
    });
    assertThat(edge(ada)).isEqualTo("Older messages are no longer kept");
    List<String> kept = ada.texts();
    assertThat(kept).hasSizeLessThan(all.size()).containsExactlyElementsOf(all.subList(all.size() - kept.size(), all.size()));
  }

  @Test
  void thePageHoldsABoundedWindowDroppingTheFarEndAndLoadingItAgainOnScrolling() throws Exception {
    TestApp app = startApp(new JsonObject());
    List<String> all = write(app, "message", 1000);
    Browser ada = cleanup.keep(Browser.open(app)).login("Ada");
    ada.go("/chat?keep=300"); // at most 300 messages (the page's own default is 3000)
    ada.awaitConnected();
    ada.awaitMessage("message 1000");

    ada.waitFor("the beginning of the conversation, scrolling up", () -> {
      ada.js("document.getElementById('messages').scrollTop = 0;");
      return "Beginning of the conversation".equals(edge(ada));
    });
    List<String> top = ada.texts();
    assertThat(top).as("the oldest 300 at most: the newest end was dropped").hasSizeLessThanOrEqualTo(300)
      .containsExactlyElementsOf(all.subList(0, top.size()));

    recordRequests(ada);
    ada.waitFor(() -> "the newest message again, scrolling down " + requests(ada), Browser.TIMEOUT, () -> {
      ada.js("var l = document.getElementById('messages'); l.scrollTop = l.scrollHeight;");
      List<String> texts = ada.texts();
      return texts.get(texts.size() - 1).equals("message 1000");
    });
    List<String> bottom = ada.texts();
    assertThat(bottom).as("the newest 300 at most, in order, none twice").hasSizeLessThanOrEqualTo(300)
      .containsExactlyElementsOf(all.subList(all.size() - bottom.size(), all.size()));
    assertThat(edge(ada)).isNull();

    // Back at the newest end, live messages are shown again.
    assertThat(app.user("Bob").send("live again").statusCode()).isEqualTo(202);
    ada.awaitMessage("live again");
  }

  /** From now on the page notes each request it makes and each answer's status, for {@link #requests}. */
  private static void recordRequests(Browser browser) {
    browser.js("window.asked = []; var realFetch = window.fetch; window.fetch = function (url, options) {"
      + " window.asked.push(String(url)); return realFetch(url, options).then(function (r) { window.asked.push(r.status); return r; }); };");
  }

  /** What a failed wait says about the page: its requests and their answers, its errors, what it shows. */
  private static String requests(Browser browser) {
    List<String> texts = browser.texts();
    return "; requests: " + browser.js("return window.asked;") + ", errors: " + browser.consoleErrors() + ", edge: " + edge(browser)
      + ", scrollTop: " + browser.js("return document.getElementById('messages').scrollTop;") + ", shown: " + texts.size()
      + (texts.isEmpty() ? "" : " (" + texts.get(0) + " … " + texts.get(texts.size() - 1) + ")");
  }

  /** The marker at the top of the list, or null. */
  private static String edge(Browser browser) {
    return browser.driver.findElements(By.cssSelector("#messages > li.edge")).stream().map(e -> e.getText()).findFirst().orElse(null);
  }
}
