package bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The load generator's clients for one peer: sender groups, and receivers — one group per event loop of
 * this process, plus receivers in further processes when one process cannot hold them all.
 */
final class Fleet implements AutoCloseable {

  private static final int PARALLEL_OPENS = 32;
  private static final long PROBE_TIMEOUT_MS = 120_000;
  /** Sockets of other kinds a load-generator process needs besides its receivers (jars, HTTP pools, …). */
  private static final int SPARE_FILES = 1_000;

  private final Vertx vertx;
  private final Peer peer;
  private final Options options;
  private final List<SenderGroup> senders = new ArrayList<>();
  private final List<RemoteReceivers> remotes = new ArrayList<>();
  private final List<String> deployments = new ArrayList<>();
  private Receivers receivers = new ReceiverSet(List.of());
  private int receiverCount;

  private Fleet(Vertx vertx, Peer peer, Options options) {
    this.vertx = vertx;
    this.peer = peer;
    this.options = options;
  }

  /** The sweep's senders: a few users on one event loop, as fast as the (raised) rate limit lets them. */
  static Fleet openSendersOnly(Vertx vertx, Peer peer, Options options) {
    return withSenders(vertx, peer, options, 1, options.senders, false, 64);
  }

  static Fleet open(Vertx vertx, Peer peer, int receivers, Options options) throws Exception {
    Fleet fleet = openSendersOnly(vertx, peer, options);
    fleet.openReceivers(receivers);
    return fleet;
  }

  /**
   * Senders whose every send is answered after the broker's confirm (Web-STOMP: with a receipt), one
   * group per event loop; {@link #ensureUsers} adds users as the rate grows.
   */
  static Fleet openConfirmedSenders(Vertx vertx, Peer peer, Options options, int connections) {
    return withSenders(vertx, peer, options, options.loops, 1, true, Math.max(1, connections / options.loops));
  }

  private static Fleet withSenders(Vertx vertx, Peer peer, Options options, int groups, int sendersPerGroup,
                                   boolean confirmed, int connectionsPerGroup) {
    Fleet fleet = new Fleet(vertx, peer, options);
    for (int g = 0; g < groups; g++) {
      SenderGroup group = new SenderGroup(peer, sendersPerGroup, g, groups, confirmed, connectionsPerGroup);
      fleet.senders.add(group);
      fleet.deployments.add(vertx.deployVerticle(group).await());
    }
    return fleet;
  }

  /**
   * Opens N receivers and waits until a probe message reaches every one. They are spread over this
   * process and, beyond {@code --receivers-per-process} (or this process's open-files limit), further
   * load-generator processes; and over several source addresses when N would take most of the ephemeral
   * port range of one.
   */
  void openReceivers(int n) throws Exception {
    if (receiverCount > 0) {
      throw new IllegalStateException("receivers are opened once per fleet");
    }
    long ownLimit = Proc.openFilesLimit(Proc.self());
    int perProcess = (int) Math.max(1, Math.min(options.receiversPerProcess, ownLimit - SPARE_FILES));
    int processes = (n + perProcess - 1) / perProcess;
    List<String> addresses = sourceAddresses(n);
    if (processes > 1 || !addresses.isEmpty()) {
      Bench.log("   N=%d: %d load-generator processes, source addresses %s", n, processes,
        addresses.isEmpty() ? "[kernel's choice]" : addresses);
    }
    List<Receivers> local = new ArrayList<>();
    for (int i = 0; i < options.loops; i++) {
      ReceiverGroup group = new ReceiverGroup(peer, addresses);
      deployments.add(vertx.deployVerticle(group).await());
      local.add(group);
    }
    List<Receivers> parts = new ArrayList<>(List.of(new ReceiverSet(local)));
    for (int p = 1; p < processes; p++) {
      RemoteReceivers remote = RemoteReceivers.start(peer, p, options.loops, addresses);
      remotes.add(remote);
      parts.add(remote);
    }
    receivers = new ReceiverSet(parts);
    receivers.open(IntStream.range(0, n).boxed().toList(), PARALLEL_OPENS).await();
    receiverCount = n;
    long deadline = System.currentTimeMillis() + PROBE_TIMEOUT_MS;
    while (probed() < n) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("only " + probed() + " of " + n + " receivers got a probe message");
      }
      probe().await();
      Thread.sleep(300);
    }
  }

  /**
   * 127.0.0.1, 127.0.0.2, …: N sockets to one server port from one address each take an ephemeral port;
   * more than ~60 % of the range would leave too few for everything else. None (the kernel's choice,
   * 127.0.0.1) when one address is enough.
   */
  private List<String> sourceAddresses(int n) {
    int count = options.sourceAddresses > 0 ? options.sourceAddresses
      : (int) Math.ceil(n / (0.6 * Machine.ephemeralPorts()));
    return count <= 1 ? List.of() : IntStream.rangeClosed(1, count).mapToObj(i -> "127.0.0." + i).toList();
  }

  /**
   * Waits (at most {@code timeoutMs}) until a new probe message reaches every receiver: whatever the server
   * had queued before it has then been delivered, so the next step does not start behind a backlog.
   */
  void awaitQuiet(long timeoutMs) throws InterruptedException {
    int reopened = receivers.reopenClosed().await();
    if (reopened > 0) {
      Bench.log("   %d receivers closed by the server reopened", reopened);
    }
    receivers.forgetProbes().await();
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (probed() < receiverCount && System.currentTimeMillis() < deadline) {
      probe().await();
      Thread.sleep(300);
    }
  }

  private int probed() {
    return receivers.snapshot(0).await().probed();
  }

  private Future<Void> probe() {
    return senders.get(0).probe();
  }

  /** Enough users for {@code rate} sends/s at {@code perUser} each, at most the peer's limit. */
  int ensureUsers(double rate, double perUser) {
    int users = (int) Math.min(peer.maxSenders(), Math.ceil(rate / perUser));
    int perGroup = (users + senders.size() - 1) / senders.size();
    Future.all(senders.stream().map(g -> g.ensureSenders(perGroup)).toList()).await();
    return users();
  }

  int users() {
    return senders.stream().mapToInt(SenderGroup::senders).sum();
  }

  /** Runs one step's sends, shared by the sender groups; completes when all were answered. */
  Future<SenderGroup.Sends> send(int step, double rate, int total, long t0, int firstMeasured, long windowStart, long windowEnd) {
    List<Future<SenderGroup.Sends>> parts = new ArrayList<>();
    for (int g = 0; g < senders.size(); g++) {
      parts.add(senders.get(g).run(step, rate, total, t0, g, senders.size(), firstMeasured, windowStart, windowEnd));
    }
    return Future.all(parts).map(f -> SenderGroup.Sends.sum(f.list()));
  }

  Peer peer() {
    return peer;
  }

  int receivers() {
    return receiverCount;
  }

  /** The load generator's processes: this one and any further ones. */
  List<Long> loadgenPids() {
    List<Long> pids = new ArrayList<>(List.of(Proc.self()));
    remotes.forEach(r -> pids.add(r.pid()));
    return pids;
  }

  void startStep(int step, int firstMeasured, int total, long windowStart, long windowEnd) {
    receivers.startStep(step, firstMeasured, total, windowStart, windowEnd).await();
  }

  long minimumSeen() {
    return receivers.minimumSeen().await();
  }

  Receivers.Snapshot snapshot(int expected) {
    return receivers.snapshot(expected).await();
  }

  @Override
  public void close() {
    receivers.closeAll().await();
    remotes.forEach(RemoteReceivers::close);
    for (String id : deployments) {
      vertx.undeploy(id).await();
    }
  }
}
