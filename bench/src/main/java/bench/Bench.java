package bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The fan-out benchmark. For each peer (Messenger, Web-STOMP, a bare Vert.x broadcaster) and each number
 * of receivers N: connect N WebSocket receivers, measure idle memory per client, then step the offered
 * send rate up (×2, then bisect) to find the knee: the largest delivered rate with p99 ≤ 100 ms and
 * nothing lost. Prints a table and writes target/bench/*.json. Started by bench/run.sh.
 */
public final class Bench {

  private static final long BASE = System.nanoTime();
  /** Vert.x warns "Connection evicted" on every WebSocket upgrade of its client: harmless, and thousands here. */
  private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("io.vertx.core.http.impl.HttpClientConnectionInternal");
  static final long P99_LIMIT_MICROS = 100_000;
  private static final long QUIET_TIMEOUT_MS = 30_000;

  /** Microseconds on the load generator's one clock. */
  static long micros() {
    return (System.nanoTime() - BASE) / 1000;
  }

  private final Options options;
  private final Vertx vertx;
  private final long brokerPid = Proc.brokerPid();
  private final JsonObject report = new JsonObject();
  private int stepCounter;

  private Bench(Options options) {
    this.options = options;
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.loops));
  }

  public static void main(String[] args) throws Exception {
    QUIET.setLevel(java.util.logging.Level.SEVERE);
    Options options = Options.parse(args);
    Bench bench = new Bench(options);
    try {
      bench.run();
    } finally {
      bench.vertx.close().await();
    }
    System.exit(0);
  }

  private void run() throws Exception {
    report.put("started", Instant.now().toString())
      .put("command", options.command)
      .put("machine", Machine.describe())
      .put("settings", options.toJson());
    JsonObject peers = new JsonObject();
    report.put("peers", peers);
    for (String name : options.peers) {
      try (Servers.Server server = Servers.start(name, options, brokerPid, vertx)) {
        JsonObject result = new JsonObject().put("startup", server.startup());
        if (name.equals("messenger") && options.startupRuns > 0) {
          result.getJsonObject("startup").put("timeToHealth200MsRepeated", startups(options.startupRuns));
        }
        peers.put(name, result);
        log("== %s (pid %d) up in %d ms", name, server.peer().serverPid(), server.startupMillis());
        warmUp(server.peer());
        if (options.light) {
          result.put("light", light(server.peer()));
        }
        JsonObject byN = new JsonObject();
        result.put("sweep", byN);
        for (int n : options.receivers) {
          if (name.equals("web-stomp") && n > options.stompMaxN) {
            continue; // the shared broker's open-files limit: see run.sh
          }
          byN.put(Integer.toString(n), sweep(server.peer(), n));
        }
      }
    }
    report.put("finished", Instant.now().toString());
    String table = Table.render(report, options);
    System.out.println(table);
    Path dir = Path.of(options.out);
    Files.createDirectories(dir);
    String stamp = Instant.now().toString().replace(':', '-');
    Files.writeString(dir.resolve("bench-" + stamp + ".json"), report.encodePrettily());
    Files.writeString(dir.resolve("latest.json"), report.encodePrettily());
    Files.writeString(dir.resolve("latest.txt"), table);
    log("wrote %s", dir.resolve("bench-" + stamp + ".json"));
  }

  /** Starts the fat jar a few more times (beside the running one) and times each to /health 200. */
  private JsonArray startups(int runs) throws Exception {
    JsonArray millis = new JsonArray();
    for (int i = 0; i < runs; i++) {
      try (Servers.Server again = Servers.start("messenger", options, brokerPid, vertx)) {
        millis.add(again.startupMillis());
      }
    }
    log("   fat jar start to /health 200, %d more starts: %s ms", runs, millis.encode());
    return millis;
  }

  /** Lets the JIT compile the server's and the generator's hot paths before anything is measured. */
  private void warmUp(Peer peer) throws Exception {
    try (Fleet fleet = Fleet.open(vertx, peer, 50, options)) {
      StepResult r = step(fleet, 100, options.warmUpSeconds);
      log("   warm-up (not reported) N=50 100 msg/s: %s", r.summary());
    }
  }

  /** Light load: N = 10 receivers, 10 msg/s. */
  private JsonObject light(Peer peer) throws Exception {
    try (Fleet fleet = Fleet.open(vertx, peer, 10, options)) {
      StepResult r = step(fleet, 10, options.lightSeconds);
      log("   light load N=10 10 msg/s: %s", r.summary());
      return r.toJson();
    }
  }

  private JsonObject sweep(Peer peer, int n) throws Exception {
    long pid = peer.serverPid();
    boolean jvm = !peer.name().equals("web-stomp");
    JsonObject result = new JsonObject();
    try (Fleet fleet = Fleet.openSendersOnly(vertx, peer, options)) {
      long heapBefore = jvm ? Proc.heapUsedAfterGcKb(pid) : -1;
      long rssBefore = Proc.rssKb(pid);
      long t = System.currentTimeMillis();
      fleet.openReceivers(n);
      log("   N=%d: %d receivers connected and subscribed in %d ms", n, n, System.currentTimeMillis() - t);
      long heapAfter = jvm ? Proc.heapUsedAfterGcKb(pid) : -1;
      long rssAfter = Proc.rssKb(pid);
      JsonObject idle = new JsonObject()
        .put("rssKbPerClient", round((rssAfter - rssBefore) / (double) n, 2));
      if (jvm && heapBefore >= 0 && heapAfter >= 0) {
        idle.put("heapKbPerClient", round((heapAfter - heapBefore) / (double) n, 2));
      }
      result.put("idle", idle);
      log("   N=%d idle: %s", n, idle.encode());

      JsonArray steps = new JsonArray();
      result.put("steps", steps);
      StepResult lastPass = null;
      StepResult firstFail = null;
      if (options.fixedDelivered > 0) { // a comparison at one load, not a sweep
        int fixed = Math.max(1, (int) Math.round(options.fixedDelivered / (double) n));
        for (int i = 0; i < options.maxSteps; i++) {
          StepResult r = step(fleet, fixed, options.measureSeconds);
          steps.add(r.toJson());
          log("   N=%d %5d msg/s offered: %s", n, fixed, r.summary());
        }
        return result;
      }
      int rate = Math.max(1, (int) Math.round(options.startDelivered / (double) n));
      int refinements = 0;
      for (int i = 0; i < options.maxSteps; i++) {
        StepResult r = step(fleet, rate, options.measureSeconds);
        steps.add(r.toJson());
        log("   N=%d %5d msg/s offered: %s", n, rate, r.summary());
        if (!r.passed() && options.retries > 0) {
          // The cores are shared with other work: a step fails only if it fails again.
          fleet.awaitQuiet(QUIET_TIMEOUT_MS);
          r = step(fleet, rate, options.measureSeconds);
          steps.add(r.toJson().put("retry", true));
          log("   N=%d %5d msg/s offered, again: %s", n, rate, r.summary());
        }
        int next;
        if (r.passed()) {
          lastPass = r;
          next = firstFail == null ? rate * 2 : (int) Math.round(Math.sqrt((double) rate * firstFail.rate()));
        } else {
          firstFail = r;
          fleet.awaitQuiet(QUIET_TIMEOUT_MS); // the next step must not start behind a backlog
          next = lastPass == null ? rate / 2 : (int) Math.round(Math.sqrt((double) rate * lastPass.rate()));
        }
        if (firstFail != null && lastPass != null && ++refinements > options.refinements) {
          break;
        }
        if (next < 1 || next == rate || (lastPass != null && next == lastPass.rate())
          || (firstFail != null && next == firstFail.rate())) {
          break;
        }
        rate = next;
      }
      if (lastPass != null) {
        result.put("knee", lastPass.toJson());
      }
    }
    return result;
  }

  /** One open-loop step at {@code rate} msg/s: warm-up, a measured window, then a drain for stragglers. */
  StepResult step(Fleet fleet, int rate, double measureSeconds) throws Exception {
    int step = ++stepCounter;
    double warm = options.warmSeconds;
    int total = (int) Math.ceil(rate * (warm + measureSeconds));
    int firstMeasured = (int) Math.ceil(rate * warm);
    long t0 = micros() + 200_000;
    long windowStart = t0 + (long) (warm * 1e6);
    long windowEnd = t0 + (long) ((warm + measureSeconds) * 1e6);
    fleet.startStep(step, firstMeasured, total, windowStart, windowEnd);
    Future<Long> sending = fleet.sender().run(step, rate, total, t0);

    sleepUntil(windowStart);
    long pid = fleet.peer().serverPid();
    double server0 = Proc.cpuSeconds(pid), broker0 = Proc.cpuSeconds(brokerPid), self0 = Proc.cpuSeconds(Proc.self());
    sleepUntil(windowEnd);
    double server1 = Proc.cpuSeconds(pid), broker1 = Proc.cpuSeconds(brokerPid), self1 = Proc.cpuSeconds(Proc.self());

    long sendErrors = sending.timeout(options.drainSeconds * 1000L + 30_000, TimeUnit.MILLISECONDS).await();
    long drainDeadline = System.currentTimeMillis() + options.drainSeconds * 1000L;
    while (fleet.minimumSeen() < total && System.currentTimeMillis() < drainDeadline) {
      Thread.sleep(50);
    }
    Histogram latency = ReceiverGroup.newHistogram();
    long lost = 0, duplicates = 0, inWindow = 0;
    int closed = 0;
    for (ReceiverGroup.Snapshot s : fleet.snapshots(total)) {
      closed += s.closed();
      latency.add(s.latency());
      lost += s.lost();
      duplicates += s.duplicates();
      inWindow += s.inWindow();
    }
    return new StepResult(fleet.receivers(), rate, total, inWindow / measureSeconds, latency, lost, duplicates,
      sendErrors, closed, new Cpu(server1 - server0, broker1 - broker0, self1 - self0, inWindow));
  }

  private static void sleepUntil(long micros) throws InterruptedException {
    long wait = micros - micros();
    if (wait > 0) {
      TimeUnit.MICROSECONDS.sleep(wait);
    }
  }

  static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  static void log(String format, Object... args) {
    System.err.printf("%tT " + format + "%n", prepend(System.currentTimeMillis(), args));
  }

  private static Object[] prepend(Object first, Object[] rest) {
    Object[] all = new Object[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits for GET /health 200; returns milliseconds since {@code startNanos}. */
  static long awaitHealth(Vertx vertx, int port, long startNanos, Process process) throws InterruptedException {
    HttpClient http = vertx.createHttpClient();
    try {
      while (process.isAlive()) {
        try {
          int status = http.request(HttpMethod.GET, port, "127.0.0.1", "/health")
            .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode())))
            .timeout(1, TimeUnit.SECONDS).await();
          if (status == 200) {
            return (System.nanoTime() - startNanos) / 1_000_000;
          }
        } catch (Exception e) {
          // not listening yet
        }
        Thread.sleep(20);
      }
      throw new IllegalStateException("the server exited with " + process.exitValue());
    } finally {
      http.close();
    }
  }

  record Cpu(double server, double broker, double loadgen, long deliveries) {
    JsonObject perMillion() {
      double m = Math.max(1, deliveries) / 1e6;
      return new JsonObject().put("server", round(server / m, 2)).put("broker", round(broker / m, 2))
        .put("loadgen", round(loadgen / m, 2))
        .put("windowSeconds", new JsonObject().put("server", server).put("broker", broker).put("loadgen", loadgen));
    }
  }

  record StepResult(int receivers, int rate, int sent, double delivered, Histogram latency, long lost,
                    long duplicates, long sendErrors, int closed, Cpu cpu) {

    boolean passed() {
      return lost == 0 && duplicates == 0 && sendErrors == 0 && closed == 0 && latency.getTotalCount() > 0
        && latency.getValueAtPercentile(99) <= P99_LIMIT_MICROS;
    }

    double ms(double percentile) {
      return round(latency.getValueAtPercentile(percentile) / 1000.0, 2);
    }

    String summary() {
      return String.format("delivered %.0f/s p50 %.2f p99 %.2f p99.9 %.2f max %.1f ms, lost %d dup %d errors %d closed %d, CPU s/M server %.1f broker %.1f loadgen %.1f -> %s",
        delivered, ms(50), ms(99), ms(99.9), latency.getMaxValue() / 1000.0, lost, duplicates, sendErrors, closed,
        cpu.perMillion().getDouble("server"), cpu.perMillion().getDouble("broker"), cpu.perMillion().getDouble("loadgen"),
        passed() ? "pass" : "FAIL");
    }

    JsonObject toJson() {
      return new JsonObject().put("receivers", receivers).put("offeredMsgPerSec", rate).put("sent", sent)
        .put("deliveredPerSec", round(delivered, 1))
        .put("latencyMs", new JsonObject().put("p50", ms(50)).put("p99", ms(99)).put("p99.9", ms(99.9))
          .put("max", round(latency.getMaxValue() / 1000.0, 2)).put("samples", latency.getTotalCount()))
        .put("lost", lost).put("duplicates", duplicates).put("sendErrors", sendErrors).put("receiversClosed", closed)
        .put("cpuSecondsPerMillionDeliveries", cpu.perMillion())
        .put("machineLoadAverage1m", Machine.loadAverage())
        .put("passed", passed());
    }
  }

  /** Command-line options: {@code --name value}. */
  static final class Options {
    String command = "bench/run.sh";
    String appDir = ".";
    String out = "target/bench";
    List<String> peers = List.of("messenger", "web-stomp", "bare");
    List<Integer> receivers = List.of(100, 500, 1000, 5000);
    int stompMaxN = 500;
    int loops = 2;
    int senders = 4;
    int httpInstances = 2;
    double warmSeconds = 2;
    double measureSeconds = 5;
    double lightSeconds = 10;
    double warmUpSeconds = 8;
    int startupRuns = 3;
    int retries = 1;
    int drainSeconds = 10;
    int startDelivered = 5000;
    int fixedDelivered = 0;
    int maxSteps = 12;
    int refinements = 2;
    boolean light = true;
    String appJvm = "";
    String appJar = "";

    static Options parse(String[] args) {
      Map<String, String> map = new LinkedHashMap<>();
      for (int i = 0; i + 1 < args.length; i += 2) {
        map.put(args[i].replaceFirst("^--", ""), args[i + 1]);
      }
      Options o = new Options();
      o.command = map.getOrDefault("command", o.command);
      o.appDir = map.getOrDefault("app-dir", o.appDir);
      o.out = map.getOrDefault("out", o.out);
      if (map.containsKey("peers")) o.peers = List.of(map.get("peers").split(","));
      if (map.containsKey("n")) o.receivers = List.of(map.get("n").split(",")).stream().map(Integer::parseInt).toList();
      o.stompMaxN = Integer.parseInt(map.getOrDefault("stomp-max-n", "" + o.stompMaxN));
      o.loops = Integer.parseInt(map.getOrDefault("loops", "" + o.loops));
      o.senders = Integer.parseInt(map.getOrDefault("senders", "" + o.senders));
      o.httpInstances = Integer.parseInt(map.getOrDefault("http-instances", "" + o.httpInstances));
      o.warmSeconds = Double.parseDouble(map.getOrDefault("warm", "" + o.warmSeconds));
      o.measureSeconds = Double.parseDouble(map.getOrDefault("measure", "" + o.measureSeconds));
      o.lightSeconds = Double.parseDouble(map.getOrDefault("light-seconds", "" + o.lightSeconds));
      o.warmUpSeconds = Double.parseDouble(map.getOrDefault("warm-up", "" + o.warmUpSeconds));
      o.startupRuns = Integer.parseInt(map.getOrDefault("startup-runs", "" + o.startupRuns));
      o.retries = Integer.parseInt(map.getOrDefault("retries", "" + o.retries));
      o.drainSeconds = Integer.parseInt(map.getOrDefault("drain", "" + o.drainSeconds));
      o.startDelivered = Integer.parseInt(map.getOrDefault("start-delivered", "" + o.startDelivered));
      o.fixedDelivered = Integer.parseInt(map.getOrDefault("fixed-delivered", "" + o.fixedDelivered));
      o.maxSteps = Integer.parseInt(map.getOrDefault("max-steps", "" + o.maxSteps));
      o.refinements = Integer.parseInt(map.getOrDefault("refinements", "" + o.refinements));
      o.light = Boolean.parseBoolean(map.getOrDefault("light", "" + o.light));
      o.appJvm = map.getOrDefault("app-jvm", o.appJvm);
      o.appJar = map.getOrDefault("app-jar", Path.of(o.appDir, "target", "messenger.jar").toString());
      if (o.stompMaxN > 500) {
        throw new IllegalArgumentException("Web-STOMP beyond N = 500 breaks the shared broker (open-files limit)");
      }
      return o;
    }

    JsonObject toJson() {
      return new JsonObject().put("peers", new JsonArray(new ArrayList<>(peers)))
        .put("receivers", new JsonArray(new ArrayList<>(receivers))).put("stompMaxN", stompMaxN)
        .put("loadgenEventLoops", loops).put("senders", senders).put("httpInstances", httpInstances)
        .put("warmSeconds", warmSeconds).put("measureSeconds", measureSeconds).put("drainSeconds", drainSeconds)
        .put("p99LimitMs", P99_LIMIT_MICROS / 1000).put("retriesOfAFailedStep", retries).put("appJvm", appJvm);
    }
  }
}
