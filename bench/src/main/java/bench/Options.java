package bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Command-line options: {@code --name value}, or {@code --name} alone for {@code true}. */
final class Options {
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
  int retries = 1;
  int drainSeconds = 10;
  int startDelivered = 5000;
  int fixedDelivered = 0;
  int maxSteps = 20;
  boolean light = true;
  boolean knee = true;
  String appJvm = "";
  String appJar = "";
  String rabbitmqUri = "amqp://guest:guest@localhost:5672";
  int stompPort = 15674;

  // The knee search (issue #17, item 6).
  double kneePrecision = 0.05;
  int kneeRepeats = 3;
  double quietSampleSeconds = 1;
  double noisyCores = 0.2;
  double awaitQuietSeconds = 0;

  // Start-up, side by side with a bare Vert.x HTTP server (item 5).
  int startupRuns = 5;
  boolean startupOnly = false;
  /** Each jar also with an AppCDS archive of its own, reported apart. */
  boolean startupCds = true;

  // Ingest (item 3).
  boolean ingest = true;
  int ingestReceivers = 10;
  double ingestUserRate = 4;
  double ingestLimit = 5;
  int ingestBurst = 10;
  int ingestStart = 250;
  int ingestConnections = 200;
  int stompSenders = 50;
  /** The broker alone at its ingest ceiling ({@link BrokerCeiling}), after the peers' ingest steps. */
  boolean brokerCeiling = true;
  boolean brokerCeilingOnly = false;
  int brokerCeilingStart = 1000;

  // Rooms (issue #16): R rooms x N/R receivers against one room at the same total deliveries/s.
  boolean rooms = true;
  boolean roomsOnly = false;
  List<String> roomsLayouts = List.of("1x500", "5x100", "50x10");

  // Many receivers (item 4).
  int receiversPerProcess = 15_000;
  int sourceAddresses = 0;

  // History (issue #13, item 5).
  boolean history = true;
  boolean historyOnly = false;
  int historyMessages = 1_000_000;
  List<Integer> historyReaders = List.of(1, 20);
  double historySeconds = 10;
  int historyLimit = 50;
  boolean historyKnee = true;
  int historyKneeN = 500;
  int historyScrollers = 20;
  /**
   * Pages a second each scroller asks, one knee for each: 2, a person flicking back without a pause; 10, the app's
   * default per-session limit; 0: as fast as answered.
   */
  List<Double> historyScrollRates = List.of(2.0, 10.0);

  // Latency by hop (item 1).
  boolean profile = false;
  double profileSeconds = 30;
  int profileRate = 10;

