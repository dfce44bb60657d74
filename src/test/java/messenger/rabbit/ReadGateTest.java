package messenger.rabbit;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The bound on stream reads: a few permits, a short queue with a wait limit, and a refusal beyond. */
class ReadGateTest {

  private final Vertx vertx = Vertx.vertx();
  private final Context loop = vertx.getOrCreateContext();
  private final List<String> reports = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private ReadGate gate(int permits, int waiting, long waitMs) {
    return new ReadGate(vertx, permits, waiting, waitMs, (reading, queued) -> reports.add(reading + "/" + queued));
  }

  /** Runs on the gate's event loop, as the app does, and hands back the result. */
  private <T> T onLoop(Supplier<T> action) {
    CompletableFuture<T> result = new CompletableFuture<>();
    loop.runOnContext(v -> result.complete(action.get()));
    return result.join();
  }

  @Test
  void permitsThenAShortQueueThenRefusals() {
    ReadGate gate = onLoop(() -> gate(2, 1, 60_000));
    Future<Void> first = onLoop(gate::acquire);
    Future<Void> second = onLoop(gate::acquire);
    Future<Void> third = onLoop(gate::acquire);
    Future<Void> fourth = onLoop(gate::acquire);
    assertThat(first.succeeded()).isTrue();
    assertThat(second.succeeded()).isTrue();
    assertThat(third.isComplete()).as("waits its turn").isFalse();
    assertThat(fourth.failed()).as("refused at once").isTrue();
    assertThat(fourth.cause()).isInstanceOf(ReadGate.Busy.class);

    onLoop(() -> {
      gate.release();
      return null;
    });
    assertThat(third.succeeded()).as("the released permit passed on").isTrue();
    onLoop(() -> {
      gate.release();
      gate.release();
      return null;
    });
    assertThat(reports).containsExactly("1/0", "2/0", "2/1", "2/0", "1/0", "0/0");
  }

  @Test
  void aWaiterIsRefusedWhenItsWaitIsOver() {
    ReadGate gate = onLoop(() -> gate(1, 5, 100));
    onLoop(gate::acquire);
    Future<Void> waiting = onLoop(gate::acquire);
    await().atMost(Duration.ofSeconds(10)).until(waiting::isComplete);
    assertThat(waiting.cause()).isInstanceOf(ReadGate.Busy.class);

    Future<Void> next = onLoop(() -> {
      gate.release();
      return gate.acquire();
    });
    assertThat(next.succeeded()).as("the gave-up waiter took no permit").isTrue();
    assertThat(reports).containsExactly("1/0", "1/1", "1/0", "0/0", "1/0");
  }
}
