package messenger.presence;

import io.vertx.core.json.JsonObject;
import messenger.rooms.Room;

import java.util.HashMap;
import java.util.Map;

/**
 * What instances tell each other on the presence exchange: transient JSON, each message with the id of the
 * instance that sent it. Anything else on the exchange (garbage, a type this version does not know) reads as
 * null and is ignored.
 */
public sealed interface PresenceMessage {

  String instance();

  JsonObject toJson();

  /**
   * The complete list of this instance's users (name → login), every heartbeat and at once on any change;
   * {@code hello} on (re)connecting asks every other instance to announce itself at once.
   */
  record State(String instance, Map<String, String> users, boolean hello) implements PresenceMessage {

    public State {
      users = Map.copyOf(users);
    }

    @Override
    public JsonObject toJson() {
      return message("state", instance).put("users", new JsonObject(new HashMap<>(users))).put("hello", hello);
    }
  }

  /** The instance stops: its users leave after the leave grace, unless their pages reconnect elsewhere. */
  record Bye(String instance) implements PresenceMessage {

    @Override
    public JsonObject toJson() {
      return message("bye", instance);
    }
  }

  /** Someone typed in a room (already throttled by the sender). */
  record Typing(String instance, String user, String room) implements PresenceMessage {

    @Override
    public JsonObject toJson() {
      return message("typing", instance).put("user", user).put("room", room);
    }
  }

  /** Someone joined ({@code joined}) or left a room (already deduplicated and limited by the sender). */
  record Membership(String instance, String user, String room, boolean joined) implements PresenceMessage {

    @Override
    public JsonObject toJson() {
      return message("membership", instance).put("user", user).put("room", room).put("joined", joined);
    }
  }

  /** The message, or null when the JSON is not one. */
  static PresenceMessage fromJson(JsonObject json) {
    if (!(json.getValue("instance") instanceof String instance)) {
      return null;
    }
    return switch (String.valueOf(json.getValue("type"))) {
      case "state" -> new State(instance, users(json.getValue("users")), Boolean.TRUE.equals(json.getValue("hello")));
      case "bye" -> new Bye(instance);
      // An instance from before rooms sends no room: its users type in general.
      case "typing" -> json.getValue("user") instanceof String user
        ? new Typing(instance, user, json.getValue("room") instanceof String room && Room.isValidName(room) ? room : Room.GENERAL)
        : null;
      case "membership" -> json.getValue("user") instanceof String user && json.getValue("room") instanceof String room
        && Room.isValidName(room) && json.getValue("joined") instanceof Boolean joined
        ? new Membership(instance, user, room, joined)
        : null;
      default -> null;
    };
  }

  private static JsonObject message(String type, String instance) {
    return new JsonObject().put("type", type).put("instance", instance);
  }

  /** Name → login; entries that are not strings are left out. */
  private static Map<String, String> users(Object json) {
    Map<String, String> users = new HashMap<>();
    if (json instanceof JsonObject object) {
      object.forEach(e -> {
        if (e.getValue() instanceof String login) {
          users.put(e.getKey(), login);
        }
      });
    }
    return users;
  }
}
