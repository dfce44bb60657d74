package bench;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The stdout table: each figure of Messenger beside each peer's, with the ratio Messenger / peer. */
final class Table {

  private record Row(String label, Function<JsonObject, Double> value) {
  }

  private static final List<Row> SWEEP_ROWS = List.of(
    new Row("knee: delivered msg/s", r -> at(r, "knee", "deliveredPerSec")),
    new Row("knee: offered sends/s", r -> at(r, "knee", "offeredMsgPerSec")),
    new Row("knee: p50 ms", r -> at(r, "knee", "latencyMs", "p50")),
    new Row("knee: p99 ms", r -> at(r, "knee", "latencyMs", "p99")),
    new Row("knee: p99.9 ms", r -> at(r, "knee", "latencyMs", "p99.9")),
    new Row("knee: server CPU s / 1M deliveries", r -> at(r, "knee", "cpuSecondsPerMillionDeliveries", "server")),
    new Row("knee: broker CPU s / 1M", r -> at(r, "knee", "cpuSecondsPerMillionDeliveries", "broker")),
    new Row("knee: loadgen CPU s / 1M", r -> at(r, "knee", "cpuSecondsPerMillionDeliveries", "loadgen")),
    new Row("knee: machine load average (1 min)", r -> at(r, "knee", "machineLoadAverage1m")),
    new Row("idle: server heap KB / client", r -> at(r, "idle", "heapKbPerClient")),
    new Row("idle: server RSS KB / client", r -> at(r, "idle", "rssKbPerClient")));

  private Table() {
  }

  static String render(JsonObject report, Bench.Options options) {
    JsonObject peers = report.getJsonObject("peers");
    List<String> names = new ArrayList<>(peers.fieldNames());
    StringBuilder out = new StringBuilder();
    JsonObject machine = report.getJsonObject("machine");
    out.append(String.format("Machine: %s CPUs (%s), %s, %s, RabbitMQ %s, loadgen event loops %d, senders %d, http.instances %d%n",
      machine.getValue("cpus"), machine.getValue("cpuModel"), machine.getValue("memory"), machine.getValue("java"),
      machine.getValue("rabbitmq"), options.loops, options.senders, options.httpInstances));
    out.append("Knee = largest delivered rate with p99 <= 100 ms, 0 lost, 0 duplicated, 0 failed sends. Ratios are messenger / peer.\n");
    JsonObject messenger = peers.getJsonObject("messenger");
    if (messenger != null && messenger.getJsonObject("startup") != null) {
      JsonObject startup = messenger.getJsonObject("startup");
      out.append(String.format("Messenger fat jar: JVM start to /health 200 in %s ms (further starts: %s ms)%n",
        startup.getValue("timeToHealth200Ms"), startup.getValue("timeToHealth200MsRepeated", "-")));
    }
    out.append('\n');
    header(out, "light load: N = 10, 10 msg/s", names);
    line(out, "p50 ms", names, name -> at(peers.getJsonObject(name), "light", "latencyMs", "p50"));
    line(out, "p99 ms", names, name -> at(peers.getJsonObject(name), "light", "latencyMs", "p99"));
    line(out, "lost", names, name -> at(peers.getJsonObject(name), "light", "lost"));
    for (int n : options.receivers) {
      out.append('\n');
      header(out, "N = " + n, names);
      for (Row row : SWEEP_ROWS) {
        line(out, row.label(), names, name -> {
          JsonObject sweep = peers.getJsonObject(name).getJsonObject("sweep");
          JsonObject atN = sweep == null ? null : sweep.getJsonObject(Integer.toString(n));
          return atN == null ? null : row.value().apply(atN);
        });
      }
    }
    return out.toString();
  }

  private static void header(StringBuilder out, String title, List<String> names) {
    out.append(String.format("%-38s", title));
    for (String name : names) {
      out.append(String.format("%12s", name));
      if (!name.equals("messenger") && names.contains("messenger")) {
        out.append(String.format("%9s", "ratio"));
      }
    }
    out.append('\n');
  }

  private static void line(StringBuilder out, String label, List<String> names, Function<String, Double> value) {
    out.append(String.format("%-38s", label));
    Double mine = names.contains("messenger") ? value.apply("messenger") : null;
    for (String name : names) {
      Double v = value.apply(name);
      out.append(String.format("%12s", format(v)));
      if (!name.equals("messenger") && names.contains("messenger")) {
        out.append(String.format("%9s", mine == null || v == null || v == 0 ? "-" : String.format("%.2fx", mine / v)));
      }
    }
    out.append('\n');
  }

  private static String format(Double v) {
    if (v == null) {
      return "-";
    }
    return Math.abs(v) >= 100 ? String.format("%.0f", v) : String.format("%.2f", v);
  }

  private static Double at(JsonObject json, String... path) {
    Object node = json;
    for (String key : path) {
      if (!(node instanceof JsonObject object)) {
        return null;
      }
      node = object.getValue(key);
    }
    return node instanceof Number n ? n.doubleValue() : null;
  }
}
