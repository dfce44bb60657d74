package messenger.chat;

import io.vertx.core.json.JsonArray;

import java.util.ArrayDeque;
import java.util.Iterator;

/** The newest messages of the chat log, in log order, bounded in size. Used from one thread only. */
public final class History {

  private final int capacity;
  private final ArrayDeque<ChatMessage> messages;

  public History(int capacity) {
    this.capacity = capacity;
    this.messages = new ArrayDeque<>(capacity);
  }

  public void add(ChatMessage message) {
    if (messages.size() == capacity) {
      messages.removeFirst();
    }
    messages.addLast(message);
  }

  /**
   * Messages with {@code seq > after} (the oldest of them first, at most {@code limit}), or, when
   * {@code after} is negative, the newest {@code limit} messages; ascending by seq either way.
   */
  public JsonArray query(long after, int limit) {
    JsonArray result = new JsonArray();
    if (after < 0) {
      int skip = Math.max(0, messages.size() - limit);
      Iterator<ChatMessage> it = messages.iterator();
      for (int i = 0; it.hasNext(); i++) {
        ChatMessage m = it.next();
        if (i >= skip) {
          result.add(m.toJson());
        }
      }
      return result;
    }
    for (ChatMessage m : messages) {
      if (m.seq() > after) {
        result.add(m.toJson());
        if (result.size() == limit) {
          break;
        }
      }
    }
    return result;
  }

  public int size() {
    return messages.size();
  }
}
