package messenger.testing;

import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A conversation across instances: senders take turns, then every bridge socket must have received every
 * message exactly once and all sockets the same sequence of {@code seq}s. Used by the several-instance tests.
 */
public final class Conversation {

  private Conversation() {
  }

  /**
   * Waits until every socket receives messages: registering on the bridge is asynchronous, and a socket on
   * another instance hears a message only after a broker round trip. Probes are sent until each socket
   * got one; whatever else arrived meanwhile is discarded.
   */
  public static void awaitLive(User sender, Collection<BridgeClient> sockets) throws InterruptedException {
    Set<String> probes = new HashSet<>();
    List<BridgeClient> waiting = new ArrayList<>(sockets);
    await("a probe on every bridge socket").atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).until(() -> {
      String id = "probe-" + UUID.randomUUID();
      if (sender.send("probe", id).statusCode() == 202) {
        probes.add(id);
      }
      for (Iterator<BridgeClient> it = waiting.iterator(); it.hasNext(); ) {
        if (it.next().messages(Integer.MAX_VALUE, 300).stream().anyMatch(m -> probes.contains(m.getString("id")))) {
          it.remove();
        }
      }
      return waiting.isEmpty();
    });
    for (BridgeClient socket : sockets) {
      socket.drain(300);
    }
  }

  /** What one run of a conversation measured. */
  public record Result(int sent, Map<String, Integer> deliveredPerSocket, int duplicates, List<Long> seqs) {
  }

  /**
   * Each of {@code senders} sends {@code rounds} messages (202 expected), in turns; then each socket in
   * {@code sockets} (named, e.g. "alice@A") must receive exactly those messages, in the same order everywhere.
   */
  public static Result run(List<User> senders, int rounds, Map<String, BridgeClient> sockets) throws InterruptedException {
    List<String> ids = new ArrayList<>();
    Map<String, String> senderOf = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      for (User user : senders) {
        String id = UUID.randomUUID().toString();
        assertThat(user.send(user.name + " #" + round, id).statusCode()).as("send by %s", user.name).isEqualTo(202);
        ids.add(id);
        senderOf.put(id, user.name);
      }
    }
    Map<String, Integer> delivered = new LinkedHashMap<>();
    List<Long> reference = null;
    int duplicates = 0;
    for (Map.Entry<String, BridgeClient> socket : sockets.entrySet()) {
      List<JsonObject> got = socket.getValue().messages(ids.size(), 20_000);
      got.addAll(socket.getValue().messages(Integer.MAX_VALUE, 500)); // anything more would be a duplicate
      List<String> gotIds = got.stream().map(m -> m.getString("id")).toList();
      duplicates += gotIds.size() - (int) gotIds.stream().distinct().count();
      delivered.put(socket.getKey(), got.size());
      assertThat(gotIds).as("messages on %s", socket.getKey()).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(got).as("each attributed to its sender on %s", socket.getKey())
        .allSatisfy(m -> assertThat(m.getString("sender")).isEqualTo(senderOf.get(m.getString("id"))));
      List<Long> seqs = got.stream().map(m -> m.getLong("seq")).toList();
      assertThat(seqs).as("seq order on %s", socket.getKey()).isSorted();
      if (reference == null) {
        reference = seqs;
      } else {
        assertThat(seqs).as("the same seq sequence on %s as on the first socket", socket.getKey()).isEqualTo(reference);
      }
    }
    return new Result(ids.size(), delivered, duplicates, reference);
  }
}
