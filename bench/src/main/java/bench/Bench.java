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
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark. In one run: the start-up of the Messenger fat jar beside a bare Vert.x HTTP server ({@link Startup};
 * alone with {@code --startup-only}); then
 * for each peer (Messenger, Web-STOMP, a bare Vert.x broadcaster) light load, optionally the latency by hop
 * ({@code --profile}), and for each number of receivers N the idle memory per client and the knee: the
 * largest delivered rate with p99 ≤ 100 ms and nothing lost; then the ingest step (N = 10, many senders);
 * then Messenger's history on a long chat log ({@link HistoryStep}; alone with {@code --history-only}), then rooms
 * against one room at the same deliveries/s ({@link RoomsStep}; alone with {@code --rooms-only}).
 * Prints a table and writes target/bench/*.json. Started by bench/run.sh.
 */
public final class Bench {

  /** Zero of the load generator's one clock; a second load-generator process is given the same zero. */
  private static final long BASE = Long.getLong("bench.clockBase", System.nanoTime());
  /** Vert.x warns "Connection evicted" on every WebSocket upgrade of its client: harmless, and thousands here. */
  private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("io.vertx.core.http.impl.HttpClientConnectionInternal");
  static final long P99_LIMIT_MICROS = 100_000;
  private static final long QUIET_TIMEOUT_MS = 30_000;
  /** Open files the server needs besides one per receiver (its jar, broker connections, listeners, …). */
  private static final int SERVER_SPARE_FILES = 100;

  /** Microseconds on the load generator's one clock (System.nanoTime(): the machine's monotonic clock). */
  static long micros() {
    return (System.nanoTime() - BASE) / 1000;
  }

  static long clockBase() {
    return BASE;
  }

  static void quietVertxLogs() {
    QUIET.setLevel(java.util.logging.Level.SEVERE);
  }

  private final Options options;
  private final Vertx vertx;
  private final long brokerPid;
  private final JsonObject report = new JsonObject();
  private int stepCounter;

