package messenger.rabbit;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQConsumer;
import io.vertx.rabbitmq.RabbitMQMessage;
import messenger.Settings;
import messenger.chat.ChatMessage;
import messenger.chat.RecentIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A chat-log reader on a connection of its own, supervised here rather than by the client's own reconnect:
 * the client would restart a consumer with the arguments it was first created with (for a stream, the
 * wrong offset) and possibly before the QoS it needs. A watchdog notices a lost connection and connects
 * again; {@link #subscribe()} then declares what it needs and consumes from where reading should resume.
 * Deliveries of an older connection are ignored, and message ids already seen are dropped, which makes a
 * retried publish harmless.
 */
abstract class SupervisedChatLog implements ChatLog {

  protected final Logger log = LoggerFactory.getLogger(getClass());
  protected final Vertx vertx;
  protected final Settings.Rabbit rabbit;
  protected final RabbitMQClient client;
  private final RecentIds seenIds = new RecentIds(10_000);

  private Handler<ChatMessage> sink;
  private RabbitMQConsumer consumer;
  /** Bumped on every connection. */
  private int generation;
  private boolean connecting;
  private boolean stopped;
  private int failedAttempts;
  private long watchdog = -1;

  SupervisedChatLog(Vertx vertx, Settings.Rabbit rabbit) {
    this.vertx = vertx;
    this.rabbit = rabbit;
    this.client = RabbitMQClient.create(vertx, Topology.options(rabbit, "chatlog", 0));
  }

  /** On a fresh connection: declares what reading needs and starts consuming where reading resumes. */
  protected abstract Future<RabbitMQConsumer> subscribe();

  /** A delivery on the current connection: the chat message it carries, or null to pass nothing on. */
  protected abstract ChatMessage read(RabbitMQMessage message);

  /** Before each connection attempt, e.g. to forget the delivery tags of the previous one. */
  protected void onConnecting() {
  }

  /** Before the connection is closed for good, e.g. to ack what was read. */
  protected void onStopping() {
  }

  /** Completes after the first connection attempt, successful or not: it keeps trying in the background. */
  @Override
  public Future<Void> start(Handler<ChatMessage> sink) {
    this.sink = sink;
    watchdog = vertx.setPeriodic(rabbit.reconnectIntervalMs(), t -> {
      if (!stopped && !connecting && !isRunning()) {
        log.info("Chat log consumer is down; reconnecting");
        client.stop().eventually(this::connect);
      }
    });
    return connect().otherwiseEmpty();
  }

  @Override
  public boolean isRunning() {
    return consumer != null && !consumer.isCancelled() && client.isConnected();
  }

  @Override
  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(watchdog);
    onStopping();
    return client.stop().otherwiseEmpty();
  }

  private Future<Void> connect() {
    if (stopped) {
      return Future.succeededFuture();
    }
    connecting = true;
    consumer = null;
    int gen = ++generation;
    onConnecting();
    return client.start()
      .compose(v -> subscribe())
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

  private void onDelivery(RabbitMQMessage message, int gen) {
    if (gen != generation) {
      return;
    }
    ChatMessage chat = read(message);
    if (chat == null) {
      return;
    }
    if (!seenIds.add(chat.id())) {
      log.debug("Dropping duplicate of message {} at seq {}", chat.id(), chat.seq());
      return;
    }
    sink.handle(chat);
  }
}
