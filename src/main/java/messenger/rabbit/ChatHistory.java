package messenger.rabbit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import messenger.Settings;
import messenger.bus.ChatRequests.HistoryPage;
import messenger.bus.ChatRequests.HistoryQuery;
import messenger.bus.ChatRequests.HistoryRefused;
import messenger.chat.ChatMessage;
import messenger.chat.History;
import messenger.chat.RoomHistories;
import messenger.chat.RateLimiter;
import messenger.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Answers {@code /history}: the whole chat log is the history, one room's messages at a time. A page comes from this instance's memory where it
 * holds the range, and from the {@link LogArchive} (the stream) beyond it, joined without a gap or a message
 * twice.
 *
 * <p>What memory holds, for each recently active room ({@link RoomHistories}): every message of the room the reader delivered from {@code memLo = }{@link History#coveredFrom()} up to
 * {@code memHi = }{@link ChatLog#nextSeq()}. Below {@code memLo} is the archive, from its first seq on; above
 * {@code memHi}, up to {@link ChatLog#knownEnd()}, is what the reader has not reached yet right after a start.
 * A page going forwards ({@code after}) reads the archive up to {@code memLo} and continues in memory; one going
 * backwards ({@code before}) reads windows of the archive, each starting {@code limit} seqs lower (then twice as
 * many, as seqs may carry no chat message), until it has {@code limit} messages or reached the log's first seq.
 * Everything runs on the owning verticle's event loop; the bounds move while a read is out, so each step looks
 * at them again.
 *
 * <p>{@code complete} and {@code expired} are said only when proven: the archive's first seq is only ever known
 * as a lower bound (the broker drops old segments at any time), and a page may say {@code complete: false} where
 * one more request would find nothing older.
 *
 * <p>Bounds: every session may ask {@code ratePerSecond} pages a second (429 beyond); a request that needs the
 * archive takes one of a few permits of the {@link ReadGate} for as long as it reads (503 {@code busy} when none
 * comes in time).
 */
final class ChatHistory {

  /** Refused: the answer the session gets instead of a page. */
  static final class Refused extends RuntimeException {
    final HistoryRefused answer;

    Refused(int status, String error, String message) {
      super(message, null, false, false);
      this.answer = new HistoryRefused(status, error, message);
    }
  }

  /** Windows grow for sparse stretches of the log, up to this many seqs per read. */
  private static final long MAX_WINDOW = 10_000;
  private static final long LIMITER_SWEEP_MS = 60_000;

  private static final Logger log = LoggerFactory.getLogger(ChatHistory.class);

  private final Vertx vertx;
  private final RoomHistories memory;
  private final ChatLog chatLog;
  private final LogArchive archive;
  private final ReadGate gate;
  private final Settings.History settings;
  private final Metrics metrics;
  private final Map<String, RateLimiter> limits = new HashMap<>();
  private final long sweeper;

  ChatHistory(Vertx vertx, RoomHistories memory, ChatLog chatLog, Settings.History settings, Metrics metrics) {
    this.vertx = vertx;
    this.memory = memory;
    this.chatLog = chatLog;
    this.archive = chatLog.archive();
    this.settings = settings;
    this.metrics = metrics;
    this.gate = new ReadGate(vertx, settings.maxConcurrentReads(), settings.maxQueuedReads(), settings.queueTimeoutMs(),
      metrics::historyReads);
    this.sweeper = vertx.setPeriodic(LIMITER_SWEEP_MS, t -> {
      long now = System.currentTimeMillis();
      limits.values().removeIf(limiter -> limiter.isFull(now));
    });
  }

  /** A page, or a failure with {@link Refused}. */
  Future<HistoryPage> page(HistoryQuery query) {
    long now = System.currentTimeMillis();
    if (!limits.computeIfAbsent(query.session(), s -> new RateLimiter(settings.ratePerSecond(), settings.rateBurst(), now))
      .tryAcquire(now)) {
      return refuse(new Refused(429, "too_fast", "Too many history requests; wait a moment."));
    }
    long end = chatLog.knownEnd();
    if (end < 0) {
      return refuse(new Refused(503, "unavailable", "The chat log is not available yet; try again."));
    }
    Request request = new Request(query.room(), query.limit());
    long started = System.nanoTime();
    Future<HistoryPage> page = switch (query.direction()) {
      case AFTER -> after(request, query.seq() + 1);
      case NEWEST -> before(request, end);
      case BEFORE -> query.seq() <= end ? before(request, query.seq())
        : Future.failedFuture(new Refused(503, "unavailable", "This server has not read that far in the chat log yet; try again in a moment."));
    };
    return page
      .onComplete(ar -> request.release())
      .onSuccess(p -> metrics.historyPage(request.readArchive ? "stream" : "memory", System.nanoTime() - started))
      .onFailure(err -> {
        if (!(err instanceof Refused) && !(err instanceof ReadGate.Busy)) {
          log.warn("A history page could not be read: {}", err.toString());
        }
      })
      .recover(err -> refuse(err instanceof Refused refused ? refused
        : err instanceof ReadGate.Busy ? new Refused(503, "busy", "Many people are reading older messages right now; try again in a moment.")
        : new Refused(503, "unavailable", "Older messages cannot be read from the message broker right now; try again.")));
  }

  /** What a failed {@link #page} answers. */
  static HistoryRefused refusal(Throwable failure) {
    return failure instanceof Refused refused ? refused.answer
      : new HistoryRefused(503, "unavailable", "The history cannot be read right now; try again.");
  }

  Future<Void> stop() {
    vertx.cancelTimer(sweeper);
    return archive.stop();
  }

  private Future<HistoryPage> refuse(Refused refused) {
    metrics.historyRefused(refused.answer.error());
    return Future.failedFuture(refused);
  }

  /** The {@code limit} oldest messages from {@code from} on. */
  private Future<HistoryPage> after(Request request, long from) {
    long provenStart = provenStart(request);
    Forward forward = new Forward(request);
    return forward.from(from).map(v -> request.page(request.taken,
      forward.expired || from <= provenStart, forward.expired));
  }

  /** The {@code limit} newest messages below {@code below}. */
  private Future<HistoryPage> before(Request request, long below) {
    Back back = new Back(request, below);
    return back.step().map(v -> {
      List<ChatMessage> ascending = new ArrayList<>(request.taken);
      Collections.reverse(ascending);
      boolean expired = back.complete && back.logStart > archive.origin() && below > archive.origin();
      return request.page(ascending, back.complete, expired);
    });
  }

  /** Where the room's memory begins: the reader's position when it holds nothing. */
  private long memLo(Request request) {
    return Math.min(request.memory().coveredFrom(), chatLog.nextSeq());
  }

  /**
   * At most the log's first seq, known without asking the broker: the archive's last known first seq, or where
   * memory begins if lower; {@link Long#MIN_VALUE} when nothing is known.
   */
  private long provenStart(Request request) {
    long first = archive.knownFirst();
    return first < 0 ? Long.MIN_VALUE : Math.min(first, memLo(request));
  }

  /** One request: its room, the messages taken so far (each id once) and the archive permit, once it needed one. */
  private final class Request {
    final String room;
    final int limit;
    final List<ChatMessage> taken = new ArrayList<>();
    private final Set<String> ids = new HashSet<>();
    private boolean permit;
    boolean readArchive;

    Request(String room, int limit) {
      this.room = room;
      this.limit = limit;
    }

    /** The room's memory now: looked up at every step, as the room may lose it while a read is out. */
    History memory() {
      return memory.of(room);
    }

    int need() {
      return limit - taken.size();
    }

    /** Takes a message unless the page has it already (a retried send that the broker stored twice). */
    void take(ChatMessage message) {
      if (taken.size() < limit && ids.add(message.id())) {
        taken.add(message);
      }
    }

    /** The archive, once this request holds a read permit. */
    Future<LogArchive> archive() {
      if (permit) {
        return Future.succeededFuture(archive);
      }
      return gate.acquire().map(v -> {
        permit = true;
        readArchive = true;
        return archive;
      });
    }

    void release() {
      if (permit) {
        permit = false;
        gate.release();
      }
    }

    HistoryPage page(List<ChatMessage> messages, boolean complete, boolean expired) {
      JsonArray json = new JsonArray(new ArrayList<>(messages.size()));
      messages.forEach(m -> json.add(m.toJson()));
      return new HistoryPage(json, complete, expired);
    }
  }

  /** A page going forwards: archive below memory, then memory, then what the reader has not reached yet. */
  private final class Forward {
    final Request request;
    boolean expired;

    Forward(Request request) {
      this.request = request;
    }

    Future<Void> from(long seq) {
      int need = request.need();
      long memHi = chatLog.nextSeq();
      long memLo = memLo(request);
      long end = chatLog.knownEnd();
      if (need == 0 || seq >= end) {
        return Future.succeededFuture();
      }
      if (seq >= memLo && seq < memHi) {
        request.memory().from(seq, Integer.MAX_VALUE).forEach(request::take);
        return from(memHi);
      }
      if (seq >= memHi) { // the reader has not got this far yet (it is catching up after its start)
        return request.archive().compose(a -> a.forward(request.room, seq, end, need)).compose(span -> {
          span.messages().forEach(request::take);
          return from(span.next());
        });
      }
      return request.archive().compose(a -> a.first(false)).compose(first -> {
        long start = Math.min(first, memLo);
        if (seq < start) { // dropped from the log (and not in memory): go on from the oldest kept
          expired = true;
          return from(start);
        }
        return archive.forward(request.room, seq, memLo, need).compose(span -> {
          span.messages().forEach(request::take);
          if (span.firstSeq() <= seq) {
            return from(span.next());
          }
          // Nothing from `seq` to the first seq read: a gap, or dropped a moment ago. Asking the first seq tells.
          return archive.first(true).compose(fresh -> {
            expired |= seq < fresh;
            return from(span.next());
          });
        });
      });
    }
  }

  /** A page going backwards, newest first: {@code hi} is the seq below which it goes on. */
  private final class Back {
    final Request request;
    long hi;
    /** Windows span {@code need × spread} seqs; doubled while they come back short (seqs without a chat message). */
    long spread = 1;
    /** The last range read was taken whole: nothing in it is left below what was taken. */
    boolean whole = true;
    boolean complete;
    long logStart;

    Back(Request request, long below) {
      this.request = request;
      this.hi = below;
    }

    Future<Void> step() {
      long memHi = chatLog.nextSeq();
      long memLo = memLo(request);
      if (hi <= archive.origin()) { // nothing was ever older
        return reached(archive.origin());
      }
      int need = request.need();
      if (need == 0) {
        long proven = provenStart(request);
        return whole && hi <= proven ? reached(proven) : Future.succeededFuture();
      }
      if (hi > memHi) { // the reader has not got this far yet (it is catching up after its start)
        long lo = Math.max(memHi, hi - width(need));
        return request.archive().compose(a -> a.window(request.room, lo, hi, need)).compose(span -> {
          took(span, lo, need);
          return step();
        });
      }
      if (hi > memLo) {
        History memory = request.memory();
        List<ChatMessage> newest = memory.below(hi, need);
        for (int i = newest.size() - 1; i >= 0; i--) {
          request.take(newest.get(i));
        }
        whole = newest.size() < need || newest.get(0).seq() == memory.oldestSeq();
        hi = whole ? memLo : newest.get(0).seq();
        return step();
      }
      return request.archive().compose(a -> a.first(false)).compose(first -> {
        if (hi <= first) {
          return reached(Math.min(first, memLo));
        }
        long lo = Math.max(first, hi - width(need));
        return archive.window(request.room, lo, hi, need).compose(span -> {
          took(span, lo, need);
          if (lo <= first && whole) { // read from the first seq held: the broker started at it
            return reached(span.firstSeq());
          }
          // A window without a message that starts below its first delivery may lie below the log's start (or in a
          // gap): the first seq, asked again, says whether the next step is done.
          boolean belowStart = span.matched() == 0 && span.firstSeq() > lo;
          return (belowStart ? archive.first(true) : Future.succeededFuture()).compose(v -> step());
        });
      });
    }

    /** Takes a window's messages, newest first; goes on below the window, or below what it kept of it. */
    private void took(LogArchive.Span span, long lo, int need) {
      List<ChatMessage> messages = span.messages();
      for (int i = messages.size() - 1; i >= 0; i--) {
        request.take(messages.get(i));
      }
      whole = span.matched() == messages.size();
      hi = whole || messages.isEmpty() ? lo : messages.get(0).seq();
      if (messages.size() < need && need * spread < MAX_WINDOW) {
        spread *= 2;
      }
    }

    private long width(int need) {
      return Math.min(MAX_WINDOW, need * spread);
    }

    private Future<Void> reached(long start) {
      complete = true;
      logStart = start;
      return Future.succeededFuture();
    }
  }
}
