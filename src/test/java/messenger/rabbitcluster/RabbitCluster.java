package messenger.rabbitcluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import messenger.testing.RabbitBroker;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * The private 3-node RabbitMQ cluster that {@code .ci/rabbitmq-cluster start} runs beside the system broker
 * (nodes rmq1..rmq3@localhost on ports of their own), driven through that script. Where none runs, the tests
 * that use it are skipped, saying why: {@code .ci/run} starts one and names its directory in
 * {@code RABBITMQ_CLUSTER_DIR}; locally, start one with {@code .ci/rabbitmq-cluster start}.
 */
public final class RabbitCluster {

  private static final Path SCRIPT = Path.of(".ci", "rabbitmq-cluster").toAbsolutePath();
  public static final List<Integer> NODES = List.of(1, 2, 3);

  private final Path dir;

  private RabbitCluster(Path dir) {
    this.dir = dir;
  }

  /** The running cluster, or null with the reason in {@link #whyNot()}. */
  public static RabbitCluster find() {
    return whyNot() == null ? new RabbitCluster(dir()) : null;
  }

  private static Path dir() {
    String configured = System.getenv("RABBITMQ_CLUSTER_DIR");
    return Path.of(configured == null || configured.isBlank() ? "/tmp/messenger-rabbitmq-cluster" : configured);
  }

  /** Why the cluster cannot be used, or null when it can. */
  static String whyNot() {
    if (Boolean.getBoolean(RabbitBroker.FORCE_EMBEDDED)) {
      return "this run pretends there is no RabbitMQ (-D" + RabbitBroker.FORCE_EMBEDDED + "=true)";
    }
    Path dir = dir();
    if (!Files.isRegularFile(dir.resolve("uri"))) {
      return "no private RabbitMQ cluster runs (" + dir + "/uri is missing). .ci/run starts one; locally run "
        + "`.ci/rabbitmq-cluster start` (Debian's rabbitmq-server, ~450 MB, 20-40 s), then `.ci/rabbitmq-cluster stop`";
    }
    for (int node : NODES) {
      if (!answers(port(dir, node))) {
        return "node rmq" + node + "@localhost of the cluster in " + dir + " does not answer; restart it with "
          + "`.ci/rabbitmq-cluster stop && .ci/rabbitmq-cluster start`";
      }
    }
    return null;
  }

  /** {@code @ExtendWith(RabbitCluster.Required.class)}: skips the tests, saying why, where no cluster runs. */
  public static final class Required implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      String why = whyNot();
      return why == null ? ConditionEvaluationResult.enabled("a private RabbitMQ cluster runs in " + dir())
        : ConditionEvaluationResult.disabled("Skipped: needs a 3-node RabbitMQ cluster, and " + why);
    }
  }

  /** The URI naming all three nodes. */
  public String uri() {
    return read(dir.resolve("uri"));
  }

  /** The URI naming node {@code n} only. */
  public String uriOf(int n) {
    return "amqp://guest:guest@127.0.0.1:" + port(n);
  }

  public int port(int n) {
    return port(dir, n);
  }

  private static int port(Path dir, int n) {
    return Integer.parseInt(read(dir.resolve("rmq" + n).resolve("port")));
  }

  /** kill -9 of node {@code n}. */
  public void kill(int n) {
    script("kill", String.valueOf(n));
  }

  /** Starts node {@code n} again after a kill; waits until it runs. */
  public void startNode(int n) {
    script("start-node", String.valueOf(n));
  }

  public void stopApp(int n) {
    ctl(n, "stop_app");
  }

  public void startApp(int n) {
    ctl(n, "start_app");
  }

  /** Waits until all three nodes run the broker again, so that the next scenario starts on a whole cluster. */
  public void awaitWhole() {
    await("all three nodes running").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
      .until(() -> NODES.stream().allMatch(n -> answers(port(n))) && ctlOutput(1, "await_online_nodes", "3") != null);
  }

  /** The node of the leader of {@code stream} (1-3), or 0 when it has none. */
  public int leaderOf(String stream) {
    String out = ctlOutput(firstUp(), "list_queues", "name", "leader", "--formatter", "json");
    for (Object row : new JsonArray(out)) {
      JsonObject queue = (JsonObject) row;
      if (stream.equals(queue.getString("name"))) {
        return nodeNumber(queue.getString("leader"));
      }
    }
    return 0;
  }

  /** The client-provided names of the connections on each node (1-3), e.g. "messenger-chatlog@A". */
  public Map<Integer, List<String>> connectionsByNode() {
    String out = ctlOutput(firstUp(), "list_connections", "port", "client_properties", "--formatter", "json");
    List<Integer> ports = NODES.stream().map(this::port).toList();
    return new JsonArray(out).stream().map(JsonObject.class::cast)
      .collect(Collectors.groupingBy(c -> ports.indexOf(c.getInteger("port")) + 1,
        Collectors.mapping(RabbitCluster::connectionName, Collectors.toList())));
  }

  private static String connectionName(JsonObject connection) {
    Object properties = connection.getValue("client_properties");
    if (properties instanceof JsonObject map) {
      return map.getString("connection_name", "?");
    }
    // The JSON formatter writes an AMQP table as [name, type, value] triples.
    for (Object entry : (JsonArray) properties) {
      JsonArray triple = (JsonArray) entry;
      if ("connection_name".equals(triple.getString(0))) {
        return triple.getString(2);
      }
    }
    return "?";
  }

  private int firstUp() {
    return NODES.stream().filter(n -> answers(port(n))).findFirst().orElseThrow();
  }

  private static int nodeNumber(String node) {
    return node != null && node.matches("rmq\\d@.*") ? node.charAt(3) - '0' : 0;
  }

  private void ctl(int n, String... args) {
    List<String> command = new ArrayList<>(List.of("ctl", String.valueOf(n)));
    command.addAll(List.of(args));
    script(command.toArray(String[]::new));
  }

  /** rabbitmqctl's output, or null when it failed. */
  private String ctlOutput(int n, String... args) {
    List<String> command = new ArrayList<>(List.of("ctl", String.valueOf(n), "-q"));
    command.addAll(List.of(args));
    try {
      return script(command.toArray(String[]::new));
    } catch (IllegalStateException e) {
      return null;
    }
  }

  /** Runs the script against this cluster; returns its standard output, throws with its output when it fails. */
  private String script(String... args) {
    List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
    command.addAll(List.of(args));
    try {
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().put("RABBITMQ_CLUSTER_DIR", dir.toString());
      Path errors = Files.createTempFile("rabbitmq-cluster", ".err");
      Process process = builder.redirectError(errors.toFile()).start();
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      boolean done = process.waitFor(3, TimeUnit.MINUTES);
      String err = Files.readString(errors);
      Files.delete(errors);
      if (!done || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out + err);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static boolean answers(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
