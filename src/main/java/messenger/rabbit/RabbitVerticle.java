package messenger.rabbit;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import messenger.Addresses;
import messenger.Instance;
import messenger.Settings;
import messenger.broker.Broker;
import messenger.bus.Bus;
import messenger.bus.ChatRequests.HistoryQuery;
import messenger.bus.ChatRequests.Publish;
import messenger.bus.ChatRequests.Status;
import messenger.bus.LoggedOut;
import messenger.chat.ChatMessage;
import messenger.chat.RoomHistories;
import messenger.metrics.Metrics;
import messenger.metrics.Metrics.Hop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Owns this instance's RabbitMQ side: the confirmed publisher with its per-user publishers, and the one
 * reader of the chat log, whose newest messages of each recently active room it keeps in memory and republishes on
 * the room's address ({@code chat.room.<room>}); {@code /history} is answered from that memory and from the log
 * beyond it ({@link ChatHistory}).
 */
public class RabbitVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(RabbitVerticle.class);

  private final Settings settings;
  private final Broker broker;
  private ChatPublisher publisher;
  private UserPublishers users;
  private ChatLog chatLog;
  private RoomHistories history;
  private ChatHistory pages;
  private Metrics metrics;
  private ChatLog.LagProbe lag;
  private long lastSeq = -1;
  /** Publishes not yet answered; shutdown waits for them. */
  private int inFlight;
  private boolean draining;
  private Promise<Void> drained;
  private boolean brokerUp;
  /** When each own message not read back yet was published, for the hop timer; the oldest are dropped first. */
  private final Map<String, Long> publishedAt = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > 10_000;
    }
  };
  private long brokerChangedAt = System.currentTimeMillis();

  /** {@code broker}: the broker chosen at start-up; its kind decides how the chat log is kept. */
  public RabbitVerticle(Settings settings, Broker broker) {
    this.settings = settings;
    this.broker = broker;
  }

  @Override
  public Future<?> start() {
    history = new RoomHistories(settings.chat().historySize(), settings.rooms().historyRooms());
    chatLog = ChatLog.of(broker, vertx, settings);
    publisher = new ChatPublisher(vertx, broker, settings.rabbit(), chatLog::declare, chatLog.progress());
    // The broker's version as last seen (at start-up, and on every connection of the history reader).
    users = new UserPublishers(publisher, settings.chat(),
      () -> StreamFilter.enabled(settings.rabbit().streamFilter(), broker.serverProperties()));
    metrics = Metrics.of(vertx);
    lag = chatLog.lagProbe(() -> lastSeq, metrics::consumerLag);
    pages = new ChatHistory(vertx, history, chatLog, settings.history(), metrics);

    EventBus bus = vertx.eventBus();
    bus.<Publish>localConsumer(Addresses.PUBLISH, this::publish);
    bus.<HistoryQuery>localConsumer(Addresses.HISTORY, msg -> pages.page(msg.body())
      .onSuccess(page -> msg.reply(page, Bus.LOCAL))
      .onFailure(err -> msg.reply(ChatHistory.refusal(err), Bus.LOCAL)));
    bus.<LoggedOut>localConsumer(Addresses.LOGOUT, msg -> users.remove(msg.body().user()));
    bus.<Void>localConsumer(Addresses.STATUS, msg -> msg.reply(new Status(publisher.isReady(), chatLog.isRunning(),
      users.size(), history.size(), broker.describe(), Instance.NAME)));
    vertx.setPeriodic(30_000, t -> users.evictIdle(System.currentTimeMillis()));
    watchBroker();
    vertx.setPeriodic(250, t -> watchBroker());

    publisher.start();
    lag.start();
    return chatLog.start(this::deliver);
  }

  /**
   * Graceful: new sends are refused, the ones in flight get their confirm (or their timeout), then the
   * consumer acks what it read and both connections close.
   */
  @Override
  public Future<?> stop() {
    draining = true;
    drained = Promise.promise();
    if (inFlight == 0) {
      drained.tryComplete();
    }
    return drained.future()
      .timeout(settings.rabbit().sendTimeoutMs() + 1000, TimeUnit.MILLISECONDS)
      .otherwiseEmpty()
      .compose(v -> Future.join(chatLog.stop(), publisher.stop(), lag.stop(), pages.stop()));
  }

  /** Publishes this side's state to the metrics, and logs when the broker comes and goes. */
  private void watchBroker() {
    boolean publishing = publisher.isReady();
    boolean reading = chatLog.isRunning();
    metrics.brokerConnected("publisher", publishing);
    metrics.brokerConnected("consumer", reading);
    metrics.userPublishers(users.size());
    boolean up = publishing && reading;
    if (up != brokerUp) {
      long now = System.currentTimeMillis();
      if (up) {
        log.info("{} is available: publishing and reading the chat log (after {} ms)", broker.kind().displayName, now - brokerChangedAt);
      } else if (!draining) { // while stopping, the connections close on purpose
        log.warn("{} is unavailable: sends are answered 503 until it is back", broker.kind().displayName);
      }
      brokerUp = up;
      brokerChangedAt = now;
    }
  }

  private void deliver(ChatMessage message) {
    history.add(message);
    lastSeq = message.seq();
    metrics.delivered();
    Long published = publishedAt.remove(message.id());
    metrics.hop(Hop.READ, published == null ? 0 : published);
    // Each instance reads the log itself: a clustered event bus must never carry a second copy.
    vertx.eventBus().publish(Addresses.room(message.room()), message.toJson(), Metrics.hopStart(new DeliveryOptions(Bus.LOCAL)));
  }

  private void publish(Message<Publish> request) {
    if (draining) {
      request.fail(SendRefused.UNAVAILABLE, "The server is shutting down; try again.");
      return;
    }
    Publish send = request.body();
    inFlight++;
    long started = System.nanoTime();
    metrics.hop(Hop.TO_PUBLISHER, Metrics.hopStart(request));
    publishedAt.put(send.id(), started);
    users.publish(send.sender(), send.senderId(), send.id(), send.room(), send.members(), send.text(), System.currentTimeMillis())
      .onComplete(ar -> {
        if (--inFlight == 0 && draining) {
          drained.tryComplete();
        }
      })
      .onSuccess(v -> {
        metrics.published(System.nanoTime() - started);
        metrics.hop(Hop.CONFIRM, started);
        request.reply(null, Metrics.hopStart(new DeliveryOptions(Bus.LOCAL)));
      })
      .onFailure(err -> {
        publishedAt.remove(send.id());
        int status = err instanceof SendRefused refused ? refused.status : SendRefused.UNAVAILABLE;
        request.fail(status, err.getMessage());
      });
  }
}
