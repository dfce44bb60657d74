package messenger.rabbit;

import com.rabbitmq.client.Connection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQConsumer;
import io.vertx.rabbitmq.RabbitMQMessage;
import messenger.Settings;
import messenger.broker.Broker;
import messenger.chat.ChatMessage;

import java.io.IOException;
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
 * time (in microseconds), so it still grows across a restart and open browsers keep ordering and resuming; a page
 * asking for seqs of an earlier run is told they expired.
 */
final class QueueChatLog extends SupervisedChatLog {

  private long nextSeq = System.currentTimeMillis() * 1000;
  /** Nothing is kept beyond what this instance holds, which began with its start. */
  private final LogArchive archive = LogArchive.none(nextSeq);

  QueueChatLog(Vertx vertx, Broker broker, Settings settings) {
    super(vertx, broker, settings.rabbit());
  }

  @Override
  public long nextSeq() {
    return nextSeq;
  }

  @Override
  public long knownEnd() {
    return nextSeq;
  }

  @Override
  public LogArchive archive() {
    return archive;
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

  /** The exchange only: declaring a stream on the embedded broker would close the whole connection. */
  @Override
  public Future<Void> declare(RabbitMQClient client) {
    return Topology.declareExchange(client, rabbit);
  }

  @Override
  public void declare(Connection connection) throws IOException {
    Topology.declareExchange(connection, rabbit);
  }

  /** A new queue on every connection: what was published while disconnected is lost for this reader. */
  @Override
  protected Future<RabbitMQConsumer> subscribe() {
    return declare(client)
      .compose(v -> Topology.consumeFromNow(client, rabbit.exchange()))
      .onSuccess(c -> log.info("Reading the chat log from queue '{}' bound to exchange '{}'", c.queueName(), rabbit.exchange()));
  }

  /** Only chat messages get a seq, so the first one is the origin and seqs have no gaps. */
  @Override
  protected long position() {
    return nextSeq - 1;
  }

  /** A new queue on every connection: what was published meanwhile is not coming. */
  @Override
  protected boolean resumes() {
    return false;
  }

  @Override
  protected ChatMessage read(RabbitMQMessage message) {
    ChatMessage chat = WireFormat.read(nextSeq, message);
    if (chat != null) {
      nextSeq++;
    }
    return chat;
  }
}
