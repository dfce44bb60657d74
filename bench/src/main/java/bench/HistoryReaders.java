package bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * People reading a chat's history on Messenger, each a user with a session of their own, one page at a time (the
 * next when the last has come: a person scrolling). {@code before}: from a seq picked at random in
 * {@code [from, to)}, each next page below the first of the last ({@code /history?before=}); {@code after}: each
 * next page above the last of the last ({@code /history?after=}), as a reader catching up. Times every page from
 * request to the whole answer, on the load generator's clock; counts answers that are not 200 by status. All of it
 * runs on one event loop of the load generator.
 */
final class HistoryReaders implements AutoCloseable {

  enum Direction { BEFORE, AFTER }

  /** After an answer that is not a page (503 busy, 429), a person waits a moment before trying again. */
  private static final long BACK_OFF_MS = 100;

  private final Context context;
  private final MessengerPeer peer;
  private final HttpClient http;
  private final List<String> cookies;
  private final int limit;
  /** Between the starts of one reader's pages at least this long (µs): a person's pace, not a loop's. */
  private long pauseMicros;
  private final long from;
  private final long to;
  private final List<Reader> readers = new ArrayList<>();
  private boolean running;
  private long windowStart;
  private long windowEnd;

  private HistoryReaders(Context context, MessengerPeer peer, HttpClient http, List<String> cookies, int limit,
                         long from, long to) {
    this.context = context;
    this.peer = peer;
    this.http = http;
    this.cookies = cookies;
    this.limit = limit;
    this.from = from;
    this.to = to;
  }

  /** Logs in {@code count} readers, who start at seqs in {@code [from, to)} and read pages of {@code limit}. */
  static HistoryReaders open(Vertx vertx, MessengerPeer peer, int count, int limit, long from, long to) {
    Context context = vertx.getOrCreateContext();
    HttpClient http = on(context, () -> vertx.createHttpClient(
      new HttpClientOptions().setTcpNoDelay(true).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(Math.max(1, count))));
    List<String> cookies = on(context, () -> {
      List<Future<String>> logins = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        logins.add(peer.login(http, "bench-h"));
      }
      return Future.all(logins).map(all -> logins.stream().map(Future::result).toList());
    }).timeout(60, TimeUnit.SECONDS).await();
    return new HistoryReaders(context, peer, http, cookies, limit, from, to);
  }

  /** Starts every reader; pages answered within {@code [windowStart, windowEnd]} (µs, {@link Bench#micros}) count. */
  void start(Direction direction, long windowStart, long windowEnd) {
    start(direction, windowStart, windowEnd, 0);
  }

  /** As {@link #start(Direction, long, long)}, each reader asking at most {@code pagesPerSecond} pages a second (0: no pause). */
  void start(Direction direction, long windowStart, long windowEnd, double pagesPerSecond) {
    on(context, () -> {
      this.pauseMicros = pagesPerSecond > 0 ? (long) (1e6 / pagesPerSecond) : 0;
      this.windowStart = windowStart;
      this.windowEnd = windowEnd;
      running = true;
      readers.clear();
      for (String cookie : cookies) {
        Reader reader = new Reader(direction, cookie);
        readers.add(reader);
        reader.next(start());
      }
      return null;
    });
  }

  /** Stops after the pages in flight; what was measured. */
  JsonObject stop() throws InterruptedException {
    on(context, () -> running = false);
    long deadline = System.currentTimeMillis() + 30_000;
    while (on(context, () -> readers.stream().anyMatch(r -> r.inFlight)) && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    return on(context, this::result);
  }

  private JsonObject result() {
    Histogram latency = ReceiverGroup.newHistogram();
    Map<String, Long> statuses = new TreeMap<>();
    long messages = 0;
    for (Reader r : readers) {
      latency.add(r.latency);
      r.statuses.forEach((status, n) -> statuses.merge(status, n, Long::sum));
      messages += r.messages;
    }
    double seconds = (windowEnd - windowStart) / 1e6;
    return new JsonObject()
      .put("readers", cookies.size())
      .put("pages", latency.getTotalCount())
      .put("pagesPerSec", Bench.round(latency.getTotalCount() / seconds, 1))
      .put("messagesPerPage", latency.getTotalCount() == 0 ? 0 : Bench.round(messages / (double) latency.getTotalCount(), 1))
      .put("latencyMs", new JsonObject().put("p50", Bench.StepResult.ms(latency, 50))
        .put("p99", Bench.StepResult.ms(latency, 99)).put("p99.9", Bench.StepResult.ms(latency, 99.9))
        .put("max", Bench.round(latency.getMaxValue() / 1000.0, 2)).put("samples", latency.getTotalCount()))
      .put("notOk", new JsonObject(new java.util.LinkedHashMap<>(statuses)));
  }

  private long start() {
    return ThreadLocalRandom.current().nextLong(from, to);
  }

  @Override
  public void close() {
    on(context, () -> {
      running = false;
      return http.close();
    }).await();
  }

  /** Runs {@code action} on the readers' event loop and waits for it. */
  private static <T> T on(Context context, Callable<T> action) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> {
      try {
        result.complete(action.call());
      } catch (Exception e) {
        result.fail(e);
      }
    });
    return result.future().await();
  }

  /** One person: one page at a time, each where the last one ended. */
  private final class Reader {
    final Direction direction;
    final String cookie;
    final Histogram latency = ReceiverGroup.newHistogram();
    final Map<String, Long> statuses = new TreeMap<>();
    long messages;
    boolean inFlight;

    Reader(Direction direction, String cookie) {
      this.direction = direction;
      this.cookie = cookie;
    }

    void next(long seq) {
      if (!running) {
        return;
      }
      inFlight = true;
      String uri = "/history?" + (direction == Direction.BEFORE ? "before=" : "after=") + seq + "&limit=" + limit;
      long sent = Bench.micros();
      http.request(HttpMethod.GET, peer.port(), "127.0.0.1", uri)
        .compose(req -> req.putHeader("Cookie", cookie).send()
          .compose(resp -> resp.body().map(body -> new Answer(resp.statusCode(), body))))
        .timeout(60, TimeUnit.SECONDS)
        .onComplete(ar -> {
          long done = Bench.micros();
          inFlight = false;
          boolean counted = done >= windowStart && done <= windowEnd;
          long following = start();
          if (ar.failed() || ar.result().status() != 200) {
            if (counted) {
              statuses.merge(ar.failed() ? "failed" : Integer.toString(ar.result().status()), 1L, Long::sum);
            }
            long then = following;
            context.owner().setTimer(BACK_OFF_MS, t -> next(then));
            return;
          }
          JsonArray page = new JsonObject(ar.result().body()).getJsonArray("messages");
          if (counted) {
            latency.recordValue(Math.max(0, done - sent));
            messages += page.size();
          }
          // A full page goes on where it ended; a short one met an end of the log: start again elsewhere.
          if (page.size() == limit) {
            following = direction == Direction.BEFORE ? page.getJsonObject(0).getLong("seq")
              : page.getJsonObject(page.size() - 1).getLong("seq");
          }
          long wait = sent + pauseMicros - Bench.micros();
          if (wait > 1000) {
            long then = following;
            context.owner().setTimer(wait / 1000, t -> next(then));
          } else {
            next(following);
          }
        });
    }
  }

  private record Answer(int status, Buffer body) {
  }
}
