package messenger.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpMethod;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.backends.BackendRegistries;
import messenger.Instance;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Messenger's own meters, one set per Vert.x instance, every one tagged {@code instance} so that the
 * figures of several instances can be told apart. When the launcher enabled Vert.x metrics ({@link
 * messenger.Main}) they live in the same Prometheus registry as Vert.x's; otherwise (tests that embed
 * the app) in a registry of their own. Meter updates are thread-safe: any verticle may call them. Gauges
 * read only values their owners publish here, never the owners' state: a scrape runs on whichever thread
 * serves {@code /metrics}.
 */
public final class Metrics {

  private static final Map<Vertx, Metrics> BY_VERTX = Collections.synchronizedMap(new WeakHashMap<>());
  private static final Set<String> KNOWN_METHODS =
    HttpMethod.values().stream().map(HttpMethod::name).collect(Collectors.toSet());

  private final PrometheusMeterRegistry registry;
  private final AtomicInteger bridgeClients = new AtomicInteger();
  private final AtomicLong consumerLag = new AtomicLong(-1);
  private final AtomicInteger userPublishers = new AtomicInteger();
  private final AtomicInteger historyReading = new AtomicInteger();
  private final AtomicInteger historyWaiting = new AtomicInteger();
  private final Map<String, AtomicInteger> brokerConnected = new ConcurrentHashMap<>();
  private final Counter published;
  private final Counter delivered;
  private final Timer confirmLatency;
  private final Timer[] hops = new Timer[Hop.values().length];

  /**
   * The hops of a message between {@code POST /send} and its frame on every bridge socket, timed in the app
   * ({@code messenger_hop_seconds{hop}}): with the benchmark's {@code --profile} they show where the time goes.
   * Timestamps are {@link System#nanoTime()}, one clock for every thread of the process.
   */
  public enum Hop {
    /** The request's arrival → the send handed to the event bus (body, origin, session, JSON). */
    REQUEST("request → bus"),
    /** The event bus from the HTTP verticle's loop to RabbitVerticle's. */
    TO_PUBLISHER("bus → publisher"),
    /** Published → the broker's confirm (or the read-back that settles it). */
    CONFIRM("publish → confirm"),
    /** The confirm → the 202 written, back on the HTTP verticle's loop. */
    ANSWER("confirm → 202"),
    /** Published → read back from the chat log by this instance's reader (own messages only). */
    READ("publish → read from the log"),
    /** Read → an HTTP verticle's fan-out begins (the event bus to its loop). */
    TO_FANOUT("read → fan-out"),
    /** The fan-out: the frame encoded and written to every subscribed socket of one event loop. */
    FANOUT("fan-out to every socket");

    final String label;

