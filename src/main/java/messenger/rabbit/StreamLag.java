package messenger.rabbit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.RabbitMQClient;
import messenger.Settings;
import messenger.broker.Broker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * How far this instance's reader is behind the chat log's end, for the consumer-lag metric: every few seconds
 * the {@link StreamEnd} of the log, less the reader's last offset. It has a connection of its own so that it can
 * never disturb the reader, and it tells the end it saw to the reader's {@link ReaderProgress}, which notices a
 * reader that stays behind. It reports -1 (unknown) while the broker is unreachable and when it sees no end of a
 * log the reader has read from: on a cluster, a node whose replica is not running answers a consumer with
 * nothing at all; the probe then connects again, most likely to another node.
 */
final class StreamLag implements ChatLog.LagProbe {

  private static final Logger log = LoggerFactory.getLogger(StreamLag.class);
  private static final long MAX_PERIOD_MS = 5_000;

  private final Vertx vertx;
  private final Settings.Rabbit rabbit;
  private final RabbitMQClient client;
  private final LongSupplier lastRead;
  private final LongConsumer report;
  private final ReaderProgress progress;
  private long timer = -1;
  private boolean probing;

  StreamLag(Vertx vertx, Broker broker, Settings.Rabbit rabbit, LongSupplier lastRead, LongConsumer report,
            ReaderProgress progress) {
    this.vertx = vertx;
    this.rabbit = rabbit;
    this.lastRead = lastRead;
    this.report = report;
    this.progress = progress;
    this.client = broker.client(vertx, "lag", 0);
  }

  @Override
  public void start() {
    // Often enough for the reader's progress check to hear of an end it does not reach within its bound.
    timer = vertx.setPeriodic(Math.max(100, Math.min(MAX_PERIOD_MS, rabbit.readerStallMs() / 2)), t -> {
      if (probing) {
        return;
      }
      probing = true;
      connected().compose(v -> StreamEnd.lastOffset(vertx, client, rabbit.stream(), rabbit.prefetch()))
        .onSuccess(this::measured)
        .onFailure(err -> {
          log.debug("Could not measure the consumer lag: {}", err.getMessage());
          report.accept(-1);
          client.stop();
        })
        .onComplete(ar -> probing = false);
    });
  }

  private void measured(long end) {
    long read = lastRead.getAsLong();
    progress.endSeen(end, System.currentTimeMillis());
    if (end >= 0) {
      report.accept(Math.max(0, end - read));
    } else if (read < 0) {
      report.accept(0); // an empty log, and nothing read
    } else {
      log.debug("The lag probe saw no end of the chat log; connecting again");
      report.accept(-1);
      client.stop();
    }
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
}
