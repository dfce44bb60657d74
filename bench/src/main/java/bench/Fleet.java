package bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;

/** The load generator's clients for one peer: one receiver group per event loop and one sender group. */
final class Fleet implements AutoCloseable {

  private static final int PARALLEL_OPENS = 32;
  private static final long PROBE_TIMEOUT_MS = 120_000;

  private final Vertx vertx;
  private final Peer peer;
  private final List<ReceiverGroup> groups = new ArrayList<>();
  private final List<String> deployments = new ArrayList<>();
  private SenderGroup sender;
  private int receivers;

  private Fleet(Vertx vertx, Peer peer) {
    this.vertx = vertx;
    this.peer = peer;
  }

  static Fleet openSendersOnly(Vertx vertx, Peer peer, Bench.Options options) {
    Fleet fleet = new Fleet(vertx, peer);
    fleet.sender = new SenderGroup(peer, options.senders);
    fleet.deployments.add(vertx.deployVerticle(fleet.sender).await());
    for (int i = 0; i < options.loops; i++) {
      ReceiverGroup group = new ReceiverGroup(peer);
      fleet.groups.add(group);
      fleet.deployments.add(vertx.deployVerticle(group).await());
    }
    return fleet;
  }

  static Fleet open(Vertx vertx, Peer peer, int receivers, Bench.Options options) throws InterruptedException {
    Fleet fleet = openSendersOnly(vertx, peer, options);
    fleet.openReceivers(receivers);
    return fleet;
  }

  /** Opens N receivers spread over the groups and waits until a probe message reaches every one. */
  void openReceivers(int n) throws InterruptedException {
    List<List<Integer>> split = new ArrayList<>();
    groups.forEach(g -> split.add(new ArrayList<>()));
    for (int i = 0; i < n; i++) {
      split.get(i % groups.size()).add(i);
    }
    List<Future<Void>> opening = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      opening.add(groups.get(g).open(split.get(g), PARALLEL_OPENS));
    }
    Future.all(opening).await();
    receivers = n;
    long deadline = System.currentTimeMillis() + PROBE_TIMEOUT_MS;
    while (probed() < n) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("only " + probed() + " of " + n + " receivers got a probe message");
      }
      sender.probe().await();
      Thread.sleep(300);
    }
  }

  /**
   * Waits (at most {@code timeoutMs}) until a new probe message reaches every receiver: whatever the server
   * had queued before it has then been delivered, so the next step does not start behind a backlog.
   */
  void awaitQuiet(long timeoutMs) throws InterruptedException {
    Future.all(groups.stream().map(ReceiverGroup::forgetProbes).toList()).await();
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (probed() < receivers && System.currentTimeMillis() < deadline) {
      sender.probe().await();
      Thread.sleep(300);
    }
  }

  private int probed() {
    return groups.stream().mapToInt(g -> g.snapshot(0).await().probed()).sum();
  }

  Peer peer() {
    return peer;
  }

  SenderGroup sender() {
    return sender;
  }

  int receivers() {
    return receivers;
  }

  void startStep(int step, int firstMeasured, int total, long windowStart, long windowEnd) {
    Future.all(groups.stream().map(g -> g.startStep(step, firstMeasured, total, windowStart, windowEnd)).toList()).await();
  }

  long minimumSeen() {
    return groups.stream().mapToLong(g -> g.minimumSeen().await()).min().orElse(0);
  }

  List<ReceiverGroup.Snapshot> snapshots(int expected) {
    return groups.stream().map(g -> g.snapshot(expected).await()).toList();
  }

  @Override
  public void close() {
    Future.all(groups.stream().map(ReceiverGroup::closeAll).toList()).await();
    for (String id : deployments) {
      vertx.undeploy(id).await();
    }
  }
}
