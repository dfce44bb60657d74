package messenger.testing;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

  /** Brings the broker application back whatever happened; called in finally blocks. */
  public static void ensureRunning() {
    run(60, "start_app");
    run(120, "await_startup");
  }
}
