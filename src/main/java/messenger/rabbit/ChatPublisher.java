package messenger.rabbit;

import com.rabbitmq.client.BasicProperties;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQPublisher;
import io.vertx.rabbitmq.RabbitMQPublisherOptions;
import messenger.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The instance's one confirmed publisher, shared by every user's publisher. It has a connection of its
 * own: a failed consume would close a shared channel and the new channel would lose the confirm listener.
 */
final class ChatPublisher {

  private static final Logger log = LoggerFactory.getLogger(ChatPublisher.class);

  private final Settings.Rabbit rabbit;
  private final RabbitMQClient client;
  private final RabbitMQPublisher publisher;
  private volatile boolean topologyReady;

  /** {@code topology} declares what publishing needs (see {@link ChatLog#declareForPublishing}). */
  ChatPublisher(Vertx vertx, Settings.Rabbit rabbit, Function<RabbitMQClient, Future<Void>> topology) {
    this.rabbit = rabbit;
    this.client = RabbitMQClient.create(vertx, Topology.options(rabbit, "publisher", Integer.MAX_VALUE));
    // Runs on every (re)connect, before the publisher's own callback re-adds its confirm listener.
    client.addConnectionEstablishedCallback(promise -> {
      topologyReady = false;
      topology.apply(client)
        .onSuccess(v -> topologyReady = true)
        .onFailure(err -> log.error("Could not declare the topology", err))
        .onComplete(promise);
    });
    this.publisher = RabbitMQPublisher.create(vertx, client, new RabbitMQPublisherOptions()
      .setReconnectAttempts(Integer.MAX_VALUE)
      .setReconnectInterval(rabbit.reconnectIntervalMs()));
  }

  /** Connects in the background, retrying until the broker answers. */
  void start() {
    client.start().onFailure(err -> log.warn("Publisher connection failed: {}", err.getMessage()));
  }

  boolean isReady() {
    return topologyReady && client.isConnected();
  }

  /**
   * Completes once the broker confirmed the message. A confirm for a message sent around an outage may
   * never come, so it is bounded; the caller then reports failure and the client's retry reuses the id.
   */
  Future<Void> publish(BasicProperties properties, Buffer body) {
    return publisher.publishConfirm(rabbit.exchange(), "", properties, body)
      .timeout(rabbit.confirmTimeoutMs(), TimeUnit.MILLISECONDS)
      .mapEmpty();
  }

  Future<Void> stop() {
    return publisher.stop().eventually(client::stop).otherwiseEmpty();
  }
}
