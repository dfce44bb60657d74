package messenger.rabbit;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import messenger.Addresses;
import messenger.Settings;
import messenger.chat.ChatMessage;
import messenger.chat.History;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Owns this instance's RabbitMQ side: the confirmed publisher with its per-user publishers, and the one
 * reader of the chat log, whose messages it keeps as history and republishes on {@code chat.messages}.
 */
public class RabbitVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(RabbitVerticle.class);

  /** Each instance reads the log itself: a clustered event bus must never carry a second copy. */
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private ChatPublisher publisher;
  private UserPublishers users;
  private ChatLog chatLog;
  private History history;
  private Settings settings;
  /** Publishes not yet answered; shutdown waits for them. */
  private int inFlight;
  private boolean draining;
  private Promise<Void> drained;
  private boolean brokerUp;
  private long brokerChangedAt = System.currentTimeMillis();

  @Override
  public Future<?> start() {
    settings = Settings.from(config());
    history = new History(settings.chat().historySize());
    publisher = new ChatPublisher(vertx, settings.rabbit());
    users = new UserPublishers(publisher, settings.chat());
    chatLog = new StreamChatLog(vertx, settings);

    EventBus bus = vertx.eventBus();
    bus.<JsonObject>localConsumer(Addresses.PUBLISH, this::publish);
    bus.<JsonObject>localConsumer(Addresses.HISTORY, this::history);
    bus.<String>localConsumer(Addresses.LOGOUT, msg -> users.remove(msg.body()));
    bus.<JsonObject>localConsumer(Addresses.STATUS, msg -> msg.reply(new JsonObject()
      .put("publisher", publisher.isReady())
      .put("consumer", chatLog.isRunning())
      .put("publishers", users.size())
      .put("history", history.size())));
    vertx.setPeriodic(30_000, t -> users.evictIdle(System.currentTimeMillis()));
    vertx.setPeriodic(250, t -> logBrokerState());

    publisher.start();
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
      .timeout(settings.rabbit().confirmTimeoutMs() + 1000, TimeUnit.MILLISECONDS)
      .otherwiseEmpty()
      .compose(v -> Future.join(chatLog.stop(), publisher.stop()));
  }

  private void logBrokerState() {
    boolean up = publisher.isReady() && chatLog.isRunning();
    if (up != brokerUp) {
      long now = System.currentTimeMillis();
      if (up) {
        log.info("RabbitMQ is available: publishing and reading the chat log (after {} ms)", now - brokerChangedAt);
      } else {
        log.warn("RabbitMQ is unavailable: sends are answered 503 until it is back");
      }
      brokerUp = up;
      brokerChangedAt = now;
    }
  }

  private void deliver(ChatMessage message) {
    history.add(message);
    vertx.eventBus().publish(Addresses.CHAT_MESSAGES, message.toJson(), LOCAL);
  }

  private void publish(Message<JsonObject> request) {
    if (draining) {
      request.fail(SendRefused.UNAVAILABLE, "The server is shutting down; try again.");
      return;
    }
    JsonObject body = request.body();
    String id = body.getString("id");
    inFlight++;
    users.publish(body.getString("sender"), id, body.getString("text"), System.currentTimeMillis())
      .onComplete(ar -> {
        if (--inFlight == 0 && draining) {
          drained.tryComplete();
        }
      })
      .onSuccess(v -> request.reply(new JsonObject().put("id", id)))
      .onFailure(err -> {
        int status = err instanceof SendRefused refused ? refused.status : SendRefused.UNAVAILABLE;
        request.fail(status, err.getMessage());
      });
  }

  private void history(Message<JsonObject> request) {
    JsonObject query = request.body();
    request.reply(new JsonObject().put("messages",
      history.query(query.getLong("after", -1L), query.getInteger("limit", 50))));
  }
}
