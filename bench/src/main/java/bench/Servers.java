package bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts and stops what each peer needs: the Messenger jar, the bare broadcaster, or a STOMP exchange; and
 * the bare Vert.x HTTP server whose start-up Messenger's is compared with.
 */
final class Servers {

  /** Messenger's per-user rate limit ({@code chat.ratePerSecond}, {@code chat.rateBurst}). */
  record Limits(double ratePerSecond, int burst) {
    JsonObject toJson() {
      return new JsonObject().put("ratePerSecond", ratePerSecond).put("rateBurst", burst);
    }
  }

  /** The sweep's few senders send far faster than a person may. */
  static final Limits SWEEP_LIMITS = new Limits(1_000_000, 1_000_000);

  static final String RUN_ID = Long.toString(System.currentTimeMillis(), 36);
  private static final java.util.concurrent.atomic.AtomicInteger STARTS = new java.util.concurrent.atomic.AtomicInteger();

  private Servers() {
  }

  interface Server extends AutoCloseable {
    Peer peer();

    long startupMillis();

    JsonObject startup();

    @Override
    void close();
  }

  static Server start(String name, Options options, long brokerPid, Vertx vertx, Limits limits) throws Exception {
    return switch (name) {
      case "messenger" -> messenger(options, vertx, limits);
      case "bare" -> bare(options, vertx);
      case "web-stomp" -> stomp(options, brokerPid);
      default -> throw new IllegalArgumentException("unknown peer " + name);
    };
  }

  private static Server messenger(Options options, Vertx vertx, Limits limits) throws Exception {
    return messenger(options, vertx, limits, List.of());
  }

  /** Messenger on a chat of its own, the JVM given {@code jvm} after {@code --app-jvm}. */
  static Server messenger(Options options, Vertx vertx, Limits limits, List<String> jvm) throws Exception {
    return messenger(options, vertx, limits, "bench-" + RUN_ID + "-" + STARTS.incrementAndGet(), new JsonObject(), jvm);
  }

  /**
   * Messenger on the chat {@code exchange} (its stream {@code <exchange>.log}, deleted with the exchange when the
   * server is closed), {@code conf} merged over the bench's own settings.
   */
  static Server messenger(Options options, Vertx vertx, Limits limits, String exchange, JsonObject extra) throws Exception {
    return messenger(options, vertx, limits, exchange, extra, List.of());
  }

  private static Server messenger(Options options, Vertx vertx, Limits limits, String exchange, JsonObject extra,
                                  List<String> jvm) throws Exception {
    int port = Bench.freePort();
    int monitoringPort = Bench.freePort();
    String stream = exchange + ".log";
    JsonObject conf = new JsonObject()
      .put("http", new JsonObject().put("port", port).put("instances", options.httpInstances))
      .put("monitoring", new JsonObject().put("port", monitoringPort))
      .put("rabbitmq", new JsonObject().put("exchange", exchange).put("stream", stream))
      .put("chat", limits.toJson())
      .mergeIn(extra, true);
    Path jar = Path.of(options.appJar).toAbsolutePath();
    List<String> command = new ArrayList<>(List.of("java"));
    command.addAll(jvmArgs(options));
    command.addAll(jvm);
    command.addAll(List.of("-jar", jar.toString(), "-conf", conf.encode()));
    ProcessBuilder builder = new ProcessBuilder(command).directory(new File(options.appDir))
      .redirectErrorStream(true).redirectOutput(logFile(options, "messenger.log"));
    builder.environment().put("SESSION_SECRET", "bench-" + RUN_ID + "-secret-0123456789abcdef");
    builder.environment().put("RABBITMQ_URI", options.rabbitmqUri);
    long start = System.nanoTime();
    Process process = builder.start();
    long millis = Bench.awaitHealth(vertx, port, start, process);
    return process(new MessengerPeer(port, monitoringPort, process.pid(), 0), process, millis,
      () -> deleteBrokerObjects(options, chatQueues(exchange), chatExchanges(exchange)));
  }

  /** The streams of Messenger's chat {@code exchange}: the chat log, the record of logouts and the room log. */
  static List<String> chatQueues(String exchange) {
    return List.of(exchange + ".log", exchange + ".logouts", exchange + ".rooms");
  }

