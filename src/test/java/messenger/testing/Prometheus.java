package messenger.testing;

/** Reads samples out of a Prometheus text exposition, as a scraper would. */
public final class Prometheus {

  private Prometheus() {
  }

  /**
   * The value of the first sample whose name and labels start with {@code sample} (e.g.
   * {@code messenger_messages_refused_total{instance="a",reason="too_fast"}} or just the metric name);
   * NaN when there is none.
   */
  public static double value(String exposition, String sample) {
    for (String line : exposition.split("\n")) {
      if (!line.startsWith("#") && line.startsWith(sample)) {
        String rest = line.substring(sample.length());
        if (rest.startsWith(" ") || rest.startsWith("{") || rest.startsWith(",")) {
          return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return Double.NaN;
  }
}
