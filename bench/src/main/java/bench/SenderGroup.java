package bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClientOptions;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

/**
 * Open-loop senders on one event loop: message {@code seq} is due at {@code t0 + seq / rate}, its id carries
 * that scheduled time, and it is sent when due whatever happened to earlier ones, so a slow server cannot
 * hide latency. Several groups can share one schedule: group {@code k} of {@code K} sends every seq with
 * seq mod K = k. Its senders take turns, so each sends rate / (K × senders) messages per second.
 */
final class SenderGroup extends VerticleBase {

  /** What one group's share of a step came to. */
  record Sends(long errors, long answeredInWindow, Histogram answerLatency) {

    static Sends sum(List<Sends> parts) {
      Histogram latency = ReceiverGroup.newHistogram();
      long errors = 0, inWindow = 0;
      for (Sends s : parts) {
        errors += s.errors;
        inWindow += s.answeredInWindow;
        latency.add(s.answerLatency);
      }
      return new Sends(errors, inWindow, latency);
    }
  }

  private final Peer peer;
  private final int initialSenders;
  private final int firstIndex;
  private final int indexStride;
  private final boolean confirmed;
  private final int connections;
  private final List<Peer.Sender> senders = new ArrayList<>();
  private Peer.Clients clients;
  private int probes;

  /**
   * Sender indexes are firstIndex, firstIndex + indexStride, …, so that groups never share a user.
   * {@code connections}: the HTTP keep-alive connections the senders share.
   */
  SenderGroup(Peer peer, int initialSenders, int firstIndex, int indexStride, boolean confirmed, int connections) {
    this.peer = peer;
    this.initialSenders = initialSenders;
    this.firstIndex = firstIndex;
    this.indexStride = indexStride;
    this.confirmed = confirmed;
    this.connections = connections;
  }

  @Override
  public Future<?> start() {
    clients = new Peer.Clients(
      vertx.createHttpClient(new HttpClientOptions().setTcpNoDelay(true).setKeepAlive(true)
        // Messenger closes a connection that sends no request for 10 s (http.requestHeaderTimeoutSeconds): drop it first.
        .setKeepAliveTimeout(5),
        new PoolOptions().setHttp1MaxSize(connections)),
      vertx.createWebSocketClient(new WebSocketClientOptions().setTcpNoDelay(true)));
    return grow(initialSenders);
  }

  /** Opens senders (e.g. logs in users) until there are {@code count}, at most 32 at a time. */
  Future<Void> ensureSenders(int count) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> grow(count).onComplete(done));
    return done.future();
  }

  private Future<Void> grow(int count) {
    List<Future<Void>> chains = new ArrayList<>();
    int missing = count - senders.size();
    for (int c = 0; c < Math.min(32, missing); c++) {
      chains.add(Future.succeededFuture());
    }
    for (int i = 0; i < missing; i++) {
      int slot = i % chains.size();
      chains.set(slot, chains.get(slot).compose(v -> {
        int index = firstIndex + indexStride * senders.size();
        return peer.openSender(clients, index, confirmed).map(s -> {
          senders.add(s);
          return null;
        });
      }));
    }
    return Future.all(chains).mapEmpty();
  }

  int senders() {
    return senders.size();
  }

  /** Sends one probe (its receipt shows that a receiver's subscription is live). */
  Future<Void> probe() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> senders.get(0).send("p" + (probes++)).onComplete(done));
    return done.future();
  }

  /**
   * Runs this group's share (seq mod stride = offset) of one step; completes once every message of it was
   * sent and answered. Answers are timed from the scheduled send for seq ≥ firstMeasured, and counted
   * when they arrive within the window.
   */
  Future<Sends> run(int step, double rate, int total, long t0Micros, int offset, int stride, int firstMeasured,
                    long windowStart, long windowEnd) {
    Promise<Sends> done = Promise.promise();
    context.runOnContext(v -> new Schedule(step, rate, total, t0Micros, offset, stride, firstMeasured,
      windowStart, windowEnd, done).start());
    return done.future();
  }

  private final class Schedule {
    final int step;
    final double rate;
    final int total;
    final long t0Micros;
    final int stride;
    final int firstMeasured;
    final long windowStart;
    final long windowEnd;
    final Promise<Sends> done;
    final int mine;
    final Histogram latency = ReceiverGroup.newHistogram();
    int seq;
    int sent;
    int answered;
    long errors;
    long inWindow;
    long timer;

    Schedule(int step, double rate, int total, long t0Micros, int offset, int stride, int firstMeasured,
             long windowStart, long windowEnd, Promise<Sends> done) {
      this.step = step;
      this.rate = rate;
      this.total = total;
      this.t0Micros = t0Micros;
      this.stride = stride;
      this.firstMeasured = firstMeasured;
      this.windowStart = windowStart;
      this.windowEnd = windowEnd;
      this.done = done;
      this.seq = offset;
      this.mine = offset < total ? (total - offset + stride - 1) / stride : 0;
    }

    void start() {
      if (mine == 0) {
        done.complete(new Sends(0, 0, latency));
        return;
      }
      timer = vertx.setPeriodic(1, t -> tick());
    }

    void tick() {
      long now = Bench.micros();
      int due = (int) Math.min(total, Math.floor((now - t0Micros) * rate / 1e6) + 1);
      for (; seq < due; seq += stride) {
        long scheduled = t0Micros + (long) (seq * 1e6 / rate);
        boolean measured = seq >= firstMeasured;
        String id = "r" + step + "_" + seq + "_" + scheduled;
        senders.get(sent++ % senders.size()).send(id).onComplete(ar -> answered(ar.cause(), scheduled, measured));
      }
      if (seq >= total) {
        vertx.cancelTimer(timer);
      }
    }

    void answered(Throwable failure, long scheduled, boolean measured) {
      long now = Bench.micros();
      if (failure != null) {
        if (errors++ == 0) {
          Bench.log("   first failed send of step %d: %s", step, failure.getMessage());
        }
      } else {
        if (measured) {
          latency.recordValue(Math.min(Math.max(0, now - scheduled), 60_000_000L));
        }
        if (now >= windowStart && now < windowEnd) {
          inWindow++;
        }
      }
      if (++answered == mine) {
        done.complete(new Sends(errors, inWindow, latency));
      }
    }
  }
}
