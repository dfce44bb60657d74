package bench;

import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/** What the figures were measured on. */
final class Machine {

  private Machine() {
  }

  static JsonObject describe() {
    return new JsonObject()
      .put("cpus", Runtime.getRuntime().availableProcessors())
      .put("cpuModel", firstValue("/proc/cpuinfo", "model name"))
      .put("memory", firstValue("/proc/meminfo", "MemTotal"))
      .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
      .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"))
      .put("rabbitmq", System.getenv().getOrDefault("BENCH_BROKER_VERSION", "?"))
      .put("openFilesLimit", System.getenv().getOrDefault("BENCH_ULIMIT_N", "?"))
      .put("ephemeralPorts", ephemeralPorts());
  }

  /** Runnable processes on the (shared) machine, averaged over a minute: how contended a step was. */
  static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (Exception e) {
      return -1;
    }
  }

  /** Ports in the kernel's ephemeral range: each client socket to one server address takes one. */
  static int ephemeralPorts() {
    try {
      String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
      return Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
    } catch (Exception e) {
      return 28_232; // Linux's default 32768-60999
    }
  }

  /**
   * CPU seconds (user, system, interrupts and steal) the whole machine spent so far, all cores together:
   * the first line of /proc/stat, in clock ticks.
   */
  static double busySeconds() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) { // user nice system irq softirq steal (guest is in user)
        busy += Long.parseLong(f[i]);
      }
      return busy / 100.0;
    } catch (Exception e) {
      return Double.NaN;
    }
  }

  /** CPU seconds of these processes so far; a process that is gone counts 0. */
  static double cpuSeconds(Collection<Long> pids) {
    double sum = 0;
    for (long pid : pids) {
      double s = Proc.cpuSeconds(pid);
      sum += Double.isNaN(s) ? 0 : s;
    }
    return sum;
  }

  /** How busy everyone else is: cores used over {@code seconds} by processes not in {@code ours}. */
  static double otherCores(double seconds, Collection<Long> ours) throws InterruptedException {
    double machine0 = busySeconds(), ours0 = cpuSeconds(ours);
    Thread.sleep((long) (seconds * 1000));
    double machine1 = busySeconds(), ours1 = cpuSeconds(ours);
    return Math.max(0, (machine1 - machine0) - (ours1 - ours0)) / seconds;
  }

  /**
   * How quiet the machine was around one step: the 1-minute load average and the CPU (in cores) of other
   * processes just before the step and during its measured window.
   */
  record Noise(double loadAverage1m, double otherCoresBefore, double otherCoresDuring, double limit) {

    boolean noisy() {
      return otherCoresBefore > limit || otherCoresDuring > limit;
    }

    String summary() {
      return String.format("load1 %.2f, others %.2f cores before / %.2f during%s", loadAverage1m, otherCoresBefore,
        otherCoresDuring, noisy() ? " NOISY" : "");
    }

    JsonObject toJson() {
      return new JsonObject().put("loadAverage1m", loadAverage1m)
        .put("otherCoresBefore", Bench.round(otherCoresBefore, 2)).put("otherCoresDuring", Bench.round(otherCoresDuring, 2))
        .put("noisy", noisy());
    }
  }

  private static String firstValue(String file, String key) {
    try {
      return Files.readAllLines(Path.of(file)).stream().filter(l -> l.startsWith(key))
        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
    } catch (Exception e) {
      return "?";
    }
  }
}
