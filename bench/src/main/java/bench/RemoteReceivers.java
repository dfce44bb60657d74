package bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Receivers in a second load-generator process ({@link LoadGen}), for when one process cannot hold all
 * the sockets (its open-files limit). Commands and answers are JSON lines on the child's stdin and stdout;
 * the child measures on the same clock (System.nanoTime() is the machine's monotonic clock, and the child
 * is given this process's zero).
 */
final class RemoteReceivers implements Receivers, AutoCloseable {

  private final Process process;
  private final Writer commands;
  private final Map<Long, Promise<JsonObject>> waiting = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private volatile boolean closing;

  private RemoteReceivers(Process process) {
    this.process = process;
    this.commands = process.outputWriter(StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readAnswers, "loadgen-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts load-generator process {@code number} (this one is 0). */
  static RemoteReceivers start(Peer peer, int number, int loops, List<String> sourceAddresses) throws Exception {
    String classpath = Path.of(LoadGen.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    Process process = new ProcessBuilder("java", "-XX:+UseParallelGC", "-Xms256m", "-Xmx2g",
      "-Dbench.clockBase=" + Bench.clockBase(), "-cp", classpath, LoadGen.class.getName())
      .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    RemoteReceivers remote = new RemoteReceivers(process);
    remote.call(new JsonObject().put("op", "init").put("peer", peer.spec()).put("process", number).put("loops", loops)
      .put("sourceAddresses", new JsonArray(sourceAddresses))).await();
    Bench.log("   second load generator: pid %d", process.pid());
    return remote;
  }

  long pid() {
    return process.pid();
  }

  @Override
  public Future<Void> open(List<Integer> indexes, int parallel) {
    return call(new JsonObject().put("op", "open").put("indexes", new JsonArray(List.copyOf(indexes)))
      .put("parallel", parallel)).mapEmpty();
  }

  @Override
  public Future<Void> startStep(int step, int firstMeasuredSeq, int lastMeasuredSeq, long windowStartMicros, long windowEndMicros) {
    return call(new JsonObject().put("op", "startStep").put("step", step).put("first", firstMeasuredSeq)
      .put("last", lastMeasuredSeq).put("windowStart", windowStartMicros).put("windowEnd", windowEndMicros)).mapEmpty();
  }

  @Override
  public Future<Snapshot> snapshot(int expected) {
    return call(new JsonObject().put("op", "snapshot").put("expected", expected))
      .map(answer -> Snapshot.fromJson(answer.getJsonObject("result")));
  }

  @Override
  public Future<Void> forgetProbes() {
    return call(new JsonObject().put("op", "forgetProbes")).mapEmpty();
  }

  @Override
  public Future<Integer> reopenClosed() {
    return call(new JsonObject().put("op", "reopenClosed")).map(answer -> answer.getInteger("result"));
  }

  @Override
  public Future<Long> minimumSeen() {
    return call(new JsonObject().put("op", "minimumSeen")).map(answer -> answer.getLong("result"));
  }

  @Override
  public Future<Void> closeAll() {
    return call(new JsonObject().put("op", "closeAll")).mapEmpty();
  }

  @Override
  public void close() {
    closing = true;
    try {
      call(new JsonObject().put("op", "exit")).timeout(10, TimeUnit.SECONDS).await();
    } catch (Exception e) {
      // it is stopped below either way
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Future<JsonObject> call(JsonObject command) {
    long id = ids.incrementAndGet();
    Promise<JsonObject> answer = Promise.promise();
    waiting.put(id, answer);
    try {
      synchronized (commands) {
        commands.write(command.put("id", id).encode());
        commands.write('\n');
        commands.flush();
      }
    } catch (IOException e) {
      waiting.remove(id);
      answer.fail(e);
    }
    return answer.future();
  }

  private void readAnswers() {
    try (BufferedReader answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = answers.readLine()) != null) {
        JsonObject answer = new JsonObject(line);
        Promise<JsonObject> promise = waiting.remove(answer.getLong("id"));
        if (promise != null && answer.containsKey("error")) {
          promise.fail(answer.getString("error"));
        } else if (promise != null) {
          promise.complete(answer);
        }
      }
    } catch (IOException | RuntimeException e) {
      if (!closing) {
        Bench.log("second load generator: %s", e);
      }
    }
    waiting.values().forEach(p -> p.tryFail("the second load generator exited"));
  }
}
