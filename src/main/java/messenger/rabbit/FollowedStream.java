package messenger.rabbit;

import com.rabbitmq.client.AMQP;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQConsumer;
import io.vertx.rabbitmq.RabbitMQMessage;
import messenger.Settings;
import messenger.broker.Broker;
import messenger.bus.ReaderStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A small stream that this instance reads whole at start-up, then follows and appends to (the room log, the logout
 * record), on a connection of its own kept by a {@link Supervisor}. After a reconnect it resumes at the last offset
 * read + 1, and deliveries of an older connection are ignored. What this instance publishes the broker confirms,
 * and then the reader must read it back: a confirmed entry not read within {@code readerStallMs} marks the reader
 * stalled ({@link ReaderProgress}: on a cluster a consumer can get consume-ok and then nothing), so it says it does
 * not run, the supervisor connects it again, and {@link #status()} (for {@code /health}) says so meanwhile.
 * Used on the event loop of the verticle that created it.
 */
public final class FollowedStream implements Supervisor.Supervised {

  /** What the owner does with the stream's entries. */
  public interface Reader {

    /** One entry, in log order, each offset once: applies it and answers its id (as published), or null when it is none. */
    String read(long offset, Buffer body);

    /** Everything the stream held when this instance first connected has been read (once). */
    default void caughtUp() {
    }

    /** Consuming on a fresh connection. */
    default void subscribed() {
    }
  }

  private static final Logger log = LoggerFactory.getLogger(FollowedStream.class);
  /** How long a start-up waits to have read the stream before it lets requests in. */
  private static final long FIRST_READ_MS = 10_000;
  private static final AMQP.BasicProperties PROPERTIES = new AMQP.BasicProperties.Builder()
    .contentType("application/json")
    .deliveryMode(2)
    .build();

  private final Vertx vertx;
  private final Settings.Rabbit rabbit;
  private final RabbitMQClient client;
  private final Supervisor supervisor;
  private final String name;
  private final String stream;
  private final int prefetch;
  private final Function<RabbitMQClient, Future<Void>> declare;
  private final ReaderProgress progress;
  private final Promise<Void> firstRead = Promise.promise();
  /** This instance's entries that wait to be read back. */
  private final Map<String, Promise<Void>> unread = new HashMap<>();
  private Reader reader;
  private RabbitMQConsumer consumer;
  /** Bumped on every connection. */
  private int generation;
  private long lastOffset = -1;
  /** Where the first read ends: the last offset when this instance first connected (-1: empty); null until then. */
  private Long end;
  private boolean stallReported;

  /**
   * {@code name}: the reader as logs and {@code /health} call it ("room log"); its connection is
   * {@code messenger-<role>@<instance>}; {@code declare} declares {@code stream} on a fresh connection.
   */
  public FollowedStream(Vertx vertx, Broker broker, Settings.Rabbit rabbit, String role, String name, String stream,
                        int prefetch, Function<RabbitMQClient, Future<Void>> declare) {
    this.vertx = vertx;
    this.rabbit = rabbit;
    this.name = name;
    this.stream = stream;
    this.prefetch = prefetch;
    this.declare = declare;
    this.client = broker.client(vertx, role, 0);
    this.supervisor = new Supervisor(vertx, client, Character.toUpperCase(name.charAt(0)) + name.substring(1),
      rabbit.reconnectIntervalMs(), this);
    this.progress = new ReaderProgress(rabbit.readerStallMs(), System.currentTimeMillis());
  }

  /**
   * Starts reading. Completes once the stream has been read to where it ended at the first connection (or after
   * {@value #FIRST_READ_MS} ms), or after a failed first attempt (it keeps trying in the background).
   */
  public Future<Void> start(Reader reader) {
    this.reader = reader;
    return supervisor.start().compose(v -> isRunning()
      ? firstRead.future().timeout(FIRST_READ_MS, TimeUnit.MILLISECONDS).otherwiseEmpty()
      : Future.succeededFuture());
  }

  public Future<Void> stop() {
    return supervisor.stop();
  }

  /**
   * Publishes the entry {@code id}; completes once the broker confirmed it. From then on the reader must read it
   * back in time, or it counts as stalled.
   */
  public Future<Void> publish(String id, Buffer body) {
    if (!client.isConnected()) {
      return Future.failedFuture("the broker is not connected");
    }
    progress.awaitRead(id); // for the stall check only: it forgets the waiter once confirmed
    return client.basicPublish("", stream, PROPERTIES, body)
      .compose(v -> client.waitForConfirms(rabbit.confirmTimeoutMs()))
      .onSuccess(v -> progress.confirmed(id, System.currentTimeMillis()))
      .onFailure(err -> progress.forget(id));
  }

  /** Publishes the entry {@code id}; completes once this reader has read it back (so the owner applied it). */
  public Future<Void> append(String id, Buffer body) {
    if (!isRunning()) {
      return Future.failedFuture("the " + name + " is not available");
    }
    Promise<Void> applied = Promise.promise();
    unread.put(id, applied);
    return publish(id, body)
      .compose(v -> applied.future().timeout(rabbit.readerStallMs() + rabbit.reconnectIntervalMs(), TimeUnit.MILLISECONDS))
      .onFailure(err -> {
        unread.remove(id);
        progress.forget(id);
      });
  }

  @Override
  public void connecting() {
    consumer = null;
    generation++;
  }

  @Override
  public Future<?> connected() {
    int gen = generation;
    return declare.apply(client)
      .compose(v -> StreamEnd.follow(vertx, client, stream, prefetch, end, lastOffset))
      .onSuccess(following -> {
        end = following.end();
        consumer = following.consumer();
        stallReported = false;
        progress.subscribed(true, System.currentTimeMillis());
        consumer.handler(message -> read(message, gen));
        log.info("Reading the {} '{}' from offset {}", name, stream, lastOffset + 1);
        if (lastOffset >= end) {
          caughtUp();
        }
        reader.subscribed();
      });
  }

  @Override
  public boolean isRunning() {
    return ReaderStatus.READING.equals(state());
  }

  /** For {@code /health}. */
  public ReaderStatus status() {
    return new ReaderStatus(name, stream, state(), lastOffset);
  }

  private String state() {
    if (!client.isConnected()) {
      return ReaderStatus.DISCONNECTED;
    }
    if (consumer == null || consumer.isCancelled()) {
      return ReaderStatus.NOT_CONSUMING;
    }
    if (progress.stalled(System.currentTimeMillis())) {
      if (!stallReported) {
        stallReported = true;
        log.warn("The {} reader has not read back a confirmed entry for {} ms; reconnecting", name, rabbit.readerStallMs());
      }
      return ReaderStatus.STALLED;
    }
    return ReaderStatus.READING;
  }

  private void read(RabbitMQMessage message, int gen) {
    if (gen != generation) {
      return; // its connection is gone, and with it the delivery tag
    }
    client.basicAck(message.envelope().getDeliveryTag(), false);
    Long offset = StreamEnd.offset(message);
    if (offset == null || offset <= lastOffset) {
      return;
    }
    lastOffset = offset;
    String id = reader.read(offset, message.body());
    if (id != null) {
      Promise<Void> applied = unread.remove(id);
      if (applied != null) {
        applied.complete();
      }
    }
    progress.read(id, offset, System.currentTimeMillis());
    if (offset >= end) {
      caughtUp();
    }
  }

  private void caughtUp() {
    if (!firstRead.future().isComplete()) {
      reader.caughtUp();
      firstRead.complete();
    }
  }
}
