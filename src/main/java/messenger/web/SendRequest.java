package messenger.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import messenger.chat.Texts;
import messenger.rooms.Room;

import java.util.UUID;

/**
 * A valid {@code POST /send} body: {@code {"text": "…", "id": "<optional client id>", "room": "<optional>"}} (the
 * room defaults to {@code general}; whether it exists is the caller's to check). The text is stripped,
 * valid Unicode, has something visible in it and is within the limit; without a client id, one is made up
 * (a client that gives its own can retry safely).
 */
record SendRequest(String id, String room, String text) {

  /** Throws the {@link ApiError} the sender gets for a body that is not valid. */
  static SendRequest parse(Buffer body, int maxTextLength) {
    JsonObject json;
    try {
      json = body == null ? null : (JsonObject) Json.decodeValue(body);
    } catch (RuntimeException e) {
      throw new ApiError(400, "malformed_json", "The body is not a JSON object.");
    }
    if (json == null || !(json.getValue("text") instanceof String raw)) {
      throw new ApiError(400, "bad_request", "The body must be {\"text\": \"…\"}.");
    }
    String text = raw.strip();
    if (Texts.hasLoneSurrogate(text)) {
      throw new ApiError(400, "invalid_text", "The message is not valid Unicode text.");
    }
    if (Texts.isBlank(text)) {
      throw new ApiError(400, "empty", "The message has nothing visible in it.");
    }
    if (Texts.length(text) > maxTextLength) {
      throw new ApiError(400, "too_long", "A message can have at most " + maxTextLength + " characters.");
    }
    Object room = json.getValue("room");
    if (room != null && !(room instanceof String)) {
      throw new ApiError(400, "bad_request", "'room' must be a room's name.");
    }
    String in = room == null ? Room.GENERAL : (String) room;
    Object id = json.getValue("id");
    if (id == null) {
      return new SendRequest(UUID.randomUUID().toString(), in, text);
    }
    if (!(id instanceof String clientId && Texts.isValidId(clientId))) {
      throw new ApiError(400, "invalid_id", "The id must be 1 to 64 letters, digits, '-' or '_'.");
    }
    return new SendRequest(clientId, in, text);
  }
}
