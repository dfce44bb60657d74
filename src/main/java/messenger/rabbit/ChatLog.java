package messenger.rabbit;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.RabbitMQClient;
import messenger.Settings;
import messenger.broker.BrokerKind;
import messenger.chat.ChatMessage;

import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The chat log as this instance reads it: every message published to the exchange, once, in log order,
 * each with its {@code seq}. The implementation decides where {@code seq} comes from and how reading
 * resumes after a broker or connection failure.
 */
interface ChatLog {

  /** The one place where the kind of broker decides how the chat log is kept. */
  static ChatLog of(BrokerKind kind, Vertx vertx, Settings settings) {
    return switch (kind) {
      case RABBITMQ -> new StreamChatLog(vertx, settings);
      case EMBEDDED -> new QueueChatLog(vertx, settings);
    };
  }

  /** What publishing needs on the broker; the publisher declares it on its own connection at every (re)connect. */
  Future<Void> declareForPublishing(RabbitMQClient client);

  /** Measures how far this reader is behind the end of the log, reporting the number of messages. */
  interface LagProbe {
    void start();

    Future<Void> stop();
  }

  /** {@code lastRead}: the reader's last seq; {@code report}: the lag, or -1 when it cannot be measured. */
  LagProbe lagProbe(LongSupplier lastRead, LongConsumer report);

  /** Starts reading in the background (also when the broker is down: it keeps trying). */
  Future<Void> start(Handler<ChatMessage> sink);

  Future<Void> stop();

  /** Connected and consuming. */
  boolean isRunning();
}
