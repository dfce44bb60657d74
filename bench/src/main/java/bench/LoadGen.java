package bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A second load-generator process: receivers only, driven by {@link RemoteReceivers} through JSON lines
 * on stdin (commands) and stdout (answers). Exits when stdin closes.
 */
public final class LoadGen {

  private LoadGen() {
  }

  public static void main(String[] args) throws Exception {
    Bench.quietVertxLogs();
    PrintStream answers = System.out;
    BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    Vertx vertx = null;
    Receivers receivers = null;
    String line;
    while ((line = commands.readLine()) != null) {
      JsonObject command = new JsonObject(line);
      long id = command.getLong("id");
      Future<Object> result;
      switch (command.getString("op")) {
        case "init" -> {
          int loops = command.getInteger("loops");
          vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
          Peer peer = Peer.fromSpec(command.getJsonObject("peer"), command.getInteger("process"));
          List<String> addresses = command.getJsonArray("sourceAddresses").stream().map(String::valueOf).toList();
          List<ReceiverGroup> groups = new ArrayList<>();
          for (int i = 0; i < loops; i++) {
            ReceiverGroup group = new ReceiverGroup(peer, addresses);
            vertx.deployVerticle(group).await();
            groups.add(group);
          }
          receivers = new ReceiverSet(groups);
          result = Future.succeededFuture();
        }
        case "open" -> result = receivers.open(command.getJsonArray("indexes").stream()
          .map(o -> ((Number) o).intValue()).toList(), command.getInteger("parallel")).map(v -> null);
        case "startStep" -> result = receivers.startStep(command.getInteger("step"), command.getInteger("first"),
          command.getInteger("last"), command.getLong("windowStart"), command.getLong("windowEnd")).map(v -> null);
        case "snapshot" -> result = receivers.snapshot(command.getInteger("expected")).map(Receivers.Snapshot::toJson);
        case "forgetProbes" -> result = receivers.forgetProbes().map(v -> null);
        case "minimumSeen" -> result = receivers.minimumSeen().map(v -> v);
        case "reopenClosed" -> result = receivers.reopenClosed().map(v -> v);
        case "closeAll" -> result = receivers.closeAll().map(v -> null);
        case "exit" -> {
          if (vertx != null) {
            vertx.close().await();
          }
          answer(answers, id, Future.succeededFuture());
          System.exit(0);
          return;
        }
        default -> result = Future.failedFuture("unknown command " + command);
      }
      result.onComplete(ar -> answer(answers, id, ar));
    }
    System.exit(0);
  }

  private static void answer(PrintStream answers, long id, io.vertx.core.AsyncResult<Object> result) {
    JsonObject answer = new JsonObject().put("id", id);
    if (result.succeeded()) {
      answer.put("result", result.result());
    } else {
      answer.put("error", String.valueOf(result.cause()));
    }
    synchronized (answers) {
      answers.println(answer.encode());
      answers.flush();
    }
  }
}
