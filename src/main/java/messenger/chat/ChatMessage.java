package messenger.chat;

import io.vertx.core.json.JsonObject;

/**
 * One chat message as browsers see it. {@code seq} is the message's position in the chat log (the
 * stream offset), a global order that every instance and browser agrees on; {@code room} the room it was said in.
 * {@code senderId}: the signed-in sender's account id, null for a name-only login (then absent from the JSON).
 */
public record ChatMessage(long seq, String id, String room, String sender, String senderId, String text, long ts) {

  /** A message of a name-only login. */
  public ChatMessage(long seq, String id, String room, String sender, String text, long ts) {
    this(seq, id, room, sender, null, text, ts);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
      .put("seq", seq)
      .put("id", id)
      .put("room", room)
      .put("sender", sender)
      .put("text", text)
      .put("ts", ts);
    return senderId == null ? json : json.put("senderId", senderId);
  }
}
