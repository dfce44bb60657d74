package bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Finds the knee: the largest offered rate whose step passes. The rate doubles until a step fails, then
 * the bracket [last pass, lowest fail] is halved (geometric mean) until its ends are within the precision
 * (5 % by default). A failed step is run once more before it counts as failed (the cores are shared).
 * Then the knee rate is run {@code kneeRepeats} more times and each figure of the knee is the median of those
 * repeats, with the spread beside it.
 */
final class KneeSearch {

  interface Step {
    Bench.StepResult run(double rate) throws Exception;
  }

  interface Settle {
    /** Lets a backlog drain after a failed step. */
    void run() throws Exception;
  }

  private final Options options;
  private final Step step;
  private final Settle settle;
  private final String label;
  private final JsonArray steps = new JsonArray();
  private static final double MIN_RATE = 0.1;
  /** Rounds of search and repeats at most, when a knee does not hold in its repeats. */
  private static final int ROUNDS = 3;

  KneeSearch(Options options, String label, Step step, Settle settle) {
    this.options = options;
    this.label = label;
    this.step = step;
    this.settle = settle;
  }

  /**
   * Searches from {@code startRate}; returns {"steps": [...], "knee": {...}} (no knee if nothing passed).
   * A knee that fails in most of its repeats did not hold: it counts as failed and the search goes on
   * below it (at most {@link #ROUNDS} times).
   */
  JsonObject find(double startRate) throws Exception {
    JsonObject result = new JsonObject().put("steps", steps);
    TreeMap<Double, Bench.StepResult> passes = new TreeMap<>();
    Bench.StepResult lowestFail = null;
    double rate = Math.max(MIN_RATE, round(startRate));
    int searched = 0;
    for (int round = 1; ; round++) {
      while (searched++ < options.maxSteps) {
        Bench.StepResult r = runWithRetry(rate);
        if (r.passed()) {
          passes.put(rate, r);
        } else if (lowestFail == null || rate < lowestFail.rate()) {
          lowestFail = r;
        }
        Double pass = highestPassBelow(passes, lowestFail);
        double next = pass == null ? round(rate / 2) : lowestFail == null ? rate * 2 : geometricMean(pass, lowestFail.rate());
        if (pass != null && lowestFail != null && lowestFail.rate() <= pass * (1 + options.kneePrecision)) {
          break;
        }
        if (next < MIN_RATE || next == rate || (pass != null && next == pass)
          || (lowestFail != null && next == lowestFail.rate())) {
          break;
        }
        rate = next;
      }
      Double kneeRate = highestPassBelow(passes, lowestFail);
      if (kneeRate == null) {
        return result;
      }
      List<Bench.StepResult> repeats = new ArrayList<>();
      for (int i = 1; i <= options.kneeRepeats; i++) {
        settle.run();
        Bench.StepResult r = step.run(kneeRate);
        steps.add(r.toJson().put("kneeRepeat", i));
        log(kneeRate, "knee repeat " + i, r);
        repeats.add(r);
      }
      long passed = repeats.stream().filter(Bench.StepResult::passed).count();
      if (repeats.isEmpty() || passed * 2 > repeats.size() || round == ROUNDS || searched >= options.maxSteps) {
        List<Bench.StepResult> figures = repeats.isEmpty() ? List.of(passes.get(kneeRate)) : repeats;
        JsonObject knee = median(figures.stream().map(Bench.StepResult::toJson).toList());
        knee.put("bracket", new JsonObject().put("lastPass", kneeRate)
          .put("lowestFail", lowestFail == null ? null : lowestFail.rate())
          .put("precision", lowestFail == null ? null : Bench.round(lowestFail.rate() / kneeRate - 1, 3)));
        result.put("knee", knee).put("kneeRounds", round);
        result.put("noisySteps", steps.stream().filter(s -> ((JsonObject) s).getJsonObject("machine").getBoolean("noisy")).count());
        return result;
      }
      Bench.log("   %s %8.2f/s did not hold (%d of %d repeats passed): searching below it", label, kneeRate, passed, repeats.size());
      lowestFail = repeats.stream().filter(r -> !r.passed()).findFirst().orElseThrow();
      settle.run();
      Double below = highestPassBelow(passes, lowestFail);
      rate = below == null ? round(kneeRate / 2)
        : kneeRate <= below * (1 + options.kneePrecision) ? below : geometricMean(below, kneeRate);
    }
  }

