package messenger;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.vertx.core.json.JsonObject;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.Prometheus;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where a new instance starts reading the chat log: just far enough back to fill its history, found by a
 * probe at the stream's last chunk.
 */
@ExtendWith(RabbitBroker.class)
@NeedsRabbitMQ("it writes to a stream directly")
class ChatLogStartTest {

  private static final int LOGGED = 600;
  private static final int HISTORY = 200;

  @Test
  void anInstanceStartingOnALongLogReadsTheNewestMessagesOnly() throws Exception {
    String name = "start-" + UUID.randomUUID().toString().substring(0, 8);
    String stream = name + ".log";
    try (Connection connection = RabbitBroker.connect()) {
      Channel channel = connection.createChannel();
      channel.queueDeclare(stream, true, false, false, Map.of("x-queue-type", "stream", "x-max-age", "7D")); // as the app does
      channel.confirmSelect();
      for (int i = 0; i < LOGGED; i++) {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId("m-" + i)
          .headers(Map.of("sender", "loader", "sent-at", System.currentTimeMillis())).build();
        channel.basicPublish("", stream, props, ("message " + i).getBytes(StandardCharsets.UTF_8));
        if (i >= LOGGED - HISTORY) {
          channel.waitForConfirmsOrDie(5000); // one chunk each: the last chunk is one message
        }
      }
      channel.waitForConfirmsOrDie(5000);
    }

    try (TestApp app = TestApp.start(name, stream, new JsonObject().put("chat", new JsonObject().put("historySize", HISTORY)))) {
      User reader = app.user("reader");
      reader.awaitInHistory("message " + (LOGGED - 1));
      assertThat(reader.history("?limit=50")).extracting(m -> m.getString("id"))
        .containsExactlyElementsOf(IntStream.range(LOGGED - 50, LOGGED).mapToObj(i -> "m-" + i).toList());
      double read = Prometheus.value(app.metrics(), "messenger_messages_delivered_total");
      assertThat(read).as("messages read at start").isBetween((double) HISTORY, HISTORY + 1.0);
    } finally {
      RabbitBroker.delete(name, stream);
    }
  }
}
