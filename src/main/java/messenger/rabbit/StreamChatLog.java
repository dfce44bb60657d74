package messenger.rabbit;

import com.rabbitmq.client.BasicProperties;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQConsumer;
import io.vertx.rabbitmq.RabbitMQMessage;
import messenger.Settings;
import messenger.chat.ChatMessage;

import java.util.Date;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The chat log read from a RabbitMQ stream; {@code seq} is the stream offset. After every reconnect it
 * re-applies QoS (a stream refuses consumers without a prefetch) and consumes from the last offset seen
 * + 1, so no offset is skipped and none is delivered twice.
 */
final class StreamChatLog extends SupervisedChatLog {

  private static final String OFFSET_HEADER = "x-stream-offset";
  private static final long EMPTY_STREAM_GRACE_MS = 50;

  private final int historySize;
  private final int ackBatch;

  private long lastOffset = -1;
  private long ackTag = -1;
  private int unacked;
  private long ackTimer = -1;

  StreamChatLog(Vertx vertx, Settings settings) {
    super(vertx, settings.rabbit());
    this.historySize = settings.chat().historySize();
    this.ackBatch = Math.max(1, rabbit.prefetch() / 4);
  }

  @Override
  public LagProbe lagProbe(LongSupplier lastRead, LongConsumer report) {
    return new StreamLag(vertx, rabbit, lastRead, report);
  }

  @Override
  public Future<Void> declareForPublishing(RabbitMQClient publisher) {
    // The stream too: a confirmed message is then in the log even before any instance reads it.
    return Topology.declare(publisher, rabbit);
  }

  @Override
  protected Future<RabbitMQConsumer> subscribe() {
    return Topology.declare(client, rabbit)
      // QoS belongs to the channel, so it is set on every connect.
      .compose(v -> client.basicQos(0, rabbit.prefetch(), false))
      .compose(v -> lastOffset >= 0 ? Future.succeededFuture((Object) (lastOffset + 1)) : startOffset())
      .compose(offset -> {
        log.info("Reading chat log '{}' from offset {}", rabbit.stream(), offset);
        return client.basicConsumer(rabbit.stream(), consumeFrom(offset));
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

  /**
   * Where to start on a fresh start: far enough back to fill the history. A short-lived probe consumer at
   * "last" reveals the offset of the stream's last chunk, which the broker sends as soon as the consumer
   * exists. An empty stream sends nothing: when a round trip on the same channel comes back, and a short
   * grace after it, without a delivery, the stream is taken as empty and read from "first".
   */
  private Future<Object> startOffset() {
    Promise<Object> result = Promise.promise();
    client.basicConsumer(rabbit.stream(), consumeFrom("last")).onSuccess(probe -> {
      probe.handler(message -> {
        Long offset = offsetOf(message);
        result.tryComplete(offset == null ? "first" : Math.max(0, offset - historySize));
      });
      client.basicQos(0, rabbit.prefetch(), false)
        .onSuccess(roundTrip -> vertx.setTimer(EMPTY_STREAM_GRACE_MS, t -> result.tryComplete("first")))
        .onFailure(result::tryFail);
      result.future().onComplete(ar -> vertx.executeBlocking(probe::cancel));
    }).onFailure(result::tryFail);
    return result.future();
  }

  private static QueueOptions consumeFrom(Object offset) {
    QueueOptions options = new QueueOptions().setAutoAck(false);
    options.setConsumerArguments(Map.of(OFFSET_HEADER, offset));
    return options;
  }

  @Override
  protected ChatMessage read(RabbitMQMessage message) {
    ack(message.envelope().getDeliveryTag());
    Long offset = offsetOf(message);
    if (offset == null || offset <= lastOffset) {
      return null;
    }
    lastOffset = offset;
    ChatMessage chat = decode(offset, message);
    if (chat == null) {
      log.debug("Ignoring message at offset {}: no message id or sender", offset);
    }
    return chat;
  }

  private static Long offsetOf(RabbitMQMessage message) {
    Map<String, Object> headers = message.properties().getHeaders();
    Object offset = headers == null ? null : headers.get(OFFSET_HEADER);
    return offset instanceof Number n ? n.longValue() : null;
  }

  static ChatMessage decode(long seq, RabbitMQMessage message) {
    BasicProperties props = message.properties();
    Map<String, Object> headers = props.getHeaders();
    Object sender = headers == null ? null : headers.get("sender");
    if (props.getMessageId() == null || sender == null) {
      return null;
    }
    Object sentAt = headers.get("sent-at");
    Date timestamp = props.getTimestamp();
    long ts = sentAt instanceof Number n ? n.longValue()
      : timestamp != null ? timestamp.getTime() : System.currentTimeMillis();
    return new ChatMessage(seq, props.getMessageId(), sender.toString(), message.body().toString("UTF-8"), ts);
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
