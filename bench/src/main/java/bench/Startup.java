package bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Start-up side by side: the Messenger fat jar (to /health 200, on a fresh stream) and a bare Vert.x HTTP
 * server jar (to its first 200), started in turn on the same machine with the same JVM flags, each timed
 * from JVM start; the median of several starts each, and their ratio.
 */
final class Startup {

  private Startup() {
  }

  static JsonObject measure(Options options, Vertx vertx, long brokerPid) throws Exception {
    List<Long> messenger = new ArrayList<>();
    List<Long> bare = new ArrayList<>();
    for (int i = 0; i < options.startupRuns; i++) {
      try (Servers.Server server = Servers.start("messenger", options, brokerPid, vertx, Servers.SWEEP_LIMITS)) {
        messenger.add(server.startupMillis());
      }
      try (Servers.Server server = Servers.bareHttp(options, vertx)) {
        bare.add(server.startupMillis());
      }
    }
    JsonObject result = new JsonObject().put("messengerMs", summary(messenger)).put("bareVertxHttpMs", summary(bare))
      .put("ratio", Bench.round(median(messenger) / (double) median(bare), 2));
    Bench.log("== start-up, JVM start to first 200, %d starts each: messenger %s ms, bare Vert.x HTTP %s ms, ratio %.2f",
      options.startupRuns, messenger, bare, result.getDouble("ratio"));
    return result;
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