  static Options parse(String[] args) {
    Given map = new Given();
    for (int i = 0; i < args.length; i++) {
      String name = args[i].replaceFirst("^--", "");
      boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
      map.put(name, flag ? "true" : args[++i]);
    }
    Options o = new Options();
    o.command = map.getOrDefault("command", o.command);
    o.appDir = map.getOrDefault("app-dir", o.appDir);
    o.out = map.getOrDefault("out", o.out);
    if (map.containsKey("peers")) o.peers = List.of(map.get("peers").split(","));
    if (map.containsKey("n")) o.receivers = List.of(map.get("n").split(",")).stream().map(Integer::parseInt).toList();
    o.stompMaxN = integer(map, "stomp-max-n", o.stompMaxN);
    o.loops = integer(map, "loops", o.loops);
    o.senders = integer(map, "senders", o.senders);
    o.httpInstances = integer(map, "http-instances", o.httpInstances);
    o.warmSeconds = number(map, "warm", o.warmSeconds);
    o.measureSeconds = number(map, "measure", o.measureSeconds);
    o.lightSeconds = number(map, "light-seconds", o.lightSeconds);
    o.warmUpSeconds = number(map, "warm-up", o.warmUpSeconds);
    o.retries = integer(map, "retries", o.retries);
    o.drainSeconds = integer(map, "drain", o.drainSeconds);
    o.startDelivered = integer(map, "start-delivered", o.startDelivered);
    o.fixedDelivered = integer(map, "fixed-delivered", o.fixedDelivered);
    o.maxSteps = integer(map, "max-steps", o.maxSteps);
    o.light = bool(map, "light", o.light);
    o.knee = bool(map, "knee", o.knee);
    o.appJvm = map.getOrDefault("app-jvm", o.appJvm);
    o.appJar = map.getOrDefault("app-jar", Path.of(o.appDir, "target", "messenger.jar").toString());
    o.rabbitmqUri = map.getOrDefault("rabbitmq-uri", System.getenv().getOrDefault("RABBITMQ_URI", o.rabbitmqUri));
    o.stompPort = integer(map, "stomp-port", o.stompPort);
    o.kneePrecision = number(map, "knee-precision", o.kneePrecision);
    o.kneeRepeats = integer(map, "knee-repeats", o.kneeRepeats);
    o.quietSampleSeconds = number(map, "quiet-sample", o.quietSampleSeconds);
    o.noisyCores = number(map, "noisy-cores", o.noisyCores);
    o.awaitQuietSeconds = number(map, "await-quiet", o.awaitQuietSeconds);
    o.startupRuns = integer(map, "startup-runs", o.startupRuns);
    o.startupOnly = bool(map, "startup-only", o.startupOnly);
    o.startupCds = bool(map, "startup-cds", o.startupCds);
    o.ingest = bool(map, "ingest", o.ingest);
    o.ingestReceivers = integer(map, "ingest-receivers", o.ingestReceivers);
    o.ingestUserRate = number(map, "ingest-user-rate", o.ingestUserRate);
    o.ingestLimit = number(map, "ingest-limit", o.ingestLimit);
    o.ingestBurst = integer(map, "ingest-burst", o.ingestBurst);
    o.ingestStart = integer(map, "ingest-start", o.ingestStart);
    o.ingestConnections = integer(map, "ingest-connections", o.ingestConnections);
    o.stompSenders = integer(map, "stomp-senders", o.stompSenders);
    o.brokerCeiling = bool(map, "broker-ceiling", o.brokerCeiling);
    o.brokerCeilingOnly = bool(map, "broker-ceiling-only", o.brokerCeilingOnly);
    o.brokerCeilingStart = integer(map, "broker-ceiling-start", o.brokerCeilingStart);
    o.rooms = bool(map, "rooms", o.rooms);
    o.roomsOnly = bool(map, "rooms-only", o.roomsOnly);
    if (map.containsKey("rooms-layouts")) o.roomsLayouts = List.of(map.get("rooms-layouts").split(","));
    o.receiversPerProcess = integer(map, "receivers-per-process", o.receiversPerProcess);
    o.sourceAddresses = integer(map, "source-addresses", o.sourceAddresses);
    o.history = bool(map, "history", o.history);
    o.historyOnly = bool(map, "history-only", o.historyOnly);
    o.historyMessages = integer(map, "history-messages", o.historyMessages);
    if (map.containsKey("history-readers")) o.historyReaders = List.of(map.get("history-readers").split(",")).stream().map(Integer::parseInt).toList();
    o.historySeconds = number(map, "history-seconds", o.historySeconds);
    o.historyLimit = integer(map, "history-limit", o.historyLimit);
    o.historyKnee = bool(map, "history-knee", o.historyKnee);
    o.historyKneeN = integer(map, "history-knee-n", o.historyKneeN);
    o.historyScrollers = integer(map, "history-scrollers", o.historyScrollers);
    if (map.containsKey("history-scroll-rate")) o.historyScrollRates = List.of(map.get("history-scroll-rate").split(",")).stream().map(Double::parseDouble).toList();
    o.profile = bool(map, "profile", o.profile);
    o.profileSeconds = number(map, "profile-seconds", o.profileSeconds);
    o.profileRate = integer(map, "profile-rate", o.profileRate);
    if (map.containsKey("help")) {
      System.out.println("bench/run.sh [--<option> <value> | --<option> (true)]...: see the README's Performance section");
      System.out.println("Options: --" + String.join(", --", map.asked));
      System.exit(0);
    }
    List<String> unknown = map.keySet().stream().filter(name -> !map.asked.contains(name)).toList();
    if (!unknown.isEmpty()) { // a typo would otherwise run the whole hour with the default
      throw new IllegalArgumentException("unknown option(s) --" + String.join(", --", unknown) + "; --help lists them");
    }
    if (o.stompMaxN > 500) {
      throw new IllegalArgumentException("Web-STOMP beyond N = 500 breaks the shared broker (open-files limit)");
    }
    if (o.ingestUserRate > o.ingestLimit) {
      throw new IllegalArgumentException("--ingest-user-rate must stay within the app's limit --ingest-limit");
    }
    return o;
  }

