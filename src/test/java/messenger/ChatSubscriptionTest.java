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
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * chat.messages reaches bridge sockets through the app's own fan-out, not a bridge consumer per socket; to a
 * client it must behave exactly like a bridge subscription: register, unregister, register again, twice.
 */
@ExtendWith(RabbitBroker.class)
class ChatSubscriptionTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass();

  private static JsonObject unregister(String address) {
    return new JsonObject().put("type", "unregister").put("address", address);
  }

  /** A socket of the user's that registered for chat.messages and already got a probe through. */
  private static BridgeClient subscribed(User user) {
    BridgeClient bridge = app.bridge(user).register(Addresses.CHAT_MESSAGES);
    Probe.awaitDelivery(user, bridge);
    return bridge;
  }

  /** Sends one message and returns every frame the socket got within the time after it. */
  private static List<JsonObject> framesAfterSending(User sender, BridgeClient bridge, String id) throws Exception {
    assertThat(sender.send("hello " + id, id).statusCode()).isEqualTo(202);
    return bridge.drain(800);
  }

  @Test
  void aSubscriberGetsEachMessageOnceInTheBridgesRecFrame() throws Exception {
    User tom = app.user("tom");
    try (BridgeClient bridge = subscribed(tom)) {
      String id = UUID.randomUUID().toString();
      List<JsonObject> frames = framesAfterSending(tom, bridge, id);
      assertThat(frames).hasSize(1);
      JsonObject frame = frames.get(0);
      assertThat(frame.fieldNames()).containsExactlyInAnyOrder("type", "address", "body");
      assertThat(frame.getString("type")).isEqualTo("rec");
      assertThat(frame.getString("address")).isEqualTo(Addresses.CHAT_MESSAGES);
      assertThat(frame.getJsonObject("body").getString("id")).isEqualTo(id);
    }
  }

  @Test
  void afterUnregisteringASocketGetsNoMoreMessages() throws Exception {
    User tom = app.user("tom");
    try (BridgeClient bridge = subscribed(tom)) {
      bridge.sendFrame(unregister(Addresses.CHAT_MESSAGES));
      assertThat(bridge.drain(300)).as("unregistering is answered with nothing").isEmpty();
      assertThat(framesAfterSending(tom, bridge, UUID.randomUUID().toString())).isEmpty();
    }
  }

  @Test
  void aSocketThatRegistersAgainGetsMessagesAgain() throws Exception {
    User tom = app.user("tom");
    try (BridgeClient bridge = subscribed(tom)) {
      bridge.sendFrame(unregister(Addresses.CHAT_MESSAGES));
      bridge.register(Addresses.CHAT_MESSAGES);
      Probe.awaitDelivery(tom, bridge);
      String again = UUID.randomUUID().toString();
      assertThat(framesAfterSending(tom, bridge, again)).singleElement()
        .satisfies(f -> assertThat(f.getJsonObject("body").getString("id")).isEqualTo(again));
    }
  }

  @Test
  void registeringTwiceIsRefusedLikeAnyBridgeAddressAndStillDeliversOnce() throws Exception {
    User uma = app.user("uma");
    try (BridgeClient bridge = subscribed(uma)) {
      bridge.register(Addresses.CHAT_MESSAGES);
      assertThat(bridge.drain(500)).singleElement()
        .satisfies(f -> assertThat(f.getString("body")).isEqualTo("address_already_registered"));

      String id = UUID.randomUUID().toString();
      assertThat(framesAfterSending(uma, bridge, id)).singleElement()
        .satisfies(f -> assertThat(f.getJsonObject("body").getString("id")).isEqualTo(id));
    }
  }

  @Test
  void onlySubscribersGetChatMessages() throws Exception {
    User vera = app.user("vera");
    try (BridgeClient subscriber = app.bridge(vera).register(Addresses.CHAT_MESSAGES);
         BridgeClient typingOnly = app.bridge(vera).register(Addresses.CHAT_TYPING);
         BridgeClient unsubscribed = app.bridge(vera)) {
      Probe.awaitDelivery(vera, subscriber);
      typingOnly.drain(300);
      String id = UUID.randomUUID().toString();
      assertThat(framesAfterSending(vera, subscriber, id)).hasSize(1);
      assertThat(typingOnly.drain(100)).noneMatch(f -> Addresses.CHAT_MESSAGES.equals(f.getString("address")));
      assertThat(unsubscribed.drain(100)).isEmpty();
    }
  }
}
