package messenger.browser;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import messenger.browser.Browser.Message;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app a browser talks to goes away and comes back on the same address. Meanwhile another instance
 * of the app (same exchange and chat log) keeps the conversation going, so the browser has a gap to fill.
 */
@Tag("browser")
@ExtendWith(RabbitBroker.class)
@NeedsRabbitMQ("a second instance shares the chat log, and the app comes back on it")
class ReconnectBrowserTest {

  private TestApp first;
  private TestApp other;
  private TestApp restarted;
  private Browser ada;

  @AfterEach
  void cleanUp() {
    if (ada != null) {
      ada.close();
    }
    if (first != null) {
      first.stop();
    }
    if (restarted != null) {
      restarted.stop();
    }
    if (other != null) {
      other.close(); // also deletes the shared exchange and stream
    }
  }

  @Test
  void theBridgeDropsThePageSaysReconnectingThenFillsTheGapWithoutDuplicates() {
    first = TestApp.start();
    other = TestApp.start(first.exchange, first.stream, new JsonObject());
    User bob = other.user("Bob");

    ada = Browser.open(first).login("Ada");
    assertThat(bob.send("before the outage").statusCode()).isEqualTo(202);
    ada.awaitMessage("before the outage");

    int port = first.port;
    first.stop();
    first = null;
    ada.waitFor("the page to say it is reconnecting", () -> "reconnecting".equals(ada.connectionState()));
    assertThat(ada.driver.findElement(By.id("connection")).getText()).containsIgnoringCase("reconnecting");
    // Nothing is disabled: a person can go on typing, and even sending (it waits, and goes when the server is back).
    assertThat(ada.input().isEnabled()).isTrue();
    assertThat(ada.driver.findElement(By.id("send")).isEnabled()).isTrue();
    ada.send("typed during the outage");
    Message failed = ada.waitFor("the message typed during the outage to wait", () -> ada.messages().stream()
      .filter(m -> m.text().equals("typed during the outage") && m.hasClass("waiting")).findFirst().orElse(null));

    // The conversation goes on elsewhere while Ada's bridge is down.
    assertThat(bob.send("gap one").statusCode()).isEqualTo(202);
    assertThat(bob.send("gap two").statusCode()).isEqualTo(202);

    // When the page is back, it registers on the bridge and then asks for the gap. Hold that request
    // for 3 s, so that a message sent meanwhile arrives twice: live, and in the history answer.
    ada.js("var realFetch = window.fetch; window.fetch = function (url, options) {"
      + " if (String(url).indexOf('/history') < 0) { return realFetch(url, options); }"
      + " window.historyAsked = String(url);"
      + " window.lastShownWhenAsked = Math.max.apply(null, Array.from(document.querySelectorAll('#messages > li.message[data-seq]'))"
      + ".map(function (li) { return Number(li.getAttribute('data-seq')); }));"
      + " return new Promise(function (r) { setTimeout(r, 3000); }).then(function () { return realFetch(url, options); }); };");
    restarted = TestApp.start(other.exchange, other.stream,
      new JsonObject().put("http", new JsonObject().put("port", port)));
    String asked = ada.waitFor("the page to ask for the gap", () -> (String) ada.js("return window.historyAsked;"));
    // Only what came after the last message it had (its own message, sent again meanwhile, may be newer now).
    long lastSeen = ((Number) ada.js("return window.lastShownWhenAsked;")).longValue();
    assertThat(asked).startsWith("/history?after=" + lastSeen + "&");
    assertThat(bob.send("while the gap is filled").statusCode()).isEqualTo(202);
    ada.waitFor("the page to be connected again", () -> "open".equals(ada.connectionState()));
    ada.awaitMessage("gap two");
    assertThat(bob.send("after the outage").statusCode()).isEqualTo(202);
    ada.awaitMessage("after the outage");

    // Sent by the page itself once the server answered again (when, among Bob's messages, is up to timing).
    assertThat(ada.awaitMessage("typed during the outage").id()).isEqualTo(failed.id());

    // Exactly the chat log, once each, in its order.
    List<String> logIds = historyIds(bob);
    ada.waitFor("Ada's page to show exactly the chat log " + logIds,
      () -> ada.messages().stream().map(Message::id).toList().equals(logIds));
    assertThat(ada.texts()).containsExactlyInAnyOrder("before the outage", "gap one", "gap two", "while the gap is filled",
      "after the outage", "typed during the outage");
    assertThat(ada.texts()).containsSubsequence("before the outage", "gap one", "gap two", "while the gap is filled",
      "after the outage");
    assertThat(ada.messages()).allSatisfy(m -> assertThat(m.confirmed()).isTrue());
  }

  private static List<String> historyIds(User user) {
    JsonArray messages = new JsonObject(user.get("/history?limit=200").body()).getJsonArray("messages");
    return messages.stream().map(m -> ((JsonObject) m).getString("id")).toList();
  }
}
