package messenger;

import io.vertx.core.json.JsonObject;
import messenger.testing.BridgeClient;
import messenger.testing.Probe;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Browsers may only listen, only on chat.*, and only when logged in and on this site. */
@ExtendWith(RabbitBroker.class)
class BridgeSecurityTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass();

  /** The body of the first error frame that arrives, or null. */
  private static String errorBody(BridgeClient bridge) throws InterruptedException {
    return bridge.drain(500).stream().filter(f -> "err".equals(f.getString("type")))
      .map(f -> f.getString("body")).findFirst().orElse(null);
  }

  @Test
  void registeringOnAnAddressOutsideChatIsRefused() throws Exception {
    try (BridgeClient bridge = app.bridge(app.user("ivan"))) {
      for (String address : List.of(Addresses.PUBLISH, Addresses.HISTORY, "chat", "other.messages", "chatx.messages")) {
        bridge.register(address);
        assertThat(errorBody(bridge)).as(address).isEqualTo("access_denied");
      }
    }
  }

  @Test
  void registeringOnAnAddressLongerThan64CharactersIsRefused() throws Exception {
    try (BridgeClient bridge = app.bridge(app.user("ivan"))) {
      bridge.register("chat." + "x".repeat(60)); // 65 characters, inside chat.*
      assertThat(errorBody(bridge)).isEqualTo("max_address_length_reached");
      bridge.register("x".repeat(10_000));
      assertThat(errorBody(bridge)).isEqualTo("max_address_length_reached");
    }
  }

  @Test
  void sendingOrPublishingOnTheBusIsRefused() throws Exception {
    User judy = app.user("judy");
    try (BridgeClient listener = app.bridge(judy).register(Addresses.CHAT_MESSAGES);
         BridgeClient attacker = app.bridge(judy)) {
      Probe.awaitDelivery(judy, listener);
      JsonObject forged = new JsonObject().put("seq", 999).put("id", "x").put("sender", "alice").put("text", "forged").put("ts", 1);
      for (String type : List.of("send", "publish")) {
        for (String address : List.of(Addresses.CHAT_MESSAGES, Addresses.PUBLISH)) {
          attacker.sendFrame(new JsonObject().put("type", type).put("address", address).put("body", forged));
          assertThat(errorBody(attacker)).as(type + " " + address).isEqualTo("rejected");
        }
      }
      assertThat(listener.drain(300)).noneMatch(f -> "rec".equals(f.getString("type")));
    }
  }

  @Test
  void theBridgeNeedsASession() {
    assertThatThrownBy(() -> BridgeClient.connect(app.vertx, app.baseUrl(), null, app.baseUrl()))
      .hasMessageContaining("401");
    assertThatThrownBy(() -> BridgeClient.connect(app.vertx, app.baseUrl(), "messenger.session=forged", app.baseUrl()))
      .hasMessageContaining("401");
  }

  @Test
  void theBridgeRefusesOtherSitesAndMissingOrigins() {
    User kim = app.user("kim");
    assertThatThrownBy(() -> BridgeClient.connect(app.vertx, app.baseUrl(), kim.cookieHeader(), "http://evil.example"))
      .hasMessageContaining("403");
    assertThatThrownBy(() -> BridgeClient.connect(app.vertx, app.baseUrl(), kim.cookieHeader(), null))
      .hasMessageContaining("403");
  }
}
