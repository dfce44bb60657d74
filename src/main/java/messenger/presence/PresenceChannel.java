package messenger.presence;

import com.rabbitmq.client.AMQP;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQConsumer;
import io.vertx.rabbitmq.RabbitMQMessage;
import messenger.Settings;
import messenger.broker.Broker;
import messenger.rabbit.Supervisor;
import messenger.rabbit.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's link to the presence exchange ({@code <exchange>.presence}, transient): a connection of its
 * own, kept by a {@link Supervisor}, with a new exclusive, auto-deleted, server-named queue bound to the
 * exchange on every connection. It publishes {@link PresenceMessage}s that expire with the presence expiry time
 * and hands those of other instances to its owner.
 */
final class PresenceChannel implements Supervisor.Supervised {

  private static final Logger log = LoggerFactory.getLogger(PresenceChannel.class);

  private final String exchange;
  private final String self;
  private final AMQP.BasicProperties properties;
  private final RabbitMQClient client;
  private final Supervisor supervisor;
  private final Handler<PresenceMessage> onMessage;
  private final Runnable onConnected;
  private RabbitMQConsumer consumer;

  /** {@code onConnected}: after every (re)connection, once the queue is consumed. */
  PresenceChannel(Vertx vertx, Broker broker, Settings settings, String self, Handler<PresenceMessage> onMessage,
                  Runnable onConnected) {
    this.exchange = settings.rabbit().presenceExchange();
    this.self = self;
    this.onMessage = onMessage;
    this.onConnected = onConnected;
    this.properties = new AMQP.BasicProperties.Builder()
      .contentType("application/json")
      .deliveryMode(1) // transient: presence is worthless after a restart
      .expiration(String.valueOf(settings.presence().expiryMs()))
      .build();
    this.client = broker.client(vertx, "presence", 0);
    this.supervisor = new Supervisor(vertx, client, "Presence", settings.rabbit().reconnectIntervalMs(), this);
  }

  Future<Void> start() {
    return supervisor.start();
  }

  Future<Void> stop() {
    return supervisor.stop();
  }

  @Override
  public void connecting() {
    consumer = null;
  }

  @Override
  public Future<?> connected() {
    return client.exchangeDeclare(exchange, "fanout", false, false)
      .compose(v -> Topology.consumeFromNow(client, exchange))
      .onSuccess(c -> {
        consumer = c;
        c.handler(this::receive);
        log.info("Presence connected as {} on exchange '{}'", self, exchange);
        onConnected.run();
      });
  }

  @Override
  public boolean isRunning() {
    return consumer != null && !consumer.isCancelled() && client.isConnected();
  }

  /** Fails, quietly, while there is no connection: presence is repeated every heartbeat anyway. */
  Future<Void> publish(PresenceMessage message) {
    if (!client.isConnected()) {
      return Future.failedFuture("presence is not connected");
    }
    return client.basicPublish(exchange, "", properties, message.toJson().toBuffer())
      .onFailure(err -> log.debug("Presence publish failed: {}", err.getMessage()));
  }

  private void receive(RabbitMQMessage delivery) {
    PresenceMessage message;
    try {
      message = PresenceMessage.fromJson(delivery.body().toJsonObject());
    } catch (RuntimeException e) {
      message = null;
    }
    if (message == null) {
      log.debug("Ignoring a presence message that is not one");
    } else if (!message.instance().equals(self)) { // our own is already applied locally
      onMessage.handle(message);
    }
  }
}
