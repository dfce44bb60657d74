package messenger.rabbit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQConsumer;
import io.vertx.rabbitmq.RabbitMQOptions;
import messenger.Settings;

/**
 * What Messenger declares on the broker: a durable fanout exchange and, on RabbitMQ, the chat-log stream bound
 * to it. The embedded broker gets the exchange only: declaring a stream there closes the whole connection.
 */
public final class Topology {

  private Topology() {
  }

  /** Idempotent: safe on every (re)connect, and from every instance. */
  static Future<Void> declare(RabbitMQClient client, Settings.Rabbit rabbit) {
    JsonObject streamArgs = new JsonObject()
      .put("x-queue-type", "stream")
      .put("x-max-age", rabbit.streamMaxAge());
    return declareExchange(client, rabbit)
      .compose(v -> client.queueDeclare(rabbit.stream(), true, false, false, streamArgs))
      .compose(ok -> client.queueBind(rabbit.stream(), rabbit.exchange(), ""));
  }

  static Future<Void> declareExchange(RabbitMQClient client, Settings.Rabbit rabbit) {
    return client.exchangeDeclare(rabbit.exchange(), "fanout", true, false);
  }

  /**
   * A server-named, exclusive, auto-delete queue of this connection's own, bound to a fanout exchange, and
   * a consumer on it: everything published to the exchange from now on, for as long as the connection lives.
   */
  public static Future<RabbitMQConsumer> consumeFromNow(RabbitMQClient client, String exchange) {
    return client.queueDeclare("", false, true, true)
      .compose(ok -> client.queueBind(ok.getQueue(), exchange, "").map(ok.getQueue()))
      .compose(queue -> client.basicConsumer(queue, new QueueOptions().setAutoAck(true)));
  }

  /** Connection options shared by the publishing and the consuming connection. */
  public static RabbitMQOptions options(Settings.Rabbit rabbit, String role, int reconnectAttempts) {
    return new RabbitMQOptions()
      .setUri(rabbit.uri())
      .setConnectionName("messenger-" + role + "@" + Instance.NAME)
      .setConnectionTimeout(3000)
      .setHandshakeTimeout(3000)
      .setRequestedHeartbeat(10)
      .setReconnectAttempts(reconnectAttempts)
      .setReconnectInterval(rabbit.reconnectIntervalMs())
      // With automatic recovery on, a publish during an outage looped into a StackOverflowError.
      .setAutomaticRecoveryEnabled(false);
  }
}
