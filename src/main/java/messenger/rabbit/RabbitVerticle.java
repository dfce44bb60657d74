package messenger.rabbit;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import messenger.Addresses;
import messenger.Settings;
import messenger.broker.Broker;
import messenger.chat.ChatMessage;
import messenger.chat.History;

/**
 * Owns this instance's RabbitMQ side: the confirmed publisher with its per-user publishers, and the one
 * reader of the chat log, whose messages it keeps as history and republishes on {@code chat.messages}.
 */
public class RabbitVerticle extends VerticleBase {

  /** Each instance reads the log itself: a clustered event bus must never carry a second copy. */
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final Broker broker;
  private ChatPublisher publisher;
  private UserPublishers users;
  private ChatLog chatLog;
  private History history;

  /** {@code broker}: the broker chosen at start-up; its kind decides how the chat log is kept. */
  public RabbitVerticle(Broker broker) {
    this.broker = broker;
  }

  @Override
  public Future<?> start() {
    Settings settings = Settings.from(config());
    history = new History(settings.chat().historySize());
    chatLog = ChatLog.of(broker.kind(), vertx, settings);
    publisher = new ChatPublisher(vertx, settings.rabbit(), chatLog::declareForPublishing);
    users = new UserPublishers(publisher, settings.chat());

    EventBus bus = vertx.eventBus();
    bus.<JsonObject>localConsumer(Addresses.PUBLISH, this::publish);
    bus.<JsonObject>localConsumer(Addresses.HISTORY, this::history);
    bus.<String>localConsumer(Addresses.LOGOUT, msg -> users.remove(msg.body()));
    bus.<JsonObject>localConsumer(Addresses.STATUS, msg -> msg.reply(new JsonObject()
      .put("publisher", publisher.isReady())
      .put("consumer", chatLog.isRunning())
      .put("publishers", users.size())
      .put("history", history.size())
      .put("broker", broker.describe())));
    vertx.setPeriodic(30_000, t -> users.evictIdle(System.currentTimeMillis()));

    publisher.start();
    return chatLog.start(this::deliver);
  }

  @Override
  public Future<?> stop() {
    return Future.join(chatLog.stop(), publisher.stop());
  }

  private void deliver(ChatMessage message) {
    history.add(message);
    vertx.eventBus().publish(Addresses.CHAT_MESSAGES, message.toJson(), LOCAL);
  }

  private void publish(Message<JsonObject> request) {
    JsonObject body = request.body();
    String id = body.getString("id");
    users.publish(body.getString("sender"), id, body.getString("text"), System.currentTimeMillis())
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
