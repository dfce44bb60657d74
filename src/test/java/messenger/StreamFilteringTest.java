package messenger;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.vertx.core.json.JsonObject;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.RabbitMQContainer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chat log filtered by the broker (RabbitMQ 3.13 and later): messages carry their room as
 * {@code x-stream-filter-value}, history reads of a room ask the broker for its chunks only, and every page is what
 * the app's own filter gives (the broker's is probabilistic per chunk), messages without a filter value (general's
 * log from before) included. Needs a broker that filters: {@code RABBITMQ_FILTER_URI}, else the test run's
 * {@code RABBITMQ_URI} when it is 3.13+, else a Testcontainers {@code rabbitmq:3.13} where Docker runs; skipped
 * otherwise, saying why (the broker on this project's CI machine is 3.10).
 */
class StreamFilteringTest {

  private static RabbitMQContainer container;
  private static String uri;
  private static TestApp app;
  /** Why this run has no broker that filters, or null. */
  private static String whyNot;

  @BeforeAll
  static void findABrokerThatFilters() throws Exception {
    uri = System.getenv("RABBITMQ_FILTER_URI");
    if ((uri == null || uri.isBlank()) && System.getenv("RABBITMQ_URI") != null && filters(System.getenv("RABBITMQ_URI"))) {
      uri = System.getenv("RABBITMQ_URI");
    }
    if ((uri == null || uri.isBlank()) && DockerClientFactory.instance().isDockerAvailable()) {
      container = new RabbitMQContainer("rabbitmq:3.13-management");
      container.start();
      uri = container.getAmqpUrl();
    }
    if (uri == null || uri.isBlank()) {
      whyNot = "Skipped: needs a RabbitMQ 3.13+ with stream filtering (set RABBITMQ_FILTER_URI, or run where Docker "
        + "can start rabbitmq:3.13); this run has neither (this project's CI broker is RabbitMQ 3.10, without Docker)";
      return;
    }
    if (!filters(uri)) {
      whyNot = "Skipped: the broker at RABBITMQ_FILTER_URI is older than RabbitMQ 3.13 and does not filter streams";
      return;
    }
    String exchange = "test-" + UUID.randomUUID().toString().substring(0, 8);
    // Little memory: a room's history comes from the stream.
    app = TestApp.start(exchange, exchange + ".log", new JsonObject()
      .put("rabbitmq", new JsonObject().put("uri", uri).put("embedded", "never"))
      .put("chat", new JsonObject().put("historySize", 5).put("ratePerSecond", 1000).put("rateBurst", 1000))
      .put("rooms", new JsonObject().put("historyRooms", 1)));
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.stop();
      try (Connection connection = connect(); Channel channel = connection.createChannel()) {
        channel.queueDelete(app.stream);
        channel.queueDelete(app.exchange + ".rooms");
        channel.exchangeDelete(app.exchange);
      } catch (Exception e) {
        // best effort: the names are unique
      }
    }
    if (container != null) {
      container.stop();
    }
  }

  private static Connection connect() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(uri);
    return factory.newConnection("messenger-tests");
  }

  private static boolean filters(String brokerUri) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(brokerUri);
    try (Connection connection = factory.newConnection("messenger-version-check")) {
      String version = String.valueOf(connection.getServerProperties().get("version"));
      String[] parts = version.split("[.-]");
      int major = Integer.parseInt(parts[0]);
      int minor = Integer.parseInt(parts[1]);
      return major > 3 || major == 3 && minor >= 13;
    }
  }

  private static List<String> texts(List<JsonObject> messages) {
    return new ArrayList<>(messages.stream().map(m -> m.getString("text")).toList());
  }

  @Test
  void eachRoomsHistoryReadThroughTheBrokersFilterIsWholeAndInOrder() throws Exception {
    Assumptions.assumeTrue(whyNot == null, whyNot);
    User ann = app.user("ann-" + UUID.randomUUID().toString().substring(0, 6));
    User bob = app.user("bob-" + UUID.randomUUID().toString().substring(0, 6));
    String quiet = "quiet-" + UUID.randomUUID().toString().substring(0, 6);
    String busy = "busy-" + UUID.randomUUID().toString().substring(0, 6);
    assertThat(ann.createRoom(quiet, null).statusCode()).isEqualTo(201);
    assertThat(bob.createRoom(busy, null).statusCode()).isEqualTo(201);

    // general's log from before: a message without a room and without a filter value.
    String old = UUID.randomUUID().toString();
    try (Connection connection = connect(); Channel channel = connection.createChannel()) {
      channel.basicPublish(app.exchange, "", new AMQP.BasicProperties.Builder().messageId(old)
        .headers(Map.of("sender", "an old client", "sent-at", System.currentTimeMillis())).timestamp(new Date()).build(),
        "from before rooms".getBytes(StandardCharsets.UTF_8));
    }
    List<String> inQuiet = new ArrayList<>();
    for (int block = 0; block < 3; block++) {
      for (int i = 0; i < 40; i++) {
        assertThat(bob.send("busy " + block + "." + i, null, busy).statusCode()).isEqualTo(202);
      }
      for (int i = 0; i < 7; i++) {
        String text = "quiet " + block + "." + i;
        assertThat(ann.send(text, null, quiet).statusCode()).isEqualTo(202);
        inQuiet.add(text);
      }
    }
    for (int i = 0; i < 40; i++) {
      assertThat(bob.send("busy last." + i, null, busy).statusCode()).isEqualTo(202);
    }

    // Back from the newest, 5 at a time, until the page says it reached the first.
    List<String> back = new ArrayList<>();
    JsonObject page = ann.historyPage("?room=" + quiet + "&limit=5");
    while (true) {
      List<JsonObject> messages = User.messages(page);
      assertThat(messages).extracting(m -> m.getString("room")).containsOnly(quiet);
      List<String> texts = texts(messages);
      Collections.reverse(texts);
      back.addAll(texts);
      if (page.getBoolean("complete") || messages.isEmpty()) {
        break;
      }
      page = ann.historyPage("?room=" + quiet + "&limit=5&before=" + messages.get(0).getLong("seq"));
    }
    Collections.reverse(back);
    assertThat(back).containsExactlyElementsOf(inQuiet);
    assertThat(page.getBoolean("expired")).isFalse();

    // Forwards from the start, 5 at a time.
    List<String> forward = new ArrayList<>();
    long after = 0;
    for (List<JsonObject> next; !(next = ann.history("?room=" + quiet + "&limit=5&after=" + after)).isEmpty(); ) {
      forward.addAll(texts(next));
      after = next.get(next.size() - 1).getLong("seq");
    }
    assertThat(forward).containsExactlyElementsOf(inQuiet);
    assertThat(texts(ann.history("?limit=200"))).as("general's, unfiltered messages included").contains("from before rooms");

    // The app gave every message its room as filter value, and the broker skips the chunks of other rooms.
    List<String> filtered = Collections.synchronizedList(new ArrayList<>());
    List<Object> values = Collections.synchronizedList(new ArrayList<>());
    try (Connection connection = connect()) {
      Channel channel = connection.createChannel();
      channel.basicQos(100);
      AtomicLong last = new AtomicLong(System.currentTimeMillis());
      channel.basicConsume(app.stream, false, Map.of("x-stream-offset", "first", "x-stream-filter", quiet), new DefaultConsumer(channel) {
        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) throws java.io.IOException {
          filtered.add(new String(body, StandardCharsets.UTF_8));
          values.add(properties.getHeaders().get("x-stream-filter-value"));
          last.set(System.currentTimeMillis());
          channel.basicAck(envelope.getDeliveryTag(), false);
        }
      });
      await().atMost(Duration.ofSeconds(30)).until(() -> System.currentTimeMillis() - last.get() >= 1500);
    }
    assertThat(filtered).containsAll(inQuiet);
    assertThat(filtered).as("the broker skipped chunks of the busy room only").hasSizeLessThan(inQuiet.size() + 160);
    assertThat(values).allSatisfy(value -> assertThat(value).isNotNull());
  }
}
