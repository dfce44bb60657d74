package messenger.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.micrometer.backends.BackendRegistries;
import messenger.rabbit.Instance;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Messenger's own meters, one set per Vert.x instance, every one tagged {@code instance} so that the
 * figures of several instances can be told apart. When the launcher enabled Vert.x metrics ({@link
 * messenger.Main}) they live in the same Prometheus registry as Vert.x's; otherwise (tests that embed
 * the app) in a registry of their own. Meter updates are thread-safe: any verticle may call them.
 */
public final class Metrics {

  private static final Map<Vertx, Metrics> BY_VERTX = Collections.synchronizedMap(new WeakHashMap<>());

  private final PrometheusMeterRegistry registry;
  private final AtomicInteger bridgeClients = new AtomicInteger();
  private final AtomicLong consumerLag = new AtomicLong(-1);
  private final Counter published;
  private final Counter delivered;
  private final Timer confirmLatency;

  private Metrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    published = Counter.builder("messenger.messages.published")
      .description("Messages this instance published and the broker confirmed").register(registry);
    delivered = Counter.builder("messenger.messages.delivered")
      .description("Messages this instance read from the chat log and handed to its browsers").register(registry);
    confirmLatency = Timer.builder("messenger.publish.confirm")
      .description("From a send reaching the broker side to the broker's confirm")
      .publishPercentileHistogram()
      .maximumExpectedValue(Duration.ofSeconds(10))
      .register(registry);
    Gauge.builder("messenger.bridge.clients", bridgeClients, AtomicInteger::get)
      .description("Browsers connected to this instance's event-bus bridge").register(registry);
    Gauge.builder("messenger.consumer.lag", consumerLag, lag -> lag.get() < 0 ? Double.NaN : lag.get())
      .description("Messages between the chat log's end and the last one this instance read")
      .baseUnit("messages").register(registry);
  }

  /** A registry whose meters all carry this process's {@code instance} tag. */
  public static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("instance", Instance.NAME);
    return registry;
  }

  public static Metrics of(Vertx vertx) {
    return BY_VERTX.computeIfAbsent(vertx, v -> new Metrics(
      v.isMetricsEnabled() && BackendRegistries.getDefaultNow() instanceof PrometheusMeterRegistry shared
        ? shared : newRegistry()));
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  public void published(long confirmNanos) {
    published.increment();
    confirmLatency.record(Duration.ofNanos(confirmNanos));
  }

  public void delivered() {
    delivered.increment();
  }

  /** A send answered with an error; {@code reason} is a short code such as {@code too_fast}. */
  public void refused(String reason) {
    Counter.builder("messenger.messages.refused").tag("reason", reason)
      .description("Sends answered with an error, by reason").register(registry).increment();
  }

  public void bridgeClientConnected() {
    bridgeClients.incrementAndGet();
  }

  public void bridgeClientDisconnected() {
    bridgeClients.decrementAndGet();
  }

  public void consumerLag(long messages) {
    consumerLag.set(messages);
  }

  /** 1 while the named broker connection is usable, else 0. */
  public void brokerConnection(String connection, BooleanSupplier up) {
    Gauge.builder("messenger.broker.connected", () -> up.getAsBoolean() ? 1 : 0)
      .tag("connection", connection)
      .description("1 while the broker connection is up and usable").register(registry);
  }

  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }
}
