package messenger.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BasicProperties;
import io.vertx.core.buffer.Buffer;
import io.vertx.rabbitmq.RabbitMQMessage;
import messenger.chat.ChatMessage;
import messenger.rooms.DirectMessage;
import messenger.rooms.Room;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;

/**
 * A chat message on AMQP, written and read here only, so that any AMQP client can read the log and see who
 * said what. Body: the text, UTF-8. Properties: {@code message_id} (the id everyone dedupes on),
 * {@code content_type} {@code text/plain}, {@code content_encoding} {@code utf-8}, {@code timestamp},
 * persistent. Headers: {@code sender} (the display name), {@code sender-id} (a signed-in person's account id,
 * see {@link messenger.identity.Account#id()}; absent for a name-only login), {@code room} (the room's name; a
 * message without one, e.g. written before rooms, is {@code general}'s; a direct message's id, see
 * {@link messenger.rooms.DirectMessage}), for a direct message {@code dm-members} (its two members' account ids,
 * comma-separated) and {@code sent-at} (epoch milliseconds); read from
 * a stream, the broker adds {@code x-stream-offset} (see {@link StreamEnd#offset}). Where the broker filters streams,
 * also {@code x-stream-filter-value} = the room ({@link StreamFilter}): this is the one place it is set.
 */
final class WireFormat {

  static final String SENDER = "sender";
  static final String SENDER_ID = "sender-id";
  static final String SENT_AT = "sent-at";
  static final String ROOM = "room";
  static final String DM_MEMBERS = "dm-members";

  private WireFormat() {
  }

  static AMQP.BasicProperties properties(String id, String sender, String senderId, String room, long now) {
    return properties(id, sender, senderId, room, null, now, false);
  }

  /** {@code filterValue}: the broker filters streams, so the room is also the message's stream filter value. */
  static AMQP.BasicProperties properties(String id, String sender, String senderId, String room, long now,
                                         boolean filterValue) {
    return properties(id, sender, senderId, room, null, now, filterValue);
  }

  /** {@code members}: a direct message's two members, the header {@code dm-members}; null for a room's message. */
  static AMQP.BasicProperties properties(String id, String sender, String senderId, String room, String members, long now) {
    return properties(id, sender, senderId, room, members, now, false);
  }

  static AMQP.BasicProperties properties(String id, String sender, String senderId, String room, String members, long now,
                                         boolean filterValue) {
    Map<String, Object> headers = new HashMap<>(Map.of(SENDER, sender, ROOM, room, SENT_AT, now));
    if (senderId != null) {
      headers.put(SENDER_ID, senderId);
    }
    if (members != null) {
      headers.put(DM_MEMBERS, members);
    }
    if (filterValue) {
      headers.put(StreamFilter.VALUE, room);
    }
    return new AMQP.BasicProperties.Builder()
      .messageId(id)
      .contentType("text/plain")
      .contentEncoding("utf-8")
      .deliveryMode(2)
      .timestamp(new Date(now))
      .headers(headers)
      .build();
  }

  static Buffer body(String text) {
    return Buffer.buffer(text);
  }

  /**
   * The chat message a delivery carries, at {@code seq}; null when it has no message id or sender, or names a room
   * that cannot exist.
   */
  static ChatMessage read(long seq, RabbitMQMessage message) {
    return read(seq, message.properties(), message.body().getBytes());
  }

  /** The same, for a delivery of the RabbitMQ Java client. */
  static ChatMessage read(long seq, BasicProperties props, byte[] body) {
    Map<String, Object> headers = props.getHeaders();
    Object sender = headers == null ? null : headers.get(SENDER);
    if (props.getMessageId() == null || sender == null) {
      return null;
    }
    Object roomHeader = headers.get(ROOM);
    String room = roomHeader == null ? Room.GENERAL : roomHeader.toString();
    if (!Room.isValidName(room) && !DirectMessage.isValidId(room)) {
      return null;
    }
    Object sentAt = headers.get(SENT_AT);
    Date timestamp = props.getTimestamp();
    long ts = sentAt instanceof Number n ? n.longValue()
      : timestamp != null ? timestamp.getTime() : System.currentTimeMillis();
    Object senderId = headers.get(SENDER_ID);
    return new ChatMessage(seq, props.getMessageId(), room, sender.toString(), senderId == null ? null : senderId.toString(),
      new String(body, StandardCharsets.UTF_8), ts);
  }
}
