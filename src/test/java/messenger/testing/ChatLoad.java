package messenger.testing;

import io.vertx.core.json.JsonObject;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A chat under load for fault tests: senders posting at a fixed rate, many bridge clients listening.
 * Afterwards it checks the promise of DESIGN.md: every send answered 202 reached every client exactly
 * once, and all clients saw the same messages in the same order.
 */
public final class ChatLoad {

  public record Send(String id, int status, long at) {
  }

  private final TestApp app;
  private final int ratePerSender;
  private final List<User> senders = new ArrayList<>();
  private final List<BridgeClient> receivers = new ArrayList<>();
  private final List<Send> sends = Collections.synchronizedList(new ArrayList<>());
  private final AtomicBoolean running = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();
  private final Map<Integer, List<JsonObject>> received = new ConcurrentHashMap<>();

  public ChatLoad(TestApp app, int senderCount, int ratePerSender, int receiverCount) throws InterruptedException {
    this.app = app;
    this.ratePerSender = ratePerSender;
    for (int i = 0; i < senderCount; i++) {
      senders.add(app.user("sender-" + i));
    }
    for (int i = 0; i < receiverCount; i++) {
      receivers.add(app.bridge(app.user("reader-" + i)).register("chat.messages"));
    }
    Probe.awaitDelivery(senders.get(0), receivers.toArray(BridgeClient[]::new));
  }

  public void start() {
    running.set(true);
    for (User sender : senders) {
      Thread thread = new Thread(() -> sendLoop(sender), "load-" + sender.name);
      threads.add(thread);
      thread.start();
    }
  }

  private void sendLoop(User sender) {
    long interval = 1000 / ratePerSender;
    long next = System.currentTimeMillis();
    int n = 0;
    while (running.get()) {
      String id = sender.name + "-" + (n++) + "-" + UUID.randomUUID().toString().substring(0, 8);
      int status;
      try {
        HttpResponse<String> res = sender.send("message " + n + " from " + sender.name, id);
        status = res.statusCode();
      } catch (RuntimeException e) {
        status = 0;
      }
      sends.add(new Send(id, status, System.currentTimeMillis()));
      next += interval;
      long wait = next - System.currentTimeMillis();
      if (wait > 0) {
        TestApp.sleep(wait);
      } else {
        next = System.currentTimeMillis();
      }
    }
  }

  public void stop() throws InterruptedException {
    running.set(false);
    for (Thread thread : threads) {
      thread.join(15_000);
    }
  }

  /** Sends answered 202 after {@code since}: the first one tells when sending works again. */
  public long firstAcceptedAfter(long since) {
    synchronized (sends) {
      return sends.stream().filter(s -> s.status == 202 && s.at > since).mapToLong(Send::at).min().orElse(-1);
    }
  }

  public Map<Integer, Long> statusCounts() {
    synchronized (sends) {
      return sends.stream().collect(Collectors.groupingBy(Send::status, LinkedHashMap::new, Collectors.counting()));
    }
  }

  /** Collects what every client received until all accepted messages are there (30 s at most), plus a quiet second. */
  public void collect() throws InterruptedException {
    Set<String> accepted = accepted();
    for (int i = 0; i < receivers.size(); i++) {
      BridgeClient receiver = receivers.get(i);
      List<JsonObject> bodies = received.computeIfAbsent(i, k -> new ArrayList<>());
      await("every accepted message on receiver " + i).atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO)
        .untilAsserted(() -> {
          bodies.addAll(receiver.messages(Integer.MAX_VALUE, 200));
          assertThat(bodies).extracting(b -> b.getString("id")).containsAll(accepted);
        });
    }
    for (int i = 0; i < receivers.size(); i++) {
      received.get(i).addAll(receivers.get(i).messages(Integer.MAX_VALUE, i == 0 ? 1000 : 50));
    }
  }

  private Set<String> accepted() {
    synchronized (sends) {
      return sends.stream().filter(s -> s.status == 202).map(Send::id).collect(Collectors.toSet());
    }
  }

  /** Asserts exactly-once, same-order delivery of every accepted send; returns a one-line summary. */
  public String verify() {
    Set<String> accepted = accepted();
    List<Long> reference = null;
    long duplicates = 0;
    long delivered = 0;
    for (List<JsonObject> bodies : received.values()) {
      List<String> ids = bodies.stream().map(b -> b.getString("id")).filter(id -> !id.startsWith("probe-")).toList();
      duplicates += ids.size() - new HashSet<>(ids).size();
      delivered += ids.stream().filter(accepted::contains).count();
      assertThat(ids).as("a client's messages").doesNotHaveDuplicates().containsAll(accepted);
      List<Long> seqs = bodies.stream().map(b -> b.getLong("seq")).toList();
      assertThat(seqs).as("a client's seqs").isSorted();
      if (reference == null) {
        reference = seqs;
      } else {
        assertThat(seqs).as("every client saw the same messages in the same order").isEqualTo(reference);
      }
    }
    return "sent " + sends.size() + " " + statusCounts() + ", receivers " + receivers.size()
      + ", accepted deliveries " + delivered + " of " + (long) accepted.size() * receivers.size()
      + ", duplicates " + duplicates;
  }

  public void close() {
    receivers.forEach(BridgeClient::close);
  }
}
