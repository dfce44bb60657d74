package bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The stdout table: each figure of Messenger beside each peer's, with the ratio Messenger / peer. */
final class Table {

  /** A figure of each peer; {@code ratio} false for context (counts, load) where Messenger / peer means nothing. */
  private record Row(String label, Function<JsonObject, Double> value, boolean ratio) {
    Row(String label, Function<JsonObject, Double> value) {
      this(label, value, true);
    }
  }

  private static Row context(String label, Function<JsonObject, Double> value) {
    return new Row(label, value, false);
  }

  /** Rows of a knee (sweep or ingest) found by {@link KneeSearch}: figures are medians of the repeats. */
  private static final List<Row> KNEE_ROWS = List.of(
    new Row("knee: offered sends/s", r -> at(r, "knee", "offeredMsgPerSec")),
    context("knee: repeats passed", r -> at(r, "knee", "repeats", "passed")),
    context("knee: repeats on a noisy machine", r -> at(r, "knee", "repeats", "noisy")),
    new Row("knee: p50 ms", r -> at(r, "knee", "latencyMs", "p50")),
    new Row("knee: p99 ms", r -> at(r, "knee", "latencyMs", "p99")),
    new Row("knee: p99 ms, worst repeat", r -> spread(r, "latencyMs.p99", 1)),
    new Row("knee: p99.9 ms", r -> at(r, "knee", "latencyMs", "p99.9")),
    new Row("knee: server CPU s / 1M deliveries", r -> at(r, "knee", "cpuSecondsPerMillionDeliveries", "server")),
    new Row("knee: broker CPU s / 1M", r -> at(r, "knee", "cpuSecondsPerMillionDeliveries", "broker")),
    new Row("knee: loadgen CPU s / 1M", r -> at(r, "knee", "cpuSecondsPerMillionDeliveries", "loadgen")),
    context("knee: machine load average (1 min)", r -> at(r, "knee", "machineLoadAverage1m")),
    context("knee: others' CPU before step, cores", r -> at(r, "knee", "machine", "otherCoresBefore")),
    context("knee: others' CPU during step, cores", r -> at(r, "knee", "machine", "otherCoresDuring")),
    context("search: steps run", r -> r.getJsonArray("steps") == null ? null : (double) r.getJsonArray("steps").size()),
    context("search: noisy steps", r -> at(r, "noisySteps")),
    context("search: bracket, fail/pass - 1, %", r -> percent(at(r, "knee", "bracket", "precision"))));

  private static final List<Row> SWEEP_ROWS = concat(List.of(
    new Row("knee: delivered msg/s (median)", r -> at(r, "knee", "deliveredPerSec")),
    context("knee: delivered, spread of repeats %", r -> spreadPercent(r, "deliveredPerSec"))), KNEE_ROWS, List.of(
    new Row("idle: server heap KB / client", r -> at(r, "idle", "heapKbPerClient")),
    new Row("idle: server RSS KB / client", r -> at(r, "idle", "rssKbPerClient")),
    context("idle: seconds to connect N", r -> scaled(at(r, "idle", "connectMillis"), 1e-3))));

  private static final List<Row> INGEST_ROWS = concat(List.of(
    new Row("knee: confirmed sends/s (median)", r -> at(r, "knee", "confirmedPerSec")),
    context("knee: confirmed, spread of repeats %", r -> spreadPercent(r, "confirmedPerSec")),
    context("senders: users (Web-STOMP: connections)", r -> at(r, "senders")),
    new Row("knee: send -> answer p50 ms", r -> at(r, "knee", "answerLatencyMs", "p50")),
    new Row("knee: send -> answer p99 ms", r -> at(r, "knee", "answerLatencyMs", "p99"))),
    KNEE_ROWS.stream().filter(row -> !row.label().contains("/ 1M")).toList(), List.of(
    new Row("knee: server CPU s / 1M sends", r -> at(r, "knee", "cpuSecondsPerMillionSends", "server")),
    new Row("knee: broker CPU s / 1M sends", r -> at(r, "knee", "cpuSecondsPerMillionSends", "broker")),
    new Row("knee: loadgen CPU s / 1M sends", r -> at(r, "knee", "cpuSecondsPerMillionSends", "loadgen")),
    new Row("knee: server cores", r -> at(r, "knee", "cpuCores", "server")),
    new Row("knee: broker cores", r -> at(r, "knee", "cpuCores", "broker")),
    new Row("knee: loadgen cores", r -> at(r, "knee", "cpuCores", "loadgen"))));

