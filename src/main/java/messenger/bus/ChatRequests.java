package messenger.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** What the web verticles ask of RabbitVerticle, and its answers (addresses in {@link messenger.Addresses}). */
public final class ChatRequests {

  private ChatRequests() {
  }

  /**
   * Publish one message as {@code sender} in {@code room} (one that exists); {@code senderId}: the signed-in
   * person's account id, null for a name-only login. {@code members}: for a direct message, its two members' account
   * ids as its header {@code dm-members} says them; else null. Answered with nothing once the broker confirmed it, or
   * failed with the HTTP status the sender should get ({@code 429}, {@code 503}).
   */
  public record Publish(String sender, String senderId, String id, String room, String members, String text)
    implements Bus.Message {

    /** A message to a room. */
    public Publish(String sender, String senderId, String id, String room, String text) {
      this(sender, senderId, id, room, null, text);
    }
  }

  /**
   * A page of one room's messages in the chat log for {@code /history}, asked by a session ({@code session}: its login id, which the
   * history rate limit is kept by). {@code seq} is the {@code after} or {@code before} seq; unused for NEWEST.
   * Answered with a {@link HistoryPage} or a {@link HistoryRefused}.
   */
  public record HistoryQuery(String room, Direction direction, long seq, int limit, String session) implements Bus.Message {

    public enum Direction {
      /** The newest {@code limit} messages. */
      NEWEST,
      /** The oldest {@code limit} messages with a seq above {@code seq}. */
      AFTER,
      /** The newest {@code limit} messages with a seq below {@code seq}. */
      BEFORE
    }
  }

  /**
   * {@code messages} ascending by seq. {@code complete}: no message older than this page's first is left in the
   * log (for an empty page: none older than the range asked). {@code expired}: messages that belong right before
   * this page, after {@code after} or below the oldest kept, are no longer in the log.
   */
  public record HistoryPage(JsonArray messages, boolean complete, boolean expired) implements Bus.Message {

    public JsonObject toJson() {
      return new JsonObject().put("messages", messages).put("complete", complete).put("expired", expired);
    }
  }

  /** A history query not answered: {@code status} and {@code error} as the HTTP error gives them. */
  public record HistoryRefused(int status, String error, String message) implements Bus.Message {
  }

  /** Asked with an empty body; what {@code /health} reports. */
  public record Status(boolean publisher, boolean consumer, int publishers, int history, JsonObject broker,
                       String instance) implements HealthReport {

    @Override
    public boolean up() {
      return publisher && consumer;
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("publisher", publisher).put("consumer", consumer).put("publishers", publishers)
        .put("history", history).put("broker", broker).put("instance", instance);
    }
  }
}
