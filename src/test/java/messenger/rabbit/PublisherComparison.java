package messenger.rabbit;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQPublisher;
import io.vertx.rabbitmq.RabbitMQPublisherOptions;
import messenger.Settings;
import messenger.broker.Broker;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Not a test (its name keeps it out of every suite): an A/B of the publisher, vertx-rabbitmq's
 * {@code RabbitMQPublisher} as the app used it before (publishConfirm, any of confirm and read-back, a timeout)
 * against {@link ChatPublisher}, alternating in one process on one event loop, to the same kind of stream. Per
 * round and publisher: 400 sends at 200/s, each timed from the call to its answer on the event loop, then 5 000
 * sends at once (confirmed sends/s). Run on its own:
 * {@code ./mvnw -o -q verify -Dtest=PublisherComparison -Dsurefire.failIfNoSpecifiedTests=false -DskipITs}
 * (figures on stdout and in target/surefire-reports/messenger.rabbit.PublisherComparison-output.txt).
 */
@NeedsRabbitMQ("publishes to a stream")
class PublisherComparison {

  private static final int ROUNDS = Integer.getInteger("rounds", 5);
  private static final int PACED = 400;
  private static final int BURST = 5_000;

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final String name = "publisher-ab-" + UUID.randomUUID().toString().substring(0, 8);

  @Test
  void compare() throws Exception {
    Settings.Rabbit rabbit = Settings.from(Settings.defaults().mergeIn(new JsonObject().put("rabbitmq", new JsonObject()
      .put("uri", RabbitBroker.uri()).put("exchange", name).put("embedded", "never")), true)).rabbit();
    Broker broker = Broker.configured(rabbit);
    ReaderProgress readBack = new ReaderProgress(rabbit.readerStallMs(), System.currentTimeMillis());
    try {
      Function<Integer, Future<Void>> old = on(() -> oldPublisher(broker, rabbit, readBack)).toCompletionStage()
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
      ChatPublisher ours = on(() -> new ChatPublisher(vertx, broker, rabbit,
        connection -> Topology.declare(connection, rabbit, null), readBack));
      on(() -> {
        ours.start();
        return null;
      });
      while (!on(ours::isReady)) {
        Thread.sleep(100);
      }
      Function<Integer, Future<Void>> ownPublish = i -> ours.publish(
        WireFormat.properties("new-" + i + "-" + UUID.randomUUID(), "ab", null, "general", System.currentTimeMillis()),
        WireFormat.body("a message of about the length of a chat line, eighty-five characters or so......"));
      List<double[]> oldRounds = new ArrayList<>();
      List<double[]> newRounds = new ArrayList<>();
      System.out.printf("publisher A/B, load average at start %s%n", loadAverage());
      for (int round = 1; round <= ROUNDS; round++) {
        for (String which : List.of("old", "new")) {
          double[] figures = measure(which.equals("old") ? old : ownPublish);
          (which.equals("old") ? oldRounds : newRounds).add(figures);
          System.out.printf("round %d %s: call -> answer p50 %.3f ms p99 %.3f ms mean %.3f ms; burst of %d: %.0f confirmed/s; load %s%n",
            round, which, figures[0], figures[1], figures[2], BURST, figures[3], loadAverage());
        }
      }
      System.out.printf("medians of %d rounds: old p50 %.3f p99 %.3f ms burst %.0f/s; new p50 %.3f p99 %.3f ms burst %.0f/s%n",
        ROUNDS, median(oldRounds, 0), median(oldRounds, 1), median(oldRounds, 3),
        median(newRounds, 0), median(newRounds, 1), median(newRounds, 3));
      on(ours::stop);
    } finally {
      try (Connection connection = RabbitBroker.connect(); Channel channel = connection.createChannel()) {
        channel.queueDelete(rabbit.stream());
        channel.exchangeDelete(name);
      }
      vertx.close().await();
    }
  }

  /** The publish path of the app before: its own connection, topology on connect, RabbitMQPublisher, any of confirm and read-back. */
  private Future<Function<Integer, Future<Void>>> oldPublisher(Broker broker, Settings.Rabbit rabbit, ReaderProgress readBack) {
    RabbitMQClient client = broker.client(vertx, "publisher-old", Integer.MAX_VALUE);
    client.addConnectionEstablishedCallback(promise -> Topology.declare(client, rabbit, null).onComplete(promise));
    RabbitMQPublisher publisher = RabbitMQPublisher.create(vertx, client, new RabbitMQPublisherOptions()
      .setReconnectAttempts(Integer.MAX_VALUE).setReconnectInterval(rabbit.reconnectIntervalMs()));
    return client.start().map(v -> i -> {
      String id = "old-" + i + "-" + UUID.randomUUID();
      Future<Void> read = readBack.awaitRead(id);
      Future<Long> confirmed = publisher.publishConfirm(rabbit.exchange(), "",
        WireFormat.properties(id, "ab", null, "general", System.currentTimeMillis()),
        WireFormat.body("a message of about the length of a chat line, eighty-five characters or so......"));
      return Future.any(confirmed, read).timeout(rabbit.confirmTimeoutMs(), TimeUnit.MILLISECONDS).<Void>mapEmpty()
        .onComplete(ar -> readBack.forget(id));
    });
  }

  /** {p50, p99, mean} in ms of PACED sends at 200/s, then BURST sends at once in confirmed sends/s. */
  private double[] measure(Function<Integer, Future<Void>> publish) throws Exception {
    long[] micros = new long[PACED];
    CompletableFuture<Void> paced = new CompletableFuture<>();
    context.runOnContext(v -> {
      int[] sent = {0};
      int[] answered = {0};
      vertx.setPeriodic(5, timer -> {
        int i = sent[0]++;
        if (i >= PACED) {
          vertx.cancelTimer(timer);
          return;
        }
        long start = System.nanoTime();
        publish.apply(i).onComplete(ar -> {
          micros[i] = ar.succeeded() ? (System.nanoTime() - start) / 1000 : Long.MAX_VALUE / 2;
          if (++answered[0] == PACED) {
            paced.complete(null);
          }
        });
      });
    });
    paced.get(60, TimeUnit.SECONDS);
    long[] sorted = micros.clone();
    Arrays.sort(sorted);
    double mean = Arrays.stream(sorted).average().orElse(0) / 1000;

    CompletableFuture<Long> burst = new CompletableFuture<>();
    context.runOnContext(v -> {
      long start = System.nanoTime();
      List<Future<Void>> all = new ArrayList<>();
      for (int i = 0; i < BURST; i++) {
        all.add(publish.apply(PACED + i));
      }
      Future.join(all).onComplete(ar -> burst.complete(System.nanoTime() - start));
    });
    long burstNanos = burst.get(120, TimeUnit.SECONDS);
    return new double[] {sorted[PACED / 2] / 1000.0, sorted[(int) Math.ceil(PACED * 0.99) - 1] / 1000.0, mean,
      BURST / (burstNanos / 1e9)};
  }

  private static double median(List<double[]> rounds, int index) {
    double[] values = rounds.stream().mapToDouble(r -> r[index]).sorted().toArray();
    return values[values.length / 2];
  }

  private static String loadAverage() {
    try {
      String[] parts = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (Exception e) {
      return "?";
    }
  }

  private <T> T on(java.util.concurrent.Callable<T> what) throws Exception {
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
}
