package messenger.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.BasicProperties;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import messenger.Settings;
import messenger.broker.Broker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The instance's one confirmed publisher, shared by every user's publisher, on a connection of its own (a plain
 * RabbitMQ Java client connection with one channel in confirm mode).
 *
 * <p>Why not vertx-rabbitmq's {@code RabbitMQPublisher}: it writes one message at a time, each on a worker thread
 * ({@code RabbitMQClient.basicPublish} runs every call through {@code executeBlocking}), the next only once the
 * previous write is back on the event loop; each send crossed threads three times (event loop → worker → event
 * loop, and the confirm from the connection's reader thread to the event loop). Here the event loop publishes
 * itself: the connection is in the client's NIO mode ({@link Broker#connectNio}), so a publish only queues the
 * message's frames, and the client's I/O thread writes whatever has queued in one go: under load, many messages
 * per {@code write(2)} and TCP segment, which the broker reads at less CPU per message (README, Performance:
 * "Fourth round"). The confirms are the other hand-off (several that arrive together cross in one task).
 *
 * <p>Publishing never blocks the event loop: the client's queue would make it wait only when full (10 000
 * frames), and at most {@link #MAX_UNCONFIRMED} messages, a few frames each, are ever unconfirmed; what comes
 * beyond waits here, in order, until confirms make room. A broker that blocks publishers (memory or disk alarm)
 * gets nothing written until it unblocks. Every blocking step (connect, declare, confirm.select, close) runs on a
 * worker.
 *
 * <p>What it guarantees, all on the event loop of the verticle that created it:
 * <ul>
 *   <li>confirms are asynchronous and pipelined: many messages are unconfirmed at once;</li>
 *   <li>a send completes only after the broker's confirm (or once this instance's reader read the message from
 *   the log, see {@link #publish}); a nack fails it at once;</li>
 *   <li>messages are written in the order they were published, so each user's are in the log in their order;</li>
 *   <li>when the connection or the channel is lost, what was written and not confirmed is published again on the
 *   next connection, first and in its order, unless its send was answered meanwhile (read back: it is in the log;
 *   refused: its sender was told so and retries with the same id, or takes it back). A message may then be in the
 *   log twice (its confirm was lost, not the message): the reader drops a message id it has seen.</li>
 * </ul>
 */
final class ChatPublisher {

  /** At most this many messages unconfirmed at once; more wait here (in order) until confirms come. */
  static final int MAX_UNCONFIRMED = 128;

  /** How the publisher's connection learns what publishing needs on the broker (see {@link ChatLog#declare}). Blocks. */
  @FunctionalInterface
  interface Declaration {
    void declare(Connection connection) throws IOException;
  }

  /** A send refused by the broker (a nack). */
  static final class Nacked extends RuntimeException {
    Nacked(String id) {
      super("The broker refused message " + id + " (nack)", null, false, false);
    }
  }

  private static final Logger log = LoggerFactory.getLogger(ChatPublisher.class);

  private final Vertx vertx;
  private final Context context;
  private final Broker broker;
  private final Settings.Rabbit rabbit;
  private final Declaration topology;
  private final ReaderProgress readBack;

  /** Written on the current channel, not confirmed yet, in delivery-tag order. */
  private final ArrayDeque<Send> unconfirmed = new ArrayDeque<>();
  /** Accepted, not written yet: beyond the bound, while blocked, or written on a channel that was lost. In order. */
  private final ArrayDeque<Send> waiting = new ArrayDeque<>();
  /** Confirms from the client's I/O thread, handed to the event loop together. */
  private final ConcurrentLinkedQueue<Confirm> confirms = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean confirmsScheduled = new AtomicBoolean();

  private Connection connection;
  private Channel channel;
  /** Bumped when a connection is lost: what the older ones report is ignored. */
  private int generation;
  private boolean connecting;
  private boolean blocked;
  private boolean stopped;
  private int failedAttempts;
  private long reconnectTimer = -1;
  private long published;
  private int mostUnconfirmed;

  /** One message from {@link #publish} until its send is answered and it is off the wire. */
  private static final class Send {
    final String id;
    final AMQP.BasicProperties properties;
    final byte[] body;
    final Promise<Void> answer = Promise.promise();
    long tag;
    long timer;

    Send(String id, AMQP.BasicProperties properties, byte[] body) {
      this.id = id;
      this.properties = properties;
      this.body = body;
    }

    boolean answered() {
      return answer.future().isComplete();
    }
  }

  private record Confirm(int generation, long tag, boolean multiple, boolean ack) {
  }

  private record Link(Connection connection, Channel channel) {
  }

  /**
   * {@code topology} declares what publishing needs (see {@link ChatLog#declare(Connection)}); {@code readBack}: the
   * reader's progress, which settles a send whose confirm was lost. Call it on the event loop that publishes.
   */
  ChatPublisher(Vertx vertx, Broker broker, Settings.Rabbit rabbit, Declaration topology, ReaderProgress readBack) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.broker = broker;
    this.rabbit = rabbit;
    this.topology = topology;
    this.readBack = readBack;
  }

  /** Connects in the background, retrying until the broker answers and the topology is declared. */
  void start() {
    context.runOnContext(v -> connect());
  }

  /** Connected, with the topology declared and the channel open. */
  boolean isReady() {
    Channel current = channel;
    return current != null && current.isOpen();
  }

  /**
   * Completes once the broker confirmed the message, or once this instance's reader read it from the log: when
   * the node a connection was on fails, the confirms of the messages it had passed on are lost, though a
   * surviving replica may well have stored them; and what was not confirmed is published again on the next
   * connection, which the reader then reads. Fails at once on a nack, and when neither came within
   * {@code sendTimeoutMs} (the confirm's {@code confirmTimeoutMs}, then {@code readerStallMs} +
   * {@code reconnectIntervalMs}, time for a reader found stalled meanwhile to reconnect and read); the caller
   * reports failure, and the client's retry reuses the id. Call it on the publisher's event loop.
   */
  Future<Void> publish(BasicProperties properties, Buffer body) {
    Send send = new Send(properties.getMessageId(), (AMQP.BasicProperties) properties, body.getBytes());
    readBack.awaitRead(send.id).onSuccess(v -> send.answer.tryComplete());
    send.timer = vertx.setTimer(rabbit.sendTimeoutMs(), t -> send.answer.tryFail(
      new IllegalStateException("Neither confirmed nor read back within " + rabbit.sendTimeoutMs() + " ms")));
    Future<Void> answered = send.answer.future().onComplete(ar -> {
      vertx.cancelTimer(send.timer);
      if (ar.failed()) {
        readBack.forget(send.id);
      }
    });
    if (stopped) {
      send.answer.tryFail(new IllegalStateException("The publisher is stopped"));
      return answered;
    }
    waiting.add(send);
    pump();
    return answered;
  }

  /** Messages written and not confirmed yet, now. */
  int unconfirmed() {
    return unconfirmed.size();
  }

  /** The most messages that were unconfirmed at once. */
  int mostUnconfirmed() {
    return mostUnconfirmed;
  }

  /** Messages written to a channel, counting each time one was published again. */
  long published() {
    return published;
  }

  Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(reconnectTimer);
    generation++;
    channel = null;
    Connection last = connection;
    connection = null;
    for (Send send : waiting) {
      send.answer.tryFail(new IllegalStateException("The publisher stopped"));
    }
    for (Send send : unconfirmed) {
      send.answer.tryFail(new IllegalStateException("The publisher stopped"));
    }
    waiting.clear();
    unconfirmed.clear();
    return close(last);
  }

  /** Writes what waits, in order, as far as the bound lets it. */
  private void pump() {
    while (!waiting.isEmpty() && writable()) {
      Send send = waiting.poll();
      if (send.answered()) {
        continue; // read back (it is in the log) or refused (its sender knows): not again
      }
      if (!write(send)) {
        return;
      }
    }
  }

  private boolean writable() {
    if (channel == null || blocked) {
      return false;
    }
    return unconfirmed.size() < MAX_UNCONFIRMED;
  }

  private boolean write(Send send) {
    Channel current = channel;
    long tag = current.getNextPublishSeqNo();
    try {
      current.basicPublish(rabbit.exchange(), "", false, send.properties, send.body);
    } catch (IOException | AlreadyClosedException e) {
      waiting.addFirst(send);
      lost(generation, e);
      return false;
    }
    send.tag = tag;
    unconfirmed.add(send);
    published++;
    mostUnconfirmed = Math.max(mostUnconfirmed, unconfirmed.size());
    return true;
  }

  /** On the client's I/O thread (it reads the connection): queues the confirm and hands the queue to the event loop once. */
  private void confirmArrived(Confirm confirm) {
    confirms.add(confirm);
    if (confirmsScheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> takeConfirms());
    }
  }

  private void takeConfirms() {
    confirmsScheduled.set(false);
    Confirm confirm;
    while ((confirm = confirms.poll()) != null) {
      if (confirm.generation() == generation) {
        settle(confirm);
      }
    }
    pump();
  }

  private void settle(Confirm confirm) {
    if (confirm.multiple()) {
      while (!unconfirmed.isEmpty() && unconfirmed.peek().tag <= confirm.tag()) {
        settled(unconfirmed.poll(), confirm.ack());
      }
      return;
    }
    for (Iterator<Send> it = unconfirmed.iterator(); it.hasNext(); ) {
      Send send = it.next();
      if (send.tag == confirm.tag()) {
        it.remove();
        settled(send, confirm.ack());
        return;
      }
      if (send.tag > confirm.tag()) {
        return;
      }
    }
  }

  private void settled(Send send, boolean ack) {
    if (ack) {
      readBack.confirmed(send.id, System.currentTimeMillis());
      send.answer.tryComplete();
    } else {
      send.answer.tryFail(new Nacked(send.id));
    }
  }

  /**
   * The connection or the channel of {@code lostGeneration} is gone: what it had not confirmed goes first in line,
   * in its order, for the next connection.
   */
  private void lost(int lostGeneration, Throwable cause) {
    if (lostGeneration != generation || stopped) {
      return;
    }
    generation++;
    Connection old = connection;
    connection = null;
    channel = null;
    blocked = false;
    if (!unconfirmed.isEmpty()) {
      log.warn("Publisher connection lost ({}) with {} messages unconfirmed: publishing them again on the next connection",
        cause.getMessage(), unconfirmed.size());
    } else {
      log.warn("Publisher connection lost ({})", cause.getMessage());
    }
    for (Iterator<Send> it = unconfirmed.descendingIterator(); it.hasNext(); ) {
      waiting.addFirst(it.next());
    }
    unconfirmed.clear();
    confirms.clear();
    close(old);
    connect();
  }

  private void connect() {
    if (stopped || connecting) {
      return;
    }
    connecting = true;
    int attempt = generation;
    vertx.executeBlocking(() -> open(attempt), false).onComplete(ar -> {
      connecting = false;
      if (ar.failed()) {
        if (failedAttempts++ == 0) { // once per outage, not once per attempt
          log.warn("Publisher cannot connect or declare ({}); retrying every {} ms", ar.cause().getMessage(),
            rabbit.reconnectIntervalMs());
        }
        if (!stopped) {
          reconnectTimer = vertx.setTimer(rabbit.reconnectIntervalMs(), t -> connect());
        }
        return;
      }
      Link link = ar.result();
      if (stopped || attempt != generation) { // stopped, or lost while connecting: again
        close(link.connection());
        connect();
        return;
      }
      if (failedAttempts > 0) {
        log.info("Publisher connected again after {} failed attempts", failedAttempts);
      }
      failedAttempts = 0;
      connection = link.connection();
      channel = link.channel();
      pump();
    });
  }

  /** On a worker: a connection with the topology declared and a channel in confirm mode. */
  private Link open(int attempt) throws Exception {
    Connection opened = broker.connectNio("publisher");
    try {
      topology.declare(opened);
      Channel confirming = opened.createChannel();
      confirming.confirmSelect();
      confirming.addConfirmListener(
        (tag, multiple) -> confirmArrived(new Confirm(attempt, tag, multiple, true)),
        (tag, multiple) -> confirmArrived(new Confirm(attempt, tag, multiple, false)));
      // Runs at once when the channel or connection is already closed.
      confirming.addShutdownListener(cause -> context.runOnContext(v -> lost(attempt, cause)));
      opened.addShutdownListener(cause -> context.runOnContext(v -> lost(attempt, cause)));
      opened.addBlockedListener(
        reason -> context.runOnContext(v -> blocked(attempt, true, reason)),
        () -> context.runOnContext(v -> blocked(attempt, false, null)));
      return new Link(opened, confirming);
    } catch (Exception e) {
      opened.abort(1000);
      throw e;
    }
  }

  /** The broker stopped reading publishers' connections (a resource alarm), or started again. */
  private void blocked(int ofGeneration, boolean isBlocked, String reason) {
    if (ofGeneration != generation) {
      return;
    }
    blocked = isBlocked;
    if (isBlocked) {
      log.warn("The broker blocks publishing ({}): messages wait until it unblocks or their send times out", reason);
    } else {
      log.info("The broker unblocked publishing");
      pump();
    }
  }

  private Future<Void> close(Connection old) {
    if (old == null) {
      return Future.succeededFuture();
    }
    return vertx.<Void>executeBlocking(() -> {
      if (old.isOpen()) {
        old.close(1000);
      }
      return null;
    }, false).otherwiseEmpty();
  }
}
