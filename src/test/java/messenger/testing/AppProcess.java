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
import java.util.concurrent.TimeUnit;

/** The fat jar in a process of its own, as an operator runs it: {@code java -jar target/messenger.jar}. */
public final class AppProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  public final int port;
  public final Path log;
  private final Process process;

  private AppProcess(int port, Path log, Process process) {
    this.port = port;
    this.log = log;
    this.process = process;
  }

  /** Starts the jar on {@code port} with the given exchange and stream and extra {@code -conf} JSON. */
  public static AppProcess start(int port, String exchange, String stream, JsonObject conf) throws IOException {
    Path jar = Path.of("target", "messenger.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException("target/messenger.jar is missing: run `mvn verify` (it packages first)");
    }
    JsonObject config = new JsonObject()
      .put("rabbitmq", new JsonObject().put("exchange", exchange).put("stream", stream))
      .mergeIn(conf, true);
    Path log = Files.createTempFile("messenger-" + port + "-", ".log");
    ProcessBuilder builder = new ProcessBuilder(
      Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
      "-conf", config.encode())
      .redirectErrorStream(true)
      .redirectOutput(log.toFile());
    builder.environment().put("HTTP_PORT", String.valueOf(port));
    builder.environment().put("RABBITMQ_URI", RabbitBroker.uri());
    builder.environment().put("SESSION_SECRET", "app-process-tests");
    return new AppProcess(port, log, builder.start());
  }

  public String baseUrl() {
    return "http://localhost:" + port;
  }

  /** Waits for /health 200 and returns the milliseconds it took from now. */
  public long awaitHealthy() throws IOException {
    long start = System.nanoTime();
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the app exited:\n" + output());
      }
      try {
        int status = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/health"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 200) {
          return (System.nanoTime() - start) / 1_000_000;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      TestApp.sleep(50);
    }
    throw new IllegalStateException("not healthy within 30 s:\n" + output());
  }

  /** SIGTERM, then waits; returns the milliseconds until the process exited, or -1 if it did not within the timeout. */
  public long terminate(long timeoutMillis) throws InterruptedException {
    long start = System.nanoTime();
    process.destroy();
    return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS) ? (System.nanoTime() - start) / 1_000_000 : -1;
  }

  /** SIGKILL: the instance dies without a goodbye. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  public String output() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
