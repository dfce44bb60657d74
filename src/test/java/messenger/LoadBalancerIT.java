package messenger;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
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
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
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
import static org.awaitility.Awaitility.await;

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
  private int[] monitoringPorts;
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
    monitoringPorts = new int[] {TestApp.freePort(), TestApp.freePort()};
    ProcessBuilder builder = new ProcessBuilder("bash", "deploy/run-local.sh")
      .redirectErrorStream(true).redirectOutput(scriptLog.toFile());
    builder.environment().put("LB_PORT", String.valueOf(lbPort));
    builder.environment().put("INSTANCE_PORTS", instancePorts[0] + " " + instancePorts[1]);
    builder.environment().put("MONITORING_PORTS", monitoringPorts[0] + " " + monitoringPorts[1]);
    builder.environment().put("RUN_DIR", runDir.toString());
    builder.environment().put("RABBITMQ_URI", RabbitBroker.uri());
    builder.environment().put("SESSION_SECRET", JarInstance.SECRET);
    builder.environment().put("JAVA_OPTS", "-Xmx256m");
    // Idle timeout 10 s: SockJS heartbeats every 5 s, so a poll is answered within 5 s even when nothing happens.
    builder.environment().put("MESSENGER_CONF", JarInstance.conf(name, name + ".log")
      .put("http", new JsonObject().put("idleTimeoutSeconds", 10)).encode());
    script = builder.start();
    await("run-local.sh to be ready").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
      .failFast(() -> assertThat(script.isAlive()).as(() -> "run-local.sh exited: " + scriptOutput()).isTrue())
      .untilAsserted(() -> assertThat(Files.readString(scriptLog)).contains("Messenger is running behind nginx"));
    vertx = Vertx.vertx();
  }

  private String scriptOutput() {
    try {
      return Files.readString(scriptLog);
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
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
    sender.sendUntilSeenBy(windows); // the windows are live

    // Kill the instance that serves the most windows (each instance says how many on its /metrics).
    int[] clients = {bridgeClients(monitoringPorts[0]), bridgeClients(monitoringPorts[1])};
    int victim = clients[0] >= clients[1] ? instancePorts[0] : instancePorts[1];
    System.out.printf("bridge clients per instance before the kill: %d, %d%n", clients[0], clients[1]);

    sender.send(40);
    long killedAt = System.nanoTime();
    long pid = Long.parseLong(Files.readString(runDir.resolve("messenger-" + victim + ".pid")).trim());
    ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL: a crash
    sender.send(60);  // keeps going through the load balancer meanwhile
    sender.sendUntilSeenBy(windows);

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

  /**
   * SockJS's xhr-polling through the load balancer, as a page that cannot use WebSocket runs it: one SockJS session
   * is a series of requests (open, send, polls) that must all reach the instance holding it. Round-robin would send
   * every other one to the other instance, which answers a send with 404 and a poll with a new session.
   */
  @Test
  void aSockJsPollingSessionKeepsToOneInstanceBehindTheLoadBalancer() {
    User alice = login("http://localhost:" + lbPort, "alice");
    String session = "/eventbus/000/" + UUID.randomUUID() + "/";
    assertThat(alice.post(session + "xhr", "text/plain", "").body()).as("opening the session").isEqualTo("o\n");
    sockJsSend(alice, session, new JsonObject().put("type", "register").put("address", Addresses.CHAT_MESSAGES));
    List<HttpResponse<String>> polls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String text = "over polling " + i;
      // The first one may go out before the registration is in place: send again until a poll brings it.
      await(text + " over polling").atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).untilAsserted(() -> {
        assertThat(alice.send(text).statusCode()).isEqualTo(202);
        HttpResponse<String> poll = alice.post(session + "xhr", "text/plain", "");
        polls.add(poll);
        assertThat(poll.body()).contains(text);
      });
      sockJsSend(alice, session, new JsonObject().put("type", "ping"));
    }
    assertThat(polls).extracting(HttpResponse::statusCode).containsOnly(200);
    assertThat(polls).extracting(HttpResponse::body).as("polls (a new session would say o)")
      .allSatisfy(body -> assertThat(body).matches("(?s)(a\\[.*|h)\n"));
  }

  private static void sockJsSend(User user, String session, JsonObject frame) {
    HttpResponse<String> sent = user.post(session + "xhr_send", "text/plain", new JsonArray().add(frame.encode()).encode());
    assertThat(sent.statusCode()).as("xhr_send of %s: %s", frame, sent.body()).isEqualTo(204);
  }

  /** Metrics are on each instance's management port, not on the port the load balancer serves, under any spelling. */
  @Test
  void metricsAreNotServedThroughTheLoadBalancer() throws Exception {
    User alice = login("http://localhost:" + lbPort, "alice");
    for (String path : List.of("/metrics", "/metrics/", "/metrics/.", "/metrics//", "/metrics?x", "//metrics", "/%6Detrics")) {
      HttpResponse<String> res = alice.get(path);
      assertThat(res.statusCode()).as(path).isEqualTo(404);
      assertThat(res.body()).as(path).doesNotContain("messenger_");
    }
    assertThat(bridgeClients(monitoringPorts[0])).as("the management port answers").isGreaterThanOrEqualTo(0);
  }

  private static int bridgeClients(int monitoringPort) throws Exception {
    HttpResponse<String> res = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
      HttpRequest.newBuilder(URI.create("http://localhost:" + monitoringPort + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
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

    /** Sends until every window showed the latest message within 2 s of its send (30 s at most). */
    void sendUntilSeenBy(List<ChatWindow> windows) {
      await("every window to show a new message").atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO)
        .until(() -> seenWithinTwoSeconds(windows, sendOne()));
    }

    private static boolean seenWithinTwoSeconds(List<ChatWindow> windows, String id) {
      try {
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
          .until(() -> windows.stream().allMatch(w -> w.ids().contains(id)));
        return true;
      } catch (ConditionTimeoutException notYet) {
        return false;
      }
    }
  }
}
