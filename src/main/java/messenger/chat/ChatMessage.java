package messenger.chat;

import io.vertx.core.json.JsonObject;

/**
 * One chat message as browsers see it. {@code seq} is the message's position in the chat log (the
 * stream offset), a global order that every instance and browser agrees on.
 */
public record ChatMessage(long seq, String id, String sender, String text, long ts) {

  public JsonObject toJson() {
    return new JsonObject()
      .put("seq", seq)
      .put("id", id)
      .put("sender", sender)
      .put("text", text)
      .put("ts", ts);
  }

  public static ChatMessage fromJson(JsonObject json) {
    return new ChatMessage(json.getLong("seq"), json.getString("id"), json.getString("sender"),
      json.getString("text"), json.getLong("ts"));
  }
}