  private Table() {
  }

  static String render(JsonObject report, Options options) {
    JsonObject peers = report.getJsonObject("peers");
    List<String> names = new ArrayList<>(peers.fieldNames());
    StringBuilder out = new StringBuilder();
    JsonObject machine = report.getJsonObject("machine");
    out.append(String.format("Machine: %s CPUs (%s), %s, %s, RabbitMQ %s, open files %s, loadgen event loops %d, senders %d, http.instances %d%n",
      machine.getValue("cpus"), machine.getValue("cpuModel"), machine.getValue("memory"), machine.getValue("java"),
      machine.getValue("rabbitmq"), machine.getValue("openFilesLimit"), options.loops, options.senders, options.httpInstances));
    out.append(String.format("Knee = largest rate with p99 <= 100 ms, 0 lost, 0 duplicated, 0 failed sends; found to %.0f %%, then run %d times: figures are medians. Ratios are messenger / peer.%n",
      options.kneePrecision * 100, options.kneeRepeats));
    out.append(String.format("A step is noisy when other processes used more than %.2f cores just before it or during it.%n",
      options.noisyCores));
    startup(out, report.getJsonObject("startup"));
    boolean peersRan = !peers.isEmpty();
    if (options.light && peersRan) {
      out.append('\n');
      header(out, "light load: N = 10, 10 msg/s", names);
      line(out, "p50 ms", names, true, name -> at(peers.getJsonObject(name), "light", "latencyMs", "p50"));
      line(out, "p99 ms", names, true, name -> at(peers.getJsonObject(name), "light", "latencyMs", "p99"));
      line(out, "lost", names, false, name -> at(peers.getJsonObject(name), "light", "lost"));
    }
    for (int n : peersRan ? options.receivers : List.<Integer>of()) {
      String key = Integer.toString(n);
      List<Row> rows = options.knee ? SWEEP_ROWS : SWEEP_ROWS.stream().filter(r -> r.label().startsWith("idle")).toList();
      section(out, "N = " + n, names, rows, name -> object(peers, name, "sweep", key));
      names.forEach(name -> {
        JsonObject atN = object(peers, name, "sweep", key);
        if (atN != null && atN.containsKey("skipped")) {
          out.append(String.format("  %s skipped: %s%n", name, atN.getString("skipped")));
        }
      });
    }
    if (options.ingest && peersRan) {
      section(out, String.format("ingest: N = %d, senders <= %.1f/s each", options.ingestReceivers, options.ingestUserRate),
        names, INGEST_ROWS, name -> object(peers, name, "ingest"));
      names.forEach(name -> {
        String bound = string(peers, name, "ingest", "bound");
        if (bound != null) {
          out.append(String.format("  %s: %s%n", name, bound));
        }
      });
    }
    brokerCeiling(out, report.getJsonObject("brokerCeiling"));
    if (options.profile && peersRan) {
      profile(out, peers, names, report.getJsonObject("brokerProbe"), options);
    }
    history(out, report.getJsonObject("history"));
    rooms(out, report.getJsonObject("rooms"));
    return out.toString();
  }