  /** The highest passing rate under the lowest failing one: the lower end of the bracket. */
  private static Double highestPassBelow(TreeMap<Double, Bench.StepResult> passes, Bench.StepResult lowestFail) {
    return lowestFail == null ? (passes.isEmpty() ? null : passes.lastKey()) : passes.lowerKey(lowestFail.rate());
  }

  private Bench.StepResult runWithRetry(double rate) throws Exception {
    Bench.StepResult r = step.run(rate);
    steps.add(r.toJson());
    log(rate, "", r);
    if (!r.passed() && options.retries > 0) {
      settle.run();
      r = step.run(rate);
      steps.add(r.toJson().put("retry", true));
      log(rate, "again", r);
    }
    if (!r.passed()) {
      settle.run(); // the next step must not start behind a backlog
    }
    return r;
  }

  private void log(double rate, String what, Bench.StepResult r) {
    Bench.log("   %s %8.2f/s offered%s: %s", label, rate, what.isEmpty() ? "" : ", " + what, r.summary());
  }

  private static double geometricMean(double a, double b) {
    return round(Math.sqrt(a * b));
  }

  /** Rates are sends per second with 3 significant digits: at N = 20 000 a knee lies between 4 and 5 sends/s. */
  private static double round(double rate) {
    return new java.math.BigDecimal(rate).round(new java.math.MathContext(3)).doubleValue();
  }

  /**
   * The knee as one step's JSON whose every number is the median over the repeats; "repeats" holds how many
   * ran and passed and the spread (min, max) of the delivered and confirmed rates and of p99.
   */
  static JsonObject median(List<JsonObject> repeats) {
    JsonObject knee = medianOf(repeats);
    JsonObject spread = new JsonObject();
    for (String[] path : List.of(new String[] {"deliveredPerSec"}, new String[] {"confirmedPerSec"},
      new String[] {"latencyMs", "p99"})) {
      List<Double> values = repeats.stream().map(r -> number(r, path)).filter(Objects::nonNull).sorted().toList();
      if (!values.isEmpty()) {
        spread.put(String.join(".", path), new JsonArray().add(values.get(0)).add(values.get(values.size() - 1)));
      }
    }
    knee.put("repeats", new JsonObject().put("count", repeats.size())
      .put("passed", repeats.stream().filter(r -> r.getBoolean("passed")).count())
      .put("noisy", repeats.stream().filter(r -> r.getJsonObject("machine").getBoolean("noisy")).count())
      .put("spread", spread));
    knee.remove("passed");
    return knee;
  }

  /** Field by field: objects recursively, numbers as the median (the lower one of an even count), others from the first. */
  private static JsonObject medianOf(List<JsonObject> objects) {
    JsonObject first = objects.get(0);
    JsonObject out = new JsonObject();
    for (String key : first.fieldNames()) {
      Object value = first.getValue(key);
      if (value instanceof JsonObject) {
        out.put(key, medianOf(objects.stream().map(o -> o.getJsonObject(key)).filter(Objects::nonNull).toList()));
      } else if (value instanceof Number) {
        List<Double> values = objects.stream().map(o -> o.getValue(key)).filter(v -> v instanceof Number)
          .map(v -> ((Number) v).doubleValue()).sorted(Comparator.naturalOrder()).toList();
        out.put(key, values.get((values.size() - 1) / 2));
      } else {
        out.put(key, value);
      }
    }
    return out;
  }

  private static Double number(JsonObject json, String... path) {
    Object node = json;
    for (String key : path) {
      node = node instanceof JsonObject o ? o.getValue(key) : null;
    }
    return node instanceof Number n ? n.doubleValue() : null;
  }
}
