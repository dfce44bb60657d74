package messenger.rabbit;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayDeque;
import java.util.function.BiConsumer;

/**
 * Bounds the history reads from the stream: {@code permits} at once; up to {@code maxWaiting} more wait their
 * turn, each at most {@code maxWaitMs}; anything beyond is refused at once, so a crowd of readers never builds
 * an unbounded queue. Used on one event loop. (Vert.x's shared-data locks have one permit and no bound on their
 * waiters; resilience4j's bulkhead blocks the waiting thread.)
 */
final class ReadGate {

  /** Refused: every permit is taken and the queue is full, or the wait was too long. */
  static final class Busy extends RuntimeException {
    Busy(String message) {
      super(message, null, false, false);
    }
  }

  private final Vertx vertx;
  private final int permits;
  private final int maxWaiting;
  private final long maxWaitMs;
  private final BiConsumer<Integer, Integer> report;
  private final ArrayDeque<Promise<Void>> waiting = new ArrayDeque<>();
  private int taken;

  /** {@code report} hears the permits taken and the waiters after every change. */
  ReadGate(Vertx vertx, int permits, int maxWaiting, long maxWaitMs, BiConsumer<Integer, Integer> report) {
    this.vertx = vertx;
    this.permits = permits;
    this.maxWaiting = maxWaiting;
    this.maxWaitMs = maxWaitMs;
    this.report = report;
  }

  /** Completes with a permit, which the caller must {@link #release()}; or fails with {@link Busy}. */
  Future<Void> acquire() {
    if (taken < permits) {
      taken++;
      changed();
      return Future.succeededFuture();
    }
    if (waiting.size() >= maxWaiting) {
      return Future.failedFuture(new Busy(taken + " history reads in progress and " + waiting.size() + " waiting"));
    }
    Promise<Void> turn = Promise.promise();
    waiting.add(turn);
    changed();
    long timer = vertx.setTimer(maxWaitMs, t -> {
      if (waiting.remove(turn)) {
        changed();
        turn.fail(new Busy("waited " + maxWaitMs + " ms for a history read"));
      }
    });
    return turn.future().onSuccess(v -> vertx.cancelTimer(timer));
  }

  void release() {
    Promise<Void> next = waiting.poll();
    if (next == null) {
      taken--;
    } else {
      next.complete(); // the permit passes on
    }
    changed();
  }

  private void changed() {
    report.accept(taken, waiting.size());
  }
}
