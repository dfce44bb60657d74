package messenger;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.ChatWindow;
import messenger.testing.JarInstance;
import messenger.testing.Prometheus;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly the README's setup without Docker: {@code deploy/run-local.sh} starts two instances from the fat
 * jar and nginx in front of them (round-robin, no stickiness). People chat through the load balancer; then
 * one instance is killed (SIGKILL) while they keep chatting, and the windows that were on it reconnect
 * through the load balancer and resume from their last seq with no gap and no duplicate.
 */
@ExtendWith(RabbitBroker.class)
@NeedsRabbitMQ("several processes share one chat log, on a RabbitMQ outside them")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LoadBalancerIT {

  private final String name = "lb-" + UUID.randomUUID().toString().substring(0, 8);
  private Path runDir;
  private Process script;
  private Path scriptLog;
  private int lbPort;
  private int[] instancePorts;
  private Vertx vertx;

  @BeforeEach
  void startTheLocalDeployment() throws Exception {
    boolean nginx = Files.isExecutable(Path.of("/usr/sbin/nginx")) || Files.isExecutable(Path.of("/usr/bin/nginx"));
    Assumptions.assumeTrue(nginx || "true".equals(System.getenv("CI")),
      "Skipped: needs nginx (Debian: apt-get install nginx curl); CI installs it and runs this test.");
    runDir = Files.createTempDirectory("messenger-lb");
    scriptLog = runDir.resolve("run-local.out");
    lbPort = TestApp.freePort();
    instancePorts = new int[] {TestApp.freePort(), TestApp.freePort()};
    ProcessBuilder builder = new ProcessBuilder("bash", "deploy/run-local.sh")
      .redirectErrorStream(true).redirectOutput(scriptLog.toFile());
    builder.environment().put("LB_PORT", String.valueOf(lbPort));
    builder.environment().put("INSTANCE_PORTS", instancePorts[0] + " " + instancePorts[1]);
    builder.environment().put("RUN_DIR", runDir.toString());
    builder.environment().put("RABBITMQ_URI", RabbitBroker.uri());
    builder.environment().put("SESSION_SECRET", JarInstance.SECRET);
    builder.environment().put("JAVA_OPTS", "-Xmx256m");
    builder.environment().put("MESSENGER_CONF", JarInstance.conf(name, name + ".log").encode());
    script = builder.start();
    long deadline = System.currentTimeMillis() + 90_000;
    while (!Files.readString(scriptLog).contains("Messenger is running behind nginx")) {
      assertThat(script.isAlive()).as("run-local.sh exited: %s", Files.readString(scriptLog)).isTrue();
      assertThat(System.currentTimeMillis()).as("run-local.sh not ready in 90 s: %s", Files.readString(scriptLog))
        .isLessThan(deadline);
      Thread.sleep(200);
    }
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stopIt() throws Exception {
    if (vertx != null) {
      vertx.close().await();
    }
    script.destroy(); // SIGTERM: the script stops the instances and nginx
    if (!script.waitFor(30, TimeUnit.SECONDS)) {
      script.destroyForcibly();
    }
    RabbitBroker.delete(name, name + ".log");
    try (var files = Files.walk(runDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  @Test
  void chatThroughTheLoadBalancerSurvivesTheDeathOfAnInstance() throws Exception {
    String lb = "http://localhost:" + lbPort;
    User alice = login(lb, "alice");
    User bob = login(lb, "bob");

    // No stickiness: one person's requests are answered by both instances.
    Set<String> answeredBy = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> res = alice.get("/history?limit=1");
      assertThat(res.statusCode()).isEqualTo(200);
      answeredBy.add(res.headers().firstValue("X-Messenger-Instance").orElseThrow());
    }
    assertThat(answeredBy).as("instances that answered alice").hasSize(2);

    // Four windows, opened one after the other: nginx hands their WebSockets to the instances in turn.
    List<User> watchers = List.of(login(lb, "carol"), login(lb, "dave"), login(lb, "erin"), login(lb, "frank"));
    List<ChatWindow> windows = new ArrayList<>();
    for (User watcher : watchers) {
      windows.add(new ChatWindow(vertx, watcher));
    }
    Sender sender = new Sender(List.of(alice, bob));
    sender.sendUntilSeenBy(windows, 30_000); // the windows are live

    // Kill the instance that serves the most windows (each instance says how many on /metrics).
    int[] clients = {bridgeClients(instancePorts[0]), bridgeClients(instancePorts[1])};
    int victim = clients[0] >= clients[1] ? instancePorts[0] : instancePorts[1];
    System.out.printf("bridge clients per instance before the kill: %d, %d%n", clients[0], clients[1]);

    sender.send(40);
    long killedAt = System.nanoTime();
    long pid = Long.parseLong(Files.readString(runDir.resolve("messenger-" + victim + ".pid")).trim());
    ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL: a crash
    sender.send(60);  // keeps going through the load balancer meanwhile
    sender.sendUntilSeenBy(windows, 30_000);

    List<ChatWindow> moved = windows.stream().filter(w -> w.reconnects() > 0).toList();
    assertThat(moved).as("windows that were on the killed instance").isNotEmpty();
    assertThat(moved).allSatisfy(w -> assertThat(w.resumed()).isTrue());
    Map<String, Integer> shownPerWindow = new LinkedHashMap<>();
    int duplicates = 0;
    for (ChatWindow window : windows) {
      window.close();
      assertThat(window.ids()).as("%s shows every confirmed message exactly once", window.name())
        .containsAll(sender.confirmed).doesNotHaveDuplicates();
      assertThat(window.seqs()).as("%s: the same seqs as %s", window.name(), windows.get(0).name())
        .isEqualTo(windows.get(0).seqs());
      shownPerWindow.put(window.name() + (window.reconnects() > 0 ? " (moved)" : ""), window.ids().size());
      duplicates += window.duplicates();
    }
    assertThat(duplicates).isZero();
    long slowestResume = moved.stream().mapToLong(w -> w.resumedAfterMillis(killedAt)).max().orElseThrow();
    System.out.printf("load balancer (nginx + 2 jars, one killed): sent %d (%d retried after the kill), "
        + "shown per window %s, duplicates %d, windows moved %d, resume after kill %d ms (slowest)%n",
      sender.confirmed.size(), sender.retries, shownPerWindow, duplicates, moved.size(), slowestResume);
  }

  private static int bridgeClients(int instancePort) throws Exception {
    HttpResponse<String> res = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
      HttpRequest.newBuilder(URI.create("http://localhost:" + instancePort + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
      HttpResponse.BodyHandlers.ofString());
    return (int) Prometheus.value(res.body(), "messenger_bridge_clients");
  }

  private static User login(String baseUrl, String name) {
    User user = new User(baseUrl, name);
    assertThat(user.login().statusCode()).isEqualTo(303);
    return user;
  }

  /** People sending in turns through the load balancer; a failed send is retried with the same id, as the page does. */
  private static final class Sender {
    final List<User> users;
    final List<String> confirmed = new ArrayList<>();
    int retries;
    int turn;

    Sender(List<User> users) {
      this.users = users;
    }

    void send(int count) throws InterruptedException {
      for (int i = 0; i < count; i++) {
        sendOne();
        Thread.sleep(25);
      }
    }

    String sendOne() throws InterruptedException {
      User user = users.get(turn++ % users.size());
      String id = UUID.randomUUID().toString();
      for (int attempt = 0; ; attempt++) {
        int status;
        try {
          status = user.send(user.name + " " + turn, id).statusCode();
        } catch (IllegalStateException connectionLost) {
          status = -1;
        }
        if (status == 202) {
          confirmed.add(id);
          return id;
        }
        assertThat(attempt).as("attempts to send %s (last status %d)", id, status).isLessThan(20);
        retries++;
        Thread.sleep(200);
      }
    }

    /** Sends until every window showed the latest message. */
    void sendUntilSeenBy(List<ChatWindow> windows, long timeoutMillis) throws InterruptedException {
      long deadline = System.currentTimeMillis() + timeoutMillis;
      while (true) {
        String id = sendOne();
        long until = System.currentTimeMillis() + 2_000;
        while (System.currentTimeMillis() < until) {
          if (windows.stream().allMatch(w -> w.ids().contains(id))) {
            return;
          }
          Thread.sleep(50);
        }
        assertThat(System.currentTimeMillis()).as("windows never all showed a message").isLessThan(deadline);
      }
    }
  }
}
