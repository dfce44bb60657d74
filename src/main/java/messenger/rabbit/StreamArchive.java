package messenger.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import messenger.broker.Broker;
import messenger.chat.ChatMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The chat-log stream, read for {@code /history}, never by the live reader: each read is a consumer of its own at
 * an offset, with a prefetch and manual acks, cancelled as soon as it has what it needs.
 *
 * <p>One connection for all history reads of the instance, opened when first needed (the broker holds few open
 * files, and every instance already has several), with a channel per read in flight: a failed read closes its
 * own channel only, and acks never mix two reads. Idle channels are kept for the next reads. The Vert.x client
 * has one channel per connection, so this uses the RabbitMQ Java client under it; its blocking calls run on
 * worker threads (unordered, so that they never wait behind the publisher's), and deliveries are collected on
 * the client's consumer thread and handed to the event loop once a read is done.
 *
 * <p>Where the broker filters streams (RabbitMQ 3.13+, {@link StreamFilter}) and {@code rabbitmq.streamFilter} is not
 * {@code "off"}, a read of one room asks the broker to skip the chunks that hold none of its messages. Whether it
 * does is decided per read from the server properties of the history connection. A filtered read cannot know
 * that the chunks after its last delivery up to the end of its range were skipped (nothing comes), so when
 * nothing has come for {@link #FILTER_QUIET_MS} it reads the rest of its range without the filter; and as skipped
 * chunks hide where the log begins, a filtered read that got nothing at its start finds the log's first seq
 * again ({@link #first}) to say it. What it answers is what a read without the filter would answer.
 */
final class StreamArchive implements LogArchive {

  private static final Logger log = LoggerFactory.getLogger(StreamArchive.class);
  /** How long a found first offset is taken as it is before it is found again; it moves when the broker drops a segment. */
  private static final long FIRST_TTL_MS = 5_000;
  /** A stream sends whole chunks, so the prefetch is a bound on what is in flight, not on what a read gets. */
  private static final int MAX_PREFETCH = 500;
  /** A filtered read that got nothing for this long reads the rest of its range without the filter. */
  static final long FILTER_QUIET_MS = 500;
  /**
   * A read whose consumer got nothing for this long is tried again. It reads what the log holds, which the broker
   * sends at once; but RabbitMQ 3.10 leaves a consumer for good (without a word in its log) that reaches the end of a
   * segment whose successor retention has deleted before it recorded the log's new first offset: the reader finds no
   * next file, takes it for the end of the log, and waits for new data at an offset that is already written.
   */
  static final long STALL_MS = 1_000;
  /** The first pause before a failed read is tried again. */
  private static final long RETRY_MS = 50;

  private final Vertx vertx;
  private final Context context;
  private final Broker broker;
  private final String stream;
  private final long readTimeoutMs;
  private final int maxIdleChannels;
  private final boolean filter;
  private final ArrayDeque<Lane> idle = new ArrayDeque<>();
  /** Deliveries beyond the end of their read's range: what the broker read and sent for nothing (see Read#ackAsNeeded). */
  private final LongAdder pastRanges = new LongAdder();
  private Connection connection;
  private Future<Connection> connecting;
  private long knownFirst = -1;
  private long firstFoundAt;
  private Future<Long> probing;
  private long probesStarted;
  private boolean stopped;

  /**
   * Call on the event loop that will use it. {@code filter}: let the broker filter by room where it can
   * ({@code rabbitmq.streamFilter}).
   */
  StreamArchive(Vertx vertx, Broker broker, String stream, long readTimeoutMs, int maxIdleChannels, boolean filter) {
    this.filter = filter;
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.broker = broker;
    this.stream = stream;
    this.readTimeoutMs = readTimeoutMs;
    this.maxIdleChannels = maxIdleChannels;
  }

  /** Stream offsets start at 0. */
  @Override
  public long origin() {
    return 0;
  }

  @Override
  public long knownFirst() {
    return knownFirst;
  }

  /** How many deliveries came beyond the end of their read's range. */
  long deliveredPastRanges() {
    return pastRanges.sum();
  }

  /**
   * A consumer at offset 0 starts at the oldest message the stream still holds. The first offset only grows, so
   * one found earlier is still a lower bound: unless {@code fresh}, that is answered at once, and found again in
   * the background when it is older than a few seconds. (A probe starts in the oldest segment, the one retention
   * deletes: it is the read most likely to meet the broker's failure described at {@link #read}.)
   */
  @Override
  public Future<Long> first(boolean fresh) {
    if (fresh) {
      return firstAfter(probesStarted);
    }
    boolean old = System.currentTimeMillis() - firstFoundAt >= FIRST_TTL_MS;
    if (probing == null && (old || knownFirst < 0)) {
      probe();
    }
    return knownFirst >= 0 ? Future.succeededFuture(knownFirst) : probing;
  }

  /**
   * The first offset found by a probe that started after the first {@code started} ones: one under way since before
   * may have met the log as it was before what made the caller ask (a read moved past dropped messages, say).
   */
  private Future<Long> firstAfter(long started) {
    if (probing == null) {
      return probe();
    }
    return probesStarted > started ? probing : probing.transform(ar -> firstAfter(started));
  }

  private Future<Long> probe() {
    probesStarted++;
    Future<Long> probe = window(null, 0, 1, 0).map(span -> knownFirst);
    probing = probe;
    probe.onComplete(ar -> {
      if (probing == probe) {
        probing = null;
      }
    });
    return probe;
  }

  @Override
  public Future<Span> forward(String room, long from, long to, int limit) {
    return read(room, from, to, limit, false);
  }

  @Override
  public Future<Span> window(String room, long from, long to, int keep) {
    return read(room, from, to, keep, true);
  }

  @Override
  public Future<Void> stop() {
    stopped = true;
    idle.clear();
    Connection open = connection;
    connection = null;
    return open == null ? Future.succeededFuture() : blocking(() -> {
      open.abort(2000); // closes its channels with it
      return null;
    });
  }

  /**
   * One read, tried again while it fails, until {@code readTimeoutMs} after it began. Retention deleting the log's
   * oldest segments (at every new segment, by a process of the broker's own) fails or stops reads on RabbitMQ 3.10,
   * each for a moment: a consumer that starts in a segment being deleted closes the whole connection
   * (INTERNAL_ERROR; in the broker's log {@code rabbit_stream_queue:begin_stream} {@code retries_exhausted}), and
   * one that reaches the end of a segment whose successor was just deleted gets nothing more, ever (see
   * {@link #STALL_MS}). A fresh consumer a moment later starts where the log now begins.
   */
  private Future<Span> read(String room, long from, long to, int keep, boolean newest) {
    Future<Span> span = retried(room, from, to, keep, newest, filter, System.currentTimeMillis() + readTimeoutMs, 0);
    // A window reads its whole range: one that the broker moved on before its end (see Read) reads the rest.
    return newest ? span.compose(head -> head.next() >= to ? Future.succeededFuture(head) : windowRest(room, head, to, keep)) : span;
  }

  /**
   * The rest {@code [head.next, to)} of a window that the broker cut at a gap: where the rest starts later than
   * asked and the log's first offset is now past the gap, the gap was dropped, and so was everything before it
   * (retention drops the oldest first): the window is what a read of it now gets, the rest alone. Otherwise the gap
   * held no message, and the window is both parts.
   */
  private Future<Span> windowRest(String room, Span head, long to, int keep) {
    long gap = head.next();
    return read(room, gap, to, keep, true).compose(tail -> tail.firstSeq() >= 0 && tail.firstSeq() <= gap
      ? Future.succeededFuture(joined(head, tail, keep, true))
      : first(true).map(first -> first > gap ? tail : joined(head, tail, keep, true)));
  }

  /** Attempts of one read until {@code deadline}, a moment apart ({@link #RETRY_MS}, doubled each time). */
  private Future<Span> retried(String room, long from, long to, int keep, boolean newest, boolean mayFilter, long deadline,
                               int tries) {
    return attempt(room, from, to, keep, newest, mayFilter, deadline).recover(err -> {
      long pause = Math.min(RETRY_MS << Math.min(tries, 4), 500);
      if (stopped || System.currentTimeMillis() + pause >= deadline) {
        return Future.failedFuture(err);
      }
      log.debug("History read of seqs {} to {} failed, trying again: {}", from, to - 1, err.toString());
      Promise<Span> again = Promise.promise();
      vertx.setTimer(pause, t -> retried(room, from, to, keep, newest, mayFilter, deadline, tries + 1).onComplete(again));
      return again.future();
    });
  }

  /** {@code mayFilter}: the broker may filter this read, where it can (see {@link StreamFilter}). */
  private Future<Span> attempt(String room, long from, long to, int keep, boolean newest, boolean mayFilter, long deadline) {
    if (stopped) {
      return Future.failedFuture(new IllegalStateException("stopped"));
    }
    int prefetch = (int) Math.max(1, Math.min(MAX_PREFETCH, newest ? to - from + 1 : keep + 1L));
    return lane(prefetch).compose(lane -> {
      boolean filtered = room != null && StreamFilter.enabled(mayFilter, lane.channel.getConnection().getServerProperties());
      Read read = new Read(lane.channel, room, from, to, keep, newest, prefetch, filtered);
      long timer = vertx.setTimer(Math.max(1, deadline - System.currentTimeMillis()), t -> read.fail(new TimeoutException(
        "stream '" + stream + "' did not deliver seqs " + from + " to " + (to - 1) + " within " + readTimeoutMs + " ms ("
          + read.progress() + ")")));
      long quiet = filtered ? vertx.setPeriodic(FILTER_QUIET_MS / 4, t -> read.finishIfQuiet(FILTER_QUIET_MS))
        : vertx.setPeriodic(STALL_MS / 4, t -> read.failIfStalled(STALL_MS));
      Future<String> consuming = blocking(() -> {
        if (lane.prefetch != prefetch) {
          lane.channel.basicQos(prefetch);
          lane.prefetch = prefetch;
        }
        return lane.channel.basicConsume(stream, false, StreamFilter.consumerArguments(from, room, filtered), read);
      }).onSuccess(tag -> read.consuming()).onFailure(read::fail);
      Future<Span> result = read.promise.future();
      // The channel goes back to the pool once its consumer is cancelled, without holding up the answer.
      Future.join(consuming, result).onComplete(ar -> {
        vertx.cancelTimer(timer);
        vertx.cancelTimer(quiet);
        done(lane, consuming.succeeded() && result.succeeded() ? consuming.result() : null);
      });
      if (filtered) {
        return result.compose(span -> completeFiltered(read, span, room, from, to, keep, newest));
      }
      return result.onSuccess(span -> {
        if (from <= knownFirst || from == 0) { // the consumer started at the oldest offset held: that is `first`
          knownFirst = Math.max(knownFirst, span.firstSeq());
          firstFoundAt = System.currentTimeMillis();
        }
      });
    });
  }

  /**
   * What a filtered read answers: the rest of its range read without the filter when it stopped as quiet (the
   * broker may have skipped every chunk up to the range's end), and the first seq it would have met without the
   * filter when the filter hid it.
   */
  private Future<Span> completeFiltered(Read read, Span head, String room, long from, long to, int keep, boolean newest) {
    Future<Span> whole = !read.quiet || head.next() >= to
      ? Future.succeededFuture(head)
      : retried(room, head.next(), to, newest ? keep : keep - head.messages().size(), newest, false,
        System.currentTimeMillis() + readTimeoutMs, 0)
        .map(tail -> joined(head, tail, keep, newest));
    return whole.compose(span -> span.firstSeq() >= 0 && span.firstSeq() <= from
      ? Future.succeededFuture(span)
      : first(true).map(first -> new Span(span.messages(), Math.max(from, first), span.next(), span.matched())));
  }

  /** Two reads of one range, one after the other, as one. */
  static Span joined(Span head, Span tail, int keep, boolean newest) {
    List<ChatMessage> all = new ArrayList<>(head.messages());
    all.addAll(tail.messages());
    List<ChatMessage> messages = newest ? all.subList(Math.max(0, all.size() - keep), all.size())
      : all.subList(0, Math.min(keep, all.size()));
    return new Span(List.copyOf(messages), head.firstSeq() >= 0 ? head.firstSeq() : tail.firstSeq(), tail.next(),
      head.matched() + tail.matched());
  }

  /** Cancels the read's consumer and acks whatever it still has (tag 0, multiple: everything), or drops the channel. */
  private void done(Lane lane, String consumerTag) {
    if (consumerTag == null) {
      close(lane);
      return;
    }
    blocking(() -> {
      lane.channel.basicCancel(consumerTag);
      lane.channel.basicAck(0, true);
      return null;
    }).onComplete(ar -> {
      if (ar.succeeded() && !stopped && lane.channel.isOpen() && idle.size() < maxIdleChannels) {
        idle.push(lane);
      } else {
        close(lane);
      }
    });
  }

  private void close(Lane lane) {
    if (lane.channel.isOpen()) {
      blocking(() -> {
        lane.channel.abort();
        return null;
      });
    }
  }

  /** An idle channel, one whose prefetch is {@code prefetch} where there is one (no round trip to set it), or a new one. */
  private Future<Lane> lane(int prefetch) {
    idle.removeIf(lane -> !lane.channel.isOpen());
    Lane same = null;
    for (Lane lane : idle) {
      if (lane.prefetch == prefetch) {
        same = lane;
        break;
      }
    }
    Lane lane = same != null ? same : idle.peek();
    if (lane != null) {
      idle.remove(lane);
      return Future.succeededFuture(lane);
    }
    return connection().compose(c -> blocking(() -> {
      Channel channel = c.createChannel();
      if (channel == null) {
        throw new IOException("no channel left on the history connection");
      }
      return new Lane(channel);
    }));
  }

  private Future<Connection> connection() {
    if (connection != null && connection.isOpen()) {
      return Future.succeededFuture(connection);
    }
    if (connecting == null) {
      idle.clear(); // channels of a closed connection
      connecting = blocking(() -> broker.connect("history")).onComplete(ar -> {
        connecting = null;
        if (ar.succeeded()) {
          if (stopped) {
            ar.result().abort();
          } else {
            connection = ar.result();
          }
        } else {
          log.debug("History connection failed: {}", ar.cause().getMessage());
        }
      });
    }
    return connecting;
  }

  /** Off the event loop, unordered: history reads never wait behind each other's or anyone else's calls. */
  private <T> Future<T> blocking(Callable<T> call) {
    return vertx.executeBlocking(call, false);
  }

  /** A channel of the history connection, with the prefetch last set on it. */
  private static final class Lane {
    final Channel channel;
    int prefetch = -1;

    Lane(Channel channel) {
      this.channel = channel;
    }
  }

  /**
   * One consumer reading {@code [from, to)}: collects the chat messages of its room (filtered here, by the
   * {@code room} header, also when the broker filters: its filter is probabilistic per chunk) (the oldest {@code keep}, or with
   * {@code newest} the newest {@code keep}) and finishes at the first delivery at or beyond {@code to - 1}, or as
   * soon as it has the oldest {@code keep}. Deliveries of one channel come one at a time, on a client thread.
   */
  private final class Read extends DefaultConsumer {

    final Promise<Span> promise = Promise.promise();
    private final String room;
    private final long from;
    private final long to;
    private final int keep;
    private final boolean newest;
    private final int prefetch;
    private final int ackEvery;
    /** The broker skips chunks of other rooms: offsets jump by design. */
    private final boolean filtered;
    private final ArrayDeque<ChatMessage> kept = new ArrayDeque<>();
    private final AtomicBoolean finished = new AtomicBoolean();
    private long firstSeq = -1;
    private volatile long lastSeq = -1;
    private volatile int deliveries;
    private long next;
    private int matched;
    private int unacked;
    private long firstTag = -1;
    private long ackedTag = -1;
    /** When the consumer started, or got its last delivery (0: not started); for a filtered read. */
    private volatile long lastActivity;
    /** Finished because nothing came for a while (a filtered read), not because it reached its range's end. */
    volatile boolean quiet;

    Read(Channel channel, String room, long from, long to, int keep, boolean newest, int prefetch, boolean filtered) {
      super(channel);
      this.filtered = filtered;
      this.room = room;
      this.from = from;
      this.to = to;
      this.keep = keep;
      this.newest = newest;
      this.prefetch = prefetch;
      this.ackEvery = Math.max(1, prefetch / 2);
      this.next = from;
    }

    void consuming() {
      lastActivity = System.currentTimeMillis();
    }

    /** Fails when nothing came for {@code stallMs} since the consumer started or the last delivery (see {@link #STALL_MS}). */
    void failIfStalled(long stallMs) {
      long last = lastActivity;
      if (last > 0 && System.currentTimeMillis() - last >= stallMs && !finished.get()) {
        fail(new TimeoutException("stream '" + stream + "' stopped delivering seqs " + from + " to " + (to - 1) + " for "
          + stallMs + " ms (" + progress() + ")"));
      }
    }

    /** Finishes with what it has when nothing came for {@code quietMs} since the consumer started or the last delivery. */
    synchronized void finishIfQuiet(long quietMs) {
      long last = lastActivity;
      if (last > 0 && System.currentTimeMillis() - last >= quietMs && !finished.get()) {
        quiet = true;
        finish();
      }
    }

    @Override
    public synchronized void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) throws IOException {
      lastActivity = System.currentTimeMillis();
      Long seq = StreamEnd.offset(props);
      if (seq != null && seq >= to) {
        pastRanges.increment();
      }
      if (finished.get()) {
        return; // came before the cancel; acked with everything else when the read is done
      }
      deliveries++;
      if (seq == null) {
        fail(new IllegalStateException("'" + stream + "' is not a stream: a delivery without " + StreamEnd.OFFSET));
        return;
      }
      ackAsNeeded(envelope.getDeliveryTag(), seq);
      long previous = lastSeq;
      lastSeq = seq;
      if (previous >= 0 && seq != previous + 1 && !filtered) {
        log.debug("History read of '{}' from {}: offset {} came after {}", stream, from, seq, previous);
        if (seq <= previous) {
          fail(new IllegalStateException("stream '" + stream + "' went back from offset " + previous + " to " + seq));
          return;
        }
        if (previous >= from) {
          // The broker moved this consumer on (RabbitMQ 3.10 takes a reader at the end of a segment that retention
          // deleted to the log's new first offset): what lies between may have been dropped, or hold no message
          // (an entry of the broker's own). The read ends before the gap; the next read starts in it, and its
          // first delivery, with the log's first offset, tells which (as for any read).
          finish();
          return;
        }
        firstSeq = -1; // jumped over `from` before reaching it: where this read starts is here
      }
      if (firstSeq < 0) {
        firstSeq = seq;
      }
      if (seq < from) {
        return; // a broker may start at the beginning of the chunk that holds `from`
      }
      if (seq < to) {
        next = seq + 1;
        ChatMessage message = WireFormat.read(seq, props, body);
        if (message != null && (room == null || room.equals(message.room()))) {
          matched++;
          kept.addLast(message);
          if (newest && kept.size() > keep) {
            kept.removeFirst();
          }
          if (!newest && kept.size() >= keep) {
            finish();
            return;
          }
        }
      }
      if (seq >= to - 1) {
        next = to;
        finish();
      }
    }

    /**
     * Acks so that the stream keeps sending while the read needs more than the prefetch, but never past the range's
     * end: after an ack of delivery T the broker may send up to T + prefetch, and whatever it sends beyond
     * {@code to - 1} (until the cancel reaches it) it has read and sent for nothing. On RabbitMQ 3.10 that halved its
     * CPU per read of a 512-seq block (18 → 10 ms, prefetch 500). Counted in deliveries from the current one, so a jump
     * before {@code from} does not matter; a filtered read's offsets jump by design: it acks all it got.
     */
    private void ackAsNeeded(long tag, long seq) throws IOException {
      if (firstTag < 0) {
        firstTag = tag;
      }
      if (++unacked < ackEvery) {
        return;
      }
      long upTo = filtered ? seq : Math.min(seq, to - 1 - prefetch);
      long upToTag = tag - (seq - upTo);
      if (upToTag >= firstTag && upToTag > ackedTag) { // never a tag of the channel's earlier reads (acked already)
        getChannel().basicAck(upToTag, true);
        ackedTag = upToTag;
        unacked = (int) (tag - upToTag);
      }
    }

    @Override
    public void handleCancel(String consumerTag) {
      fail(new IllegalStateException("the broker cancelled the history read of '" + stream + "'"));
    }

    @Override
    public void handleShutdownSignal(String consumerTag, ShutdownSignalException sig) {
      fail(sig);
    }

    /** What the read got so far, for a read that timed out. */
    String progress() {
      return deliveries + " deliveries, seqs " + firstSeq + " to " + lastSeq;
    }

    private void finish() {
      if (finished.compareAndSet(false, true)) {
        Span span = new Span(List.copyOf(kept), firstSeq, next, matched);
        log.debug("History read of '{}' [{}, {}): {}, next {}", stream, from, to, progress(), next);
        context.runOnContext(v -> promise.tryComplete(span));
      }
    }

    void fail(Throwable err) {
      if (finished.compareAndSet(false, true)) {
        context.runOnContext(v -> promise.tryFail(err));
      }
    }
  }
}
