package messenger.rabbit;

import com.rabbitmq.client.Connection;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.RabbitMQClient;
import messenger.Settings;
import messenger.broker.Broker;
import messenger.chat.ChatMessage;

import java.io.IOException;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The chat log as this instance reads it: every message published to the exchange, once, in log order,
 * each with its {@code seq}. The implementation decides where {@code seq} comes from and how reading
 * resumes after a broker or connection failure.
 */
interface ChatLog {

  /** The one place where the kind of broker decides how the chat log is kept. */
  static ChatLog of(Broker broker, Vertx vertx, Settings settings) {
    return switch (broker.kind()) {
      case RABBITMQ -> new StreamChatLog(vertx, broker, settings);
      case EMBEDDED -> new QueueChatLog(vertx, broker, settings);
    };
  }

  /**
   * What the log needs on the broker, declared on every (re)connect by the publisher (so that a confirmed
   * message is in the log even before any instance reads it) and by the reader.
   */
  Future<Void> declare(RabbitMQClient client);

  /** The same on a plain connection of the Java client (the publisher's). Blocks: call it off the event loop. */
  void declare(Connection connection) throws IOException;

  /** Measures how far this reader is behind the end of the log, reporting the number of messages. */
  interface LagProbe {
    void start();

    Future<Void> stop();
  }

  /** {@code lastRead}: the reader's last seq; {@code report}: the lag, or -1 when it cannot be measured. */
  LagProbe lagProbe(LongSupplier lastRead, LongConsumer report);

  /**
   * The seq this reader reads next: it has delivered every message below it that it will deliver (a message
   * it drops, such as a duplicate, counts as read). -1 before it knows where it starts.
   */
  long nextSeq();

  /**
   * The seq after the newest message this reader knows the log holds: {@link #nextSeq()}, or more while it
   * catches up after its start. -1 before it knows.
   */
  long knownEnd();

  /** The log beyond what this instance holds in memory, for {@code /history}. */
  LogArchive archive();

  /** Starts reading in the background (also when the broker is down: it keeps trying). */
  Future<Void> start(Handler<ChatMessage> sink);

  Future<Void> stop();

  /** Connected, consuming and not {@link ReaderProgress#stalled stalled}. */
  boolean isRunning();

  /** What the reader read back of this instance's own messages, and whether it makes progress. */
  ReaderProgress progress();
}
