package messenger.browser;

import io.vertx.core.json.JsonObject;
import messenger.testing.Cleanup;
import messenger.testing.LogWriter;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's picture, taken from the real app in headless Chromium: the rooms Ada joined with their unread
 * counts and a mention, three people online, one of them typing, yesterday's messages above today's, a link
 * and some formatting. It is saved as {@code target/screenshots/readme-1280.png}; to replace
 * {@code docs/screenshot.png} with it:
 * <pre>./mvnw -q test -Dtest=ReadmeScreenshotBrowserTest -Ddocs.screenshot=true</pre>
 */
@Tag("browser")
@ExtendWith(RabbitBroker.class)
@NeedsRabbitMQ("yesterday's messages are written into the chat log as any AMQP client could")
class ReadmeScreenshotBrowserTest {

  private static final Path DOCS_SCREENSHOT = Path.of("docs", "screenshot.png");

  @RegisterExtension
  final Cleanup cleanup = new Cleanup();

  @Test
  void theReadmeScreenshotShowsWhoIsOnlineWhoIsTypingAndTheDays() throws Exception {
    // Typing events every 100 ms at most (not 3 s): Bob's typing right after his last message shows.
    TestApp app = cleanup.keep(TestApp.start(new JsonObject().put("presence", new JsonObject().put("typingIntervalMs", 100))));
    ZoneId zone = ZoneId.systemDefault();
    long evening = LocalDate.now(zone).minusDays(1).atTime(18, 40).atZone(zone).toInstant().toEpochMilli();
    try (LogWriter log = LogWriter.to(app.exchange)) {
      log.chat("y1", "Bob", "Release notes are up for review — comments welcome before tomorrow's standup.", evening);
      log.chat("y2", "Cleo", "Read them: two small wording fixes, otherwise fine.", evening + 4 * 60_000);
      log.chat("y3", "Bob", "Thanks, merged. See you tomorrow!", evening + 6 * 60_000);
    }
    User helper = app.user("Dora");
    assertThat(helper.createRoom("design", "Pixels, words and the new logo").statusCode()).isEqualTo(201);
    assertThat(helper.createRoom("ops", "Deploys and pager duty").statusCode()).isEqualTo(201);
    assertThat(helper.createRoom("random", "").statusCode()).isEqualTo(201);
    Browser ada = cleanup.keep(Browser.open(app, 1280, 800)).login("Ada");
    Browser bob = cleanup.keep(Browser.open(app, 1280, 800)).login("Bob");
    Browser cleo = cleanup.keep(Browser.open(app, 1280, 800)).login("Cleo");
    // Ada follows design and ops; while she reads general, both get messages, one of them for her.
    ada.js("localStorage.setItem('messenger.rooms.Ada', JSON.stringify(['general', 'design', 'ops']));");
    ada.reload();
    ada.awaitConnected();
    ada.waitFor("Ada's rooms", () -> ada.driver.findElements(By.cssSelector("#room-list li")).size() == 3);
    assertThat(helper.send("Two logo drafts are in the shared folder", null, "design").statusCode()).isEqualTo(202);
    assertThat(helper.send("@Ada which one do you like?", null, "design").statusCode()).isEqualTo(202);
    for (String text : List.of("Deploy 2.4 started", "Canary healthy", "Deploy 2.4 finished")) {
      assertThat(helper.send(text, null, "ops").statusCode()).isEqualTo(202);
    }
    ada.send("Hi all! Did the release go out?");
    bob.awaitMessage("Hi all! Did the release go out?");
    bob.send("Yes, 2.4 is live since noon: https://example.com/releases/2.4 — **no** downtime.");
    cleo.awaitTexts(List.of("Release notes are up for review — comments welcome before tomorrow's standup.",
      "Read them: two small wording fixes, otherwise fine.", "Thanks, merged. See you tomorrow!",
      "Hi all! Did the release go out?", "Yes, 2.4 is live since noon: https://example.com/releases/2.4 — no downtime."));
    cleo.send("Great. Anything odd overnight?");
    ada.awaitMessage("Great. Anything odd overnight?");
    bob.type("Nothing so far");
    ada.waitFor("Bob's typing", () -> ada.driver.findElement(By.id("typing")).getText().equals("Bob is typing…"));

    assertThat(ada.driver.findElements(By.cssSelector("#online li"))).extracting(WebElement::getText)
      .containsExactlyInAnyOrder("Ada", "Bob", "Cleo");
    assertThat(ada.driver.findElements(By.cssSelector("#messages > li.day"))).extracting(WebElement::getText)
      .containsExactly("Yesterday", "Today");
    ada.waitFor("the unread counts", () -> ada.textsOf("#room-list .unread").equals(List.of("2", "3")));
    assertThat(ada.driver.getTitle()).isEqualTo("(5) Messenger");
    ada.js("arguments[0].blur();", ada.input()); // no focus ring in the picture
    Path shot = ada.screenshot("readme-1280");
    if (Boolean.getBoolean("docs.screenshot")) {
      Files.copy(shot, DOCS_SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
