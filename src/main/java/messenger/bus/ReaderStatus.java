package messenger.bus;

import io.vertx.core.json.JsonObject;

/**
 * How one reader of a stream that this instance follows is doing, for {@code /health}: {@code reader} names it
 * (as the health check does), {@code stream} is what it reads, {@code state} one of {@link #READING},
 * {@link #DISCONNECTED}, {@link #NOT_CONSUMING}, {@link #STALLED} or {@link #IN_MEMORY} (the embedded broker: nothing to
 * read), and {@code lastOffset} the last offset it read (-1: none).
 */
public record ReaderStatus(String reader, String stream, String state, long lastOffset) implements HealthReport {

  public static final String READING = "reading";
  public static final String DISCONNECTED = "disconnected";
  public static final String NOT_CONSUMING = "not consuming";
  /** Subscribed, but a message this instance published and the broker confirmed was not read back in time. */
  public static final String STALLED = "stalled";
  public static final String IN_MEMORY = "in memory";

  /** The embedded broker has no streams: the log lives in this process and is always there. */
  public static ReaderStatus inMemory(String reader) {
    return new ReaderStatus(reader, null, IN_MEMORY, -1);
  }

  @Override
  public boolean up() {
    return READING.equals(state) || IN_MEMORY.equals(state);
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("reader", reader).put("stream", stream).put("state", state).put("lastOffset", lastOffset);
  }
}
