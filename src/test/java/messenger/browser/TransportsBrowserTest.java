package messenger.browser;

import io.vertx.core.json.JsonObject;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page on each of SockJS's transports, as behind a proxy that lets no WebSocket through: the page is limited
 * to one with {@code /chat?transports=…}. Messages go both ways, presence works, and the connection outlives the
 * server's idle and request-head timeouts (short here) without reconnecting.
 */
@Tag("browser")
@ExtendWith(RabbitBroker.class)
class TransportsBrowserTest {

  private static final int IDLE_SECONDS = 4;

  @RegisterExtension
  static final TestApp app = TestApp.perClass(new JsonObject()
    .put("http", new JsonObject().put("idleTimeoutSeconds", IDLE_SECONDS).put("requestHeaderTimeoutSeconds", 2)));

  @RegisterExtension
  final People people = new People(() -> app);

  @ParameterizedTest
  @ValueSource(strings = {"xhr-streaming", "xhr-polling", "websocket"})
  void thePageChatsOverEachTransport(String transport) {
    String ada = "ada-" + transport;
    String bob = "bob-" + transport;
    Browser adasPage = people.login(ada);
    adasPage.go("/chat?transports=" + transport);
    adasPage.awaitConnected();
    assertThat(adasPage.driver.findElement(By.id("connection")).getDomAttribute("data-transport")).isEqualTo(transport);
    // Every state the indicator takes from now on.
    adasPage.js("window.states = []; var indicator = document.getElementById('connection');"
      + " new MutationObserver(function () { window.states.push(indicator.dataset.state); })"
      + ".observe(indicator, { attributes: true, attributeFilter: ['data-state'] });");
    Browser bobsPage = people.login(bob);

    adasPage.waitFor("bob in ada's online list", () -> adasPage.online().contains(bob));
    bobsPage.waitFor("ada in bob's online list", () -> bobsPage.online().contains(ada));
    bobsPage.send("hello over " + transport);
    adasPage.awaitMessage("hello over " + transport);
    adasPage.send("answer over " + transport);
    bobsPage.awaitMessage("answer over " + transport);
    assertThat(adasPage.awaitMessage("answer over " + transport).confirmed()).isTrue();

    // Quiet for longer than the idle timeout: the transport carries heartbeats (or pings) and is not cut.
    TestApp.sleep((IDLE_SECONDS + 2) * 1000L);
    bobsPage.send("still there over " + transport);
    adasPage.awaitMessage("still there over " + transport);
    assertThat(adasPage.js("return window.states;")).as("states of ada's indicator since it connected")
      .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).doesNotContain("reconnecting");
    assertThat(adasPage.consoleErrors()).isEmpty();
  }
}
