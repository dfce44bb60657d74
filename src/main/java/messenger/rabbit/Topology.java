package messenger.rabbit;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQConsumer;
import messenger.Settings;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * What Messenger declares on the broker: a durable fanout exchange and, on RabbitMQ, the chat-log stream bound
 * to it. The embedded broker gets the exchange only: declaring a stream there closes the whole connection.
 */
public final class Topology {

  private Topology() {
  }

  /**
   * Idempotent: safe on every (re)connect, and from every instance. The stream is created with its arguments
   * only when it does not exist yet: RabbitMQ refuses (406) a declaration whose arguments differ from the
   * existing stream's, and those never change after creation, so an existing stream is used as it is (an
   * operator changes it, see the README). {@code initialClusterSize}:
   * the replicas of a new stream, or null for the broker's default.
   */
  static Future<Void> declare(RabbitMQClient client, Settings.Rabbit rabbit, Integer initialClusterSize) {
    JsonObject streamArgs = streamArguments(rabbit);
    if (initialClusterSize != null) {
      streamArgs.put("x-initial-cluster-size", initialClusterSize);
    }
    return declareExchange(client, rabbit)
      // A passive declaration: it fails, closing the channel (the client opens a new one), when the stream is missing.
      .compose(v -> client.messageCount(rabbit.stream()).<Void>mapEmpty()
        .recover(missing -> client.queueDeclare(rabbit.stream(), true, false, false, streamArgs).mapEmpty()))
      .compose(v -> client.queueBind(rabbit.stream(), rabbit.exchange(), ""));
  }

  /**
   * The same declarations on a plain connection of the Java client (the publisher's): blocks, so call it off the
   * event loop. Each step has a channel of its own, since a failed passive declaration closes its channel.
   */
  static void declare(Connection connection, Settings.Rabbit rabbit, Integer initialClusterSize) throws IOException {
    declareExchange(connection, rabbit);
    if (!exists(connection, rabbit.stream())) {
      JsonObject streamArgs = streamArguments(rabbit);
      if (initialClusterSize != null) {
        streamArgs.put("x-initial-cluster-size", initialClusterSize);
      }
      onChannel(connection, channel -> channel.queueDeclare(rabbit.stream(), true, false, false, streamArgs.getMap()));
    }
    onChannel(connection, channel -> channel.queueBind(rabbit.stream(), rabbit.exchange(), ""));
  }

  /** The exchange alone, on a plain connection. Blocks. */
  static void declareExchange(Connection connection, Settings.Rabbit rabbit) throws IOException {
    onChannel(connection, channel -> channel.exchangeDeclare(rabbit.exchange(), "fanout", true, false, null));
  }

  private static boolean exists(Connection connection, String queue) throws IOException {
    try {
      onChannel(connection, channel -> channel.queueDeclarePassive(queue));
      return true;
    } catch (IOException notFound) {
      if (!connection.isOpen()) {
        throw notFound;
      }
      return false;
    }
  }

  private interface Step {
    Object on(Channel channel) throws IOException;
  }

  private static void onChannel(Connection connection, Step step) throws IOException {
    Channel channel = connection.createChannel();
    if (channel == null) {
      throw new IOException("no channel available on the connection");
    }
    try {
      step.on(channel);
    } finally {
      if (channel.isOpen()) {
        try {
          channel.close();
        } catch (IOException | TimeoutException | ShutdownSignalException ignored) {
          // closing is all that was left to do
        }
      }
    }
  }

  /** A new chat log's retention: its age, and its size and segment size where they are set. */
  static JsonObject streamArguments(Settings.Rabbit rabbit) {
    JsonObject args = new JsonObject()
      .put("x-queue-type", "stream")
      .put("x-max-age", rabbit.streamMaxAge());
    if (rabbit.streamMaxLengthBytes() > 0) {
      args.put("x-max-length-bytes", rabbit.streamMaxLengthBytes());
    }
    if (rabbit.streamMaxSegmentSizeBytes() > 0) {
      args.put("x-stream-max-segment-size-bytes", rabbit.streamMaxSegmentSizeBytes());
    }
    return args;
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
}