  /** The options given; remembers the names {@link #parse} looked up, so that any other is reported. */
  private static final class Given extends LinkedHashMap<String, String> {
    final Set<String> asked = new LinkedHashSet<>();

    @Override
    public boolean containsKey(Object name) {
      asked.add((String) name);
      return super.containsKey(name);
    }

    @Override
    public String getOrDefault(Object name, String fallback) {
      asked.add((String) name);
      return super.getOrDefault(name, fallback);
    }
  }

  private static int integer(Map<String, String> map, String key, int fallback) {
    return map.containsKey(key) ? Integer.parseInt(map.get(key)) : fallback;
  }

  private static double number(Map<String, String> map, String key, double fallback) {
    return map.containsKey(key) ? Double.parseDouble(map.get(key)) : fallback;
  }

  private static boolean bool(Map<String, String> map, String key, boolean fallback) {
    return map.containsKey(key) ? Boolean.parseBoolean(map.get(key)) : fallback;
  }

  JsonObject toJson() {
    return new JsonObject().put("peers", new JsonArray(new ArrayList<>(peers)))
      .put("receivers", new JsonArray(new ArrayList<>(receivers))).put("stompMaxN", stompMaxN)
      .put("loadgenEventLoops", loops).put("senders", senders).put("httpInstances", httpInstances)
      .put("warmSeconds", warmSeconds).put("measureSeconds", measureSeconds).put("drainSeconds", drainSeconds)
      .put("p99LimitMs", Bench.P99_LIMIT_MICROS / 1000).put("retriesOfAFailedStep", retries).put("appJvm", appJvm)
      .put("kneePrecision", kneePrecision).put("kneeRepeats", kneeRepeats).put("noisyCores", noisyCores).put("awaitQuietSeconds", awaitQuietSeconds)
      .put("quietSampleSeconds", quietSampleSeconds).put("startupRuns", startupRuns)
      .put("startupCds", startupCds)
      .put("ingest", ingest ? new JsonObject().put("receivers", ingestReceivers).put("userRate", ingestUserRate)
        .put("appRateLimit", ingestLimit).put("appRateBurst", ingestBurst).put("startSends", ingestStart)
        .put("httpConnections", ingestConnections).put("stompSenders", stompSenders) : null)
      .put("brokerCeiling", brokerCeiling || brokerCeilingOnly ? new JsonObject().put("only", brokerCeilingOnly)
        .put("startPerSec", brokerCeilingStart) : null)
      .put("rooms", rooms ? new JsonObject().put("only", roomsOnly).put("layouts", new JsonArray(new ArrayList<>(roomsLayouts))) : null)
      .put("receiversPerProcess", receiversPerProcess).put("sourceAddresses", sourceAddresses)
      .put("history", history ? new JsonObject().put("only", historyOnly).put("messages", historyMessages)
        .put("readers", new JsonArray(new ArrayList<>(historyReaders))).put("seconds", historySeconds).put("limit", historyLimit)
        .put("knee", historyKnee).put("kneeN", historyKneeN).put("scrollers", historyScrollers)
          .put("scrollRates", new JsonArray(new ArrayList<>(historyScrollRates))) : null)
      .put("profile", profile ? new JsonObject().put("seconds", profileSeconds).put("rate", profileRate) : null)
      .put("rabbitmqUri", rabbitmqUri.replaceAll("//[^@]*@", "//")).put("stompPort", stompPort);
  }
}
