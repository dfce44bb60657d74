package messenger.presence;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The presence protocol between instances: every message reads back as written; anything else reads as nothing. */
class PresenceMessageTest {

  @Test
  void everyMessageReadsBackAsWritten() {
    List<PresenceMessage> messages = List.of(
      new PresenceMessage.State("host/1/ab", Map.of("alice", "login-a", "bob", "login-b"), true),
      new PresenceMessage.State("host/1/ab", Map.of(), false),
      new PresenceMessage.Bye("host/2/cd"),
      new PresenceMessage.Typing("host/3/ef", "bob", "design"),
      new PresenceMessage.Membership("host/4/gh", "ada", "design", true),
      new PresenceMessage.Membership("host/4/gh", "ada", "design", false));
    for (PresenceMessage message : messages) {
      JsonObject wire = new JsonObject(message.toJson().encode());
      assertThat(PresenceMessage.fromJson(wire)).isEqualTo(message);
    }
  }

  @Test
  void theWireFormatIsTheDocumentedOne() {
    assertThat(new PresenceMessage.State("i", Map.of("alice", "l"), false).toJson()).isEqualTo(new JsonObject(
      "{\"type\":\"state\",\"instance\":\"i\",\"users\":{\"alice\":\"l\"},\"hello\":false}"));
    assertThat(new PresenceMessage.Bye("i").toJson()).isEqualTo(new JsonObject("{\"type\":\"bye\",\"instance\":\"i\"}"));
    assertThat(new PresenceMessage.Typing("i", "bob", "design").toJson()).isEqualTo(new JsonObject(
      "{\"type\":\"typing\",\"instance\":\"i\",\"user\":\"bob\",\"room\":\"design\"}"));
  }

  @Test
  void aMembershipNamesItsRoomAndWhetherJoinedOrElseIsNothing() {
    assertThat(new PresenceMessage.Membership("i", "ada", "ops", true).toJson()).isEqualTo(new JsonObject(
      "{\"type\":\"membership\",\"instance\":\"i\",\"user\":\"ada\",\"room\":\"ops\",\"joined\":true}"));
    assertThat(PresenceMessage.fromJson(new JsonObject("{\"type\":\"membership\",\"instance\":\"i\",\"user\":\"ada\",\"room\":\"Not A Room\",\"joined\":true}"))).isNull();
    assertThat(PresenceMessage.fromJson(new JsonObject("{\"type\":\"membership\",\"instance\":\"i\",\"user\":\"ada\",\"room\":\"ops\"}"))).isNull();
  }

  @Test
  void typingFromAnInstanceBeforeRoomsIsInGeneral() {
    assertThat(PresenceMessage.fromJson(new JsonObject("{\"type\":\"typing\",\"instance\":\"i\",\"user\":\"bob\"}")))
      .isEqualTo(new PresenceMessage.Typing("i", "bob", "general"));
  }

  @Test
  void whatIsNotAMessageReadsAsNothing() {
    for (String json : List.of("{}", "{\"type\":\"state\"}", "{\"type\":\"unknown\",\"instance\":\"i\"}",
      "{\"type\":\"bye\",\"instance\":42}", "{\"type\":\"typing\",\"instance\":\"i\"}",
      // Logouts travel in the logout record now (messenger.session): an older instance's message is ignored.
      "{\"type\":\"logout\",\"instance\":\"i\",\"user\":\"alice\",\"login\":\"l\"}")) {
      assertThat(PresenceMessage.fromJson(new JsonObject(json))).as(json).isNull();
    }
  }

  @Test
  void usersThatAreNotNameToLoginAreLeftOut() {
    PresenceMessage read = PresenceMessage.fromJson(new JsonObject(
      "{\"type\":\"state\",\"instance\":\"i\",\"users\":{\"alice\":\"l\",\"bob\":7,\"carol\":null}}"));
    assertThat(read).isEqualTo(new PresenceMessage.State("i", Map.of("alice", "l"), false));
  }
}
