package messenger.rabbit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQConsumer;
import io.vertx.rabbitmq.RabbitMQMessage;
import messenger.Settings;
import messenger.chat.ChatMessage;

import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The chat log on the embedded try-out broker, which has no streams: a server-named, exclusive, auto-delete
 * queue of this instance's own, bound to the exchange. {@code seq} is counted here, and history is what this
 * instance has seen since it started (kept by the caller, as for the stream).
 *
 * <p>The connection is supervised (see {@link SupervisedChatLog}): every new connection declares a new
 * queue. Limits of the try-out mode, by design: a message published while this reader was disconnected is
 * not in its new queue and is lost for it, and nothing survives a restart. {@code seq} starts from the start
 * time (in microseconds), so it still grows across a restart and open browsers keep ordering and resuming.
 */
final class QueueChatLog extends SupervisedChatLog {

  private long nextSeq = System.currentTimeMillis() * 1000;

  QueueChatLog(Vertx vertx, Settings settings) {
    super(vertx, settings.rabbit());
  }

  /** The queue receives only live messages: there is no backlog to measure. */
  @Override
  public LagProbe lagProbe(LongSupplier lastRead, LongConsumer report) {
    return new LagProbe() {
      @Override
      public void start() {
        report.accept(0);
      }

      @Override
      public Future<Void> stop() {
        return Future.succeededFuture();
      }
    };
  }

  @Override
  public Future<Void> declareForPublishing(RabbitMQClient publisher) {
    return Topology.declareExchange(publisher, rabbit);
  }

  /** A new queue on every connection: what was published while disconnected is lost for this reader. */
  @Override
  protected Future<RabbitMQConsumer> subscribe() {
    return Topology.declareExchange(client, rabbit)
      .compose(v -> Topology.consumeFromNow(client, rabbit.exchange()))
      .onSuccess(c -> log.info("Reading the chat log from queue '{}' bound to exchange '{}'", c.queueName(), rabbit.exchange()));
  }

  @Override
  protected ChatMessage read(RabbitMQMessage message) {
    return StreamChatLog.decode(nextSeq++, message);
  }
}
