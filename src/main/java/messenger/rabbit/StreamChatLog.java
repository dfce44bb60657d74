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
import messenger.metrics.Metrics;

import java.io.IOException;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The chat log read from a RabbitMQ stream; {@code seq} is the stream offset. After every reconnect it
 * re-applies QoS (a stream refuses consumers without a prefetch) and consumes from the last offset seen
 * + 1, so no offset is skipped and none is delivered twice.
 */
final class StreamChatLog extends SupervisedChatLog {

  private final Broker broker;
  private final int historySize;
  private final int ackBatch;
  private final LogArchive archive;

  /** Where this reader began, and the newest offset the log held then; -1 until it has started. */
  private long begin = -1;
  private long endAtStart = -1;
  private long lastOffset = -1;
  private long ackTag = -1;
  private int unacked;
  private long ackTimer = -1;

  StreamChatLog(Vertx vertx, Broker broker, Settings settings) {
    super(vertx, broker, settings.rabbit());
    this.broker = broker;
    this.historySize = settings.chat().historySize();
    this.ackBatch = Math.max(1, rabbit.prefetch() / 4);
    // Idle channels for twice the reads at once: a read's channel comes back only once its consumer is cancelled.
    // The broker filters by room where it can (rabbitmq.streamFilter): the reads by room beyond the cached blocks.
    LogArchive stream = new StreamArchive(vertx, broker, rabbit.stream(), settings.history().readTimeoutMs(),
      2 * settings.history().maxConcurrentReads(), rabbit.streamFilter());
    int cacheBlocks = settings.history().cacheBlocks();
    this.archive = cacheBlocks > 0 ? new CachedArchive(stream, cacheBlocks, Metrics.of(vertx)) : stream;
  }

  @Override
  public long nextSeq() {
    return lastOffset >= 0 ? lastOffset + 1 : begin;
  }

  @Override
  public long knownEnd() {
    return begin < 0 ? -1 : Math.max(nextSeq(), endAtStart + 1);
  }

  @Override
  public LogArchive archive() {
    return archive;
  }

  @Override
  public LagProbe lagProbe(LongSupplier lastRead, LongConsumer report) {
    return new StreamLag(vertx, broker, rabbit, lastRead, report, progress());
  }

  @Override
  protected long position() {
    return lastOffset;
  }

  @Override
  protected boolean resumes() {
    return true;
  }

  /** The exchange and the stream bound to it. */
  @Override
  public Future<Void> declare(RabbitMQClient client) {
    return Topology.declare(client, rabbit, broker.streamInitialClusterSize());
  }

  @Override
  public void declare(Connection connection) throws IOException {
    Topology.declare(connection, rabbit, broker.streamInitialClusterSize());
  }

  @Override
  protected Future<RabbitMQConsumer> subscribe() {
    return declare(client)
      // QoS belongs to the channel, so it is set on every connect.
      .compose(v -> client.basicQos(0, rabbit.prefetch(), false))
      .compose(v -> lastOffset >= 0 ? Future.succeededFuture((Object) (lastOffset + 1)) : startOffset())
      .compose(offset -> {
        log.info("Reading chat log '{}' from offset {}", rabbit.stream(), offset);
        return client.basicConsumer(rabbit.stream(), StreamEnd.consumeFrom(offset));
      });
  }

  @Override
  protected void onConnecting() {
    unacked = 0; // delivery tags belong to the connection that is gone
  }

  @Override
  protected void onStopping() {
    flushAcks();
  }

  /** Where to start on a fresh start: far enough back to fill the history; an empty stream from "first". */
  private Future<Object> startOffset() {
    return StreamEnd.lastOffset(vertx, client, rabbit.stream(), rabbit.prefetch())
      .map(end -> {
        endAtStart = end;
        begin = Math.max(0, end - historySize);
        return end < 0 ? "first" : begin;
      });
  }

  @Override
  protected ChatMessage read(RabbitMQMessage message) {
    ack(message.envelope().getDeliveryTag());
    Long offset = StreamEnd.offset(message);
    if (offset == null || offset <= lastOffset) {
      return null;
    }
    lastOffset = offset;
    ChatMessage chat = WireFormat.read(offset, message);
    if (chat == null) {
      log.debug("Ignoring message at offset {}: no message id or sender", offset);
    }
    return chat;
  }

  /** Acks are batched: one multiple-ack per quarter of the prefetch, or after a short pause. */
  private void ack(long deliveryTag) {
    ackTag = deliveryTag;
    if (++unacked >= ackBatch) {
      flushAcks();
    } else if (ackTimer < 0) {
      ackTimer = vertx.setTimer(20, t -> {
        ackTimer = -1;
        flushAcks();
      });
    }
  }

  private void flushAcks() {
    if (unacked > 0 && client.isConnected()) {
      unacked = 0;
      client.basicAck(ackTag, true).onFailure(err -> log.debug("Ack failed: {}", err.getMessage()));
    }
  }
}
