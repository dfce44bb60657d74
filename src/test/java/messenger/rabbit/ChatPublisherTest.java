package messenger.rabbit;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import messenger.Settings;
import messenger.broker.Broker;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import messenger.testing.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The confirmed publisher against the real broker, alone: no reader, so a send completes only by its confirm
 * (its read-back never comes). Each test has its own exchange and a classic queue bound to it, read afterwards
 * with a plain client; faults are made with a {@link TcpProxy} between the publisher and the broker.
 */
@NeedsRabbitMQ("nacks from a queue that rejects publishes (x-overflow), and a proxy to the real broker")
class ChatPublisherTest {

  private final String name = "publisher-" + UUID.randomUUID().toString().substring(0, 8);
  private final String queue = name + ".q";
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private ChatPublisher publisher;

  @AfterEach
  void cleanUp() throws Exception {
    if (publisher != null) {
      on(() -> publisher.stop()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    for (AutoCloseable closeable : closing) {
      closeable.close();
    }
    try (Connection connection = RabbitBroker.connect(); Channel channel = connection.createChannel()) {
      channel.queueDelete(queue);
      channel.exchangeDelete(name);
    }
    vertx.close().await();
  }

  /** A publisher to this test's exchange, through {@code uri}, whose queue has {@code queueArguments}; connected. */
  private ChatPublisher started(String uri, Map<String, Object> queueArguments) throws Exception {
    Settings.Rabbit rabbit = Settings.from(Settings.defaults().mergeIn(new JsonObject().put("rabbitmq", new JsonObject()
      .put("uri", uri).put("exchange", name).put("embedded", "never")
      .put("confirmTimeoutMs", 20_000).put("readerStallMs", 5_000).put("reconnectIntervalMs", 200)), true)).rabbit();
    ChatPublisher.Declaration topology = connection -> {
      try (Channel channel = connection.createChannel()) {
        channel.exchangeDeclare(name, "fanout", false, false, null);
        channel.queueDeclare(queue, false, false, false, queueArguments);
        channel.queueBind(queue, name, "");
      } catch (java.util.concurrent.TimeoutException e) {
        throw new java.io.IOException(e);
      }
    };
    publisher = on(() -> new ChatPublisher(vertx, Broker.configured(rabbit), rabbit, topology,
      new ReaderProgress(rabbit.readerStallMs(), System.currentTimeMillis())));
    on(() -> {
      publisher.start();
      return null;
    });
    await("the publisher to connect").atMost(Duration.ofSeconds(15)).until(() -> on(publisher::isReady));
    return publisher;
  }

  private ChatPublisher started(String uri) throws Exception {
    return started(uri, Map.of());
  }

  /** Runs {@code what} on the publisher's event loop and waits for it. */
  private <T> T on(Callable<T> what) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        result.complete(what.call());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(30, TimeUnit.SECONDS);
  }

  /** Publishes {@code ids} in this order, in one turn of the event loop; the unconfirmed count right after. */
  private int publishAll(List<String> ids, List<Future<Void>> answers, String text) throws Exception {
    return on(() -> {
      for (String id : ids) {
        answers.add(publisher.publish(WireFormat.properties(id, id.substring(0, id.indexOf('-')), null, "general",
          System.currentTimeMillis()), WireFormat.body(text)));
      }
      return publisher.unconfirmed();
    });
  }

  /** Waits until every answer came, success or failure. */
  private static void awaitAll(List<Future<Void>> answers, Duration within) throws Exception {
    Future.join(new ArrayList<>(answers)).transform(done -> Future.succeededFuture()).toCompletionStage().toCompletableFuture()
      .get(within.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The message ids in this test's queue, in queue order (taking them out). */
  private List<String> queued() throws Exception {
    List<String> ids = new ArrayList<>();
    try (Connection connection = RabbitBroker.connect(); Channel channel = connection.createChannel()) {
      GetResponse response;
      while ((response = channel.basicGet(queue, true)) != null) {
        ids.add(response.getProps().getMessageId());
      }
    }
    return ids;
  }

  /** {@code users} users' messages interleaved: u0-0, u1-0, …, u0-1, u1-1, … */
  private static List<String> interleaved(int users, int each) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < each; i++) {
      for (int u = 0; u < users; u++) {
        ids.add("u" + u + "-" + i);
      }
    }
    return ids;
  }

  /**
   * Confirms are pipelined: right after 100 publishes in one turn of the event loop, all of them are written and
   * waiting for their confirm (a publisher that writes one at a time would have at most one), and all complete.
   */
  @Test
  void manySendsAwaitTheirConfirmsAtOnce() throws Exception {
    started(RabbitBroker.uri());
    List<String> ids = interleaved(4, 25);
    List<Future<Void>> answers = new ArrayList<>();
    int unconfirmed = publishAll(ids, answers, "hello");
    assertThat(unconfirmed).as("messages written and unconfirmed at once").isGreaterThanOrEqualTo(50);
    awaitAll(answers, Duration.ofSeconds(10));
    assertThat(answers).allMatch(Future::succeeded);
    assertThat(on(publisher::mostUnconfirmed)).isGreaterThan(1);
    assertThat(queued()).as("in the order they were published").containsExactlyElementsOf(ids);
  }

  /**
   * A nack fails its send at once, long before the send's time is up (20 s of confirm here), and only that send:
   * the queue takes two messages and the broker refuses the rest; the channel goes on publishing.
   */
  @Test
  void aNackFailsItsSendAtOnce() throws Exception {
    started(RabbitBroker.uri(), Map.of("x-max-length", 2, "x-overflow", "reject-publish"));
    List<Future<Void>> answers = new ArrayList<>();
    long started = System.nanoTime();
    publishAll(List.of("a-0", "a-1", "a-2", "a-3", "a-4"), answers, "hello");
    awaitAll(answers, Duration.ofSeconds(5));
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertThat(answers.subList(0, 2)).allMatch(Future::succeeded);
    assertThat(answers.subList(2, 5)).allSatisfy(answer ->
      assertThat(answer.cause()).isInstanceOf(ChatPublisher.Nacked.class));
    assertThat(tookMs).as("answered well before the confirm timeout").isLessThan(5_000);
    assertThat(queued()).containsExactly("a-0", "a-1");

    List<Future<Void>> after = new ArrayList<>();
    publishAll(List.of("b-0"), after, "again");
    awaitAll(after, Duration.ofSeconds(5));
    assertThat(after.get(0).succeeded()).as("the channel still publishes").isTrue();
  }

  /**
   * A connection cut while 20 messages of two users were written but held on the way (a broker that stopped
   * answering, then the connection dropped): none reached the broker, none was confirmed. The publisher connects
   * again and publishes them again, in their order, and their confirms answer the sends: each is in the queue once,
   * in order. A publisher that does not publish again leaves them unconfirmed and the queue empty.
   */
  @Test
  void whatACutConnectionHadNotConfirmedIsPublishedAgainInOrder() throws Exception {
    TcpProxy proxy = TcpProxy.toBroker(true);
    closing.add(proxy);
    started(proxy.uri());
    proxy.stall();
    List<String> ids = interleaved(2, 10);
    List<Future<Void>> answers = new ArrayList<>();
    assertThat(publishAll(ids, answers, "held")).as("written, unconfirmed").isEqualTo(20);
    Thread.sleep(300);
    assertThat(answers).noneMatch(Future::isComplete);
    proxy.cut(); // what was held is dropped with the connection
    proxy.resume();
    awaitAll(answers, Duration.ofSeconds(15));
    assertThat(answers).allMatch(Future::succeeded);
    assertThat(on(publisher::published)).as("each written twice").isEqualTo(40);
    assertThat(queued()).containsExactlyElementsOf(ids);
  }

  /**
   * A publish to an exchange that was deleted makes the broker close the channel (404) and drop the message. The
   * publisher connects again, declares the topology again and publishes the message again: confirmed, queued once.
   */
  @Test
  void aChannelClosedByTheBrokerIsReplacedAndTheMessagePublishedAgain() throws Exception {
    started(RabbitBroker.uri());
    try (Connection connection = RabbitBroker.connect(); Channel channel = connection.createChannel()) {
      channel.exchangeDelete(name);
    }
    List<Future<Void>> answers = new ArrayList<>();
    publishAll(List.of("a-0", "a-1", "a-2"), answers, "to a deleted exchange");
    awaitAll(answers, Duration.ofSeconds(15));
    assertThat(answers).allMatch(Future::succeeded);
    assertThat(queued()).containsExactly("a-0", "a-1", "a-2");
  }

  /**
   * A broker that stops reading (held by the proxy) never blocks the event loop: 16 MB of messages, far more than
   * the socket buffers on the way hold, are accepted in one turn of the loop, at most the bound is written, and the
   * rest waits its turn. Once the broker reads again every one is confirmed, in order. A publisher that wrote each
   * message straight to the socket would block in the loop.
   */
  @Test
  void aBrokerThatStopsReadingNeverBlocksTheEventLoop() throws Exception {
    TcpProxy proxy = TcpProxy.toBroker(true);
    closing.add(proxy);
    started(proxy.uri());
    proxy.stall();
    List<String> ids = interleaved(4, 2_000);
    List<Future<Void>> answers = new ArrayList<>();
    long started = System.nanoTime();
    int unconfirmed = publishAll(ids, answers, "x".repeat(2_000));
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertThat(tookMs).as("8000 publishes of 2000 characters while the broker reads nothing").isLessThan(5_000);
    assertThat(unconfirmed).isBetween(1, ChatPublisher.MAX_UNCONFIRMED);
    assertThat(on(publisher::mostUnconfirmed)).isLessThanOrEqualTo(ChatPublisher.MAX_UNCONFIRMED);
    proxy.resume();
    awaitAll(answers, Duration.ofSeconds(40));
    assertThat(answers).allMatch(Future::succeeded);
    assertThat(queued()).containsExactlyElementsOf(ids);
  }

  /**
   * Under a steady load of three users, the connection is cut three times: every send is answered by a confirm
   * (what a cut lost is published again), and in the queue the first copy of each message comes in the order of
   * publishing, so each user's messages are in their order; a message is there twice at most, when the cut lost
   * its confirm and not the message.
   */
  @Test
  void cutsUnderLoadLoseNothingAndKeepTheOrder() throws Exception {
    TcpProxy proxy = TcpProxy.toBroker(true);
    closing.add(proxy);
    started(proxy.uri());
    List<String> ids = interleaved(3, 200);
    List<Future<Void>> answers = new ArrayList<>();
    for (int batch = 0; batch < 60; batch++) {
      publishAll(ids.subList(batch * 10, batch * 10 + 10), answers, "load");
      Thread.sleep(20);
      if (batch % 20 == 10) {
        proxy.cut();
      }
    }
    awaitAll(answers, Duration.ofSeconds(30));
    assertThat(answers).allMatch(Future::succeeded);
    List<String> queued = queued();
    assertThat(new ArrayList<>(new LinkedHashSet<>(queued))).as("first copies, in publishing order")
      .containsExactlyElementsOf(ids);
    assertThat(queued.size() - ids.size()).as("second copies").isLessThanOrEqualTo(3 * ChatPublisher.MAX_UNCONFIRMED);
    System.out.println("3 cuts under load: " + queued.size() + " messages queued for " + ids.size() + " sends, "
      + on(publisher::published) + " writes");
  }
}
