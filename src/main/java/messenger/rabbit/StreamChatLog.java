package messenger.rabbit;

import com.rabbitmq.client.BasicProperties;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQConsumer;
import io.vertx.rabbitmq.RabbitMQMessage;
import messenger.Settings;
import messenger.chat.ChatMessage;
import messenger.chat.RecentIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Date;
import java.util.Map;

/**
 * The chat log read from a RabbitMQ stream; {@code seq} is the stream offset.
 *
 * <p>The connection is supervised here rather than by the client's own reconnect: the client would
 * restart the consumer with the offset it was first created with (skipping or replaying messages) and
 * possibly before the prefetch a stream requires is set. A watchdog notices a lost connection, connects
 * again, re-applies QoS and consumes from the last offset seen + 1, so no offset is skipped and none is
 * delivered twice. Message ids already seen are dropped too, which makes a retried publish harmless.
 */
final class StreamChatLog implements ChatLog {

  private static final Logger log = LoggerFactory.getLogger(StreamChatLog.class);
  private static final String OFFSET_HEADER = "x-stream-offset";
  private static final long EMPTY_STREAM_WAIT_MS = 500;

  private final Vertx vertx;
  private final Settings.Rabbit rabbit;
  private final int historySize;
  private final RabbitMQClient client;
  private final RecentIds seenIds = new RecentIds(10_000);
  private final int ackBatch;

  private Handler<ChatMessage> sink;
  private RabbitMQConsumer consumer;
  /** Bumped on every connection: deliveries and acks of an older connection are ignored. */
  private int generation;
  private long lastOffset = -1;
  private boolean connecting;
  private int failedAttempts;
  private boolean stopped;
  private long watchdog = -1;
  private long ackTag = -1;
  private int unacked;
  private long ackTimer = -1;

  StreamChatLog(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.rabbit = settings.rabbit();
    this.historySize = settings.chat().historySize();
    this.ackBatch = Math.max(1, rabbit.prefetch() / 4);
    // No client-side reconnect: see the class comment.
    this.client = RabbitMQClient.create(vertx, Topology.options(rabbit, "chatlog", 0));
  }

  @Override
  public Future<Void> start(Handler<ChatMessage> sink) {
    this.sink = sink;
    watchdog = vertx.setPeriodic(rabbit.reconnectIntervalMs(), t -> {
      if (!stopped && !connecting && !isRunning()) {
        log.info("Chat log consumer is down; reconnecting");
        client.stop().eventually(this::connect);
      }
    });
    connect();
    return Future.succeededFuture();
  }

  @Override
  public boolean isRunning() {
    return consumer != null && !consumer.isCancelled() && client.isConnected();
  }

  @Override
  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(watchdog);
    flushAcks();
    return client.stop().otherwiseEmpty();
  }

  private Future<Void> connect() {
    if (stopped) {
      return Future.succeededFuture();
    }
    connecting = true;
    consumer = null;
    int gen = ++generation;
    unacked = 0;
    return client.start()
      .compose(v -> Topology.declare(client, rabbit))
      // A stream refuses consumers without a prefetch; QoS belongs to the channel, so set it on every connect.
      .compose(v -> client.basicQos(0, rabbit.prefetch(), false))
      .compose(v -> lastOffset >= 0 ? Future.succeededFuture((Object) (lastOffset + 1)) : startOffset())
      .compose(offset -> {
        log.info("Reading chat log '{}' from offset {}", rabbit.stream(), offset);
        return client.basicConsumer(rabbit.stream(), consumeFrom(offset));
      })
      .onSuccess(c -> {
        failedAttempts = 0;
        consumer = c;
        c.handler(message -> onDelivery(message, gen));
        c.exceptionHandler(err -> log.warn("Chat log consumer error", err));
      })
      .onFailure(err -> {
        // Once per outage, not once per attempt.
        if (failedAttempts++ == 0) {
          log.warn("Chat log unavailable ({}); retrying every {} ms", err.getMessage(), rabbit.reconnectIntervalMs());
        }
      })
      .onComplete(ar -> connecting = false)
      .mapEmpty();
  }

  /**
   * Where to start on a fresh start: far enough back to fill the history. A short-lived probe consumer at
   * "last" reveals the offset of the stream's last chunk; an empty stream sends nothing, so read from "first".
   */
  private Future<Object> startOffset() {
    Promise<Object> result = Promise.promise();
    client.basicConsumer(rabbit.stream(), consumeFrom("last")).onSuccess(probe -> {
      long timer = vertx.setTimer(EMPTY_STREAM_WAIT_MS, t -> result.tryComplete("first"));
      probe.handler(message -> {
        vertx.cancelTimer(timer);
        Long offset = offsetOf(message);
        result.tryComplete(offset == null ? "first" : Math.max(0, offset - historySize));
      });
      result.future().onComplete(ar -> vertx.executeBlocking(probe::cancel));
    }).onFailure(result::tryFail);
    return result.future();
  }

  private static QueueOptions consumeFrom(Object offset) {
    QueueOptions options = new QueueOptions().setAutoAck(false);
    options.setConsumerArguments(Map.of(OFFSET_HEADER, offset));
    return options;
  }

  private void onDelivery(RabbitMQMessage message, int gen) {
    if (gen != generation) {
      return;
    }
    ack(message.envelope().getDeliveryTag());
    Long offset = offsetOf(message);
    if (offset == null || offset <= lastOffset) {
      return;
    }
    lastOffset = offset;
    ChatMessage chat = decode(offset, message);
    if (chat == null) {
      log.debug("Ignoring message at offset {}: no message id or sender", offset);
      return;
    }
    if (!seenIds.add(chat.id())) {
      log.debug("Dropping duplicate of message {} at offset {}", chat.id(), offset);
      return;
    }
    sink.handle(chat);
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
