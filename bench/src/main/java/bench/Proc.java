package bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Process figures from /proc (CPU, RSS) and jcmd (heap in use after a full GC). */
final class Proc {

  private static final double TICKS_PER_SECOND = 100.0; // CLK_TCK on Linux
  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

  private Proc() {
  }

  static long self() {
    return ProcessHandle.current().pid();
  }

  /** User + system CPU seconds of the process so far (all threads). */
  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return -1;
  }

  /** The soft limit of open files of a process (/proc/pid/limits); Long.MAX_VALUE if unlimited or unknown. */
  static long openFilesLimit(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/limits"))) {
        if (line.startsWith("Max open files")) {
          String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
          return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
        }
      }
    } catch (IOException | RuntimeException e) {
      // unknown
    }
    return Long.MAX_VALUE;
  }

  /** Files (and sockets) a process has open now; -1 if unknown. */
  static long openFiles(long pid) {
    try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return fds.count();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Heap in use right after a full GC, in KB; -1 if the process is not a JVM jcmd can reach. */
  static long heapUsedAfterGcKb(long pid) {
    if (jcmd(pid, "GC.run") == null) {
      return -1;
    }
    String info = jcmd(pid, "GC.heap_info");
    Matcher m = info == null ? null : HEAP_USED.matcher(info);
    return m != null && m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private static String jcmd(long pid, String command) {
    try {
      Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * The RabbitMQ node's Erlang VM, for its CPU and memory: the process listening on the AMQP port of
   * {@code uri} (several nodes may run on one machine), else the first beam.smp.
   */
  static long brokerPid(String uri) {
    int port = java.net.URI.create(uri).getPort();
    try {
      Process ss = new ProcessBuilder("ss", "-Hltnp", "sport = :" + (port < 0 ? 5672 : port)).redirectErrorStream(true).start();
      Matcher m = Pattern.compile("pid=(\\d+)").matcher(new String(ss.getInputStream().readAllBytes()));
      if (ss.waitFor(10, TimeUnit.SECONDS) && m.find()) {
        return Long.parseLong(m.group(1));
      }
    } catch (IOException e) {
      // no ss: fall back
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ProcessHandle.allProcesses()
      .filter(p -> p.info().command().map(c -> c.endsWith("beam.smp")).orElse(false))
      .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
  }
}
