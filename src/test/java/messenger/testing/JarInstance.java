package messenger.testing;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One Messenger process started from the fat jar ({@code target/messenger.jar}), as an operator runs it:
 * configuration through {@code HTTP_PORT}, {@code MONITORING_PORT}, {@code RABBITMQ_URI}, {@code SESSION_SECRET},
 * {@code MESSENGER_INSTANCE} and {@code -conf}. Output goes to a log file that failing assertions can show.
 */
public final class JarInstance implements AutoCloseable {

  public static final Path JAR = Path.of("target", "messenger.jar");
  public static final String SECRET = "several-instances-test-secret-32-chars";

  public final String name;
  public final int port;
  /** The management port: /metrics and /health. */
  public final int monitoringPort;
  public final Path log;
  private final Process process;

  private JarInstance(String name, int port, int monitoringPort, Path log, Process process) {
    this.name = name;
    this.port = port;
    this.monitoringPort = monitoringPort;
    this.log = log;
    this.process = process;
  }

  /** Starts an instance named {@code name} on a free port with the given {@code -conf}; waits until healthy. */
  public static JarInstance start(String name, JsonObject conf) {
    return start(name, conf, List.of(), List.of());
  }

  /** As {@link #start(String, JsonObject)}, with JVM options (before {@code -jar}) and launcher arguments. */
  public static JarInstance start(String name, JsonObject conf, List<String> jvmArgs, List<String> appArgs) {
    return start(name, TestApp.freePort(), conf, jvmArgs, appArgs);
  }

  /** On a given port: a restarted instance comes back where its browsers and the load balancer expect it. */
  public static JarInstance start(String name, int port, JsonObject conf, List<String> jvmArgs, List<String> appArgs) {
    return start(name, port, RabbitBroker.uri(), conf, jvmArgs, appArgs);
  }

  /** Against another broker than the test run's, e.g. a cluster: {@code rabbitmqUri} is its {@code RABBITMQ_URI}. */
  public static JarInstance start(String name, String rabbitmqUri, JsonObject conf) {
    return start(name, TestApp.freePort(), rabbitmqUri, conf, List.of(), List.of());
  }

  private static JarInstance start(String name, int port, String rabbitmqUri, JsonObject conf, List<String> jvmArgs,
                                   List<String> appArgs) {
    if (!Files.exists(JAR)) {
      throw new IllegalStateException(JAR + " is missing: these tests run after `mvn package` (mvn verify)");
    }
    try {
      Path log = Files.createTempFile("messenger-" + name + "-", ".log");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx256m");
      command.addAll(jvmArgs);
      command.addAll(List.of("-jar", JAR.toString(), "-conf", conf.encode()));
      command.addAll(appArgs);
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      int monitoringPort = TestApp.freePort();
      builder.environment().put("HTTP_PORT", String.valueOf(port));
      builder.environment().put("MONITORING_PORT", String.valueOf(monitoringPort));
      builder.environment().put("RABBITMQ_URI", rabbitmqUri);
      builder.environment().put("SESSION_SECRET", SECRET);
      builder.environment().put("MESSENGER_INSTANCE", name);
      JarInstance instance = new JarInstance(name, port, monitoringPort, log, builder.start());
      instance.awaitHealthy(60_000);
      return instance;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The {@code -conf} that gives a test's instances an exchange and stream of their own, and no rate limit. */
  public static JsonObject conf(String exchange, String stream) {
    return new JsonObject()
      .put("rabbitmq", new JsonObject().put("exchange", exchange).put("stream", stream).put("reconnectIntervalMs", 500))
      .put("chat", new JsonObject().put("ratePerSecond", 10_000).put("rateBurst", 10_000));
  }

  public String baseUrl() {
    return "http://localhost:" + port;
  }

  public void awaitHealthy(long timeoutMillis) {
    HttpClient http = HttpClient.newHttpClient();
    await("instance " + name + " to be healthy").atMost(Duration.ofMillis(timeoutMillis))
      .failFast(() -> assertThat(process.isAlive()).as(() -> "instance " + name + " exited:\n" + output()).isTrue())
      .ignoreExceptionsInstanceOf(IOException.class) // not listening yet
      .untilAsserted(() -> assertThat(http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/health"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
        .as(() -> "/health of instance " + name + "; its output:\n" + output()).isEqualTo(200));
  }

  /** GET on this instance directly (not through a load balancer). */
  public HttpResponse<String> get(String path) {
    return get(port, path);
  }

  /** This instance's /metrics, on its management port. */
  public String metrics() {
    return get(monitoringPort, "/metrics").body();
  }

  private static HttpResponse<String> get(int port, String path) {
    try {
      // HTTP/1.1: the JDK client's h2c upgrade stalled on large bodies (/metrics).
      return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
        .send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The value of a sample in this instance's /metrics, e.g. {@code messenger_messages_delivered_total}. */
  public double metric(String sample) {
    return Prometheus.value(metrics(), sample);
  }

  /** SIGKILL: the process dies at once, as in a crash. */
  public void kill() {
    process.destroyForcibly();
    waitForExit();
  }

  /** SIGTERM: a clean stop; returns the milliseconds until the process had exited. */
  public long stop() {
    long start = System.nanoTime();
    process.destroy();
    waitForExit();
    return (System.nanoTime() - start) / 1_000_000;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private void waitForExit() {
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the process if it still runs and deletes its log. */
  @Override
  public void close() {
    if (process.isAlive()) {
      stop();
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException ignored) {
      // a temporary file
    }
  }
}
