package messenger;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.vertx.core.json.JsonObject;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What Messenger puts on the broker, as any other AMQP client sees it. */
@ExtendWith(RabbitBroker.class)
@NeedsRabbitMQ("it reads the chat-log stream directly")
class WireFormatTest {

  record Delivery(AMQP.BasicProperties properties, String body) {
  }

  @Test
  void theTopologyIsCreatedFromNothing() throws Exception {
    String name = "fresh-" + UUID.randomUUID();
    try (Connection connection = RabbitBroker.connect()) {
      Channel probe = connection.createChannel();
      assertThatThrownBy(() -> probe.exchangeDeclarePassive(name)).isInstanceOf(IOException.class);
    }
    try (TestApp app = TestApp.start(name, name + ".log", new JsonObject());
         Connection connection = RabbitBroker.connect()) {
      Channel channel = connection.createChannel();
      channel.exchangeDeclarePassive(name);
      channel.queueDeclarePassive(name + ".log");
      // Redeclaring with the stream arguments succeeds, as a classic queue it is refused: it is a stream.
      channel.queueDeclare(name + ".log", true, false, false, Map.of("x-queue-type", "stream", "x-max-age", "7D"));
      assertThatThrownBy(() -> channel.queueDeclare(name + ".log", true, false, false, Map.of("x-queue-type", "classic")))
        .isInstanceOf(IOException.class)
        .cause().isInstanceOf(ShutdownSignalException.class).hasMessageContaining("PRECONDITION_FAILED");
    }
  }

  @Test
  void aChatMessageInTheLogCarriesTheSenderAndTheText() throws Exception {
    try (TestApp app = TestApp.start(); Connection connection = RabbitBroker.connect()) {
      String id = UUID.randomUUID().toString();
      long before = System.currentTimeMillis();
      assertThat(app.user("olivia").send("Grüße 👋", id).statusCode()).isEqualTo(202);

      Channel channel = connection.createChannel();
      channel.basicQos(10);
      LinkedBlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
      channel.basicConsume(app.stream, false, Map.of("x-stream-offset", "first"), new DefaultConsumer(channel) {
        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
          deliveries.add(new Delivery(properties, new String(body, StandardCharsets.UTF_8)));
        }
      });
      Delivery delivery = deliveries.poll(10, TimeUnit.SECONDS);
      assertThat(delivery).isNotNull();
      assertThat(delivery.body()).isEqualTo("Grüße 👋");
      AMQP.BasicProperties props = delivery.properties();
      assertThat(props.getMessageId()).isEqualTo(id);
      assertThat(props.getContentType()).isEqualTo("text/plain");
      assertThat(props.getContentEncoding()).isEqualTo("utf-8");
      assertThat(props.getTimestamp()).isNotNull();
      assertThat(props.getHeaders().get("sender")).hasToString("olivia");
      assertThat((Long) props.getHeaders().get("sent-at")).isBetween(before, System.currentTimeMillis());
      assertThat(props.getHeaders()).containsKey("x-stream-offset");
    }
  }
}
