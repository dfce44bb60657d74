package messenger.rooms;

import io.vertx.core.json.JsonObject;

import java.util.regex.Pattern;

/**
 * A public room as {@code GET /rooms} lists it. {@code createdBy} is null for {@link #GENERAL}, which always exists
 * and owns every message without a {@code room} header. {@code eventId}: the id of the event that created it, so
 * that of two creations of one name racing on two instances, the one the log holds first wins.
 */
public record Room(String name, String topic, String createdBy, long createdAt, String eventId) {

  public static final String GENERAL = "general";
  /** What a room may be called (**fixed**): it is part of bus addresses and URLs as it is. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
  public static final int MAX_TOPIC_LENGTH = 200;

  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("topic", topic).put("createdBy", createdBy).put("createdAt", createdAt);
  }

  Room withTopic(String newTopic) {
    return new Room(name, newTopic, createdBy, createdAt, eventId);
  }
}
