package messenger.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import messenger.Settings;
import messenger.broker.Broker;
import messenger.chat.ChatMessage;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Stream filtering, decided by the broker's version: the publisher gives a message its room as
 * {@code x-stream-filter-value} and a history read asks for {@code x-stream-filter} (with
 * {@code x-stream-match-unfiltered}) only where the broker says it is RabbitMQ 3.13 or newer and
 * {@code rabbitmq.streamFilter} is not "off". (Reading through the broker's filter is tested against a broker that
 * has it: {@code messenger.StreamFilteringTest}.)
 */
@ExtendWith(RabbitBroker.class)
class StreamFilterTest {

  private static final Map<String, Object> RABBITMQ_3_13 = Map.of("product", "RabbitMQ", "version", "3.13.7");
  private static final Map<String, Object> RABBITMQ_3_10 = Map.of("product", "RabbitMQ", "version", "3.10.8");

  @Test
  void theBrokerFiltersFromRabbitMQ313On() {
    assertThat(StreamFilter.supportedBy(RABBITMQ_3_13)).isTrue();
    assertThat(StreamFilter.supportedBy(Map.of("product", "RabbitMQ", "version", "4.1.0"))).isTrue();
    assertThat(StreamFilter.supportedBy(Map.of("product", "RabbitMQ", "version", "3.13.0-rc.1"))).isTrue();
    assertThat(StreamFilter.supportedBy(Map.of("product", "RabbitMQ", "version", "3.12.14"))).isFalse();
    assertThat(StreamFilter.supportedBy(RABBITMQ_3_10)).isFalse();
    assertThat(StreamFilter.supportedBy(Map.of("product", "qpid", "version", "10.1.0"))).isFalse();
    assertThat(StreamFilter.supportedBy(Map.of("product", "RabbitMQ"))).isFalse();
    assertThat(StreamFilter.supportedBy(null)).as("not known yet").isFalse();
    assertThat(StreamFilter.enabled(false, RABBITMQ_3_13)).as("rabbitmq.streamFilter off").isFalse();
    assertThat(StreamFilter.enabled(true, RABBITMQ_3_13)).isTrue();
    assertThat(StreamFilter.enabled(true, RABBITMQ_3_10)).isFalse();
  }

  @Test
  void theSettingIsAutoByDefaultAndCanBeTurnedOff() {
    assertThat(Settings.from(Settings.defaults()).rabbit().streamFilter()).isTrue();
    JsonObject off = Settings.defaults().mergeIn(new JsonObject().put("rabbitmq", new JsonObject().put("streamFilter", "off")), true);
    assertThat(Settings.from(off).rabbit().streamFilter()).isFalse();
    JsonObject bad = Settings.defaults().mergeIn(new JsonObject().put("rabbitmq", new JsonObject().put("streamFilter", "yes")), true);
    assertThatThrownBy(() -> Settings.from(bad)).hasMessageContaining("rabbitmq.streamFilter");
  }

  @Test
  void aMessageCarriesItsRoomAsFilterValueOnlyWhenTheBrokerFilters() {
    AMQP.BasicProperties filtered = WireFormat.properties("id-1", "ada", null, "ops", 1L, StreamFilter.enabled(true, RABBITMQ_3_13));
    assertThat(filtered.getHeaders()).containsEntry("x-stream-filter-value", "ops").containsEntry("room", "ops");
    AMQP.BasicProperties plain = WireFormat.properties("id-2", "ada", null, "ops", 1L, StreamFilter.enabled(true, RABBITMQ_3_10));
    assertThat(plain.getHeaders()).doesNotContainKey("x-stream-filter-value").containsEntry("room", "ops");
    assertThat(WireFormat.properties("id-3", "ada", null, "ops", 1L).getHeaders()).doesNotContainKey("x-stream-filter-value");
  }

  @Test
  void aHistoryReadAsksForItsRoomOnlyWhenTheBrokerFilters() {
    assertThat(StreamFilter.consumerArguments(41, "ops", StreamFilter.enabled(true, RABBITMQ_3_13))).isEqualTo(Map.of(
      "x-stream-offset", 41L, "x-stream-filter", "ops", "x-stream-match-unfiltered", true));
    assertThat(StreamFilter.consumerArguments(41, "ops", StreamFilter.enabled(true, RABBITMQ_3_10)))
      .isEqualTo(Map.of("x-stream-offset", 41L));
    assertThat(StreamFilter.consumerArguments(41, "ops", StreamFilter.enabled(false, RABBITMQ_3_13)))
      .isEqualTo(Map.of("x-stream-offset", 41L));
    assertThat(StreamFilter.consumerArguments(0, null, true)).as("every room: the log's first seq")
      .isEqualTo(Map.of("x-stream-offset", 0L));
  }

