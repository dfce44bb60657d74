package messenger;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.vertx.core.json.JsonObject;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.UUID;

/**
 * A stream's arguments are fixed when it is created and RabbitMQ refuses (406) a declaration with other ones:
 * an existing chat log, made with another max age or replica count (an older configuration, or another
 * version of Messenger), is used as it is rather than blocking every connection.
 */
@ExtendWith(RabbitBroker.class)
@NeedsRabbitMQ("it makes a stream directly")
class ExistingStreamTest {

  @Test
  void aChatLogMadeWithOtherArgumentsIsUsedAsItIs() throws Exception {
    String name = "existing-" + UUID.randomUUID().toString().substring(0, 8);
    String stream = name + ".log";
    try (Connection connection = RabbitBroker.connect(); Channel channel = connection.createChannel()) {
      channel.queueDeclare(stream, true, false, false,
        Map.of("x-queue-type", "stream", "x-max-age", "1D", "x-initial-cluster-size", 1));
    }
    JsonObject other = new JsonObject().put("rabbitmq", new JsonObject().put("streamMaxAge", "7D").put("streamInitialClusterSize", 3));
    try (TestApp app = TestApp.start(name, stream, other)) {
      User alice = app.user("alice");
      alice.send("on the old stream", null);
      alice.awaitInHistory("on the old stream");
    } finally {
      RabbitBroker.delete(name, stream);
    }
  }
}
