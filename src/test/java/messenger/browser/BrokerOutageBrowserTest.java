package messenger.browser;

import io.vertx.core.json.JsonObject;
import messenger.browser.Browser.Message;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import messenger.testing.TcpProxy;
import messenger.testing.TestApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app loses RabbitMQ (its connections run through a proxy the test cuts; the shared broker stays up):
 * a send is refused with 503, the page shows it as waiting and sends it again by itself, with the same id,
 * until the broker is back: it is stored exactly once.
 */
@Tag("browser")
@ExtendWith(RabbitBroker.class)
@NeedsRabbitMQ("it cuts the app off from a RabbitMQ it does not host itself")
class BrokerOutageBrowserTest {

  private TcpProxy proxy;
  private TestApp app;
  private final List<Browser> browsers = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    browsers.forEach(Browser::close);
    if (app != null) {
      app.close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  private Browser person(String name) {
    Browser browser = Browser.open(app);
    browsers.add(browser);
    return browser.login(name);
  }

  @Test
  void aSendDuringABrokerOutageFailsAndItsRetryAfterwardsIsShownOnce() {
    proxy = TcpProxy.toBroker(true);
    app = TestApp.start(new JsonObject().put("rabbitmq", new JsonObject().put("uri", proxy.uri()).put("confirmTimeoutMs", 2000)));
    Browser ada = person("Ada");
    Browser bob = person("Bob");
    ada.send("before the outage");
    bob.awaitMessage("before the outage");

    proxy.down();
    ada.send("while RabbitMQ is away");
    Message failed = ada.waitFor("the message to wait for the broker", () -> ada.messages().stream()
      .filter(m -> m.text().equals("while RabbitMQ is away") && m.hasClass("waiting")).findFirst().orElse(null));
    assertThat(failed.state()).startsWith("not sent yet");
    ada.screenshot("failed-send");

    // Nobody clicks anything: the page sends it again until the broker is back.
    proxy.up();
    assertThat(ada.awaitMessage("while RabbitMQ is away").id()).isEqualTo(failed.id());
    assertThat(bob.awaitMessage("while RabbitMQ is away").id()).isEqualTo(failed.id());
    ada.send("after the outage");
    bob.awaitTexts(List.of("before the outage", "while RabbitMQ is away", "after the outage"));
    ada.awaitTexts(List.of("before the outage", "while RabbitMQ is away", "after the outage"));
  }
}
