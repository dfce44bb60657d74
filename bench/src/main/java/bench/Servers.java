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

/** Starts and stops what each peer needs: the Messenger jar, the bare broadcaster, or a STOMP exchange. */
final class Servers {

  private static final String RUN_ID = Long.toString(System.currentTimeMillis(), 36);
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

  static Server start(String name, Bench.Options options, long brokerPid, Vertx vertx) throws Exception {
    return switch (name) {
      case "messenger" -> messenger(options, vertx);
      case "bare" -> bare(options, vertx);
      case "web-stomp" -> stomp(brokerPid);
      default -> throw new IllegalArgumentException("unknown peer " + name);
    };
  }

  private static Server messenger(Bench.Options options, Vertx vertx) throws Exception {
    int port = Bench.freePort();
    String exchange = "bench-" + RUN_ID + "-" + STARTS.incrementAndGet();
    String stream = exchange + ".log";
    JsonObject conf = new JsonObject()
      .put("http", new JsonObject().put("port", port).put("instances", options.httpInstances))
      .put("rabbitmq", new JsonObject().put("exchange", exchange).put("stream", stream))
      // Senders are a handful of users sending far faster than a person may.
      .put("chat", new JsonObject().put("ratePerSecond", 1_000_000).put("rateBurst", 1_000_000));
    Path jar = Path.of(options.appJar).toAbsolutePath();
    List<String> command = new ArrayList<>(List.of("java"));
    command.addAll(jvmArgs(options));
    command.addAll(List.of("-jar", jar.toString(), "-conf", conf.encode()));
    ProcessBuilder builder = new ProcessBuilder(command).directory(new File(options.appDir))
      .redirectErrorStream(true).redirectOutput(logFile(options, "messenger.log"));
    builder.environment().put("SESSION_SECRET", "bench-" + RUN_ID + "-secret-0123456789abcdef");
    long start = System.nanoTime();
    Process process = builder.start();
    long millis = Bench.awaitHealth(vertx, port, start, process);
    return process(new MessengerPeer(port, process.pid()), process, millis,
      () -> deleteBrokerObjects(List.of(stream), List.of(exchange)));
  }

  private static Server bare(Bench.Options options, Vertx vertx) throws Exception {
    int port = Bench.freePort();
    String classpath = Path.of(Broadcaster.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
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

  private static List<String> jvmArgs(Bench.Options options) {
    return options.appJvm.isBlank() ? List.of() : List.of(options.appJvm.trim().split("\\s+"));
  }

  private static File logFile(Bench.Options options, String name) throws Exception {
    Path dir = Path.of(options.out);
    java.nio.file.Files.createDirectories(dir);
    return dir.resolve(name).toFile();
  }

  private static Server stomp(long brokerPid) throws Exception {
    String exchange = "bench-stomp-" + RUN_ID;
    try (Connection connection = factory().newConnection("messenger-bench");
         Channel channel = connection.createChannel()) {
      channel.exchangeDeclare(exchange, "fanout", false, false, null); // not auto-delete: fleets come and go
    }
    Peer peer = new StompPeer(15674, brokerPid, exchange);
    return new Server() {
      public Peer peer() {
        return peer;
      }

      public long startupMillis() {
        return 0;
      }

      public JsonObject startup() {
        return new JsonObject().put("exchange", exchange).put("endpoint", "ws://127.0.0.1:15674/ws");
      }

      public void close() {
        deleteBrokerObjects(List.of(), List.of(exchange));
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

  private static ConnectionFactory factory() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(System.getenv().getOrDefault("RABBITMQ_URI", "amqp://guest:guest@localhost:5672"));
    return factory;
  }

  private static void deleteBrokerObjects(List<String> queues, List<String> exchanges) {
    try (Connection connection = factory().newConnection("messenger-bench");
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
