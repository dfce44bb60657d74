package bench;

import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;

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
      .put("openFilesLimit", System.getenv().getOrDefault("BENCH_ULIMIT_N", "?"));
  }

  /** Runnable processes on the (shared) machine, averaged over a minute: how contended a step was. */
  static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (Exception e) {
      return -1;
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
