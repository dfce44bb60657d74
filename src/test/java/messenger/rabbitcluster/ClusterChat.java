package messenger.rabbitcluster;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import messenger.Addresses;
import messenger.testing.BridgeClient;
import messenger.testing.Conversation;
import messenger.testing.JarInstance;
import messenger.testing.User;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A chat across instances under a steady load, for fault scenarios: per instance one sender posting at a fixed
 * rate (each send on its own, so a slow answer never delays the next one), one bridge receiver, and
 * {@code /health} sampled every 200 ms. {@link #outcome} tells what DESIGN.md promises: every send answered
 * 202 reached every receiver exactly once and in the same order, and no refused send was stored.
 */
final class ClusterChat implements AutoCloseable {

  record Send(String instance, String id, long startedAt, long answeredAt, int status) {
  }

  record HealthSample(long at, int status) {
  }

  /** What a scenario measured; times in ms, relative to the fault where they say so. */
  record Outcome(Map<Integer, Long> statuses, long longestRefusalMs, long lost, long duplicated,
                 Map<String, Long> refusedStored,
                 boolean sameOrder, Map<String, Long> recoveryMs, Map<String, List<String>> downSpans,
                 Map<String, Integer> finalHealth) {

    long accepted() {
      return statuses.getOrDefault(202, 0L);
    }

    long refusedStoredTotal() {
      return refusedStored.values().stream().mapToLong(Long::longValue).sum();
    }

    long refused() {
      return statuses.entrySet().stream().filter(e -> e.getKey() != 202 && e.getKey() != 0)
        .mapToLong(Map.Entry::getValue).sum();
    }

    String summary() {
      return "sends " + statuses + " (202: " + accepted() + ", refused: " + refused() + ", unanswered: "
        + statuses.getOrDefault(0, 0L) + "), longest refusal "
        + longestRefusalMs + " ms, lost " + lost + ", duplicated " + duplicated + ", refused but stored "
        + refusedStored + ", same order " + sameOrder + ", sending again after the fault (ms) " + recoveryMs
        + ", /health DOWN " + downSpans;
    }
  }

  private static final HttpClient HEALTH = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final List<JarInstance> instances;
  private final long intervalMs;
  private final Map<String, User> senders = new LinkedHashMap<>();
  private final Map<String, BridgeClient> receivers = new LinkedHashMap<>();
  private final List<Send> sends = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, List<HealthSample>> health = new ConcurrentHashMap<>();
  /** Why sends got no answer (status 0), with the time since the start of the load. */
  private final List<String> unanswered = Collections.synchronizedList(new ArrayList<>());
  private long startedAt;
  private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
  private final ExecutorService requests = Executors.newCachedThreadPool();

  /** {@code ratePerSender}: sends per second by each instance's sender. */
  ClusterChat(Vertx vertx, List<JarInstance> instances, int ratePerSender) throws InterruptedException {
    this.instances = instances;
    this.intervalMs = 1000 / ratePerSender;
    for (JarInstance instance : instances) {
      User sender = login(instance, "sender-" + instance.name);
      senders.put(instance.name, sender);
      User reader = login(instance, "reader-" + instance.name);
      receivers.put(instance.name, BridgeClient.connect(vertx, reader.baseUrl(), reader.cookieHeader(), reader.baseUrl())
        .register(Addresses.CHAT_MESSAGES));
      health.put(instance.name, Collections.synchronizedList(new ArrayList<>()));
    }
    Conversation.awaitLive(senders.values().iterator().next(), receivers.values());
  }

  private static User login(JarInstance instance, String name) {
    User user = new User(instance.baseUrl(), name, HttpClient.Version.HTTP_1_1);
    assertThat(user.login().statusCode()).as("login of " + name).isEqualTo(303);
    return user;
  }

  void start() {
    startedAt = System.currentTimeMillis();
    for (JarInstance instance : instances) {
      User sender = senders.get(instance.name);
      int[] n = {0};
      clock.scheduleAtFixedRate(() -> {
        String id = instance.name + "-" + (n[0]++) + "-" + UUID.randomUUID().toString().substring(0, 8);
        requests.execute(() -> send(instance.name, sender, id));
      }, 0, intervalMs, TimeUnit.MILLISECONDS);
      clock.scheduleAtFixedRate(() -> requests.execute(() -> sampleHealth(instance)), 0, 200, TimeUnit.MILLISECONDS);
    }
  }

  private void send(String instance, User sender, String id) {
    long started = System.currentTimeMillis();
    int status;
    try {
      status = sender.send("message " + id, id).statusCode();
    } catch (RuntimeException e) {
      status = 0; // no answer: the instance did not respond in time
      unanswered.add(instance + " at +" + (started - startedAt) + " ms: " + e.getMessage());
    }
    sends.add(new Send(instance, id, started, System.currentTimeMillis(), status));
  }

  private void sampleHealth(JarInstance instance) {
    long at = System.currentTimeMillis();
    int status;
    try {
      status = HEALTH.send(HttpRequest.newBuilder(URI.create(instance.baseUrl() + "/health"))
        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      status = 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    health.get(instance.name).add(new HealthSample(at, status));
  }

  /** Stops sending and waits for every answer. */
  void stop() throws InterruptedException {
    clock.shutdownNow();
    requests.shutdown();
    assertThat(requests.awaitTermination(30, TimeUnit.SECONDS)).as("every send answered").isTrue();
  }

  /** The first send started after {@code since} by {@code instance}'s sender that was answered 202, or -1. */
  long firstAcceptedStartedAfter(String instance, long since) {
    synchronized (sends) {
      return sends.stream().filter(s -> s.instance.equals(instance) && s.status == 202 && s.startedAt > since)
        .mapToLong(Send::answeredAt).min().orElse(-1);
    }
  }

  /** Collects what every receiver got (all accepted messages, 30 s at most, then a quiet second) and measures. */
  Outcome outcome(long faultAt) throws InterruptedException {
    List<Send> all;
    synchronized (sends) {
      all = new ArrayList<>(sends);
    }
    Set<String> accepted = all.stream().filter(s -> s.status == 202).map(Send::id).collect(Collectors.toSet());
    // Answered with an error; a send with no answer at all (0: none within the client's 15 s) may or may not be stored.
    Map<String, String> refused = all.stream().filter(s -> s.status != 202 && s.status != 0)
      .collect(Collectors.toMap(Send::id, Send::instance));

    Map<String, List<String>> received = new LinkedHashMap<>();
    for (Map.Entry<String, BridgeClient> receiver : receivers.entrySet()) {
      List<String> ids = new ArrayList<>();
      try {
        await("every accepted message on the receiver of " + receiver.getKey()).atMost(Duration.ofSeconds(30))
          .pollDelay(Duration.ZERO).until(() -> {
            receiver.getValue().messages(Integer.MAX_VALUE, 200).forEach(m -> ids.add(m.getString("id")));
            return ids.containsAll(accepted);
          });
      } catch (org.awaitility.core.ConditionTimeoutException missing) {
        // counted below as lost
      }
      receiver.getValue().messages(Integer.MAX_VALUE, 1000).forEach(m -> ids.add(m.getString("id")));
      ids.removeIf(id -> id.startsWith("probe-"));
      received.put(receiver.getKey(), ids);
    }

    long lost = 0;
    long duplicated = 0;
    Map<String, Long> refusedStored = new LinkedHashMap<>();
    instances.forEach(i -> refusedStored.put(i.name, 0L));
    Set<String> stored = new HashSet<>();
    for (List<String> ids : received.values()) {
      Set<String> distinct = new HashSet<>(ids);
      lost += accepted.stream().filter(id -> !distinct.contains(id)).count();
      duplicated += ids.size() - distinct.size();
      stored.addAll(distinct);
    }
    refused.forEach((id, instance) -> {
      if (stored.contains(id)) {
        refusedStored.merge(instance, 1L, Long::sum);
      }
    });
    boolean sameOrder = received.values().stream().distinct().count() == 1;

    Map<Integer, Long> statuses = all.stream()
      .collect(Collectors.groupingBy(Send::status, java.util.TreeMap::new, Collectors.counting()));
    Map<String, Long> recovery = new LinkedHashMap<>();
    Map<String, List<String>> down = new LinkedHashMap<>();
    Map<String, Integer> finalHealth = new LinkedHashMap<>();
    for (JarInstance instance : instances) {
      long first = firstAcceptedStartedAfter(instance.name, faultAt);
      recovery.put(instance.name, first < 0 ? -1 : first - faultAt);
      List<HealthSample> samples;
      synchronized (health.get(instance.name)) {
        samples = new ArrayList<>(health.get(instance.name));
      }
      down.put(instance.name, downSpans(samples, faultAt));
      finalHealth.put(instance.name, samples.isEmpty() ? 0 : samples.get(samples.size() - 1).status);
    }
    return new Outcome(statuses, longestRefusal(all), lost, duplicated, refusedStored, sameOrder, recovery, down,
      finalHealth);
  }

  /**
   * Per sender, from the start of the first refused send of a run of refusals to the answer of the next accepted
   * send: how long a person could not send.
   */
  private static long longestRefusal(List<Send> all) {
    long longest = 0;
    Map<String, List<Send>> byInstance = all.stream()
      .sorted((a, b) -> Long.compare(a.startedAt, b.startedAt))
      .collect(Collectors.groupingBy(Send::instance, LinkedHashMap::new, Collectors.toList()));
    for (List<Send> ordered : byInstance.values()) {
      long refusedSince = -1;
      for (Send send : ordered) {
        if (send.status != 202 && refusedSince < 0) {
          refusedSince = send.startedAt;
        } else if (send.status == 202 && refusedSince >= 0) {
          longest = Math.max(longest, send.answeredAt - refusedSince);
          refusedSince = -1;
        }
      }
    }
    return longest;
  }

  List<String> unanswered() {
    return unanswered;
  }

  /** The spans in which /health was not 200, relative to the fault, e.g. "503 +120..+1830 ms" (0: no answer). */
  private static List<String> downSpans(List<HealthSample> samples, long faultAt) {
    List<String> spans = new ArrayList<>();
    long downSince = -1;
    int downStatus = 200;
    for (HealthSample sample : samples) {
      if (sample.status != downStatus && downSince >= 0) {
        spans.add(String.format("%d %+d..%+d ms", downStatus, downSince - faultAt, sample.at - faultAt));
        downSince = -1;
      }
      if (sample.status != 200 && downSince < 0) {
        downSince = sample.at;
      }
      downStatus = sample.status;
    }
    if (downSince >= 0) {
      spans.add(String.format("%d %+d ms..end", downStatus, downSince - faultAt));
    }
    return spans;
  }

  @Override
  public void close() {
    clock.shutdownNow();
    requests.shutdownNow();
    receivers.values().forEach(BridgeClient::close);
  }
}
