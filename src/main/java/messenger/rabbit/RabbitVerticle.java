package messenger.rabbit;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import messenger.Addresses;
import messenger.Settings;
import messenger.chat.ChatMessage;
import messenger.chat.History;
import messenger.metrics.Metrics;

/**
 * Owns this instance's RabbitMQ side: the confirmed publisher with its per-user publishers, and the one
 * reader of the chat log, whose messages it keeps as history and republishes on {@code chat.messages}.
 */
public class RabbitVerticle extends VerticleBase {

  /** Each instance reads the log itself: a clustered event bus must never carry a second copy. */
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private ChatPublisher publisher;
  private UserPublishers users;
  private ChatLog chatLog;
  private History history;
  private Metrics metrics;
  private StreamLag lag;
  private long lastSeq = -1;

  @Override
  public Future<?> start() {
    Settings settings = Settings.from(config());
    history = new History(settings.chat().historySize());
    publisher = new ChatPublisher(vertx, settings.rabbit());
    users = new UserPublishers(publisher, settings.chat());
    chatLog = new StreamChatLog(vertx, settings);
    metrics = Metrics.of(vertx);
    metrics.brokerConnection("publisher", publisher::isReady);
    metrics.brokerConnection("consumer", chatLog::isRunning);
    metrics.gauge("messenger.user.publishers", "Per-user publishers this instance holds", users::size);
    lag = new StreamLag(vertx, settings.rabbit(), () -> lastSeq, metrics::consumerLag);

    EventBus bus = vertx.eventBus();
    bus.<JsonObject>localConsumer(Addresses.PUBLISH, this::publish);
    bus.<JsonObject>localConsumer(Addresses.HISTORY, this::history);
    bus.<String>localConsumer(Addresses.LOGOUT, msg -> users.remove(msg.body()));
    bus.<JsonObject>localConsumer(Addresses.STATUS, msg -> msg.reply(new JsonObject()
      .put("publisher", publisher.isReady())
      .put("consumer", chatLog.isRunning())
      .put("publishers", users.size())
      .put("history", history.size())
      .put("instance", Instance.NAME)));
    vertx.setPeriodic(30_000, t -> users.evictIdle(System.currentTimeMillis()));

    publisher.start();
    lag.start();
    return chatLog.start(this::deliver);
  }

  @Override
  public Future<?> stop() {
    return Future.join(chatLog.stop(), publisher.stop(), lag.stop());
  }

  private void deliver(ChatMessage message) {
    history.add(message);
    lastSeq = message.seq();
    metrics.delivered();
    vertx.eventBus().publish(Addresses.CHAT_MESSAGES, message.toJson(), LOCAL);
  }

  private void publish(Message<JsonObject> request) {
    JsonObject body = request.body();
    String id = body.getString("id");
    long started = System.nanoTime();
    users.publish(body.getString("sender"), id, body.getString("text"), System.currentTimeMillis())
      .onSuccess(v -> metrics.published(System.nanoTime() - started))
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
