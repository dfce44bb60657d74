package bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Start-up side by side: the Messenger fat jar (to /health 200, on a fresh stream) and a bare Vert.x HTTP
 * server jar (to its first 200), started in turn on the same machine with the same JVM flags, each timed
 * from JVM start; the median of several starts each, and their ratio.
 *
 * <p>With {@code --startup-cds} (the default) each jar also starts with an AppCDS archive of its own, in the same
 * rounds, and is reported apart: the plain {@code java -jar} start stays the headline. Each archive is made first by
 * one training start of that jar ({@code -XX:ArchiveClassesAtExit}, to its first 200 and stopped; not counted), as
 * the Dockerfile makes Messenger's. The machine's load is taken before every round: the cores are shared.
 */
final class Startup {

  private Startup() {
  }

  static JsonObject measure(Options options, Vertx vertx) throws Exception {
    List<Long> messenger = new ArrayList<>();
    List<Long> bare = new ArrayList<>();
    List<Long> messengerCds = new ArrayList<>();
    List<Long> bareCds = new ArrayList<>();
    JsonArray load = new JsonArray();
    Path dir = Path.of(options.out, "cds").toAbsolutePath();
    Path messengerArchive = dir.resolve("messenger.jsa");
    Path bareArchive = dir.resolve("bare-http.jsa");
    boolean cds = options.startupCds && train(options, vertx, dir, messengerArchive, bareArchive);
    List<String> useMessenger = List.of("-XX:SharedArchiveFile=" + messengerArchive);
    List<String> useBare = List.of("-XX:SharedArchiveFile=" + bareArchive);
    for (int i = 0; i < options.startupRuns; i++) {
      double others = Machine.otherCores(options.quietSampleSeconds, List.of());
      load.add(new JsonObject().put("loadAverage1m", Machine.loadAverage()).put("otherCores", Bench.round(others, 2)));
      messenger.add(messenger(options, vertx, List.of()));
      bare.add(bare(options, vertx, List.of()));
      if (cds) {
        messengerCds.add(messenger(options, vertx, useMessenger));
        bareCds.add(bare(options, vertx, useBare));
      }
      Bench.log("== start-up round %d (load1 %.2f, others %.2f cores): messenger %d, bare %d%s ms", i + 1,
        Machine.loadAverage(), others, messenger.get(i), bare.get(i),
        cds ? String.format(", with CDS messenger %d, bare %d", messengerCds.get(i), bareCds.get(i)) : "");
    }
    JsonObject result = new JsonObject().put("messengerMs", summary(messenger)).put("bareVertxHttpMs", summary(bare))
      .put("ratio", ratio(messenger, bare)).put("load", load);
    if (cds) {
      result.put("cds", new JsonObject().put("messengerMs", summary(messengerCds)).put("bareVertxHttpMs", summary(bareCds))
        .put("ratioToBareWithCds", ratio(messengerCds, bareCds)).put("ratioToBarePlain", ratio(messengerCds, bare))
        .put("archiveMb", new JsonObject().put("messenger", megabytes(messengerArchive)).put("bareVertxHttp", megabytes(bareArchive))));
    }
    Bench.log("== start-up, JVM start to first 200, %d starts each: messenger %s ms, bare Vert.x HTTP %s ms, ratio %.2f%s",
      options.startupRuns, messenger, bare, result.getDouble("ratio"),
      cds ? String.format("; with CDS messenger %s ms, bare %s ms", messengerCds, bareCds) : "");
    return result;
  }

  /** One training start of each jar, writing its archive at exit; false (and said) when either is missing. */
  private static boolean train(Options options, Vertx vertx, Path dir, Path messengerArchive, Path bareArchive)
    throws Exception {
    Files.createDirectories(dir);
    Files.deleteIfExists(messengerArchive);
    Files.deleteIfExists(bareArchive);
    messenger(options, vertx, List.of("-XX:ArchiveClassesAtExit=" + messengerArchive));
    bare(options, vertx, List.of("-XX:ArchiveClassesAtExit=" + bareArchive));
    boolean made = written(messengerArchive) && written(bareArchive);
    if (!made) {
      Bench.log("== start-up: no class-data sharing archive was written; measuring without");
    }
    return made;
  }

  private static long messenger(Options options, Vertx vertx, List<String> jvm) throws Exception {
    try (Servers.Server server = Servers.messenger(options, vertx, Servers.SWEEP_LIMITS, jvm)) {
      return server.startupMillis();
    }
  }

  private static long bare(Options options, Vertx vertx, List<String> jvm) throws Exception {
    try (Servers.Server server = Servers.bareHttp(options, vertx, jvm)) {
      return server.startupMillis();
    }
  }

  private static boolean written(Path file) throws Exception {
    return Files.exists(file) && Files.size(file) > 0;
  }

  private static double megabytes(Path file) throws Exception {
    return Bench.round(Files.size(file) / 1e6, 1);
  }

  private static double ratio(List<Long> millis, List<Long> yardstick) {
    return Bench.round(median(millis) / (double) median(yardstick), 2);
  }

  private static JsonObject summary(List<Long> millis) {
    return new JsonObject().put("median", median(millis)).put("min", millis.stream().min(Long::compare).orElseThrow())
      .put("max", millis.stream().max(Long::compare).orElseThrow()).put("runs", new JsonArray(new ArrayList<>(millis)));
  }

  private static long median(List<Long> millis) {
    List<Long> sorted = millis.stream().sorted().toList();
    return sorted.get((sorted.size() - 1) / 2);
  }
}
