package bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClientOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * Open-loop senders: message {@code seq} is due at {@code t0 + seq / rate}, its id carries that scheduled
 * time, and it is sent when due whatever happened to earlier ones, so a slow server cannot hide latency.
 */
final class SenderGroup extends VerticleBase {

  private final Peer peer;
  private final int count;
  private final List<Peer.Sender> senders = new ArrayList<>();
  private Peer.Clients clients;
  private int probes;

  SenderGroup(Peer peer, int count) {
    this.peer = peer;
    this.count = count;
  }

  @Override
  public Future<?> start() {
    clients = new Peer.Clients(
      vertx.createHttpClient(new HttpClientOptions().setTcpNoDelay(true).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(64)),
      vertx.createWebSocketClient(new WebSocketClientOptions().setTcpNoDelay(true)));
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      int index = i;
      chain = chain.compose(v -> peer.openSender(clients, index).map(s -> {
        senders.add(s);
        return null;
      }));
    }
    return chain;
  }

  /** Sends one probe (its receipt shows that a receiver's subscription is live). */
  Future<Void> probe() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> senders.get(0).send("p" + (probes++)).onComplete(done));
    return done.future();
  }

  /** Runs one step; completes with the number of send errors once every message was sent and answered. */
  Future<Long> run(int step, double rate, int total, long t0Micros) {
    Promise<Long> done = Promise.promise();
    context.runOnContext(v -> new Schedule(step, rate, total, t0Micros, done).start());
    return done.future();
  }

  private final class Schedule {
    final int step;
    final double rate;
    final int total;
    final long t0Micros;
    final Promise<Long> done;
    int next;
    int answered;
    long errors;
    long timer;

    Schedule(int step, double rate, int total, long t0Micros, Promise<Long> done) {
      this.step = step;
      this.rate = rate;
      this.total = total;
      this.t0Micros = t0Micros;
      this.done = done;
    }

    void start() {
      timer = vertx.setPeriodic(1, t -> tick());
    }

    void tick() {
      long now = Bench.micros();
      int due = (int) Math.min(total, Math.floor((now - t0Micros) * rate / 1e6) + 1);
      for (; next < due; next++) {
        long scheduled = t0Micros + (long) (next * 1e6 / rate);
        String id = "r" + step + "_" + next + "_" + scheduled;
        senders.get(next % senders.size()).send(id).onComplete(ar -> {
          if (ar.failed()) {
            errors++;
          }
          if (++answered == total) {
            done.complete(errors);
          }
        });
      }
      if (next >= total) {
        vertx.cancelTimer(timer);
      }
    }
  }
}
