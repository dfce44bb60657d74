package messenger.rabbit;

import io.vertx.core.Future;
import messenger.chat.ChatMessage;

import java.util.List;

/**
 * The chat log beyond what this instance holds in memory, read on demand for {@code /history}: the stream on
 * RabbitMQ ({@link StreamArchive}); nothing on the embedded broker, whose log is what the instance holds
 * ({@link #none}). Reads are by seq ranges {@code [from, to)}; a range may hold seqs that carry no chat message.
 * Called on the event loop of the verticle that owns it.
 */
interface LogArchive {

  /** The seq of the log's first message ever: a page that reaches the oldest message kept and starts above it has lost older ones. */
  long origin();

  /**
   * At most the oldest seq the log still holds (the broker drops old messages, so this only grows); from a
   * moment ago unless {@code fresh}. {@link Long#MAX_VALUE} when the archive holds nothing.
   */
  Future<Long> first(boolean fresh);

  /** What {@link #first} last found, without asking: at most the oldest seq held, or -1 when not known yet. */
  long knownFirst();

  /**
   * The {@code limit} oldest chat messages of {@code room} (null: of every room) in {@code [from, to)}; stops reading
   * as soon as it has them.
   */
  Future<Span> forward(String room, long from, long to, int limit);

  /** The {@code keep} newest chat messages of {@code room} (null: of every room) in {@code [from, to)}, reading the whole range. */
  Future<Span> window(String room, long from, long to, int keep);

  Future<Void> stop();

  /**
   * What one read found: {@code messages} ascending; {@code firstSeq} the first seq the log delivered (above
   * {@code from} when nothing is kept below it: expired, or never there); {@code next} the seq after the last
   * one read, where a following read goes on; {@code matched} the chat messages (of the room) the range examined held, which
   * is more than {@code messages} when a window kept only the newest.
   */
  record Span(List<ChatMessage> messages, long firstSeq, long next, int matched) {
  }

  /** The embedded broker's log: nothing beyond the instance's memory, which began at {@code origin}. */
  static LogArchive none(long origin) {
    return new LogArchive() {
      @Override
      public long origin() {
        return origin;
      }

      @Override
      public Future<Long> first(boolean fresh) {
        return Future.succeededFuture(Long.MAX_VALUE);
      }

      @Override
      public long knownFirst() {
        return Long.MAX_VALUE;
      }

      @Override
      public Future<Span> forward(String room, long from, long to, int limit) {
        return Future.failedFuture(new IllegalStateException("this log keeps nothing beyond memory"));
      }

      @Override
      public Future<Span> window(String room, long from, long to, int keep) {
        return forward(room, from, to, keep);
      }

      @Override
      public Future<Void> stop() {
        return Future.succeededFuture();
      }
    };
  }
}
