package messenger.rabbit;

import io.vertx.core.Future;
import io.vertx.core.Handler;
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

import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The chat log on the embedded try-out broker, which has no streams: a server-named, exclusive, auto-delete
 * queue of this instance's own, bound to the exchange. {@code seq} is counted here, and history is what this
 * instance has seen since it started (kept by the caller, as for the stream).
 *
 * <p>The connection is supervised like {@link StreamChatLog}'s: a watchdog connects again and declares a new
 * queue. Limits of the try-out mode, by design: a message published while this reader was disconnected is
 * not in its new queue and is lost for it, and nothing survives a restart. {@code seq} starts from the start
 * time (in microseconds), so it still grows across a restart and open browsers keep ordering and resuming.
 */
final class QueueChatLog implements ChatLog {

  private static final Logger log = LoggerFactory.getLogger(QueueChatLog.class);

  private final Vertx vertx;
  private final Settings.Rabbit rabbit;
  private final RabbitMQClient client;
  private final RecentIds seenIds = new RecentIds(10_000);

  private Handler<ChatMessage> sink;
  private RabbitMQConsumer consumer;
  /** Bumped on every connection: deliveries of an older connection are ignored. */
  private int generation;
  private long nextSeq = System.currentTimeMillis() * 1000;
  private boolean connecting;
  private boolean stopped;
  private long watchdog = -1;

  QueueChatLog(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.rabbit = settings.rabbit();
    // No client-side reconnect: the watchdog below declares a new queue on every connection.
    this.client = RabbitMQClient.create(vertx, Topology.options(rabbit, "chatlog", 0));
  }

  /** The queue receives only live messages: there is no backlog to measure. */
  @Override
  public LagProbe lagProbe(LongSupplier lastRead, LongConsumer report) {
    return new LagProbe() {
      @Override
      public void start() {
        report.accept(0);
      }

      @Override
      public Future<Void> stop() {
        return Future.succeededFuture();
      }
    };
  }

  @Override
  public Future<Void> declareForPublishing(RabbitMQClient publisher) {
    return Topology.declareExchange(publisher, rabbit);
  }

  /** Completes once the queue is bound: a message published before that would reach nobody. */
  @Override
  public Future<Void> start(Handler<ChatMessage> sink) {
    this.sink = sink;
    watchdog = vertx.setPeriodic(rabbit.reconnectIntervalMs(), t -> {
      if (!stopped && !connecting && !isRunning()) {
        log.warn("Chat log consumer is down; reconnecting. Messages sent meanwhile are lost on the embedded broker.");
        client.stop().eventually(this::connect);
      }
    });
    return connect();
  }

  @Override
  public boolean isRunning() {
    return consumer != null && !consumer.isCancelled() && client.isConnected();
  }

  @Override
  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(watchdog);
    return client.stop().otherwiseEmpty();
  }

  private Future<Void> connect() {
    if (stopped) {
      return Future.succeededFuture();
    }
    connecting = true;
    consumer = null;
    int gen = ++generation;
    return client.start()
      .compose(v -> Topology.declareExchange(client, rabbit))
      .compose(v -> client.queueDeclare("", false, true, true))
      .compose(ok -> client.queueBind(ok.getQueue(), rabbit.exchange(), "").map(ok.getQueue()))
      .compose(queue -> {
        log.info("Reading the chat log from queue '{}' bound to exchange '{}'", queue, rabbit.exchange());
        return client.basicConsumer(queue, new QueueOptions().setAutoAck(true));
      })
      .onSuccess(c -> {
        consumer = c;
        c.handler(message -> onDelivery(message, gen));
        c.exceptionHandler(err -> log.warn("Chat log consumer error", err));
      })
      .onFailure(err -> log.warn("Chat log unavailable ({}); retrying every {} ms", err.getMessage(), rabbit.reconnectIntervalMs()))
      .onComplete(ar -> connecting = false)
      .mapEmpty();
  }

  private void onDelivery(RabbitMQMessage message, int gen) {
    if (gen != generation) {
      return;
    }
    ChatMessage chat = StreamChatLog.decode(nextSeq, message);
    if (chat == null || !seenIds.add(chat.id())) {
      return; // not a chat message, or a retried publish already delivered
    }
    nextSeq++;
    sink.handle(chat);
  }
}
