package messenger.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** The heap this JVM retains: in use after full collections, not merely garbage. */
public final class Memory {

  private Memory() {
  }

  /**
   * Bytes of heap in use after full collections, once two in a row agree within 0.5 MB (what a test created a moment
   * ago, such as HTTP clients, is let go by then).
   */
  public static long settledHeap() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long previous = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      memory.gc();
      long used = memory.getHeapMemoryUsage().getUsed();
      if (Math.abs(used - previous) < 500_000) {
        return Math.min(used, previous);
      }
      previous = used;
      TestApp.sleep(200);
    }
    return previous;
  }
}
