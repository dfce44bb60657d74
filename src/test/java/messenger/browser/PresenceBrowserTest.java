package messenger.browser;

import io.vertx.core.json.JsonObject;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Who is online and who is typing, in two browser windows on two instances of the app. */
@Tag("browser")
@ExtendWith(RabbitBroker.class)
@NeedsRabbitMQ("two instances must share one broker")
class PresenceBrowserTest {

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private TestApp app(String exchange) {
    TestApp app = TestApp.start(exchange, exchange + ".log", new JsonObject()
      .put("presence", new JsonObject().put("heartbeatMs", 1_000).put("leaveGraceMs", 500)));
    resources.add(app);
    return app;
  }

  private Browser person(TestApp app, String name) {
    Browser browser = Browser.open(app);
    resources.add(browser);
    return browser.login(name);
  }

  private static List<String> notices(Browser browser) {
    return browser.textsOf("#messages li.notice");
  }

  private static String typingLine(Browser browser) {
    return browser.driver.findElement(By.id("typing")).getText();
  }

  @Test
  void twoWindowsOnTwoInstancesSeeWhoIsOnlineWhoJoinsAndLeavesAndWhoIsTyping() throws Exception {
    String exchange = "test-" + UUID.randomUUID().toString().substring(0, 8);
    TestApp a = app(exchange);
    TestApp b = app(exchange);
    Thread.sleep(2_000); // both instances' quiet start is over

    Browser ada = person(a, "Ada");
    ada.waitFor("Ada in her own online list", () -> ada.online().equals(List.of("Ada")));
    Browser bob = person(b, "Bob");
    ada.waitFor("Ada's list to show Bob (shows " + ada.online() + ")", () -> ada.online().equals(List.of("Ada", "Bob")));
    bob.waitFor("Bob's list to show Ada (shows " + bob.online() + ")", () -> bob.online().equals(List.of("Ada", "Bob")));
    ada.waitFor("the notice 'Bob joined' (shows " + notices(ada) + ")", () -> notices(ada).equals(List.of("Bob joined")));
    assertThat(ada.driver.findElement(By.id("online-count")).getText()).isEqualTo("(2)");
    assertThat(notices(bob)).as("Bob was not told that Ada, already there, joined").isEmpty();

    // Bob types: Ada sees it, Bob does not see himself typing.
    bob.type("Hello Ad");
    ada.waitFor("'Bob is typing…' in Ada's window", () -> typingLine(ada).equals("Bob is typing…"));
    assertThat(typingLine(bob)).isEmpty();
    ada.screenshot("presence-typing-1280");

    // Sending ends it at once.
    bob.type("a!");
    bob.send("");
    ada.awaitMessage("Hello Ada!");
    ada.waitFor("the typing line to clear when Bob's message arrives", () -> typingLine(ada).isEmpty());
    assertThat(ada.messages()).extracting(Browser.Message::text).containsExactly("Hello Ada!");

    // Typing that stops fades after a few seconds.
    Thread.sleep(3_000); // past the typing throttle
    bob.type("one more thing");
    ada.waitFor("'Bob is typing…' again", () -> typingLine(ada).equals("Bob is typing…"));
    long stopped = System.currentTimeMillis();
    ada.waitFor("the typing line to clear after Bob stopped", Duration.ofSeconds(15), () -> typingLine(ada).isEmpty());
    System.out.println("presence browser: typing indicator gone " + (System.currentTimeMillis() - stopped) + " ms after the last keystroke was seen");

    // Bob closes his window: Ada sees him leave, once.
    bob.close();
    ada.waitFor("the notice 'Bob left'", () -> notices(ada).equals(List.of("Bob joined", "Bob left")));
    ada.waitFor("Ada's list without Bob", () -> ada.online().equals(List.of("Ada")));
    assertThat(ada.consoleErrors()).isEmpty();
  }
}
