package messenger.testing;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Drives the local broker with {@code rabbitmqctl}, for tests that restart it. They must leave it running. */
public final class Rabbitmqctl {

  private Rabbitmqctl() {
  }

  /** True when the test broker is the local one and rabbitmqctl can control it. */
  public static boolean available() {
    String host = URI.create(RabbitBroker.uri()).getHost();
    boolean local = host.equals("localhost") || host.startsWith("127.");
    return local && (Files.isExecutable(Path.of("/usr/sbin/rabbitmqctl")) || Files.isExecutable(Path.of("/usr/bin/rabbitmqctl")))
      && run(15, "status");
  }

  public static boolean run(int timeoutSeconds, String... args) {
    List<String> command = new ArrayList<>(List.of("rabbitmqctl"));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  /** What rabbitmqctl printed, or null when it failed or took longer than {@code timeoutSeconds}. */
  public static String output(int timeoutSeconds, String... args) {
    List<String> command = new ArrayList<>(List.of("rabbitmqctl"));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile("rabbitmqctl", ".out");
      try {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          return null;
        }
        return process.exitValue() == 0 ? Files.readString(out) : null;
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (Exception e) {
      return null;
    }
  }

  /**
   * Closes from the broker's side the connection that its client named {@code name} (e.g.
   * {@code messenger-rooms@host/pid}) and that comes from one of {@code peerPorts}, as an operator or a failing node
   * would; fails unless exactly one matches, so that no other client's connection is touched.
   */
  public static void closeConnection(String name, Set<Integer> peerPorts) {
    String listing = output(30, "-q", "list_connections", "pid", "peer_port", "client_properties");
    if (listing == null) {
      throw new IllegalStateException("rabbitmqctl list_connections failed");
    }
    String property = "{\"connection_name\",\"" + name + "\"}";
    List<String> pids = listing.lines()
      .map(line -> line.split("\t"))
      .filter(row -> row.length == 3 && row[2].contains(property) && peerPorts.contains(Integer.valueOf(row[1])))
      .map(row -> row[0])
      .toList();
    if (pids.size() != 1) {
      throw new IllegalStateException(pids.size() + " connections named " + name + " from ports " + peerPorts + ", expected one");
    }
    if (!run(30, "close_connection", pids.get(0), "test: closed from the broker side")) {
      throw new IllegalStateException("rabbitmqctl close_connection " + pids.get(0) + " failed");
    }
  }

  /** Brings the broker application back whatever happened; called in finally blocks. */
  public static void ensureRunning() {
    run(60, "start_app");
    run(120, "await_startup");
  }
}