  private Bench(Options options) {
    this.options = options;
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.loops));
    this.brokerPid = Proc.brokerPid(options.rabbitmqUri);
  }

  public static void main(String[] args) throws Exception {
    quietVertxLogs();
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
    boolean oneStep = options.historyOnly || options.roomsOnly || options.startupOnly || options.brokerCeilingOnly;
    if (options.startupRuns > 0 && options.peers.contains("messenger") && (!oneStep || options.startupOnly)) {
      report.put("startup", Startup.measure(options, vertx));
    }
    for (String name : oneStep ? List.<String>of() : options.peers) {
      JsonObject result = new JsonObject();
      peers.put(name, result);
      try (Servers.Server server = Servers.start(name, options, brokerPid, vertx, Servers.SWEEP_LIMITS)) {
        result.put("startup", server.startup());
        log("== %s (pid %d) up in %d ms", name, server.peer().serverPid(), server.startupMillis());
        warmUp(Fleet.open(vertx, server.peer(), 50, options), 100);
        if (options.light) {
          result.put("light", light(server.peer()));
        }
        if (options.profile) {
          result.put("profile", Profile.peer(this, server.peer(), options, vertx));
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
      if (options.ingest) {
        result.put("ingest", ingest(name));
      }
    }
    if (options.profile && !oneStep) {
      report.put("brokerProbe", BrokerProbe.measure(options));
    }
    if (options.brokerCeilingOnly || (options.brokerCeiling && options.ingest && !oneStep)) {
      report.put("brokerCeiling", BrokerCeiling.measure(options, brokerPid));
    }
    boolean messenger = options.peers.contains("messenger");
    if (options.history && messenger && (!oneStep || options.historyOnly)) {
      report.put("history", HistoryStep.run(this, options, vertx));
    }
    if (options.rooms && messenger && (!oneStep || options.roomsOnly)) {
      report.put("rooms", RoomsStep.run(this, options, vertx));
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

  /** Lets the JIT compile the server's and the generator's hot paths before anything is measured. */
  private void warmUp(Fleet fleet, double rate) throws Exception {
    try (fleet) {
      StepResult r = step(fleet, rate, options.warmUpSeconds);
      log("   warm-up (not reported) N=%d %.0f msg/s: %s", fleet.receivers(), rate, r.summary());
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
    long freeFiles = Proc.openFilesLimit(pid) - Proc.openFiles(pid);
    if (jvm && n + SERVER_SPARE_FILES > freeFiles) {
      String why = String.format("the server (pid %d) may open %d more files (limit %d); N = %d needs about %d",
        pid, freeFiles, Proc.openFilesLimit(pid), n, n + SERVER_SPARE_FILES);
      log("   N=%d skipped: %s", n, why);
      return result.put("skipped", why);
    }
    try (Fleet fleet = Fleet.openSendersOnly(vertx, peer, options)) {
      long heapBefore = jvm ? Proc.heapUsedAfterGcKb(pid) : -1;
      long rssBefore = Proc.rssKb(pid);
      long t = System.currentTimeMillis();
      fleet.openReceivers(n);
      long connectMillis = System.currentTimeMillis() - t;
      log("   N=%d: %d receivers connected and subscribed in %d ms", n, n, connectMillis);
      long heapAfter = jvm ? Proc.heapUsedAfterGcKb(pid) : -1;
      long rssAfter = Proc.rssKb(pid);
      JsonObject idle = new JsonObject()
        .put("rssKbPerClient", round((rssAfter - rssBefore) / (double) n, 2))
        .put("connectMillis", connectMillis)
        .put("loadgenProcesses", fleet.loadgenPids().size());
      if (jvm && heapBefore >= 0 && heapAfter >= 0) {
        idle.put("heapKbPerClient", round((heapAfter - heapBefore) / (double) n, 2));
      }
      result.put("idle", idle);
      log("   N=%d idle: %s", n, idle.encode());
      if (!options.knee) {
        return result;
      }
      if (options.fixedDelivered > 0) { // a comparison at one load, not a sweep
        JsonArray steps = new JsonArray();
        result.put("steps", steps);
        int fixed = Math.max(1, (int) Math.round(options.fixedDelivered / (double) n));
        for (int i = 0; i < options.maxSteps; i++) {
          StepResult r = step(fleet, fixed, options.measureSeconds);
          steps.add(r.toJson());
          log("   N=%d %5d msg/s offered: %s", n, fixed, r.summary());
        }
        return result;
      }
      KneeSearch search = new KneeSearch(options, "N=" + n, rate -> step(fleet, rate, options.measureSeconds),
        () -> fleet.awaitQuiet(QUIET_TIMEOUT_MS));
      return result.mergeIn(search.find(options.startDelivered / (double) n));
    }
  }

  /**
   * Ingest: N = 10 receivers and as many senders as the rate needs, each a user of its own within the
   * app's per-user rate limit (Messenger is started for this with that limit, not the sweep's raised
   * one), every send confirmed (Web-STOMP: a RECEIPT after the broker's confirm). The knee is the largest
   * confirmed send rate with p99 send → receipt ≤ 100 ms and nothing lost or duplicated.
   */
  private JsonObject ingest(String name) throws Exception {
    Servers.Limits limits = new Servers.Limits(options.ingestLimit, options.ingestBurst);
    try (Servers.Server server = Servers.start(name, options, brokerPid, vertx, limits);
         Fleet fleet = Fleet.openConfirmedSenders(vertx, server.peer(), options, options.ingestConnections)) {
      log("== %s ingest (pid %d): N=%d, each sender %.1f sends/s at most, the app's limit %.1f/s, burst %d",
        name, server.peer().serverPid(), options.ingestReceivers, options.ingestUserRate, limits.ratePerSecond(),
        limits.burst());
      fleet.openReceivers(options.ingestReceivers);
      fleet.ensureUsers(options.ingestStart, options.ingestUserRate);
      StepResult warm = step(fleet, options.ingestStart, options.warmUpSeconds);
      log("   ingest warm-up (not reported) %d sends/s: %s", options.ingestStart, warm.summary());
      fleet.awaitQuiet(QUIET_TIMEOUT_MS);
      KneeSearch search = new KneeSearch(options, "ingest", rate -> {
        fleet.ensureUsers(rate, options.ingestUserRate);
        return step(fleet, rate, options.measureSeconds);
      }, () -> fleet.awaitQuiet(QUIET_TIMEOUT_MS));
      JsonObject result = search.find(options.ingestStart);
      result.put("receivers", options.ingestReceivers).put("senders", fleet.users())
        .put("sendersPerSecondEach", options.ingestUserRate).put("appRateLimit", limits.toJson());
      if (result.containsKey("knee")) {
        result.put("bound", bound(result.getJsonObject("knee")));
        log("   ingest knee %s sends/s, %s", result.getJsonObject("knee").getValue("confirmedPerSec"), result.getString("bound"));
      }
      return result;
    }
  }

  /** Which process took the CPU at the knee, and whether the machine's cores were full. */
  static String bound(JsonObject knee) {
    JsonObject cores = knee.getJsonObject("cpuCores");
    int available = Runtime.getRuntime().availableProcessors();
    double total = 0;
    String top = "?";
    double topCores = -1;
    for (String who : List.of("server", "broker", "loadgen", "others")) {
      double c = who.equals("broker") && cores.getBoolean("serverIsBroker", false) ? 0 : cores.getDouble(who, 0.0);
      total += c;
      if (c > topCores) {
        topCores = c;
        top = who;
      }
    }
    return String.format("%s: %.2f of %d cores busy (server %.2f, broker %.2f, loadgen %.2f, others %.2f); most: %s",
      total >= 0.85 * available ? "CPU-bound" : "not CPU-bound", total, available, cores.getDouble("server", 0.0),
      cores.getDouble("broker", 0.0), cores.getDouble("loadgen", 0.0), cores.getDouble("others", 0.0), top);
  }

  /** One open-loop step at {@code rate} msg/s: a quiet check, warm-up, a measured window, then a drain. */
  StepResult step(Fleet fleet, double rate, double measureSeconds) throws Exception {
    int step = ++stepCounter;
    long pid = fleet.peer().serverPid();
    List<Long> ours = new ArrayList<>(fleet.loadgenPids());
    if (pid != brokerPid) {
      ours.add(pid);
    }
    double othersBefore = 0;
    long quietDeadline = System.currentTimeMillis() + (long) (options.awaitQuietSeconds * 1000);
    if (options.quietSampleSeconds > 0) {
      do { // with --await-quiet, wait a while for the others to calm down
        othersBefore = Machine.otherCores(options.quietSampleSeconds, ours);
      } while (othersBefore > options.noisyCores && System.currentTimeMillis() < quietDeadline);
    }
    double loadAverage = Machine.loadAverage();

    double warm = options.warmSeconds;
    int total = (int) Math.ceil(rate * (warm + measureSeconds));
    int firstMeasured = (int) Math.ceil(rate * warm);
    long t0 = micros() + 200_000;
    long windowStart = t0 + (long) (warm * 1e6);
    long windowEnd = t0 + (long) ((warm + measureSeconds) * 1e6);
    fleet.startStep(step, firstMeasured, total, windowStart, windowEnd);
    Future<SenderGroup.Sends> sending = fleet.send(step, rate, total, t0, firstMeasured, windowStart, windowEnd);

    sleepUntil(windowStart);
    double server0 = Proc.cpuSeconds(pid), broker0 = Proc.cpuSeconds(brokerPid);
    double loadgen0 = Machine.cpuSeconds(fleet.loadgenPids()), machine0 = Machine.busySeconds();
    sleepUntil(windowEnd);
    double server1 = Proc.cpuSeconds(pid), broker1 = Proc.cpuSeconds(brokerPid);
    double loadgen1 = Machine.cpuSeconds(fleet.loadgenPids()), machine1 = Machine.busySeconds();

    SenderGroup.Sends sends;
    try {
      sends = sending.timeout(options.drainSeconds * 1000L + 30_000, TimeUnit.MILLISECONDS).await();
    } catch (Exception e) {
      log("   step %d: sends still unanswered after the drain; all count as failed", step);
      sends = new SenderGroup.Sends(total, 0, ReceiverGroup.newHistogram());
    }
    long drainDeadline = System.currentTimeMillis() + options.drainSeconds * 1000L;
    while (fleet.minimumSeen() < total && System.currentTimeMillis() < drainDeadline) {
      Thread.sleep(50);
    }
    Receivers.Snapshot seen = fleet.snapshot(total);
    double server = server1 - server0, broker = broker1 - broker0, loadgen = loadgen1 - loadgen0;
    boolean serverIsBroker = pid == brokerPid; // Web-STOMP
    double others = Math.max(0, (machine1 - machine0) - server - (serverIsBroker ? 0 : broker) - loadgen);
    Machine.Noise noise = new Machine.Noise(loadAverage, othersBefore, others / measureSeconds, options.noisyCores);
    return new StepResult(fleet.receivers(), rate, total, seen.inWindow() / measureSeconds,
      sends.answeredInWindow() / measureSeconds, seen.latency(), sends.answerLatency(), seen.lost(), seen.duplicates(),
      sends.errors(), seen.closed(), new Cpu(server, broker, loadgen, others, measureSeconds, seen.inWindow(),
      sends.answeredInWindow(), serverIsBroker), noise);
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

  /** Waits for GET /health 200 (polling every 5 ms); returns milliseconds since {@code startNanos}. */
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
        Thread.sleep(5);
      }
      throw new IllegalStateException("the server exited with " + process.exitValue());
    } finally {
      http.close();
    }
  }

  /**
   * CPU seconds in the measured window: the server, the broker (for Web-STOMP the server itself), the
   * load generator's processes, and everything else on the machine.
   */
  record Cpu(double server, double broker, double loadgen, double others, double seconds, long deliveries, long sends,
             boolean serverIsBroker) {

    JsonObject perMillion(long count) {
      double m = Math.max(1, count) / 1e6;
      return new JsonObject().put("server", round(server / m, 2)).put("broker", round(broker / m, 2))
        .put("loadgen", round(loadgen / m, 2));
    }

    JsonObject cores() {
      return new JsonObject().put("server", round(server / seconds, 2)).put("broker", round(broker / seconds, 2))
        .put("loadgen", round(loadgen / seconds, 2)).put("others", round(others / seconds, 2))
        .put("serverIsBroker", serverIsBroker);
    }
  }

  record StepResult(int receivers, double rate, int sent, double delivered, double confirmed, Histogram latency,
                    Histogram answerLatency, long lost, long duplicates, long sendErrors, int closed, Cpu cpu,
                    Machine.Noise noise) {

    boolean passed() {
      return lost == 0 && duplicates == 0 && sendErrors == 0 && closed == 0 && latency.getTotalCount() > 0
        && latency.getValueAtPercentile(99) <= P99_LIMIT_MICROS;
    }

    static double ms(Histogram h, double percentile) {
      return round(h.getValueAtPercentile(percentile) / 1000.0, 2);
    }

    String summary() {
      JsonObject perM = cpu.perMillion(cpu.deliveries);
      return String.format("delivered %.0f/s confirmed %.0f/s p50 %.2f p99 %.2f p99.9 %.2f max %.1f ms (answer p99 %.2f), lost %d dup %d errors %d closed %d, CPU s/M server %.1f broker %.1f loadgen %.1f -> %s | %s",
        delivered, confirmed, ms(latency, 50), ms(latency, 99), ms(latency, 99.9), latency.getMaxValue() / 1000.0,
        ms(answerLatency, 99), lost, duplicates, sendErrors, closed, perM.getDouble("server"), perM.getDouble("broker"),
        perM.getDouble("loadgen"), passed() ? "pass" : "FAIL", noise.summary());
    }

    JsonObject toJson() {
      return new JsonObject().put("receivers", receivers).put("offeredMsgPerSec", rate).put("sent", sent)
        .put("deliveredPerSec", round(delivered, 1))
        .put("confirmedPerSec", round(confirmed, 1))
        .put("latencyMs", latencyJson(latency))
        .put("answerLatencyMs", latencyJson(answerLatency))
        .put("lost", lost).put("duplicates", duplicates).put("sendErrors", sendErrors).put("receiversClosed", closed)
        .put("cpuSecondsPerMillionDeliveries", cpu.perMillion(cpu.deliveries))
        .put("cpuSecondsPerMillionSends", cpu.perMillion(cpu.sends))
        .put("cpuCores", cpu.cores())
        .put("machineLoadAverage1m", noise.loadAverage1m())
        .put("machine", noise.toJson())
        .put("passed", passed());
    }

    private static JsonObject latencyJson(Histogram h) {
      return new JsonObject().put("p50", ms(h, 50)).put("p99", ms(h, 99)).put("p99.9", ms(h, 99.9))
        .put("max", round(h.getMaxValue() / 1000.0, 2)).put("samples", h.getTotalCount());
    }
  }
}
