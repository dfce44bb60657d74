package messenger.rabbit;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a chat-log reader counts as stalled (subscribed, known to be behind, reading nothing for the bound) and
 * how its read-back settles a send. Time is passed in: no broker, no clock.
 */
class ReaderProgressTest {

  private static final long STALL = 5_000;
  private static final long T0 = 1_000_000;

  @Test
  void anIdleChatIsNeverStalled() {
    ReaderProgress progress = new ReaderProgress(STALL, T0);
    progress.subscribed(true, T0);
    progress.read("a", 10, T0 + 100);
    progress.endSeen(10, T0 + 200); // the probe sees the reader at the end
    assertThat(progress.stalled(T0 + 60_000)).isFalse();
  }

  @Test
  void anOwnConfirmedMessageNotReadBackWithinTheBoundMeansStalled() {
    ReaderProgress progress = new ReaderProgress(STALL, T0);
    progress.subscribed(true, T0);
    progress.awaitRead("mine");
    progress.confirmed("mine", T0 + 1_000);
    assertThat(progress.stalled(T0 + 1_000 + STALL)).isFalse();
    assertThat(progress.stalled(T0 + 1_001 + STALL)).isTrue();

    progress.read("mine", 11, T0 + 7_000);
    assertThat(progress.stalled(T0 + 60_000)).isFalse();
  }

  @Test
  void anEndSeenAheadThatTheReaderDoesNotReachMeansStalled() {
    ReaderProgress progress = new ReaderProgress(STALL, T0);
    progress.subscribed(true, T0);
    progress.read("a", 10, T0);
    progress.endSeen(25, T0 + 1_000); // another instance published up to 25
    assertThat(progress.stalled(T0 + 1_000 + STALL)).isFalse();
    assertThat(progress.stalled(T0 + 1_001 + STALL)).isTrue();
  }

  @Test
  void aReaderThatIsBehindButReadingIsNotStalled() {
    ReaderProgress progress = new ReaderProgress(STALL, T0);
    progress.subscribed(true, T0);
    progress.endSeen(100_000, T0);
    for (long t = T0; t < T0 + 30_000; t += 1_000) {
      progress.read("m" + t, (t - T0) / 10, t);
      assertThat(progress.stalled(t + 999)).isFalse();
    }
    progress.read("last", 100_000, T0 + 31_000);
    assertThat(progress.stalled(T0 + 120_000)).as("at the end now").isFalse();
  }

  @Test
  void aNewSubscriptionGetsTheWholeBoundAgain() {
    ReaderProgress progress = new ReaderProgress(STALL, T0);
    progress.awaitRead("mine");
    progress.confirmed("mine", T0);
    assertThat(progress.stalled(T0 + STALL + 1)).isTrue();
    progress.subscribed(true, T0 + STALL + 500);
    assertThat(progress.stalled(T0 + 2 * STALL + 500)).isFalse();
    assertThat(progress.stalled(T0 + 2 * STALL + 501)).as("still nothing after the new subscription").isTrue();
  }

  /** A queue reader's new queue never gets what was published before it: that is no stall. */
  @Test
  void aSubscriptionThatDoesNotResumeForgetsWhatItCannotRead() {
    ReaderProgress progress = new ReaderProgress(STALL, T0);
    progress.awaitRead("mine");
    progress.confirmed("mine", T0);
    progress.subscribed(false, T0 + 1_000);
    assertThat(progress.stalled(T0 + 60_000)).isFalse();
  }

  @Test
  void aSendIsSettledByItsReadBackAndARefusedOneIsForgotten() {
    ReaderProgress progress = new ReaderProgress(STALL, T0);
    Future<Void> read = progress.awaitRead("lost-confirm");
    assertThat(read.isComplete()).isFalse();
    progress.read("lost-confirm", 3, T0);
    assertThat(read.succeeded()).isTrue();

    progress.awaitRead("refused");
    progress.forget("refused");
    progress.confirmed("refused", T0); // a late confirm of a settled send is no longer awaited
    assertThat(progress.stalled(T0 + 60_000)).isFalse();
  }
}
