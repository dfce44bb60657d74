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

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Own messages that are not sent yet keep their place among the others, and a burst is shown and stored in the
 * order it was written: the page sends one message at a time, and one refused as too fast (429) is sent again
 * after the server's Retry-After, still with its id, the later ones waiting behind it. The app allows two
 * messages at once and two a second.
 */
@Tag("browser")
@ExtendWith(RabbitBroker.class)
class SendOrderBrowserTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass(new JsonObject().put("chat", new JsonObject().put("rateBurst", 2).put("ratePerSecond", 2)));

  @RegisterExtension
  final People people = new People(() -> app);

  @Test
  void aBurstBeyondTheRateIsSentByItselfInTheOrderItWasWritten() {
    Browser ada = people.login("Ada");
    Browser bob = people.login("Bob");
    List<String> burst = IntStream.rangeClosed(1, 6).mapToObj(i -> "burst " + i).toList();
    burst.forEach(ada::send);

    // Refused for the moment, the third waits; the ones after it wait behind it, all in the order written.
    ada.waitFor("a message of the burst to wait for the rate", () -> ada.messages().stream().anyMatch(m -> m.hasClass("waiting")));
    assertThat(ada.texts()).containsSubsequence(burst);
    bob.send("Bob, meanwhile");

    burst.forEach(ada::awaitMessage);
    ada.awaitMessage("Bob, meanwhile");
    List<String> log = User.messages(app.user("Reader").historyPage("?limit=200")).stream().map(m -> m.getString("id")).toList();
    ada.waitFor("Ada's page to show the log's order " + log, () -> ada.messages().stream().map(Message::id).toList().equals(log));
    bob.awaitTexts(ada.texts());
    assertThat(ada.texts()).filteredOn(burst::contains).containsExactlyElementsOf(burst);
    assertThat(ada.messages()).allSatisfy(m -> assertThat(m.confirmed()).isTrue());
  }

  @Test
  void aRefusedMessageKeepsItsPlaceUntilItIsDismissed() {
    Browser cleo = people.login("Cleo");
    User dan = app.user("Dan");
    cleo.send("first");
    cleo.awaitMessage("first");
    String invisible = "\u200B"; // the server refuses a message with nothing visible in it (400)
    cleo.send(invisible);
    Message refused = cleo.waitFor("the invisible message to be refused", () -> cleo.messages().stream()
      .filter(m -> m.text().equals(invisible) && m.hasClass("failed")).findFirst().orElse(null));

    assertThat(dan.send("later, from Dan").statusCode()).isEqualTo(202);
    cleo.awaitMessage("later, from Dan");
    assertThat(cleo.texts()).as("the refused message stays where it was written, above what came later")
      .containsSubsequence("first", invisible, "later, from Dan");

    cleo.driver.findElement(By.cssSelector("li[data-id='" + refused.id() + "'] button.dismiss")).click();
    cleo.waitFor("the dismissed message to leave", () -> !cleo.texts().contains(invisible));
    assertThat(cleo.texts()).containsSubsequence("first", "later, from Dan");
  }
}