  @Test
  void aFilteredReadAndTheRestOfItsRangeJoinAsOneRead() {
    ChatMessage a = new ChatMessage(3, "a", "ops", "ada", "a", 1);
    ChatMessage b = new ChatMessage(9, "b", "ops", "ada", "b", 1);
    ChatMessage c = new ChatMessage(12, "c", "ops", "ada", "c", 1);
    LogArchive.Span head = new LogArchive.Span(List.of(a), 2, 4, 1);
    LogArchive.Span tail = new LogArchive.Span(List.of(b, c), 4, 20, 2);
    assertThat(StreamArchive.joined(head, tail, 2, true)).isEqualTo(new LogArchive.Span(List.of(b, c), 2, 20, 3));
    assertThat(StreamArchive.joined(head, tail, 2, false)).isEqualTo(new LogArchive.Span(List.of(a, b), 2, 20, 3));
    LogArchive.Span nothing = new LogArchive.Span(List.of(), -1, 0, 0);
    assertThat(StreamArchive.joined(nothing, tail, 5, false)).isEqualTo(new LogArchive.Span(List.of(b, c), 4, 20, 2));
  }

  @Test
  @NeedsRabbitMQ("publishes to a real broker and reads the message back with a plain AMQP client")
  void thePublisherSetsTheHeaderWhenTheVersionSaysSo() throws Exception {
    String exchange = "test-" + UUID.randomUUID().toString().substring(0, 8);
    Settings settings = Settings.from(Settings.defaults().mergeIn(new JsonObject().put("rabbitmq", new JsonObject()
      .put("uri", RabbitBroker.uri()).put("exchange", exchange).put("embedded", "never")), true));
    Vertx vertx = Vertx.vertx();
    try (Connection connection = RabbitBroker.connect(); Channel channel = connection.createChannel()) {
      ChatPublisher publisher = new ChatPublisher(vertx, Broker.configured(settings.rabbit()), settings.rabbit(),
        client -> Topology.declareExchange(client, settings.rabbit()),
        new ReaderProgress(settings.rabbit().readerStallMs(), System.currentTimeMillis()));
      channel.exchangeDeclare(exchange, "fanout", true);
      String queue = channel.queueDeclare("", false, true, true, null).getQueue();
      channel.queueBind(queue, exchange, "");
      boolean[] filters = {true};
      UserPublishers users = new UserPublishers(publisher, settings.chat(), () -> filters[0]);
      vertx.runOnContext(v -> publisher.start());
      await().atMost(Duration.ofSeconds(10)).until(publisher::isReady);

      publish(vertx, users, "id-1", "ops");
      GetResponse first = await().atMost(Duration.ofSeconds(5)).until(() -> channel.basicGet(queue, true), r -> r != null);
      assertThat(first.getProps().getHeaders()).containsKey("x-stream-filter-value");
      assertThat(first.getProps().getHeaders().get("x-stream-filter-value")).hasToString("ops");

      filters[0] = false; // e.g. a broker before 3.13
      publish(vertx, users, "id-2", "ops");
      GetResponse second = await().atMost(Duration.ofSeconds(5)).until(() -> channel.basicGet(queue, true), r -> r != null);
      assertThat(second.getProps().getHeaders()).doesNotContainKey("x-stream-filter-value");
      assertThat(second.getProps().getHeaders().get("room")).hasToString("ops");
      vertx.runOnContext(v -> publisher.stop());
    } finally {
      vertx.close().await();
      RabbitBroker.delete(exchange, null);
    }
  }

  private static void publish(Vertx vertx, UserPublishers users, String id, String room) {
    io.vertx.core.Promise<Void> sent = io.vertx.core.Promise.promise();
    vertx.runOnContext(v -> users.publish("ada", null, id, room, "hello", System.currentTimeMillis()).onComplete(sent));
    sent.future().await();
  }
}