    Hop(String label) {
      this.label = label;
    }
  }

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
    for (Hop hop : Hop.values()) {
      hops[hop.ordinal()] = Timer.builder("messenger.hop").tag("hop", hop.label)
        .description("Where a message's time goes between POST /send and its frame on the sockets, by hop")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(50_000))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
    }
    Gauge.builder("messenger.bridge.clients", bridgeClients, AtomicInteger::get)
      .description("Browsers connected to this instance's event-bus bridge").register(registry);
    Gauge.builder("messenger.consumer.lag", consumerLag, lag -> lag.get() < 0 ? Double.NaN : lag.get())
      .description("Messages between the chat log's end and the last one this instance read")
      .baseUnit("messages").register(registry);
    Gauge.builder("messenger.user.publishers", userPublishers, AtomicInteger::get)
      .description("Per-user publishers this instance holds").register(registry);
    Gauge.builder("messenger.history.reads", historyReading, AtomicInteger::get).tag("state", "reading")
      .description("History requests reading the chat log from the broker, or waiting for their turn").register(registry);
    Gauge.builder("messenger.history.reads", historyWaiting, AtomicInteger::get).tag("state", "waiting")
      .description("History requests reading the chat log from the broker, or waiting for their turn").register(registry);
  }

  /**
   * A registry whose meters all carry this process's {@code instance} tag, and whose tags take a bounded set of
   * values. Vert.x tags its HTTP meters with the request's method, which any client can make up (each made-up
   * method was a new set of series: 300 requests grew {@code /metrics} from 41 KB to 1 MB): a method HTTP does
   * not define counts as {@code OTHER}. The other tags' values are Messenger's own (status codes, reasons,
   * connection names, the instance).
   */
  public static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("instance", Instance.NAME)
      .meterFilter(MeterFilter.replaceTagValues(Label.HTTP_METHOD.toString(),
        method -> KNOWN_METHODS.contains(method) ? method : "OTHER"));
    return registry;
  }

  public static Metrics of(Vertx vertx) {
    return BY_VERTX.computeIfAbsent(vertx, v -> new Metrics(
      v.isMetricsEnabled() && BackendRegistries.getDefaultNow() instanceof PrometheusMeterRegistry shared
        ? shared : newRegistry()));
  }

  /**
   * The JVM's meters (memory, GC, threads, classes, compilation, CPU, uptime): the binders vertx-micrometer's
   * {@code setJvmMetricsEnabled} binds, bound here once the app is up instead of while Vert.x is created, where
   * reading their dozen MXBeans took about 0.1 s of the start path. Blocks. Returns what must be closed when the
   * app stops (the listeners some of them register).
   */
  public List<AutoCloseable> bindJvmMeters() {
    List<MeterBinder> binders = List.of(new ClassLoaderMetrics(), new JvmCompilationMetrics(), new JvmGcMetrics(),
      new JvmHeapPressureMetrics(), new JvmInfoMetrics(), new JvmMemoryMetrics(), new JvmThreadMetrics(),
      new ProcessorMetrics(), new UptimeMetrics());
    binders.forEach(binder -> binder.bindTo(registry));
    return binders.stream().filter(AutoCloseable.class::isInstance).map(AutoCloseable.class::cast).toList();
  }

  /** Every meter, for {@code /metrics}. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public void published(long confirmNanos) {
    published.increment();
    confirmLatency.record(Duration.ofNanos(confirmNanos));
  }

  /** The event-bus header that carries when a hop began ({@link System#nanoTime()}) to the loop where it ends. */
  public static final String HOP_START = "hop-start";

  /** {@code options} with the hop's start now. */
  public static DeliveryOptions hopStart(DeliveryOptions options) {
    return options.addHeader(HOP_START, Long.toString(System.nanoTime()));
  }

  /** When the hop that brought {@code message} began; 0 when it does not say. */
  public static long hopStart(Message<?> message) {
    String start = message.headers().get(HOP_START);
    return start == null ? 0 : Long.parseLong(start);
  }

  /** One hop of one message, {@code since} a {@link System#nanoTime()} of this process (0: not known). */
  public void hop(Hop hop, long since) {
    if (since != 0) {
      hops[hop.ordinal()].record(System.nanoTime() - since, TimeUnit.NANOSECONDS);
    }
  }

  public void delivered() {
    delivered.increment();
  }

  /** A send answered with an error; {@code reason} is a short code such as {@code too_fast}. */
  public void refused(String reason) {
    Counter.builder("messenger.messages.refused").tag("reason", reason)
      .description("Sends answered with an error, by reason").register(registry).increment();
  }

  /** A {@code /history} page answered; {@code source}: {@code memory}, or {@code stream} when it read the log. */
  public void historyPage(String source, long nanos) {
    Timer.builder("messenger.history.page").tag("source", source)
      .description("Time to answer a /history page, by where it came from")
      .publishPercentileHistogram()
      .maximumExpectedValue(Duration.ofSeconds(10))
      .register(registry).record(Duration.ofNanos(nanos));
  }

  /** A {@code /history} request answered with an error; {@code reason}: {@code too_fast}, {@code busy}, … */
  public void historyRefused(String reason) {
    Counter.builder("messenger.history.refused").tag("reason", reason)
      .description("History requests answered with an error, by reason").register(registry).increment();
  }

  /** A block of the log a history read needed: from {@code memory}, or read from the {@code stream}. */
  public void historyBlock(String source) {
    Counter.builder("messenger.history.blocks").tag("source", source)
      .description("Blocks of the chat log read for /history, by where they came from").register(registry).increment();
  }

  /** History requests now reading the stream, and waiting to. */
  public void historyReads(int reading, int waiting) {
    historyReading.set(reading);
    historyWaiting.set(waiting);
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

  /** Whether the named broker connection is usable (the gauge shows 1 or 0). */
  public void brokerConnected(String connection, boolean up) {
    brokerConnected.computeIfAbsent(connection, name -> {
      AtomicInteger value = new AtomicInteger();
      Gauge.builder("messenger.broker.connected", value, AtomicInteger::get).tag("connection", name)
        .description("1 while the broker connection is up and usable").register(registry);
      return value;
    }).set(up ? 1 : 0);
  }

  public void userPublishers(int count) {
    userPublishers.set(count);
  }
}
