package messenger.rabbit;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether this instance's chat-log reader makes progress, and what it has read back of this instance's own
 * messages. On a RabbitMQ cluster a stream consumer that subscribes on a node whose replica has not restarted
 * yet gets consume-ok and then nothing, without a cancel: only the evidence that there is something to read
 * shows it. The reader is <em>stalled</em> when it is known to be behind, by either
 * <ul>
 *   <li>a message this instance published and the broker confirmed, not read back, or</li>
 *   <li>an end of the log, seen on another connection, beyond the reader's last offset,</li>
 * </ul>
 * and it has read nothing for {@code stallMs} since it learned that (or since it subscribed). The reader then
 * says it does not run, so its {@link Supervisor} connects again (to a random node) and it resumes at its last
 * offset + 1. An idle chat is never stalled.
 *
 * <p>The same read-back settles a send whose confirm was lost with the connection to a failed node: the message
 * is in the log exactly when the reader reads it ({@link #awaitRead}). Used on one event loop only.
 */
public final class ReaderProgress {

  /** Own messages kept at most, oldest dropped first: a bound for a reader that never recovers. */
  private static final int MAX_PENDING = 10_000;

  private final long stallMs;
  private final Map<String, Promise<Void>> awaited = new HashMap<>();
  /** Confirmed own messages not read yet, by confirmation time, oldest first. */
  private final LinkedHashMap<String, Long> confirmedUnread = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > MAX_PENDING;
    }
  };
  private long lastRead = -1;
  private long activeAt;
  /** An end of the log seen beyond the reader, and when; -1 when the reader had reached it. */
  private long endAhead = -1;
  private long endAheadSince;

  public ReaderProgress(long stallMs, long now) {
    this.stallMs = stallMs;
    this.activeAt = now;
  }

  /** Completes when the reader reads the message {@code id}; never fails (the caller bounds the wait). */
  public Future<Void> awaitRead(String id) {
    return awaited.computeIfAbsent(id, k -> Promise.promise()).future();
  }

  /** The broker confirmed the message {@code id} (its send is settled): now the reader must read it. */
  public void confirmed(String id, long now) {
    if (awaited.remove(id) != null) {
      confirmedUnread.put(id, now);
    }
  }

  /** The send of {@code id} is settled without a read-back (refused): stop waiting for it. */
  public void forget(String id) {
    awaited.remove(id);
    confirmedUnread.remove(id);
  }

  /** The reader (re)subscribed; {@code resumes}: false when what was published before is not coming (a new queue). */
  public void subscribed(boolean resumes, long now) {
    activeAt = now;
    if (!resumes) {
      confirmedUnread.clear();
      awaited.clear(); // their sends are settled by their confirm or its timeout
    }
  }

  /** The reader received a delivery: the message {@code id} (null: not a chat message), and is at {@code position}. */
  public void read(String id, long position, long now) {
    activeAt = now;
    lastRead = Math.max(lastRead, position);
    if (endAhead >= 0 && lastRead >= endAhead) {
      endAhead = -1;
    }
    if (id != null) {
      confirmedUnread.remove(id);
      Promise<Void> waiting = awaited.remove(id);
      if (waiting != null) {
        waiting.complete();
      }
    }
  }

  /** A probe on another connection saw the log end at {@code end} (-1: saw nothing). */
  public void endSeen(long end, long now) {
    if (end > lastRead && endAhead < 0) {
      endAhead = end;
      endAheadSince = now;
    }
  }

  /** Known to be behind, and nothing read for {@code stallMs} since it was known. */
  public boolean stalled(long now) {
    long behindSince = Long.MAX_VALUE;
    if (!confirmedUnread.isEmpty()) {
      behindSince = confirmedUnread.values().iterator().next();
    }
    if (endAhead >= 0) {
      behindSince = Math.min(behindSince, endAheadSince);
    }
    return behindSince != Long.MAX_VALUE && now - Math.max(behindSince, activeAt) > stallMs;
  }
}
