package messenger.rabbit;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import messenger.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * How far this instance's reader is behind the chat log's end, for the consumer-lag metric. AMQP does not
 * tell a stream's length (queue.declare answers 0 messages), so every few seconds a short-lived consumer
 * at offset "last" reads the stream's last chunk and takes its highest offset. It has a connection of its
 * own so that it can never disturb the reader, and it reports -1 while the broker is unreachable.
 */
final class StreamLag implements ChatLog.LagProbe {

  private static final Logger log = LoggerFactory.getLogger(StreamLag.class);
  private static final long PERIOD_MS = 5_000;
  /** The last chunk is delivered at once; this long without a delivery means it has all arrived. */
  private static final long QUIET_MS = 250;
  private static final long MAX_PROBE_MS = 2_000;

  private final Vertx vertx;
  private final Settings.Rabbit rabbit;
  private final RabbitMQClient client;
  private final LongSupplier lastRead;
  private final LongConsumer report;
  private long timer = -1;
  private boolean probing;

  StreamLag(Vertx vertx, Settings.Rabbit rabbit, LongSupplier lastRead, LongConsumer report) {
    this.vertx = vertx;
    this.rabbit = rabbit;
    this.lastRead = lastRead;
    this.report = report;
    this.client = RabbitMQClient.create(vertx, Topology.options(rabbit, "lag", 0));
  }

  @Override
  public void start() {
    timer = vertx.setPeriodic(PERIOD_MS, t -> {
      if (probing) {
        return;
      }
      probing = true;
      connected().compose(v -> endOffset())
        .onSuccess(end -> report.accept(end < 0 ? 0 : Math.max(0, end - lastRead.getAsLong())))
        .onFailure(err -> {
          log.debug("Could not measure the consumer lag: {}", err.getMessage());
          report.accept(-1);
          client.stop();
        })
        .onComplete(ar -> probing = false);
    });
  }

  @Override
  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    return client.stop().otherwiseEmpty();
  }

  private Future<Void> connected() {
    if (client.isConnected()) {
      return Future.succeededFuture();
    }
    // A stream refuses consumers without a prefetch.
    return client.start().compose(v -> client.basicQos(0, rabbit.prefetch(), false));
  }

  /** The offset of the newest message in the stream, or -1 when it is empty. */
  private Future<Long> endOffset() {
    QueueOptions options = new QueueOptions().setAutoAck(false);
    options.setConsumerArguments(Map.of("x-stream-offset", "last"));
    Promise<Long> result = Promise.promise();
    client.basicConsumer(rabbit.stream(), options).onSuccess(probe -> {
      long[] end = {-1};
      long[] quiet = {vertx.setTimer(QUIET_MS, t -> result.tryComplete(end[0]))};
      vertx.setTimer(MAX_PROBE_MS, t -> result.tryComplete(end[0])); // a busy log is never quiet
      probe.handler(message -> {
        client.basicAck(message.envelope().getDeliveryTag(), false);
        Map<String, Object> headers = message.properties().getHeaders();
        if (headers != null && headers.get("x-stream-offset") instanceof Number offset) {
          end[0] = Math.max(end[0], offset.longValue());
        }
        vertx.cancelTimer(quiet[0]);
        quiet[0] = vertx.setTimer(QUIET_MS, t -> result.tryComplete(end[0]));
      });
      result.future().onComplete(ar -> vertx.executeBlocking(probe::cancel));
    }).onFailure(result::tryFail);
    return result.future();
  }
}
