package messenger.testing;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.RabbitMQContainer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Finds the real RabbitMQ the integration tests run against, once per test run: {@code RABBITMQ_URI} if
 * set; else a broker answering on localhost:5672; else a Testcontainers broker where Docker runs; else
 * the tests fail and say how to start one.
 */
public final class RabbitBroker implements BeforeAllCallback {

  private static volatile String uri;

  @Override
  public void beforeAll(ExtensionContext context) {
    uri();
  }

  public static synchronized String uri() {
    if (uri == null) {
      uri = resolve();
    }
    return uri;
  }

  private static String resolve() {
    String fromEnv = System.getenv("RABBITMQ_URI");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    if (answers("localhost", 5672)) {
      return "amqp://guest:guest@localhost:5672";
    }
    if (DockerClientFactory.instance().isDockerAvailable()) {
      RabbitMQContainer container = new RabbitMQContainer("rabbitmq:3.13-management");
      container.start();
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
      return container.getAmqpUrl();
    }
    throw new IllegalStateException("These tests need a RabbitMQ (3.9 or newer, for streams). Set RABBITMQ_URI, "
      + "or start one on localhost:5672 (Debian: apt-get install rabbitmq-server && rabbitmq-server -detached), "
      + "or run a Docker engine so that Testcontainers can start one.");
  }

  private static boolean answers(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A plain AMQP connection, as any other client of the broker would have. */
  public static Connection connect() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(uri());
    return factory.newConnection("messenger-tests");
  }

  /** The message ids in a stream, in log order, as a plain AMQP client reads them. */
  public static List<String> readLog(String stream) throws Exception {
    List<String> ids = Collections.synchronizedList(new ArrayList<>());
    try (Connection connection = connect()) {
      Channel channel = connection.createChannel();
      channel.basicQos(1000);
      AtomicLong lastDelivery = new AtomicLong(System.currentTimeMillis());
      channel.basicConsume(stream, false, Map.of("x-stream-offset", "first"), new DefaultConsumer(channel) {
        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) throws IOException {
          ids.add(properties.getMessageId());
          lastDelivery.set(System.currentTimeMillis());
          channel.basicAck(envelope.getDeliveryTag(), false);
        }
      });
      while (System.currentTimeMillis() - lastDelivery.get() < 1500) {
        Thread.sleep(100);
      }
    }
    return new ArrayList<>(ids);
  }

  /** Removes a test's exchange and stream (null: none). */
  public static void delete(String exchange, String stream) {
    try (Connection connection = connect(); Channel channel = connection.createChannel()) {
      if (stream != null) {
        channel.queueDelete(stream);
      }
      channel.exchangeDelete(exchange);
    } catch (Exception e) {
      // Best effort: the names are unique per test.
    }
  }
}
