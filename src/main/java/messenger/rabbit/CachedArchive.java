package messenger.rabbit;

import io.vertx.core.Future;
import messenger.chat.ChatMessage;
import messenger.metrics.Metrics;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stream's reads for {@code /history}, by aligned blocks of {@link #BLOCK} seqs, the most recently used kept in
 * memory. A person scrolling back asks one page of 50 after another; read straight from the stream, every page is a
 * consumer of its own, and the broker starts each at the beginning of the chunk that holds its offset (a chunk holds
 * what was written together: thousands of messages after a busy moment), so a page could cost the broker the reading
 * of a whole chunk. A block read once serves the next pages of that scroll, and everyone reading near it, from memory.
 *
 * <p>A block holds every room's messages: one read serves every room's pages in that stretch of the log. Only blocks
 * that lie wholly below the caller's {@code to} are read (the caller bounds {@code to} by the log's known end, so
 * every seq of such a block exists; a kept block serves any range it covers); the rest of a range, and a read that already fetched
 * {@link #MAX_BLOCK_READS} blocks (a sparse room over a long stretch), go to the stream as they are. A stream never
 * changes a message and only drops the oldest: a block is kept only when the log held all of it, and used while it is
 * above the oldest seq known to be held and younger than {@link #MAX_AGE_MS} (retention may have dropped it since;
 * the age bounds how long a dropped block can still be served).
 */
final class CachedArchive implements LogArchive {

  static final int BLOCK = 512;
  static final int MAX_BLOCK_READS = 4;
  static final long MAX_AGE_MS = 60_000;

  private final LogArchive stream;
  private final Metrics metrics;
  private final Map<Long, Cached> blocks;

  /** What one block of the log held, every room's messages ascending; {@code firstSeq} the first seq the log delivered. */
  private record Block(List<ChatMessage> messages, long firstSeq) {
  }

  private record Cached(Future<Block> block, long readAt) {
  }

  CachedArchive(LogArchive stream, int maxBlocks, Metrics metrics) {
    this.stream = stream;
    this.metrics = metrics;
    this.blocks = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, Cached> eldest) {
        return size() > maxBlocks;
      }
    };
  }

  @Override
  public long origin() {
    return stream.origin();
  }

  @Override
  public Future<Long> first(boolean fresh) {
    return stream.first(fresh);
  }

  @Override
  public long knownFirst() {
    return stream.knownFirst();
  }

  @Override
  public Future<Span> forward(String room, long from, long to, int limit) {
    Scan scan = new Scan(room, to, limit, false);
    return scan.from(from).map(v -> scan.span());
  }

  @Override
  public Future<Span> window(String room, long from, long to, int keep) {
    Scan scan = new Scan(room, to, keep, true);
    return scan.from(from).map(v -> scan.span());
  }

  @Override
  public Future<Void> stop() {
    blocks.clear();
    return stream.stop();
  }

  /** The block starting at {@code start} when it is kept and still good, else null. */
  private Future<Block> kept(long start) {
    Cached cached = blocks.get(start);
    if (cached == null) {
      return null;
    }
    if (System.currentTimeMillis() - cached.readAt > MAX_AGE_MS || start < stream.knownFirst()) {
      blocks.remove(start);
      return null;
    }
    return cached.block;
  }

  /** Reads the block starting at {@code start}; readers of the same block meanwhile share the read. */
  private Future<Block> read(long start) {
    Future<Block> block = stream.window(null, start, start + BLOCK, BLOCK)
      .map(span -> new Block(span.messages(), span.firstSeq()));
    Cached cached = new Cached(block, System.currentTimeMillis());
    blocks.put(start, cached);
    block.onComplete(ar -> {
      if (ar.failed() || ar.result().firstSeq() > start) { // failed, or the log holds only part of it: not kept
        blocks.remove(start, cached);
      }
    });
    return block;
  }

  /**
   * One read of {@code [from, to)}: blocks from memory or the stream, then what is left straight from the stream. Keeps
   * the room's oldest {@code limit} messages (stopping there), or with {@code newest} the newest {@code limit} of the range.
   */
  private final class Scan {
    private final String room;
    private final long to;
    private final int limit;
    private final boolean newest;
    private final ArrayDeque<ChatMessage> kept = new ArrayDeque<>();
    private long firstSeq = -1;
    private long next;
    private int matched;
    private int blockReads;

    Scan(String room, long to, int limit, boolean newest) {
      this.room = room;
      this.to = to;
      this.limit = limit;
      this.newest = newest;
    }

    Future<Void> from(long seq) {
      next = Math.max(next, seq);
      if (seq >= to || full()) {
        return Future.succeededFuture();
      }
      long start = seq - Math.floorMod(seq, BLOCK);
      long end = start + BLOCK;
      Future<Block> block = kept(start);
      if (block == null && (end > to || blockReads >= MAX_BLOCK_READS)) {
        int want = newest ? limit : limit - kept.size();
        Future<Span> rest = newest ? stream.window(room, seq, to, want) : stream.forward(room, seq, to, want);
        return rest.compose(span -> startsWhereAsked(seq, span.firstSeq()).map(goOn -> {
          if (goOn) {
            matched += span.matched();
            span.messages().forEach(this::keep);
            next = span.next();
          }
          return null;
        }));
      }
      boolean reading = block == null;
      if (reading) {
        blockReads++;
        block = read(start);
      }
      metrics.historyBlock(reading ? "stream" : "memory");
      return block.compose(b -> startsWhereAsked(seq, b.firstSeq()).compose(goOn -> {
        if (!goOn) {
          return Future.succeededFuture();
        }
        for (ChatMessage message : b.messages()) {
          if (message.seq() >= to) {
            break;
          }
          if (message.seq() >= seq && (room == null || room.equals(message.room()))) {
            matched++;
            keep(message);
            if (full()) {
              next = message.seq() + 1;
              return Future.succeededFuture();
            }
          }
        }
        return from(Math.min(end, to));
      }));
    }

    /**
     * Whether the scan goes on with a read of {@code seq} on that began at {@code readFirst}. The scan's first read
     * says where the scan began (its caller looks at that). A later one that began above {@code seq} met a gap
     * inside the scan: one without messages, or, when the log's first offset is now past it, messages dropped
     * since the reads before it, and with them everything before (the oldest go first). Then a scan going forwards
     * ends before the gap, so that its caller's next read meets it and says it; a window is what a read of it now
     * gets: from the gap on.
     */
    private Future<Boolean> startsWhereAsked(long seq, long readFirst) {
      if (firstSeq < 0 || readFirst < 0) {
        firstSeq = firstSeq < 0 ? readFirst : firstSeq;
        return Future.succeededFuture(true);
      }
      if (readFirst <= seq) {
        return Future.succeededFuture(true);
      }
      return stream.first(true).map(first -> {
        if (first <= seq) {
          return true;
        }
        if (!newest) {
          next = seq;
          return false;
        }
        kept.clear();
        matched = 0;
        firstSeq = readFirst;
        return true;
      });
    }

    private boolean full() {
      return !newest && kept.size() >= limit;
    }

    private void keep(ChatMessage message) {
      kept.addLast(message);
      if (newest && kept.size() > limit) {
        kept.removeFirst();
      }
    }

    Span span() {
      return new Span(List.copyOf(kept), firstSeq, next, matched);
    }
  }
}