  /** Pages of a long log by 1 and by 20 readers, and the fan-out knee without and with readers scrolling back. */
  private static void history(StringBuilder out, JsonObject history) {
    if (history == null) {
      return;
    }
    JsonObject fill = history.getJsonObject("fill");
    out.append(String.format("%nHistory: a chat log of %d messages (written in %s s, %s msg/s, %s bytes/message on disk), "
        + "/history pages of %d from its middle half%n", history.getLong("messages"), format(at(fill, "seconds")),
      format(at(fill, "messagesPerSec")), format(at(fill, "bytesPerMessage")), history.getInteger("limit")));
    out.append(String.format("%-10s%-10s%10s%10s%10s%10s%10s%12s  %s%n", "readers", "page", "p50 ms", "p99 ms", "p99.9 ms",
      "max ms", "pages/s", "msgs/page", "not 200"));
    JsonObject pages = history.getJsonObject("pages", new JsonObject());
    for (String readers : pages.fieldNames()) {
      for (String direction : List.of("before", "after")) {
        JsonObject r = object(pages, readers, direction);
        if (r != null) {
          out.append(String.format("%-10s%-10s%10s%10s%10s%10s%10s%12s  %s%n", readers, direction,
            format(at(r, "latencyMs", "p50")), format(at(r, "latencyMs", "p99")), format(at(r, "latencyMs", "p99.9")),
            format(at(r, "latencyMs", "max")), format(at(r, "pagesPerSec")), format(at(r, "messagesPerPage")),
            r.getJsonObject("notOk").isEmpty() ? "-" : r.getJsonObject("notOk").encode()));
        }
      }
    }
    out.append("targets: p99 <= 50 ms with 1 reader, <= 250 ms with 20\n");
    JsonObject knee = history.getJsonObject("knee");
    if (knee != null) {
      out.append(String.format("fan-out knee at N = %d without readers: %s deliveries/s (p99 %s ms); with %d readers scrolling back (target >= 0.90x):%n",
        knee.getInteger("n"), format(at(knee, "withoutReaders", "knee", "deliveredPerSec")),
        format(at(knee, "withoutReaders", "knee", "latencyMs", "p99")), knee.getInteger("scrollers")));
      for (Object entry : knee.getJsonArray("withReaders", new JsonArray())) {
        JsonObject with = (JsonObject) entry;
        JsonObject notOk = object(with, "readers", "notOk");
        out.append(String.format("  %s: %s deliveries/s (p99 %s ms): %sx; the readers meanwhile: %s pages/s, p99 %s ms, not 200: %s%n",
          with.getDouble("scrollRate", 0.0) > 0 ? "each at most " + format(with.getDouble("scrollRate")) + " pages/s" : "each as fast as answered",
          format(at(with, "knee", "deliveredPerSec")), format(at(with, "knee", "latencyMs", "p99")), format(at(with, "ratio")),
          format(at(with, "readers", "pagesPerSec")), format(at(with, "readers", "latencyMs", "p99")),
          notOk == null || notOk.isEmpty() ? "-" : notOk.encode()));
      }
    }
  }

  /** The broker alone at its ingest ceiling, acking each message and acking many at a time. */
  private static void brokerCeiling(StringBuilder out, JsonObject ceiling) {
    if (ceiling == null) {
      return;
    }
    out.append(String.format("%nBroker alone, ingest ceiling: a fanout exchange into a stream, confirms pipelined (<= 128 outstanding), one reader (prefetch 500)%n"));
    out.append(String.format("%-22s%14s%10s%10s%16s%16s%16s%n", "reader acks", "knee msg/s", "p50 ms", "p99 ms", "broker cores",
      "broker s/M msg", "others' cores"));
    for (String kind : ceiling.fieldNames()) {
      JsonObject c = ceiling.getJsonObject(kind);
      int every = c.getInteger("ackEvery");
      out.append(String.format("%-22s%14s%10s%10s%16s%16s%16s%n", every == 1 ? "each message" : "every " + every + " (multiple)",
        format(at(c, "knee", "achievedPerSec")), format(at(c, "knee", "latencyMs", "p50")), format(at(c, "knee", "latencyMs", "p99")),
        format(at(c, "knee", "brokerCores")), format(at(c, "knee", "brokerCpuSecondsPerMillion")), format(at(c, "knee", "othersCores"))));
    }
  }

  /** The fan-out knee with the receivers spread over rooms, against one room, and the server's CPU per delivery. */
  private static void rooms(StringBuilder out, JsonObject rooms) {
    if (rooms == null) {
      return;
    }
    out.append(String.format("%nRooms: the same receivers spread over rooms, each following one; a message goes to one room%n"));
    out.append(String.format("%-22s%16s%10s%10s%24s%22s%n", "layout", "knee deliv./s", "p99 ms", "ratio", "server CPU s/M deliv.",
      "server cores at knee"));
    for (String layout : rooms.getJsonObject("layouts").fieldNames()) {
      JsonObject r = rooms.getJsonObject("layouts").getJsonObject(layout);
      out.append(String.format("%-22s%16s%10s%10s%24s%22s%n", r.getString("label"), format(at(r, "knee", "deliveredPerSec")),
        format(at(r, "knee", "latencyMs", "p99")), format(at(r, "ratio")),
        format(at(r, "knee", "cpuSecondsPerMillionDeliveries", "server")), format(at(r, "knee", "cpuCores", "server"))));
    }
    out.append("ratio = knee / the single room's knee (target >= 0.90)\n");
  }

