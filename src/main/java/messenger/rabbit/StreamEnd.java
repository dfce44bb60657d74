package messenger.rabbit;

import com.rabbitmq.client.BasicProperties;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQConsumer;
import io.vertx.rabbitmq.RabbitMQMessage;

import java.util.Map;

/**
 * Where a stream ends: the offset of its newest message, or -1 when it is empty. AMQP does not tell a stream's
 * length (queue.declare answers 0 messages), so a short-lived consumer at offset {@code "last"} takes the
 * stream's last chunk, which the broker sends at once, and keeps its highest offset. An empty stream sends
 * nothing: a round trip on the same channel, then a short grace without a delivery, says so. Used to find where
 * a new reader starts and how far a reader is behind. Also the two other facts of reading a stream over AMQP: the
 * offset of a delivery, and a consumer that starts at an offset.
 */
public final class StreamEnd {

  /** Header on every message read from a stream, and the consumer argument saying where to start reading. */
  static final String OFFSET = "x-stream-offset";

  /** The last chunk arrives in one burst: this long without a delivery means it is complete (or never came). */
  private static final long QUIET_MS = 50;
  /** A busy log is never quiet. */
  private static final long MAX_MS = 2_000;

  private StreamEnd() {
  }

  /** {@code client}'s channel must have a prefetch: a stream refuses consumers without one. */
  public static Future<Long> lastOffset(Vertx vertx, RabbitMQClient client, String stream, int prefetch) {
    Promise<Long> result = Promise.promise();
    client.basicConsumer(stream, consumeFrom("last")).onSuccess(probe -> {
      long[] end = {-1};
      long[] quiet = {-1};
      long max = vertx.setTimer(MAX_MS, t -> result.tryComplete(end[0]));
      probe.handler(message -> {
        if (result.future().isComplete()) {
          return; // came while the probe was being cancelled; a later multiple ack covers it
        }
        // Multiple: also acks what an earlier probe on this channel received too late to ack.
        client.basicAck(message.envelope().getDeliveryTag(), true);
        Long offset = offset(message);
        if (offset != null) {
          end[0] = Math.max(end[0], offset);
        }
        vertx.cancelTimer(quiet[0]);
        quiet[0] = vertx.setTimer(QUIET_MS, t -> result.tryComplete(end[0]));
      });
      // A round trip on the same channel: by its answer a stream with messages has begun to send them.
      client.basicQos(0, prefetch, false)
        .onSuccess(roundTrip -> vertx.setTimer(QUIET_MS, t -> {
          if (quiet[0] < 0) {
            result.tryComplete(-1L);
          }
        }))
        .onFailure(result::tryFail);
      result.future().onComplete(ar -> {
        vertx.cancelTimer(max);
        vertx.cancelTimer(quiet[0]);
        vertx.executeBlocking(probe::cancel);
      });
    }).onFailure(result::tryFail);
    return result.future();
  }

  /** The stream offset of a delivery, or null when it did not come from a stream. */
  public static Long offset(RabbitMQMessage message) {
    return offset(message.properties());
  }

  /** The same, for a delivery of the RabbitMQ Java client. */
  public static Long offset(BasicProperties properties) {
    Map<String, Object> headers = properties.getHeaders();
    Object offset = headers == null ? null : headers.get(OFFSET);
    return offset instanceof Number n ? n.longValue() : null;
  }

  /** A consumer of a small stream that is read whole and followed, and where its first read ends. */
  public record Following(RabbitMQConsumer consumer, long end) {
  }

  /**
   * On a fresh connection to a small stream that an instance reads whole, follows, and appends to: confirms on
   * the channel, a prefetch (a stream refuses consumers without one), where the first read ends ({@code end}, or
   * found now when null: the last offset, -1 when empty) and a consumer from {@code lastRead} + 1 (from the first
   * offset when nothing was read yet).
   */
  public static Future<Following> follow(Vertx vertx, RabbitMQClient client, String stream, int prefetch, Long end,
                                         long lastRead) {
    return client.confirmSelect()
      .compose(v -> client.basicQos(0, prefetch, false))
      .compose(v -> end != null ? Future.succeededFuture(end) : lastOffset(vertx, client, stream, prefetch))
      .compose(last -> client.basicConsumer(stream, consumeFrom(lastRead >= 0 ? lastRead + 1 : "first"))
        .map(consumer -> new Following(consumer, last)));
  }

  /** A stream consumer (manual acks) starting at {@code offset}: a number, {@code "first"} or {@code "last"}. */
  public static QueueOptions consumeFrom(Object offset) {
    QueueOptions options = new QueueOptions().setAutoAck(false);
    options.setConsumerArguments(Map.of(OFFSET, offset));
    return options;
  }
}
