package messenger.testing;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import messenger.Addresses;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the chat page does, without a browser: listens on the bridge, and when the socket drops, connects
 * again (through whatever address it was given, e.g. a load balancer), registers, and fills the gap from
 * {@code /history?after=<last seq>}. Messages are kept by seq, shown once each (by id), as in chat.js.
 * Runs on a thread of its own until {@link #close()}.
 */
public final class ChatWindow implements AutoCloseable {

  private final Vertx vertx;
  private final User user;
  private final Thread thread;
  private final TreeMap<Long, JsonObject> shown = new TreeMap<>();
  private final Set<String> liveIds = new HashSet<>();
  private volatile BridgeClient socket;
  private volatile boolean closed;
  private int duplicates;
  private int reconnects;
  private long droppedAt = -1;
  private long resumedAfterNanos = -1;

  public ChatWindow(Vertx vertx, User user) {
    this.vertx = vertx;
    this.user = user;
    this.socket = connect();
    this.thread = new Thread(this::run, "chat-window-" + user.name);
    thread.setDaemon(true);
    thread.start();
  }

  private BridgeClient connect() {
    return BridgeClient.connect(vertx, user.baseUrl(), user.cookieHeader(), user.baseUrl()).register(Addresses.CHAT_MESSAGES);
  }

  private void run() {
    while (!closed) {
      try {
        if (socket.isClosed()) {
          reconnect();
        }
        for (JsonObject message : socket.messages(Integer.MAX_VALUE, 100)) {
          synchronized (this) {
            if (!liveIds.add(message.getString("id"))) {
              duplicates++;
            }
          }
          show(message);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        TestApp.sleep(100); // e.g. the load balancer has no instance to offer yet
      }
    }
  }

  private void reconnect() {
    synchronized (this) {
      if (droppedAt < 0) {
        droppedAt = System.nanoTime();
      }
    }
    try {
      socket.close();
    } catch (RuntimeException ignored) {
      // its instance is gone
    }
    socket = connect();
    synchronized (this) {
      reconnects++;
    }
    // As chat.js does after a reconnect: register first, then ask for what was missed meanwhile.
    long after = lastSeq();
    HttpResponse<String> res = user.get("/history?limit=200&after=" + after);
    if (res.statusCode() != 200) {
      throw new IllegalStateException("history: " + res.statusCode());
    }
    JsonArray missed = new JsonObject(res.body()).getJsonArray("messages");
    for (int i = 0; i < missed.size(); i++) {
      show(missed.getJsonObject(i));
    }
  }

  private synchronized void show(JsonObject message) {
    boolean isNew = shown.putIfAbsent(message.getLong("seq"), message) == null;
    if (isNew && droppedAt >= 0 && resumedAfterNanos < 0 && reconnects > 0) {
      resumedAfterNanos = System.nanoTime() - droppedAt;
    }
  }

  public synchronized long lastSeq() {
    return shown.isEmpty() ? -1 : shown.lastKey();
  }

  /** The ids shown, in seq order. */
  public synchronized List<String> ids() {
    return shown.values().stream().map(m -> m.getString("id")).toList();
  }

  public synchronized List<Long> seqs() {
    return new ArrayList<>(shown.keySet());
  }

  /** Messages that arrived on the bridge more than once (history that overlaps live messages is not counted). */
  public synchronized int duplicates() {
    return duplicates;
  }

  public synchronized int reconnects() {
    return reconnects;
  }

  /** The time from noticing the drop to showing the first new message after reconnecting, or -1. */
  public synchronized long resumedAfterMillis(long since) {
    return resumedAfterNanos < 0 ? -1 : (droppedAt + resumedAfterNanos - since) / 1_000_000;
  }

  public synchronized boolean resumed() {
    return resumedAfterNanos >= 0;
  }

  public String name() {
    return user.name;
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      socket.close();
    } catch (RuntimeException ignored) {
      // already gone with its instance
    }
  }
}