  /** Messenger on a chat of its own, {@code extra} merged over the bench's settings. */
  static Server messenger(Options options, Vertx vertx, Limits limits, JsonObject extra) throws Exception {
    return messenger(options, vertx, limits, "bench-" + RUN_ID + "-" + STARTS.incrementAndGet(), extra, List.of());
  }

  /** The exchanges of Messenger's chat {@code exchange}: its own and presence's. */
  static List<String> chatExchanges(String exchange) {
    return List.of(exchange, exchange + ".presence");
  }

  /**
   * A bare Vert.x HTTP server (bench/target/bare-http.jar, {@link BareHttpServer}), timed to its first 200; the JVM
   * given {@code jvm} after {@code --app-jvm}.
   */
  static Server bareHttp(Options options, Vertx vertx, List<String> jvm) throws Exception {
    int port = Bench.freePort();
    Path jar = benchJar().resolveSibling("bare-http.jar");
    List<String> command = new ArrayList<>(List.of("java"));
    command.addAll(jvmArgs(options));
    command.addAll(jvm);
    command.addAll(List.of("-jar", jar.toString(), Integer.toString(port)));
    long start = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
      .redirectOutput(logFile(options, "bare-http.log")).start();
    long millis = Bench.awaitHealth(vertx, port, start, process);
    return process(null, process, millis, () -> { });
  }

  private static Path benchJar() throws Exception {
    return Path.of(Servers.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  private static Server bare(Options options, Vertx vertx) throws Exception {
    int port = Bench.freePort();
    String classpath = benchJar().toString();
    List<String> command = new ArrayList<>(List.of("java"));
    command.addAll(jvmArgs(options));
    command.addAll(List.of("-cp", classpath, Broadcaster.class.getName(), Integer.toString(port),
      Integer.toString(options.httpInstances)));
    long start = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
      .redirectOutput(logFile(options, "bare.log")).start();
    long millis = Bench.awaitHealth(vertx, port, start, process);
    return process(new BarePeer(port, process.pid()), process, millis, () -> { });
  }

  private static List<String> jvmArgs(Options options) {
    return options.appJvm.isBlank() ? List.of() : List.of(options.appJvm.trim().split("\\s+"));
  }

  private static File logFile(Options options, String name) throws Exception {
    Path dir = Path.of(options.out);
    java.nio.file.Files.createDirectories(dir);
    return dir.resolve(name).toFile();
  }

  private static Server stomp(Options options, long brokerPid) throws Exception {
    String exchange = "bench-stomp-" + RUN_ID + "-" + STARTS.incrementAndGet();
    try (Connection connection = factory(options).newConnection("messenger-bench");
         Channel channel = connection.createChannel()) {
      channel.exchangeDeclare(exchange, "fanout", false, false, null); // not auto-delete: fleets come and go
    }
    Peer peer = new StompPeer(options.stompPort, brokerPid, exchange, options.stompSenders);
    return new Server() {
      public Peer peer() {
        return peer;
      }

      public long startupMillis() {
        return 0;
      }

      public JsonObject startup() {
        return new JsonObject().put("exchange", exchange).put("endpoint", "ws://127.0.0.1:" + options.stompPort + "/ws");
      }

      public void close() {
        deleteBrokerObjects(options, List.of(), List.of(exchange));
      }
    };
  }

  private static Server process(Peer peer, Process process, long millis, Runnable cleanup) {
    return new Server() {
      public Peer peer() {
        return peer;
      }

      public long startupMillis() {
        return millis;
      }

      public JsonObject startup() {
        return new JsonObject().put("timeToHealth200Ms", millis).put("pid", process.pid());
      }

      public void close() {
        process.destroy();
        try {
          if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        cleanup.run();
      }
    };
  }

  static ConnectionFactory factory(Options options) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(options.rabbitmqUri);
    return factory;
  }

  static void deleteBrokerObjects(Options options, List<String> queues, List<String> exchanges) {
    try (Connection connection = factory(options).newConnection("messenger-bench");
         Channel channel = connection.createChannel()) {
      for (String q : queues) {
        channel.queueDelete(q);
      }
      for (String e : exchanges) {
        channel.exchangeDelete(e);
      }
    } catch (Exception e) {
      Bench.log("could not delete %s %s: %s", queues, exchanges, e);
    }
  }
}
