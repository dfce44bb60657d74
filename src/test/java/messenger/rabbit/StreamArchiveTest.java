package messenger.rabbit;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import messenger.Settings;
import messenger.broker.Broker;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The history reader against a real stream, below the HTTP API. */
@NeedsRabbitMQ("reads a stream")
class StreamArchiveTest {

  private static final int MESSAGES = 2_500;

  private final String stream = "archive-test-" + UUID.randomUUID();
  private Vertx vertx;
  private Context context;

  @BeforeEach
  void writeTheLog() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    try (Connection connection = RabbitBroker.connect(); Channel channel = connection.createChannel()) {
      channel.queueDeclare(stream, true, false, false, Map.of("x-queue-type", "stream"));
      channel.confirmSelect();
      for (int i = 0; i < MESSAGES; i++) {
        channel.basicPublish("", stream, WireFormat.properties("id-" + i, "ada", null, "general", 1L),
          ("message " + i).getBytes(StandardCharsets.UTF_8));
        channel.waitForConfirmsOrDie(10_000); // one at a time: a chunk of one message each (see below)
      }
    }
  }

  @AfterEach
  void deleteTheLog() throws Exception {
    try (Connection connection = RabbitBroker.connect(); Channel channel = connection.createChannel()) {
      channel.queueDelete(stream);
    }
    vertx.close().await();
  }

  /**
   * A read longer than its prefetch keeps the stream sending by its acks, but no further than its range: what the
   * broker sent beyond it (until the cancel reached it) it read from disk for nothing. (The broker sends whole chunks,
   * so the last one may reach past the range; here every chunk is one message.)
   */
  @Test
  void aReadLetsTheBrokerSendNothingBeyondItsRange() throws Exception {
    StreamArchive archive = onItsEventLoop(() -> new StreamArchive(vertx, broker(), stream, 10_000, 4, false));
    for (int block = 0; block < 4; block++) {
      long from = 100 + 600L * block;
      LogArchive.Span span = call(archive, a -> a.window(null, from, from + 512, 512));
      assertThat(span.messages()).hasSize(512);
      assertThat(span.messages().get(0).seq()).isEqualTo(from);
      assertThat(span.messages().get(511).text()).isEqualTo("message " + (from + 511));
    }
    LogArchive.Span page = call(archive, a -> a.forward(null, 2_000, 2_500, 50));
    assertThat(page.messages()).hasSize(50);
    call(archive, LogArchive::stop);
    assertThat(archive.deliveredPastRanges()).isZero();
  }

  private Broker broker() {
    JsonObject config = Settings.defaults().mergeIn(new JsonObject().put("rabbitmq", new JsonObject().put("uri", RabbitBroker.uri())), true);
    return Broker.configured(Settings.from(config).rabbit());
  }

  private <T> T onItsEventLoop(Supplier<T> create) throws Exception {
    CompletableFuture<T> created = new CompletableFuture<>();
    context.runOnContext(v -> created.complete(create.get()));
    return created.get(10, TimeUnit.SECONDS);
  }

  /** Runs {@code what} on the archive's event loop (it expects its calls there) and waits for its answer. */
  private <T> T call(StreamArchive archive, Function<StreamArchive, Future<T>> what) throws Exception {
    CompletableFuture<T> answer = new CompletableFuture<>();
    context.runOnContext(v -> what.apply(archive).onComplete(ar -> {
      if (ar.succeeded()) {
        answer.complete(ar.result());
      } else {
        answer.completeExceptionally(ar.cause());
      }
    }));
    return answer.get(30, TimeUnit.SECONDS);
  }
}
