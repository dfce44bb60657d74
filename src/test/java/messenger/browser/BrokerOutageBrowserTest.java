package messenger.browser;

import io.vertx.core.json.JsonObject;
import messenger.browser.Browser.Message;
import messenger.testing.RabbitBroker;
import messenger.testing.TcpProxy;
import messenger.testing.TestApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app loses RabbitMQ (its connections run through a proxy the test cuts; the shared broker stays up):
 * a send is refused with 503, the page marks it failed, and its Retry after the broker is back sends it
 * exactly once.
 */
@Tag("browser")
@ExtendWith(RabbitBroker.class)
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
    Message failed = ada.waitFor("the message to be marked failed", () -> ada.messages().stream()
      .filter(m -> m.text().equals("while RabbitMQ is away") && m.hasClass("failed")).findFirst().orElse(null));
    assertThat(failed.state()).startsWith("not sent");
    ada.screenshot("failed-send");

    proxy.up();
    app.awaitHealthy();
    ada.driver.findElement(By.cssSelector("li[data-id='" + failed.id() + "'] button.retry")).click();
    assertThat(ada.awaitMessage("while RabbitMQ is away").id()).isEqualTo(failed.id());
    assertThat(bob.awaitMessage("while RabbitMQ is away").id()).isEqualTo(failed.id());
    ada.send("after the outage");
    bob.awaitTexts(List.of("before the outage", "while RabbitMQ is away", "after the outage"));
    ada.awaitTexts(List.of("before the outage", "while RabbitMQ is away", "after the outage"));
  }
}