  private static void startup(StringBuilder out, JsonObject startup) {
    if (startup == null) {
      return;
    }
    JsonObject m = startup.getJsonObject("messengerMs");
    JsonObject b = startup.getJsonObject("bareVertxHttpMs");
    out.append(String.format("Start-up, JVM start to first 200, median of %d starts each (min-max): Messenger fat jar to /health %d ms (%d-%d), bare Vert.x HTTP server jar %d ms (%d-%d): ratio %.2fx%n",
      m.getJsonArray("runs").size(), m.getLong("median"), m.getLong("min"), m.getLong("max"), b.getLong("median"),
      b.getLong("min"), b.getLong("max"), startup.getDouble("ratio")));
    JsonObject cds = startup.getJsonObject("cds");
    if (cds != null) {
      JsonObject mc = cds.getJsonObject("messengerMs");
      JsonObject bc = cds.getJsonObject("bareVertxHttpMs");
      out.append(String.format("  each with its own AppCDS archive (-XX:SharedArchiveFile, same rounds): Messenger %d ms (%d-%d), bare %d ms (%d-%d): ratio %.2fx (%.2fx the bare jar without)%n",
        mc.getLong("median"), mc.getLong("min"), mc.getLong("max"), bc.getLong("median"), bc.getLong("min"), bc.getLong("max"),
        cds.getDouble("ratioToBareWithCds"), cds.getDouble("ratioToBarePlain")));
    }
    out.append("  machine before each round (load1 / others' cores): ").append(startup.getJsonArray("load").stream()
      .map(JsonObject.class::cast).map(l -> String.format("%.2f / %.2f", l.getDouble("loadAverage1m"), l.getDouble("otherCores")))
      .collect(java.util.stream.Collectors.joining(", "))).append('\n');
  }

  private static void section(StringBuilder out, String title, List<String> names, List<Row> rows,
                              Function<String, JsonObject> part) {
    out.append('\n');
    header(out, title, names);
    for (Row row : rows) {
      line(out, row.label(), names, row.ratio(), name -> {
        JsonObject json = part.apply(name);
        return json == null ? null : row.value().apply(json);
      });
    }
  }

  /** Latency by hop at light load: a row per hop of each peer, then the broker alone, then the gaps. */
  private static void profile(StringBuilder out, JsonObject peers, List<String> names, JsonObject broker, Options options) {
    out.append(String.format("%nProfile: latency by hop at light load (N = 10, %d msg/s, %.0f s, every send confirmed)%n",
      options.profileRate, options.profileSeconds));
    out.append(String.format("%-58s%9s%9s%9s%9s%9s  %s%n", "hop", "p50 ms", "p99 ms", "max ms", "mean ms", "samples", "measured by"));
    for (String name : names) {
      JsonArray hops = array(peers, name, "profile", "hops");
      if (hops == null) {
        continue;
      }
      for (Object o : hops) {
        hopLine(out, name + ": " + ((JsonObject) o).getString("hop"), (JsonObject) o);
      }
      boolean appHopTimers = hops.stream().anyMatch(h -> ((JsonObject) h).getString("source", "").contains(Profile.HOP_TIMERS));
      if (name.equals("messenger") && !appHopTimers) {
        out.append(String.format("%-58s  (none yet: each /metrics %s{hop=\"...\"} becomes a row here)%n",
          "messenger: in app: hop timers", Profile.HOP_TIMERS));
      }
    }
    if (broker != null) {
      for (String kind : List.of("stream", "classic")) {
        JsonObject k = broker.getJsonObject(kind);
        if (k == null) {
          continue;
        }
        String source = "bench's AMQP client, same broker";
        hopLine(out, "broker alone, " + kind + ": publish -> confirm", withSource(k.getJsonObject("publishToConfirmMs"), source));
        hopLine(out, "broker alone, " + kind + ": publish -> consume", withSource(k.getJsonObject("publishToConsumeMs"), source));
        JsonObject c2c = k.getJsonObject("confirmToConsumeMs");
        hopLine(out, "broker alone, " + kind + ": confirm -> consume", withSource(c2c,
          c2c.getLong("consumedBeforeConfirm") + " consumed before their confirm (count as 0)"));
      }
      Double stream = at(broker, "stream", "publishToConsumeMs", "p50");
      Double classic = at(broker, "classic", "publishToConsumeMs", "p50");
      Double stream99 = at(broker, "stream", "publishToConsumeMs", "p99");
      Double classic99 = at(broker, "classic", "publishToConsumeMs", "p99");
      if (stream != null && classic != null) {
        out.append(String.format("what the stream costs over a classic queue, publish -> consume: p50 %+.2f ms, p99 %+.2f ms%n",
          stream - classic, stream99 - classic99));
      }
    }
    Double messenger = at(peers, "messenger", "profile", "step", "latencyMs", "p50");
    Double stomp = at(peers, "web-stomp", "profile", "step", "latencyMs", "p50");
    if (messenger != null && stomp != null) {
      out.append(String.format("the gap to Web-STOMP, send -> frame at the receiver: p50 %+.2f ms, p99 %+.2f ms%n",
        messenger - stomp, at(peers, "messenger", "profile", "step", "latencyMs", "p99")
          - at(peers, "web-stomp", "profile", "step", "latencyMs", "p99")));
    }
  }

