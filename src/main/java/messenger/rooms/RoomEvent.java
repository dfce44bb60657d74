package messenger.rooms;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * One entry of the room log: a room was created, its topic changed, or it was archived. On the wire a JSON object
 * {@code {"type", "id", "room", "topic", "by", "at"}} ({@code at} in epoch milliseconds; {@code topic} for created
 * and topic events only); {@code id} is unique per event, which lets its writer recognise it when it reads it back.
 * A direct message opened ({@link Type#DM}, see {@link DirectMessage}) is an entry too: {@code room} is its id and
 * {@code members} its two members, {@code [{"id", "name"}, {"id", "name"}]}; {@code members} is null for the others.
 */
public record RoomEvent(Type type, String id, String room, String topic, String by, long at, List<DirectMessage.Member> members) {

  /** An event about a room (no members). */
  public RoomEvent(Type type, String id, String room, String topic, String by, long at) {
    this(type, id, room, topic, by, at, null);
  }

  /** The entry of a direct message opened by {@code by}. */
  static RoomEvent opened(String id, DirectMessage dm, String by) {
    return new RoomEvent(Type.DM, id, dm.id(), null, by, dm.createdAt(), List.of(dm.a(), dm.b()));
  }

  /** The direct message a {@link Type#DM} event records. */
  DirectMessage directMessage() {
    return new DirectMessage(room, members.get(0), members.get(1), at);
  }

  public enum Type {
    CREATED("created"), TOPIC("topic"), ARCHIVED("archived"), DM("dm");

    final String wire;

    Type(String wire) {
      this.wire = wire;
    }

    static Type of(String wire) {
      for (Type type : values()) {
        if (type.wire.equals(wire)) {
          return type;
        }
      }
      return null;
    }
  }

  public Buffer toBuffer() {
    JsonObject json = new JsonObject().put("type", type.wire).put("id", id).put("room", room).put("by", by).put("at", at);
    if (topic != null) {
      json.put("topic", topic);
    }
    if (members != null) {
      JsonArray list = new JsonArray();
      members.forEach(m -> list.add(m.toJson()));
      json.put("members", list);
    }
    return json.toBuffer();
  }

  /** The event a message carries, or null: anyone may publish to the stream, and what is not an event is skipped. */
  public static RoomEvent parse(Buffer body) {
    try {
      JsonObject json = body.toJsonObject();
      Type type = Type.of(json.getValue("type") instanceof String s ? s : null);
      Object topic = json.getValue("topic");
      List<DirectMessage.Member> members = type == Type.DM ? members(json.getValue("members")) : null;
      if (type != null && json.getValue("id") instanceof String id && json.getValue("room") instanceof String room
        && (type == Type.DM ? DirectMessage.isValidId(room) && members != null : Room.isValidName(room))
        && json.getValue("at") instanceof Number at && (topic == null || topic instanceof String)) {
        Object by = json.getValue("by");
        return new RoomEvent(type, id, room, (String) topic, by instanceof String s ? s : null, at.longValue(), members);
      }
    } catch (RuntimeException notJson) {
      // skipped, see above
    }
    return null;
  }

  /** Two members of two different accounts, each {@code {"id", "name"}} with non-empty strings; else null. */
  private static List<DirectMessage.Member> members(Object value) {
    if (!(value instanceof JsonArray list) || list.size() != 2) {
      return null;
    }
    DirectMessage.Member[] members = new DirectMessage.Member[2];
    for (int i = 0; i < 2; i++) {
      if (!(list.getValue(i) instanceof JsonObject m) || !(m.getValue("id") instanceof String id) || id.isEmpty()
        || !(m.getValue("name") instanceof String name) || name.isEmpty()) {
        return null;
      }
      members[i] = new DirectMessage.Member(id, name);
    }
    return members[0].id().equals(members[1].id()) ? null : List.of(members);
  }
}
