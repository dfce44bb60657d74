package messenger.rooms;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQClient;
import messenger.Settings;
import messenger.broker.Broker;
import messenger.bus.ReaderStatus;
import messenger.rabbit.FollowedStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room log on RabbitMQ: a stream {@code <exchange>.rooms} without a max-age (a room lives until it is
 * archived, however old), {@link FollowedStream followed} on a connection of its own: read from its first offset at
 * start-up, then followed. An event is published with a confirm and then awaited in what this reader reads, so a
 * creation is answered only once this instance applied it.
 */
final class RoomStream implements RoomLog, FollowedStream.Reader {

  private static final Logger log = LoggerFactory.getLogger(RoomStream.class);
  private static final int PREFETCH = 200;

  private final String stream;
  private final JsonObject arguments = new JsonObject().put("x-queue-type", "stream");
  private final FollowedStream followed;
  private Handler<RoomEvent> sink;

  RoomStream(Vertx vertx, Broker broker, Settings settings) {
    this.stream = settings.rabbit().roomStream();
    Integer replicas = broker.streamInitialClusterSize();
    if (replicas != null) {
      arguments.put("x-initial-cluster-size", replicas);
    }
    this.followed = new FollowedStream(vertx, broker, settings.rabbit(), "rooms", "room log", stream, PREFETCH,
      this::declare);
  }

  @Override
  public Future<Void> start(Handler<RoomEvent> sink) {
    this.sink = sink;
    return followed.start(this);
  }

  @Override
  public Future<Void> stop() {
    return followed.stop();
  }

  @Override
  public Future<Void> append(RoomEvent event) {
    return followed.append(event.id(), event.toBuffer());
  }

  @Override
  public ReaderStatus status() {
    return followed.status();
  }

  /** Created when missing, else used as it is (a passive declaration first: its arguments never change). */
  private Future<Void> declare(RabbitMQClient client) {
    return client.messageCount(stream).<Void>mapEmpty()
      .recover(missing -> client.queueDeclare(stream, true, false, false, arguments).mapEmpty());
  }

  @Override
  public String read(long offset, Buffer body) {
    RoomEvent event = RoomEvent.parse(body);
    if (event == null) {
      log.debug("Ignoring a message at offset {} of the room log that is not a room event", offset);
      return null;
    }
    sink.handle(event);
    return event.id();
  }
}
