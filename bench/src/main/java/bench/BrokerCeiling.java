package bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The broker alone at its ingest ceiling: the most confirmed messages a second that RabbitMQ takes into a stream
 * and hands back to one reader on this machine, with nothing of the app in the way. It bounds what any instance's
 * send path can reach (issue #17, item 3; issue #16's rooms, which take a send per delivery to a room).
 *
 * <p>It does the broker's share of a send as the app does: the app's message properties through a fanout exchange
 * into a stream, confirms pipelined with at most {@link #MAX_UNCONFIRMED} outstanding (the app's publisher window),
 * one consumer with the app's prefetch; once acking every message and once acking many at a time. The offered rate
 * is open loop (message i is due at {@code t0 + i / rate}; a full window delays what is due, and that counts) and
 * doubles from {@code --broker-ceiling-start} until a step fails, then the bracket is halved to
 * {@code --knee-precision}. A step passes when every message was confirmed and read back and p99 due → read is
 * within 100 ms. Reported: the knee, and the broker's CPU there, per million messages and in cores.
 */
final class BrokerCeiling {

  private static final int MAX_UNCONFIRMED = 128;
  private static final int PREFETCH = 500;
  private static final long DRAIN_MS = 10_000;

  private BrokerCeiling() {
  }

  static JsonObject measure(Options options, long brokerPid) throws Exception {
    JsonObject result = new JsonObject();
    for (int ackEvery : List.of(1, PREFETCH / 2)) {
      result.put(ackEvery == 1 ? "ackEach" : "ackEvery" + ackEvery, search(options, brokerPid, ackEvery));
    }
    Bench.log("== broker alone, ingest ceiling: %s", result.encode());
    return result;
  }

  private static JsonObject search(Options options, long brokerPid, int ackEvery) throws Exception {
    JsonArray steps = new JsonArray();
    JsonObject best = null;
    double pass = 0, fail = Double.MAX_VALUE;
    double rate = options.brokerCeilingStart;
    for (int i = 0; i < options.maxSteps && fail / Math.max(pass, 1) > 1 + options.kneePrecision; i++) {
      JsonObject step = step(options, brokerPid, ackEvery, rate);
      steps.add(step);
      if (step.getBoolean("passed")) {
        pass = rate;
        best = step;
      } else {
        fail = rate;
      }
      // Doubling until a failure, then bisecting (halving while nothing has passed yet: never a rate of 0).
      rate = fail == Double.MAX_VALUE ? rate * 2 : pass == 0 ? Math.round(fail / 2) : Math.round(Math.sqrt(pass * fail));
    }
    return new JsonObject().put("ackEvery", ackEvery).put("knee", best).put("steps", steps);
  }

  private static JsonObject step(Options options, long brokerPid, int ackEvery, double rate) throws Exception {
    String exchange = "bench-" + Servers.RUN_ID + "-ceiling-" + ackEvery + "-" + Math.round(rate);
    String stream = exchange + ".log";
    try (Connection publishing = Servers.factory(options).newConnection("messenger-bench-ceiling-publisher");
         Connection reading = Servers.factory(options).newConnection("messenger-bench-ceiling-reader")) {
      Channel publisher = publishing.createChannel();
      publisher.exchangeDeclare(exchange, "fanout", true);
      publisher.queueDeclare(stream, true, false, false, Map.of("x-queue-type", "stream"));
      publisher.queueBind(stream, exchange, "");
      publisher.confirmSelect();
      int warm = (int) Math.ceil(rate * options.warmSeconds);
      int count = warm + (int) Math.ceil(rate * options.measureSeconds);
      Reader reader = new Reader(reading.createChannel(), count, ackEvery);
      reader.channel.basicQos(PREFETCH);
      reader.channel.basicConsume(stream, false, Map.of("x-stream-offset", "next"), reader);

      ConcurrentSkipListSet<Long> unconfirmed = new ConcurrentSkipListSet<>();
      int[] nacks = {0};
      publisher.addConfirmListener((tag, multiple) -> HistoryStep.settle(unconfirmed, tag, multiple),
        (tag, multiple) -> nacks[0] += HistoryStep.settle(unconfirmed, tag, multiple));
      long t0 = Bench.micros() + 100_000;
      double broker0 = 0, machine0 = 0, self0 = 0;
      for (int i = 0; i < count; i++) {
        long due = t0 + (long) (i * 1e6 / rate);
        reader.due.set(i, due);
        if (i == warm) {
          broker0 = Proc.cpuSeconds(brokerPid);
          machine0 = Machine.busySeconds();
          self0 = Proc.cpuSeconds(Proc.self());
        }
        long wait = due - Bench.micros();
        if (wait > 50) {
          LockSupport.parkNanos(wait * 1000);
        }
        while (unconfirmed.size() >= MAX_UNCONFIRMED) {
          LockSupport.parkNanos(20_000);
        }
        unconfirmed.add(publisher.getNextPublishSeqNo());
        publisher.basicPublish(exchange, "", properties(i), (i + " " + Peer.TEXT).getBytes(StandardCharsets.UTF_8));
      }
      long sentAt = Bench.micros();
      double seconds = (sentAt - reader.due.get(warm)) / 1e6;
      double broker = Proc.cpuSeconds(brokerPid) - broker0;
      double others = Math.max(0, Machine.busySeconds() - machine0 - broker - (Proc.cpuSeconds(Proc.self()) - self0));
      long deadline = System.currentTimeMillis() + DRAIN_MS;
      while ((reader.read() < count || !unconfirmed.isEmpty()) && System.currentTimeMillis() < deadline) {
        TimeUnit.MILLISECONDS.sleep(10);
      }
      Histogram latency = reader.latency(warm);
      int measured = count - warm;
      boolean passed = reader.read() == count && unconfirmed.isEmpty() && nacks[0] == 0
        && latency.getValueAtPercentile(99) <= Bench.P99_LIMIT_MICROS;
      JsonObject step = new JsonObject().put("offeredPerSec", rate).put("achievedPerSec", Bench.round(measured / seconds, 1))
        .put("latencyMs", BrokerProbe.latency(latency)).put("unread", count - reader.read())
        .put("unconfirmed", unconfirmed.size()).put("nacked", nacks[0])
        .put("brokerCpuSecondsPerMillion", Bench.round(broker / measured * 1e6, 1))
        .put("brokerCores", Bench.round(broker / seconds, 2)).put("othersCores", Bench.round(others / seconds, 2))
        .put("load1", Machine.loadAverage()).put("passed", passed);
      Bench.log("   broker alone, ack every %d, %.0f msg/s: %s", ackEvery, rate, step.encode());
      return step;
    } finally {
      Servers.deleteBrokerObjects(options, List.of(stream), List.of(exchange));
    }
  }

  /** The app's message properties (see the app's WireFormat), so that the broker does the same work. */
  private static AMQP.BasicProperties properties(int i) {
    return new AMQP.BasicProperties.Builder().messageId("ceiling-" + i).contentType("text/plain")
      .contentEncoding("utf-8").deliveryMode(2).timestamp(new Date())
      .headers(Map.of("sender", "bench-ceiling", "room", "general", "sent-at", System.currentTimeMillis())).build();
  }

  /** The one reader: when each message came, against when it was due. */
  private static final class Reader extends DefaultConsumer {
    final Channel channel;
    final AtomicLongArray due;
    private final AtomicLongArray readAt;
    private final int ackEvery;
    private volatile int read;
    private int unacked;

    Reader(Channel channel, int count, int ackEvery) {
      super(channel);
      this.channel = channel;
      this.ackEvery = ackEvery;
      this.due = new AtomicLongArray(count);
      this.readAt = new AtomicLongArray(count);
    }

    @Override
    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) throws java.io.IOException {
      long now = Bench.micros();
      String text = new String(body, StandardCharsets.UTF_8);
      int i = Integer.parseInt(text.substring(0, text.indexOf(' ')));
      if (readAt.compareAndSet(i, 0, now)) {
        read++;
      }
      if (++unacked >= ackEvery || read == readAt.length()) {
        channel.basicAck(envelope.getDeliveryTag(), true);
        unacked = 0;
      }
    }

    int read() {
      return read;
    }

    Histogram latency(int from) {
      Histogram h = ReceiverGroup.newHistogram();
      for (int i = from; i < readAt.length(); i++) {
        if (readAt.get(i) > 0) {
          h.recordValue(Math.max(0, readAt.get(i) - due.get(i)));
        }
      }
      return h;
    }
  }
}
