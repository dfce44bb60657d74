package messenger.chat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * The newest messages of the chat log, in log order, bounded in size. It holds every message its reader
 * delivered from {@link #coveredFrom()} on, so a page within that range needs nothing else. Used from one
 * thread only.
 */
public final class History {

  private final int capacity;
  private final ArrayDeque<ChatMessage> messages;
  /** The seq after the newest message dropped to make room, or -1 while none was. */
  private long droppedBelow = -1;

  public History(int capacity) {
    this.capacity = capacity;
    this.messages = new ArrayDeque<>(capacity);
  }

  public void add(ChatMessage message) {
    if (messages.size() == capacity) {
      droppedBelow = messages.removeFirst().seq() + 1;
    }
    messages.addLast(message);
  }

  /**
   * From this seq on, every message that was added is still here: the oldest one's seq, or the seq after the last
   * one dropped (seqs between messages may hold nothing); {@link Long#MAX_VALUE} while nothing was added.
   */
  public long coveredFrom() {
    if (droppedBelow >= 0) {
      return droppedBelow;
    }
    return messages.isEmpty() ? Long.MAX_VALUE : messages.getFirst().seq();
  }

  /** The {@code limit} oldest messages with {@code seq >= from}, ascending. */
  public List<ChatMessage> from(long from, int limit) {
    List<ChatMessage> page = new ArrayList<>(Math.min(limit, messages.size()));
    for (ChatMessage m : messages) {
      if (page.size() == limit) {
        break;
      }
      if (m.seq() >= from) {
        page.add(m);
      }
    }
    return page;
  }

  /** The {@code limit} newest messages with {@code seq < below}, ascending. */
  public List<ChatMessage> below(long below, int limit) {
    List<ChatMessage> page = new ArrayList<>(Math.min(limit, messages.size()));
    for (Iterator<ChatMessage> it = messages.descendingIterator(); it.hasNext() && page.size() < limit; ) {
      ChatMessage m = it.next();
      if (m.seq() < below) {
        page.add(m);
      }
    }
    Collections.reverse(page);
    return page;
  }

  /** The seq of the oldest message held, or {@link Long#MAX_VALUE} when there is none. */
  public long oldestSeq() {
    return messages.isEmpty() ? Long.MAX_VALUE : messages.getFirst().seq();
  }

  public int size() {
    return messages.size();
  }
}
