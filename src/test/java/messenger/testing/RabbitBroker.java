package messenger.testing;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.RabbitMQContainer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.net.InetSocketAddress;
import java.net.Socket;

import static org.awaitility.Awaitility.await;

/**
 * Finds the broker the integration tests run against, once per test run: {@code RABBITMQ_URI} if set; else
 * a RabbitMQ answering on localhost:5672; else a Testcontainers RabbitMQ where Docker runs; else, as a last
 * resort, the embedded broker: every {@link TestApp} then starts its own (so {@code mvn verify} passes on a
 * machine with only Java and Maven) and tests marked {@link NeedsRabbitMQ} are skipped, saying why.
 * {@code -Dmessenger.test.embedded=true} pretends there is no RabbitMQ, to run the suite that way here.
 */
public final class RabbitBroker implements BeforeAllCallback, ExecutionCondition {

  public static final String FORCE_EMBEDDED = "messenger.test.embedded";
  /** Marks the embedded last resort: there is no broker URI shared by the tests then. */
  private static final String EMBEDDED = "embedded";

  private static volatile String uri;

  @Override
  public void beforeAll(ExtensionContext context) {
    resolved();
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return context.getElement()
      .flatMap(element -> AnnotationSupport.findAnnotation(element, NeedsRabbitMQ.class))
      .filter(needs -> embedded())
      .map(needs -> ConditionEvaluationResult.disabled("Skipped: needs a real RabbitMQ (" + needs.value()
        + "), and none was found, so this run uses the embedded broker. Set RABBITMQ_URI or start RabbitMQ on "
        + "localhost:5672 to run it."))
      .orElse(ConditionEvaluationResult.enabled("a real RabbitMQ, or no need for one"));
  }

  /** True when no RabbitMQ was found and each app runs on its own embedded broker. */
  public static boolean embedded() {
    return EMBEDDED.equals(resolved());
  }

  /** The real RabbitMQ's URI; there is none on the embedded last resort (see {@link NeedsRabbitMQ}). */
  public static String uri() {
    String resolved = resolved();
    if (EMBEDDED.equals(resolved)) {
      throw new IllegalStateException("No RabbitMQ in this run (each app embeds its own broker): mark the test @NeedsRabbitMQ");
    }
    return resolved;
  }

  private static synchronized String resolved() {
    if (uri == null) {
      uri = resolve();
    }
    return uri;
  }

  private static String resolve() {
    if (Boolean.getBoolean(FORCE_EMBEDDED)) {
      return EMBEDDED;
    }
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
    System.err.println("No RabbitMQ found (no RABBITMQ_URI, nothing on localhost:5672, no Docker): the tests run on "
      + "the embedded broker and those that need a real RabbitMQ 3.9+ are skipped. To run them all, start one "
      + "(Debian: apt-get install rabbitmq-server && rabbitmq-server -detached) or set RABBITMQ_URI.");
    return EMBEDDED;
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
    return read(stream, (properties, body) -> properties.getMessageId());
  }

  /** The bodies of the messages in a stream (UTF-8), in log order. */
  public static List<String> readBodies(String stream) throws Exception {
    return read(stream, (properties, body) -> new String(body, StandardCharsets.UTF_8));
  }

  private static <T> List<T> read(String stream, BiFunction<AMQP.BasicProperties, byte[], T> what) throws Exception {
    List<T> read = Collections.synchronizedList(new ArrayList<>());
    try (Connection connection = connect()) {
      Channel channel = connection.createChannel();
      channel.basicQos(1000);
      AtomicLong lastDelivery = new AtomicLong(System.currentTimeMillis());
      channel.basicConsume(stream, false, Map.of("x-stream-offset", "first"), new DefaultConsumer(channel) {
        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) throws IOException {
          read.add(what.apply(properties, body));
          lastDelivery.set(System.currentTimeMillis());
          channel.basicAck(envelope.getDeliveryTag(), false);
        }
      });
      // Read until the stream has been quiet for 1.5 s.
      await("the end of stream " + stream).atMost(Duration.ofMinutes(1))
        .until(() -> System.currentTimeMillis() - lastDelivery.get() >= 1500);
    }
    return new ArrayList<>(read);
  }

  /**
   * The oldest offset a stream still holds (a consumer at "first" starts there); the broker drops old segments. A
   * consumer that RabbitMQ 3.10 leaves without a delivery while retention deletes segments, or whose start fails
   * there, is replaced by a fresh one (as the app's history reads do).
   */
  public static long firstOffset(String stream) throws Exception {
    Exception last = null;
    for (int attempt = 0; attempt < 15; attempt++) { // it has taken more than 10 s (several fresh consumers in a row)
      try (Connection connection = connect()) {
        Channel channel = connection.createChannel();
        channel.basicQos(1);
        java.util.concurrent.CompletableFuture<Long> first = new java.util.concurrent.CompletableFuture<>();
        channel.basicConsume(stream, false, Map.of("x-stream-offset", "first"), new DefaultConsumer(channel) {
          @Override
          public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
            first.complete(((Number) properties.getHeaders().get("x-stream-offset")).longValue());
          }
        });
        return first.get(2, java.util.concurrent.TimeUnit.SECONDS);
      } catch (IOException | java.util.concurrent.TimeoutException | com.rabbitmq.client.ShutdownSignalException e) {
        last = e;
      }
    }
    throw last;
  }

  /** Removes a test's exchange and stream (an embedded broker takes them with it when its app stops; null: no stream). */
  public static void delete(String exchange, String stream) {
    if (embedded()) {
      return;
    }
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
