package bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * History (issue #13, item 5): Messenger on a chat log of {@code --history-messages} (1 000 000), written straight
 * into the bench's own stream before the app starts (so the app reads only its newest 200 into memory), then
 * <ul>
 *   <li>{@code /history?before=} and {@code /history?after=} pages of {@code --history-limit} (50) from the middle
 *   half of the log, by 1 and by 20 readers at once ({@code --history-readers}), each a user of their own,
 *   {@code --history-seconds} (10) each after a warm-up: p50 / p99 of the answer time;</li>
 *   <li>the live fan-out knee at N = {@code --history-knee-n} (500), searched as in the sweep, without readers and
 *   while {@code --history-scrollers} (20) readers scroll back all the time.</li>
 * </ul>
 * The app runs with the sweep's send limits and a per-session history limit raised so that readers are never
 * refused by it; its read bound ({@code history.maxConcurrentReads}) is the default. The stream is deleted
 * afterwards, whatever happened.
 */
final class HistoryStep {

  /** Confirms outstanding while filling: enough to keep the broker busy, few enough to bound memory. */
  private static final int FILL_WINDOW = 5_000;
  /** More than a message takes on disk with its chunk's share (about 250 bytes here): the fill's disk check. */
  private static final long BYTES_PER_MESSAGE_BOUND = 1_000;
  private static final Path BROKER_DATA = Path.of("/var/lib/rabbitmq");

  private HistoryStep() {
  }

  static JsonObject run(Bench bench, Options options, Vertx vertx) throws Exception {
    String exchange = "bench-history-" + Servers.RUN_ID;
    String stream = exchange + ".log";
    JsonObject result = new JsonObject().put("messages", options.historyMessages).put("limit", options.historyLimit);
    try {
      result.put("fill", fill(options, stream));
      JsonObject conf = new JsonObject().put("history", new JsonObject()
        .put("ratePerSecond", 1_000_000).put("rateBurst", 1_000_000));
      try (Servers.Server server = Servers.messenger(options, vertx, Servers.SWEEP_LIMITS, exchange, conf)) {
        MessengerPeer peer = (MessengerPeer) server.peer();
        Bench.log("== history: messenger (pid %d) on a log of %d messages, up in %d ms", peer.serverPid(),
          options.historyMessages, server.startupMillis());
        long from = options.historyMessages / 4;
        long to = Math.max(from + 1, 3L * options.historyMessages / 4);
        JsonObject pages = new JsonObject();
        result.put("pages", pages);
        for (int readers : options.historyReaders) {
          JsonObject byReaders = new JsonObject();
          pages.put(Integer.toString(readers), byReaders);
          try (HistoryReaders group = HistoryReaders.open(vertx, peer, readers, options.historyLimit, from, to)) {
            for (HistoryReaders.Direction direction : HistoryReaders.Direction.values()) {
              JsonObject r = measure(group, direction, options);
              byReaders.put(direction.name().toLowerCase(), r);
              Bench.log("   history %s, %d readers: %s", direction.name().toLowerCase(), readers, r.encode());
            }
          }
        }
        if (options.historyKnee) {
          result.put("knee", knees(bench, options, vertx, peer, from, to));
        }
      }
    } finally {
      Servers.deleteBrokerObjects(options, Servers.chatQueues(exchange), Servers.chatExchanges(exchange));
    }
    return result;
  }

  /** A warm-up, then {@code --history-seconds} measured. */
  private static JsonObject measure(HistoryReaders group, HistoryReaders.Direction direction, Options options)
    throws InterruptedException {
    long start = Bench.micros() + (long) (options.warmSeconds * 1e6);
    long end = start + (long) (options.historySeconds * 1e6);
    group.start(direction, start, end);
    TimeUnit.MICROSECONDS.sleep(end - Bench.micros());
    return group.stop();
  }

  /** The fan-out knee at N, without readers and then with scrollers reading back all the while, at each scroll rate. */
  private static JsonObject knees(Bench bench, Options options, Vertx vertx, MessengerPeer peer, long from, long to)
    throws Exception {
    JsonObject knees = new JsonObject().put("n", options.historyKneeN).put("scrollers", options.historyScrollers);
    JsonArray withReaders = new JsonArray();
    try (Fleet fleet = Fleet.openSendersOnly(vertx, peer, options)) {
      fleet.openReceivers(options.historyKneeN);
      Bench.log("   history knee: N=%d receivers connected", options.historyKneeN);
      JsonObject without = knee(bench, options, fleet, "N=" + options.historyKneeN);
      knees.put("withoutReaders", without).put("withReaders", withReaders);
      for (double rate : options.historyScrollRates) {
        try (HistoryReaders scrollers = HistoryReaders.open(vertx, peer, options.historyScrollers, options.historyLimit, from, to)) {
          scrollers.start(HistoryReaders.Direction.BEFORE, Bench.micros(), Long.MAX_VALUE, rate);
          long started = Bench.micros();
          JsonObject with = knee(bench, options, fleet,
            "N=" + options.historyKneeN + " + " + options.historyScrollers + " scrolling at " + rate + " pages/s");
          long ended = Bench.micros();
          JsonObject reading = scrollers.stop();
          // Their own pages per second over the whole search, for context.
          reading.put("pagesPerSec", Bench.round(reading.getLong("pages") / ((ended - started) / 1e6), 1));
          with.put("scrollRate", rate).put("readers", reading);
          Double withKnee = delivered(with);
          Double withoutKnee = delivered(without);
          if (withKnee != null && withoutKnee != null && withoutKnee > 0) {
            with.put("ratio", Bench.round(withKnee / withoutKnee, 3));
          }
          withReaders.add(with);
        }
      }
    }
    return knees;
  }

  private static JsonObject knee(Bench bench, Options options, Fleet fleet, String label) throws Exception {
    return new KneeSearch(options, label, rate -> bench.step(fleet, rate, options.measureSeconds),
      () -> fleet.awaitQuiet(30_000)).find(options.startDelivered / (double) fleet.receivers());
  }

  private static Double delivered(JsonObject search) {
    JsonObject knee = search.getJsonObject("knee");
    return knee == null ? null : knee.getDouble("deliveredPerSec");
  }

  /**
   * Writes the log as the app would have: chat messages (message id, sender, sent-at, the bench's text) into the
   * stream, declared as the app declares it, confirms pipelined. Refuses when a local broker's disk could not
   * hold it; says how fast it went and, on a local broker, how much disk a message took.
   */
  static JsonObject fill(Options options, String stream) throws Exception {
    long count = options.historyMessages;
    if (Files.isDirectory(BROKER_DATA)) {
      long free = Files.getFileStore(BROKER_DATA).getUsableSpace();
      if (free < 2 * count * BYTES_PER_MESSAGE_BOUND) {
        throw new IllegalStateException(String.format("the broker's disk has %d MB free; %d messages need up to %d MB",
          free >> 20, count, count * BYTES_PER_MESSAGE_BOUND >> 20));
      }
    }
    byte[] body = Peer.TEXT.getBytes(StandardCharsets.UTF_8);
    long started = System.nanoTime();
    try (Connection connection = Servers.factory(options).newConnection("messenger-bench-fill")) {
      Channel channel = connection.createChannel();
      channel.queueDeclare(stream, true, false, false, Map.of("x-queue-type", "stream", "x-max-age", "7D"));
      channel.confirmSelect();
      Semaphore window = new Semaphore(FILL_WINDOW);
      ConcurrentSkipListSet<Long> unconfirmed = new ConcurrentSkipListSet<>();
      boolean[] nacked = {false};
      channel.addConfirmListener((tag, multiple) -> window.release(settle(unconfirmed, tag, multiple)),
        (tag, multiple) -> {
          nacked[0] = true;
          window.release(settle(unconfirmed, tag, multiple));
        });
      for (long i = 0; i < count; i++) {
        window.acquire();
        unconfirmed.add(channel.getNextPublishSeqNo());
        long now = System.currentTimeMillis();
        channel.basicPublish("", stream, new AMQP.BasicProperties.Builder().messageId("h-" + i)
          .contentType("text/plain").contentEncoding("utf-8").deliveryMode(2).timestamp(new Date(now))
          .headers(Map.of("sender", "bench-writer-" + i % 100, "sent-at", now)).build(), body);
        if ((i + 1) % 100_000 == 0) {
          Bench.log("   history fill: %d of %d messages", i + 1, count);
        }
      }
      if (!window.tryAcquire(FILL_WINDOW, 120, TimeUnit.SECONDS) || nacked[0]) {
        throw new IllegalStateException("the broker did not confirm every message of the fill");
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    JsonObject fill = new JsonObject().put("messages", count).put("seconds", Bench.round(seconds, 1))
      .put("messagesPerSec", Math.round(count / seconds));
    Long bytes = streamBytes(stream);
    if (bytes != null) {
      fill.put("diskBytes", bytes).put("bytesPerMessage", Bench.round(bytes / (double) count, 1));
    }
    Bench.log("   history fill: %s", fill.encode());
    return fill;
  }

  /** Confirms of {@code tag} (and below, when {@code multiple}) arrived: how many publishes that settles. */
  static int settle(ConcurrentSkipListSet<Long> unconfirmed, long tag, boolean multiple) {
    if (!multiple) {
      return unconfirmed.remove(tag) ? 1 : 0;
    }
    var settled = unconfirmed.headSet(tag, true);
    int n = settled.size();
    settled.clear();
    return n;
  }

  /** The stream's files on a local broker (its directory is named after the stream, '.' as '_'), or null. */
  private static Long streamBytes(String stream) {
    Path mnesia = BROKER_DATA.resolve("mnesia");
    if (!Files.isDirectory(mnesia)) {
      return null;
    }
    String prefix = "__" + stream.replace('.', '_') + "_";
    try (Stream<Path> nodes = Files.list(mnesia)) {
      for (Path node : nodes.toList()) {
        Path streams = node.resolve("stream");
        if (!Files.isDirectory(streams)) {
          continue;
        }
        try (Stream<Path> dirs = Files.list(streams)) {
          for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith(prefix)).toList()) {
            try (Stream<Path> files = Files.walk(dir)) {
              return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
            }
          }
        }
      }
    } catch (Exception e) {
      return null;
    }
    return null;
  }
}
