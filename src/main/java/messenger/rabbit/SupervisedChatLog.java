package messenger.rabbit;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQConsumer;
import io.vertx.rabbitmq.RabbitMQMessage;
import messenger.Settings;
import messenger.broker.Broker;
import messenger.chat.ChatMessage;
import messenger.chat.RecentIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A chat-log reader on a connection of its own, kept alive by a {@link Supervisor}: on every connection
 * {@link #subscribe()} declares what it needs and consumes from where reading should resume. Deliveries of an
 * older connection are ignored, and message ids already seen are dropped, which makes a retried publish
 * harmless. A reader that is subscribed but {@link ReaderProgress#stalled stalled} says it does not run, so
 * that it is connected again.
 */
abstract class SupervisedChatLog implements ChatLog, Supervisor.Supervised {

  protected final Logger log = LoggerFactory.getLogger(getClass());
  protected final Vertx vertx;
  protected final Settings.Rabbit rabbit;
  protected final RabbitMQClient client;
  private final Supervisor supervisor;
  private final RecentIds seenIds = new RecentIds(10_000);
  private final ReaderProgress progress;
  private boolean stallReported;

  private Handler<ChatMessage> sink;
  private RabbitMQConsumer consumer;
  /** Bumped on every connection. */
  private int generation;

  SupervisedChatLog(Vertx vertx, Broker broker, Settings.Rabbit rabbit) {
    this.vertx = vertx;
    this.rabbit = rabbit;
    this.client = broker.client(vertx, "chatlog", 0);
    this.supervisor = new Supervisor(vertx, client, "Chat log consumer", rabbit.reconnectIntervalMs(), this);
    this.progress = new ReaderProgress(rabbit.readerStallMs(), System.currentTimeMillis());
  }

  @Override
  public ReaderProgress progress() {
    return progress;
  }

  /** On a fresh connection: declares what reading needs and starts consuming where reading resumes. */
  protected abstract Future<RabbitMQConsumer> subscribe();

  /** A delivery on the current connection: the chat message it carries, or null to pass nothing on. */
  protected abstract ChatMessage read(RabbitMQMessage message);

  /** Where the reader is: the {@code seq} of its last delivery. */
  protected abstract long position();

  /** True when a new subscription resumes after the last delivery, so that nothing published meanwhile is missed. */
  protected abstract boolean resumes();

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
    return supervisor.start();
  }

  @Override
  public boolean isRunning() {
    if (consumer == null || consumer.isCancelled() || !client.isConnected()) {
      return false;
    }
    if (progress.stalled(System.currentTimeMillis())) {
      if (!stallReported) {
        stallReported = true;
        log.warn("The chat log reader is behind and has received nothing for {} ms although subscribed; reconnecting",
          rabbit.readerStallMs());
      }
      return false;
    }
    return true;
  }

  @Override
  public Future<Void> stop() {
    onStopping();
    return supervisor.stop();
  }

  @Override
  public final void connecting() {
    consumer = null;
    generation++;
    onConnecting();
  }

  @Override
  public final Future<?> connected() {
    int gen = generation;
    return subscribe().onSuccess(c -> {
      consumer = c;
      stallReported = false;
      progress.subscribed(resumes(), System.currentTimeMillis());
      c.handler(message -> onDelivery(message, gen));
      c.exceptionHandler(err -> log.warn("Chat log consumer error", err));
    });
  }

  private void onDelivery(RabbitMQMessage message, int gen) {
    if (gen != generation) {
      return;
    }
    ChatMessage chat = read(message);
    progress.read(chat == null ? null : chat.id(), position(), System.currentTimeMillis());
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