  private static JsonObject withSource(JsonObject latency, String source) {
    return latency.copy().put("source", source);
  }

  private static void hopLine(StringBuilder out, String label, JsonObject hop) {
    String bound = hop.getBoolean("bucketed", false) ? "<=" : "";
    out.append(String.format("%-58s%9s%9s%9s%9s%9s  %s%n", label, bound + format(number(hop.getValue("p50"))),
      bound + format(number(hop.getValue("p99"))), format(number(hop.getValue("max"))), format(number(hop.getValue("mean"))),
      format(number(hop.getValue("samples"))), hop.getString("source", "")));
  }

  private static void header(StringBuilder out, String title, List<String> names) {
    out.append(String.format("%-40s", title));
    for (String name : names) {
      out.append(String.format("%12s", name));
      if (!name.equals("messenger") && names.contains("messenger")) {
        out.append(String.format("%9s", "ratio"));
      }
    }
    out.append('\n');
  }

  private static void line(StringBuilder out, String label, List<String> names, boolean ratio,
                           Function<String, Double> value) {
    out.append(String.format("%-40s", label));
    Double mine = names.contains("messenger") ? value.apply("messenger") : null;
    for (String name : names) {
      Double v = value.apply(name);
      out.append(String.format("%12s", format(v)));
      if (!name.equals("messenger") && names.contains("messenger")) {
        out.append(String.format("%9s", !ratio || mine == null || v == null || v == 0 ? "" : String.format("%.2fx", mine / v)));
      }
    }
    out.append('\n');
  }

  private static String format(Double v) {
    if (v == null) {
      return "-";
    }
    return Math.abs(v) >= 100 || v == Math.rint(v) ? String.format("%.0f", v) : String.format("%.2f", v);
  }

  /** (highest - lowest) / median of the repeats, in %. */
  private static Double spreadPercent(JsonObject result, String field) {
    Double low = spread(result, field, 0), high = spread(result, field, 1), median = at(result, "knee", field);
    return low == null || high == null || median == null || median == 0 ? null : (high - low) / median * 100;
  }

  private static Double spread(JsonObject result, String field, int end) {
    JsonArray range = array(result, "knee", "repeats", "spread", field);
    return range == null ? null : number(range.getValue(end));
  }

  private static Double percent(Double fraction) {
    return fraction == null ? null : fraction * 100;
  }

  private static Double scaled(Double v, double factor) {
    return v == null ? null : v * factor;
  }

  @SafeVarargs
  private static List<Row> concat(List<Row>... parts) {
    List<Row> all = new ArrayList<>();
    for (List<Row> p : parts) {
      all.addAll(p);
    }
    return all;
  }

  private static Object node(JsonObject json, String... path) {
    Object node = json;
    for (String key : path) {
      if (!(node instanceof JsonObject object)) {
        return null;
      }
      node = object.getValue(key);
    }
    return node;
  }

  private static Double at(JsonObject json, String... path) {
    return number(node(json, path));
  }

  private static JsonObject object(JsonObject json, String... path) {
    return node(json, path) instanceof JsonObject o ? o : null;
  }

  private static JsonArray array(JsonObject json, String... path) {
    return node(json, path) instanceof JsonArray a ? a : null;
  }

  private static String string(JsonObject json, String... path) {
    return node(json, path) instanceof String s ? s : null;
  }

  private static Double number(Object node) {
    return node instanceof Number n ? n.doubleValue() : null;
  }
}
