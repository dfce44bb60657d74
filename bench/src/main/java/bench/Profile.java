package bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --profile}: light load (N = 10, 10 msg/s by default) for longer than the light step, with every
 * send confirmed, and the latency broken down by hop as far as it can be seen from outside the app:
 * send → answer (202, or Web-STOMP's RECEIPT) and send → receipt on the load generator's clock, and from
 * Messenger's {@code /metrics} (scraped before and after, the difference is this step's) what the app
 * itself timed. The broker alone is measured by {@link BrokerProbe} in the same run.
 *
 * <p>Room for in-app hop timers: every Prometheus histogram {@code messenger_hop_seconds{hop="<name>"}} the
 * app exposes becomes a row "in app: <name>" by itself, in the order of the exposition; so do the timers
 * listed in {@link #APP_TIMERS}. No app change is needed here when hops are added there.
 */
final class Profile {

  /** Histograms the app has today: metric name → what the row says. */
  static final Map<String, String> APP_TIMERS = new LinkedHashMap<>(Map.of(
    "messenger_publish_confirm_seconds", "in app: publish → broker confirm"));
  /** The family of in-app hop timers a later change adds: one histogram, a {@code hop} label per hop. */
  static final String HOP_TIMERS = "messenger_hop_seconds";
  /** Vert.x's own server timer (no buckets: a mean only); during the profile step nearly every request is a /send. */
  static final String HTTP_SERVER_TIMER = "vertx_http_server_response_time_seconds";

  private Profile() {
  }

  static JsonObject peer(Bench bench, Peer peer, Options options, Vertx vertx) throws Exception {
    HttpClient http = vertx.createHttpClient();
    try (Fleet fleet = Fleet.openConfirmedSenders(vertx, peer, options, 8)) {
      fleet.openReceivers(10);
      fleet.ensureUsers(options.profileRate, Math.max(1, options.profileRate / 4.0));
      String before = peer instanceof MessengerPeer m ? m.scrapeMetrics(http).await() : null;
      Bench.StepResult r = bench.step(fleet, options.profileRate, options.profileSeconds);
      String after = peer instanceof MessengerPeer m ? m.scrapeMetrics(http).await() : null;
      Bench.log("   profile N=10 %d msg/s %.0f s: %s", options.profileRate, options.profileSeconds, r.summary());
      JsonArray hops = new JsonArray();
      String answer = peer.name().equals("web-stomp") ? "SEND → RECEIPT (broker confirm)" : "POST /send → 202";
      hops.add(hop(answer, r.toJson().getJsonObject("answerLatencyMs"), "load generator: scheduled send → answer"));
      hops.add(hop("send → frame at the receiver", r.toJson().getJsonObject("latencyMs"),
        "load generator: scheduled send → frame read"));
      if (before != null && after != null) {
        appHops(before, after).forEach(hops::add);
      }
      return new JsonObject().put("step", r.toJson()).put("hops", hops);
    } finally {
      http.close();
    }
  }

  private static JsonObject hop(String name, JsonObject latencyMs, String source) {
    return new JsonObject().put("hop", name).put("p50", latencyMs.getValue("p50")).put("p99", latencyMs.getValue("p99"))
      .put("max", latencyMs.getValue("max")).put("samples", latencyMs.getValue("samples")).put("source", source);
  }

  /** The app's timers, this step only (after − before); percentiles are the upper bounds of their buckets. */
  static List<JsonObject> appHops(String before, String after) {
    Map<String, Timer> was = timers(before);
    List<JsonObject> hops = new ArrayList<>();
    for (Map.Entry<String, Timer> e : timers(after).entrySet()) {
      Timer delta = e.getValue().minus(was.get(e.getKey()));
      String name = e.getKey();
      String row = name.startsWith(HOP_TIMERS + "|") ? "in app: " + name.substring(HOP_TIMERS.length() + 1)
        : name.equals(HTTP_SERVER_TIMER) ? "in app: HTTP request → response (mean)" : APP_TIMERS.get(name);
      if (row == null || delta.count <= 0) {
        continue;
      }
      JsonObject hop = new JsonObject().put("hop", row).put("samples", (long) delta.count)
        .put("mean", Bench.round(delta.sum / delta.count * 1000, 2))
        .put("source", "/metrics " + name.replace('|', ' ') + (delta.buckets.isEmpty() ? "" : ", bucket upper bounds"));
      if (!delta.buckets.isEmpty()) {
        hop.put("p50", delta.quantileMs(0.5)).put("p99", delta.quantileMs(0.99)).put("bucketed", true);
      }
      hops.add(hop);
    }
    return hops;
  }

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)");
  private static final Pattern LE = Pattern.compile("le=\"([^\"]*)\"");
  private static final Pattern HOP = Pattern.compile("hop=\"([^\"]*)\"");

  /** A histogram or timer from the Prometheus text: cumulative bucket counts, sum and count (all series summed). */
  private static final class Timer {
    final TreeMap<Double, Double> buckets = new TreeMap<>();
    double sum;
    double count;

    Timer minus(Timer earlier) {
      Timer d = new Timer();
      d.sum = sum - (earlier == null ? 0 : earlier.sum);
      d.count = count - (earlier == null ? 0 : earlier.count);
      buckets.forEach((le, c) -> d.buckets.put(le, c - (earlier == null ? 0 : earlier.buckets.getOrDefault(le, 0.0))));
      return d;
    }

    /** The smallest bucket bound holding the quantile, in ms. */
    double quantileMs(double q) {
      for (Map.Entry<Double, Double> b : buckets.entrySet()) {
        if (b.getValue() >= q * count) {
          return Bench.round(b.getKey() * 1000, 2);
        }
      }
      return Double.POSITIVE_INFINITY;
    }
  }

  /** Timers by name (hop timers as "messenger_hop_seconds|<hop>"), in the order they appear. */
  private static Map<String, Timer> timers(String exposition) {
    Map<String, Timer> timers = new LinkedHashMap<>();
    for (String line : exposition.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (line.startsWith("#") || !m.find()) {
        continue;
      }
      String metric = m.group(1);
      String labels = m.group(3) == null ? "" : m.group(3);
      double value;
      try {
        value = Double.parseDouble(m.group(4));
      } catch (NumberFormatException e) {
        continue;
      }
      for (String suffix : List.of("_bucket", "_sum", "_count")) {
        if (!metric.endsWith(suffix)) {
          continue;
        }
        String base = metric.substring(0, metric.length() - suffix.length());
        if (!APP_TIMERS.containsKey(base) && !base.equals(HOP_TIMERS) && !base.equals(HTTP_SERVER_TIMER)) {
          continue;
        }
        Matcher hop = HOP.matcher(labels);
        String key = base.equals(HOP_TIMERS) && hop.find() ? base + "|" + hop.group(1) : base;
        Timer t = timers.computeIfAbsent(key, k -> new Timer());
        switch (suffix) {
          case "_sum" -> t.sum += value;
          case "_count" -> t.count += value;
          default -> {
            Matcher le = LE.matcher(labels);
            if (le.find() && !le.group(1).equals("+Inf")) {
              t.buckets.merge(Double.parseDouble(le.group(1)), value, Double::sum);
            }
          }
        }
      }
    }
    return timers;
  }
}
