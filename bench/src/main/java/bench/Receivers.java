package bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;

/**
 * Receivers of the load generator: a {@link ReceiverGroup} on one event loop of this process, or
 * {@link RemoteReceivers} in another process when one process cannot hold enough sockets.
 */
interface Receivers {

  /** Opens receivers with the given indexes, {@code parallel} at a time. */
  Future<Void> open(List<Integer> indexes, int parallel);

  /** Starts counting step {@code step}: messages seq in [first, last) are measured, receipts counted in the window. */
  Future<Void> startStep(int step, int firstMeasuredSeq, int lastMeasuredSeq, long windowStartMicros, long windowEndMicros);

  Future<Snapshot> snapshot(int expected);

  Future<Void> forgetProbes();

  /**
   * Opens anew every receiver the server closed (a client too slow for an overloaded step is cut off), so
   * that the next step starts with all N again; answers how many were reopened.
   */
  Future<Integer> reopenClosed();

  /** The fewest messages of this step any receiver has seen. */
  Future<Long> minimumSeen();

  Future<Void> closeAll();

  /** What receivers saw in one step. */
  record Snapshot(int receivers, int closed, int probed, long lost, long duplicates, long inWindow, Histogram latency) {

    static Snapshot sum(List<Snapshot> parts) {
      Histogram latency = ReceiverGroup.newHistogram();
      int receivers = 0, closed = 0, probed = 0;
      long lost = 0, duplicates = 0, inWindow = 0;
      for (Snapshot s : parts) {
        receivers += s.receivers;
        closed += s.closed;
        probed += s.probed;
        lost += s.lost;
        duplicates += s.duplicates;
        inWindow += s.inWindow;
        latency.add(s.latency);
      }
      return new Snapshot(receivers, closed, probed, lost, duplicates, inWindow, latency);
    }

    JsonObject toJson() {
      ByteBuffer buffer = ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
      int length = latency.encodeIntoCompressedByteBuffer(buffer);
      return new JsonObject().put("receivers", receivers).put("closed", closed).put("probed", probed)
        .put("lost", lost).put("duplicates", duplicates).put("inWindow", inWindow)
        .put("latency", Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length)));
    }

    static Snapshot fromJson(JsonObject json) {
      try {
        Histogram latency = Histogram.decodeFromCompressedByteBuffer(
          ByteBuffer.wrap(Base64.getDecoder().decode(json.getString("latency"))), 0);
        return new Snapshot(json.getInteger("receivers"), json.getInteger("closed"), json.getInteger("probed"),
          json.getLong("lost"), json.getLong("duplicates"), json.getLong("inWindow"), latency);
      } catch (java.util.zip.DataFormatException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
