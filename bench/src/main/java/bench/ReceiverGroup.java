package bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The receivers of one load-generator event loop. All their state is confined to that loop; the
 * orchestrator reads it only through {@link #snapshot}, which runs on the loop.
 */
final class ReceiverGroup extends VerticleBase implements Receivers {

  private final Peer peer;
  /** Local addresses the sockets bind to, in turn; empty: the kernel picks (127.0.0.1 to the server). */
  private final List<String> sourceAddresses;
  private final List<Receiver> receivers = new ArrayList<>();
  private final List<Peer.Clients> clients = new ArrayList<>();
  private int opened;
  private boolean closing;

  private int step = -1;
  private long windowStartMicros;
  private long windowEndMicros;
  private int firstMeasuredSeq;
  private int lastMeasuredSeq;
  private long inWindow;
  private long duplicates;
  private Histogram latency = newHistogram();

  ReceiverGroup(Peer peer, List<String> sourceAddresses) {
    this.peer = peer;
    this.sourceAddresses = sourceAddresses;
  }

  static Histogram newHistogram() {
    return new Histogram(60_000_000L, 3); // µs, up to a minute
  }

  @Override
  public Future<?> start() {
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setTcpNoDelay(true).setKeepAlive(true)
        // Messenger closes a connection that sends no request for 10 s (http.requestHeaderTimeoutSeconds): drop it first.
        .setKeepAliveTimeout(5),
      new PoolOptions().setHttp1MaxSize(32));
    List<String> addresses = sourceAddresses.isEmpty() ? Collections.singletonList(null) : sourceAddresses;
    for (String address : addresses) {
      WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setTcpNoDelay(true)
        .setMaxConnections(100_000).setConnectTimeout(30_000).setMaxFrameSize(1 << 20).setLocalAddress(address));
      clients.add(new Peer.Clients(http, ws));
    }
    String keepAlive = peer.keepAlive();
    if (keepAlive != null) {
      vertx.setPeriodic(5_000, t -> receivers.forEach(r -> r.socket.writeTextMessage(keepAlive)));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> open(List<Integer> indexes, int parallel) {
    return on(() -> {
      List<Future<Void>> chains = new ArrayList<>();
      for (int c = 0; c < parallel; c++) {
        Future<Void> chain = Future.succeededFuture();
        for (int k = c; k < indexes.size(); k += parallel) {
          int index = indexes.get(k);
          chain = chain.compose(v -> openOne(index));
        }
        chains.add(chain);
      }
      return Future.all(chains).<Void>mapEmpty();
    }).compose(f -> f);
  }

  private Future<Void> openOne(int index) {
    Receiver receiver = new Receiver(index, index % peer.rooms());
    Peer.Clients client = clients.get(opened++ % clients.size()); // spread over the source addresses
    return peer.openReceiver(client, index, frame -> Frames.scan(frame, receiver))
      .map(ws -> {
        receiver.socket = ws;
        long openedAt = System.currentTimeMillis();
        ws.closeHandler(v -> {
          if (!closing && !receiver.closed) {
            Bench.log("receiver %d closed by the server after %d ms: %s %s", index,
              System.currentTimeMillis() - openedAt, ws.closeStatusCode(), ws.closeReason());
          }
          receiver.closed = true;
        });
        receivers.add(receiver);
        return null;
      });
  }

  @Override
  public Future<Void> startStep(int step, int firstMeasuredSeq, int lastMeasuredSeq, long windowStartMicros, long windowEndMicros) {
    return on(() -> {
      this.step = step;
      this.firstMeasuredSeq = firstMeasuredSeq;
      this.lastMeasuredSeq = lastMeasuredSeq;
      this.windowStartMicros = windowStartMicros;
      this.windowEndMicros = windowEndMicros;
      inWindow = 0;
      duplicates = 0;
      latency = newHistogram();
      for (Receiver r : receivers) {
        r.seen.clear();
      }
      return null;
    });
  }

  @Override
  public Future<Snapshot> snapshot(int expected) {
    return on(() -> {
      long lost = 0;
      int probed = 0;
      int closed = 0;
      for (Receiver r : receivers) {
        closed += r.closed ? 1 : 0;
        lost += r.expected(expected) - r.seen.cardinality();
        probed += r.probed ? 1 : 0;
      }
      return new Snapshot(receivers.size(), closed, probed, lost, duplicates, inWindow, latency.copy());
    });
  }

  @Override
  public Future<Void> forgetProbes() {
    return on(() -> {
      receivers.forEach(r -> r.probed = false);
      return null;
    });
  }

  @Override
  public Future<Integer> reopenClosed() {
    return on(() -> {
      List<Receiver> closed = receivers.stream().filter(r -> r.closed).toList();
      receivers.removeAll(closed);
      // one at a time, like the first opening's chains: a burst of reconnects is not what is measured
      Future<Void> chain = Future.succeededFuture();
      for (Receiver r : closed) {
        chain = chain.compose(v -> openOne(r.index));
      }
      return chain.map(closed.size());
    }).compose(f -> f);
  }

  @Override
  public Future<Long> minimumSeen() {
    // As if every receiver got every message: one in a room is done when it has its room's share.
    return on(() -> receivers.stream().mapToLong(r -> r.seen.cardinality() + lastMeasuredSeq - r.expected(lastMeasuredSeq))
      .min().orElse(Long.MAX_VALUE));
  }

  @Override
  public Future<Void> closeAll() {
    return on(() -> {
      closing = true;
      List<Future<Void>> closed = new ArrayList<>();
      for (Receiver r : receivers) {
        closed.add(r.socket.close().otherwiseEmpty());
      }
      receivers.clear();
      return Future.all(closed).<Void>mapEmpty();
    }).compose(f -> f);
  }

  private <T> Future<T> on(Callable<T> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        promise.complete(action.call());
      } catch (Exception e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }

  private final class Receiver implements Frames.Visitor {
    final BitSet seen = new BitSet();
    final int index;
    /** Its room: it gets the seqs with seq mod rooms = room. */
    final int room;
    WebSocket socket;
    boolean probed;
    boolean closed;

    Receiver(int index, int room) {
      this.index = index;
      this.room = room;
    }

    /** How many of the seqs 0 … total - 1 are its room's. */
    long expected(int total) {
      int rooms = peer.rooms();
      return room < total ? (total - room + rooms - 1) / rooms : 0;
    }

    @Override
    public void message(int msgStep, int seq, long sentMicros) {
      if (msgStep != step) {
        return; // a late message of an earlier step
      }
      long now = Bench.micros();
      if (seen.get(seq)) {
        duplicates++;
        return;
      }
      seen.set(seq);
      if (now >= windowStartMicros && now < windowEndMicros) {
        inWindow++;
      }
      if (seq >= firstMeasuredSeq && seq < lastMeasuredSeq) {
        latency.recordValue(Math.min(Math.max(0, now - sentMicros), 60_000_000L));
      }
    }

    @Override
    public void probe() {
      probed = true;
    }
  }
}
