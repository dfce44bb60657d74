package messenger.rooms;

import com.rabbitmq.client.AMQP;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQConsumer;
import io.vertx.rabbitmq.RabbitMQMessage;
import messenger.Settings;
import messenger.broker.Broker;
import messenger.rabbit.ReaderProgress;
import messenger.rabbit.StreamEnd;
import messenger.rabbit.Supervisor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The room log on RabbitMQ: a stream {@code <exchange>.rooms} without a max-age (a room lives until it is
 * archived, however old), on a connection of its own kept by a {@link Supervisor}. Read from its first offset at
 * start-up, then followed; after a reconnect from the last offset seen + 1. Events are published to the stream
 * with a confirm and then awaited in what this reader reads, so a creation is answered only once this instance
 * applied it; a confirmed event the reader does not read within {@code readerStallMs} marks the reader stalled
 * ({@link ReaderProgress}), and the supervisor connects it again.
 */
final class RoomStream implements RoomLog, Supervisor.Supervised {

  private static final Logger log = LoggerFactory.getLogger(RoomStream.class);
  private static final int PREFETCH = 200;
  /** How long a start-up waits to have read the log before it lets requests in. */
  private static final long FIRST_READ_MS = 10_000;

  private final Vertx vertx;
  private final RabbitMQClient client;
  private final Supervisor supervisor;
  private final String stream;
  private final JsonObject arguments = new JsonObject().put("x-queue-type", "stream");
  private final Settings.Rabbit rabbit;
  private final ReaderProgress progress;
  private final AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
    .contentType("application/json")
    .deliveryMode(2)
    .build();
  private final Promise<Void> firstRead = Promise.promise();
  /** This instance's events not read back yet. */
  private final Map<String, Promise<Void>> unread = new HashMap<>();
  private Handler<RoomEvent> sink;
  private RabbitMQConsumer consumer;
  private long lastOffset = -1;
  /** Where the first read ends: the last offset when this instance first connected (-1: empty); null until then. */
  private Long end;
  private boolean stallReported;

  RoomStream(Vertx vertx, Broker broker, Settings settings) {
    this.vertx = vertx;
    this.rabbit = settings.rabbit();
    this.stream = rabbit.roomStream();
    Integer replicas = broker.streamInitialClusterSize();
    if (replicas != null) {
      arguments.put("x-initial-cluster-size", replicas);
    }
    this.client = broker.client(vertx, "rooms", 0);
    this.supervisor = new Supervisor(vertx, client, "Room log", rabbit.reconnectIntervalMs(), this);
    this.progress = new ReaderProgress(rabbit.readerStallMs(), System.currentTimeMillis());
  }

  @Override
  public Future<Void> start(Handler<RoomEvent> sink) {
    this.sink = sink;
    return supervisor.start().compose(v -> isRunning()
      ? firstRead.future().timeout(FIRST_READ_MS, TimeUnit.MILLISECONDS).otherwiseEmpty()
      : Future.succeededFuture());
  }

  @Override
  public Future<Void> stop() {
    return supervisor.stop();
  }

  @Override
  public Future<Void> append(RoomEvent event) {
    if (!isRunning()) {
      return Future.failedFuture("the room log is not available");
    }
    Promise<Void> applied = Promise.promise();
    unread.put(event.id(), applied);
    progress.awaitRead(event.id()); // for the stall check only: it forgets the waiter once confirmed
    return client.basicPublish("", stream, properties, event.toBuffer())
      .compose(v -> client.waitForConfirms(rabbit.confirmTimeoutMs()))
      .onSuccess(v -> progress.confirmed(event.id(), System.currentTimeMillis()))
      .compose(v -> applied.future().timeout(rabbit.readerStallMs() + rabbit.reconnectIntervalMs(), TimeUnit.MILLISECONDS))
      .onFailure(err -> {
        unread.remove(event.id());
        progress.forget(event.id());
      });
  }

  @Override
  public void connecting() {
    consumer = null;
  }

  @Override
  public Future<?> connected() {
    return declare()
      .compose(v -> StreamEnd.follow(vertx, client, stream, PREFETCH, end, lastOffset))
      .onSuccess(following -> {
        end = following.end();
        RabbitMQConsumer c = following.consumer();
        consumer = c;
        stallReported = false;
        progress.subscribed(true, System.currentTimeMillis());
        c.handler(this::read);
        log.info("Reading the room log '{}' from offset {}", stream, lastOffset + 1);
        if (lastOffset >= end) {
          firstRead.tryComplete();
        }
      });
  }

  @Override
  public boolean isRunning() {
    if (consumer == null || consumer.isCancelled() || !client.isConnected()) {
      return false;
    }
    if (progress.stalled(System.currentTimeMillis())) {
      if (!stallReported) {
        stallReported = true;
        log.warn("The room log reader has not read back a confirmed event for {} ms; reconnecting", rabbit.readerStallMs());
      }
      return false;
    }
    return true;
  }

  /** Created when missing, else used as it is (a passive declaration first: its arguments never change). */
  private Future<Void> declare() {
    return client.messageCount(stream).<Void>mapEmpty()
      .recover(missing -> client.queueDeclare(stream, true, false, false, arguments).mapEmpty());
  }

  private void read(RabbitMQMessage message) {
    client.basicAck(message.envelope().getDeliveryTag(), false);
    Long offset = StreamEnd.offset(message);
    if (offset == null || offset <= lastOffset) {
      return;
    }
    lastOffset = offset;
    RoomEvent event = RoomEvent.parse(message.body());
    if (event == null) {
      log.debug("Ignoring a message at offset {} of the room log that is not a room event", offset);
    } else {
      sink.handle(event);
      Promise<Void> applied = unread.remove(event.id());
      if (applied != null) {
        applied.complete();
      }
    }
    progress.read(event == null ? null : event.id(), offset, System.currentTimeMillis());
    if (offset >= end) {
      firstRead.tryComplete();
    }
  }
}
