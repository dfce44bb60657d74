package messenger.rabbit;

import com.rabbitmq.client.BasicProperties;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQPublisher;
import io.vertx.rabbitmq.RabbitMQPublisherOptions;
import messenger.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The instance's one confirmed publisher, shared by every user's publisher. It has a connection of its
 * own: a failed consume would close a shared channel and the new channel would lose the confirm listener.
 */
final class ChatPublisher {

  private static final Logger log = LoggerFactory.getLogger(ChatPublisher.class);

  private final Settings.Rabbit rabbit;
  private final RabbitMQClient client;
  private final RabbitMQPublisher publisher;
  private final Vertx vertx;
  private volatile boolean topologyReady;
  private volatile int connections;

  ChatPublisher(Vertx vertx, Settings.Rabbit rabbit) {
    this.rabbit = rabbit;
    this.vertx = vertx;
    this.client = RabbitMQClient.create(vertx, Topology.options(rabbit, "publisher", Integer.MAX_VALUE));
    // Runs on every (re)connect, before the publisher's own callback re-adds its confirm listener.
    client.addConnectionEstablishedCallback(promise -> declareTopology(promise, ++connections));
    this.publisher = RabbitMQPublisher.create(vertx, client, new RabbitMQPublisherOptions()
      .setReconnectAttempts(Integer.MAX_VALUE)
      .setReconnectInterval(rabbit.reconnectIntervalMs()));
  }

  /**
   * Retried until it works: right after a broker restart the stream may not be available yet, and giving
   * up would leave a connected publisher that can never publish.
   */
  private void declareTopology(Promise<Void> connected, int connection) {
    topologyReady = false;
    Topology.declare(client, rabbit)
      .onSuccess(v -> {
        topologyReady = true;
        connected.tryComplete();
      })
      .onFailure(err -> {
        if (connection != connections) {
          connected.tryFail(err); // a newer connection took over
          return;
        }
        log.warn("Could not declare the topology ({}); retrying in {} ms", err.getMessage(), rabbit.reconnectIntervalMs());
        vertx.setTimer(rabbit.reconnectIntervalMs(), t -> declareTopology(connected, connection));
      });
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
