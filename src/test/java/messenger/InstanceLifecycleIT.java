package messenger;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import messenger.testing.JarInstance;
import messenger.testing.BridgeClient;
import messenger.testing.Probe;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** An instance stopped gracefully (SIGTERM) or killed (SIGKILL) in the middle of a conversation. */
@ExtendWith(RabbitBroker.class)
@NeedsRabbitMQ("the chat log must outlive the instance, in a stream")
class InstanceLifecycleIT {

  private static Vertx vertx;

  /** Opened here, not where declared: a rerun of a failed test runs the class again, after its close. */
  @BeforeAll
  static void openVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() {
    vertx.close().await();
  }

  private static String name() {
    return "life-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void onSigtermInFlightSendsAreConfirmedBridgeSocketsClosedAndTheProcessExits() throws Exception {
    String name = name();
    try (JarInstance app = JarInstance.start(name, JarInstance.conf(name, name + ".log"))) {
      User user = new User(app.baseUrl(), "drainer");
      assertThat(user.login().statusCode()).isEqualTo(303);
      BridgeClient bridge = BridgeClient.connect(vertx, app.baseUrl(), user.cookieHeader(), app.baseUrl()).register("chat.messages");
      Probe.awaitDelivery(user, bridge);

      Map<String, Integer> statuses = new ConcurrentHashMap<>();
      AtomicBoolean running = new AtomicBoolean(true);
      List<Thread> senders = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Thread sender = new Thread(() -> {
          while (running.get()) {
            String id = UUID.randomUUID().toString();
            try {
              statuses.put(id, user.send("in flight", id).statusCode());
            } catch (RuntimeException refused) {
              statuses.put(id, 0);
              TestApp.sleep(20);
            }
          }
        });
        senders.add(sender);
        sender.start();
      }
      TestApp.sleep(1500);
      long exitMillis = app.stop();
      running.set(false);
      for (Thread sender : senders) {
        sender.join(10_000);
      }

      List<String> accepted = statuses.entrySet().stream().filter(e -> e.getValue() == 202).map(Map.Entry::getKey).toList();
      List<String> inLog = RabbitBroker.readLog(name + ".log");
      Map<Integer, Long> counts = new TreeMap<>();
      statuses.values().forEach(s -> counts.merge(s, 1L, Long::sum));
      System.out.println("SIGTERM under load: sends " + counts + " (0 = connection refused or reset), "
        + accepted.size() + " accepted, all in the log: " + inLog.containsAll(accepted) + ", exited after " + exitMillis + " ms");
      assertThat(exitMillis).as("exited within 10 s").isLessThan(10_000);
      assertThat(inLog).as("every send answered 202 is in the chat log").containsAll(accepted);
      assertThat(accepted).isNotEmpty();
      await("the bridge socket to be closed").atMost(Duration.ofSeconds(5)).until(bridge::isClosed);
      assertThat(app.output()).doesNotContain("Exception").doesNotContain(" ERROR ");
    } finally {
      RabbitBroker.delete(name, name + ".log");
    }
  }

  /**
   * A browser's view across an instance restart: it keeps the messages it has by seq, and after
   * reconnecting fills what it missed from /history?after=lastSeq, as the chat page does.
   */
  static final class Reader {
    final TreeMap<Long, String> bySeq = new TreeMap<>();
    final Set<String> ids = ConcurrentHashMap.newKeySet();
    int duplicatesShown;
    final User user;
    final String baseUrl;
    BridgeClient bridge;

    Reader(User user, String baseUrl) {
      this.user = user;
      this.baseUrl = baseUrl;
    }

    void connect(User probeSender) throws InterruptedException {
      bridge = BridgeClient.connect(vertx, baseUrl, user.cookieHeader(), baseUrl).register("chat.messages");
      Probe.awaitDelivery(probeSender, bridge);
      long after = bySeq.isEmpty() ? -1 : bySeq.lastKey();
      JsonObject page = new JsonObject(user.get("/history?limit=200" + (after >= 0 ? "&after=" + after : "")).body());
      page.getJsonArray("messages").forEach(m -> show((JsonObject) m));
    }

    void show(JsonObject message) {
      if (message.getString("id").startsWith("probe-")) {
        return;
      }
      if (bySeq.containsKey(message.getLong("seq")) || !ids.add(message.getString("id"))) {
        return; // the page skips what it already shows
      }
      bySeq.put(message.getLong("seq"), message.getString("id"));
    }

    void poll(long millis) throws InterruptedException {
      for (JsonObject frame : bridge.drain(millis)) {
        if ("rec".equals(frame.getString("type"))) {
          show(frame.getJsonObject("body"));
        }
      }
    }
  }

  @Test
  void afterASigkillAndRestartBrowsersResumeWithoutGapsOrDuplicates() throws Exception {
    String name = name();
    int port = TestApp.freePort();
    JarInstance first = JarInstance.start(name, port, JarInstance.conf(name, name + ".log"), List.of(), List.of());
    JarInstance second = null;
    try {
      String baseUrl = first.baseUrl();
      User sender = new User(baseUrl, "talker");
      User listener = new User(baseUrl, "listener");
      assertThat(sender.login().statusCode()).isEqualTo(303);
      assertThat(listener.login().statusCode()).isEqualTo(303);
      Reader reader = new Reader(listener, baseUrl);
      reader.connect(sender);

      // Like the page: a failed send is retried with the same id until it is accepted.
      Map<String, Integer> attempts = new LinkedHashMap<>();
      AtomicBoolean running = new AtomicBoolean(true);
      Thread talker = new Thread(() -> {
        for (int i = 0; running.get(); i++) {
          String id = "m" + i + "-" + UUID.randomUUID().toString().substring(0, 8);
          int tries = 0;
          boolean accepted = false;
          while (!accepted && tries < 300) {
            tries++;
            try {
              accepted = sender.send("message " + i, id).statusCode() == 202;
            } catch (RuntimeException down) {
              accepted = false;
            }
            if (!accepted) {
              TestApp.sleep(100);
            }
          }
          synchronized (attempts) {
            attempts.put(id, tries);
          }
          TestApp.sleep(100);
        }
      });
      talker.start();
      reader.poll(2000);

      long killedAt = System.currentTimeMillis();
      first.kill();
      long restarting = System.nanoTime();
      second = JarInstance.start(name, port, JarInstance.conf(name, name + ".log"), List.of(), List.of());
      long startMillis = (System.nanoTime() - restarting) / 1_000_000;
      reader.connect(sender);
      long resumedAfter = System.currentTimeMillis() - killedAt;
      reader.poll(2000);
      running.set(false);
      talker.join(30_000);
      reader.poll(1500);

      List<String> sent;
      synchronized (attempts) {
        sent = new ArrayList<>(attempts.keySet());
      }
      List<String> shown = new ArrayList<>(reader.bySeq.values());
      System.out.println("SIGKILL and restart: " + sent.size() + " messages sent (" + attempts.values().stream().filter(t -> t > 1).count()
        + " needed retries), reader shows " + shown.size() + ", restarted instance healthy after " + startMillis
        + " ms, reader resumed " + resumedAfter + " ms after the kill");
      assertThat(shown).as("every message once, in the order it was sent").containsExactlyElementsOf(sent);
      reader.bridge.close();
    } finally {
      first.close();
      if (second != null) {
        second.close();
      }
      RabbitBroker.delete(name, name + ".log");
    }
  }
}
