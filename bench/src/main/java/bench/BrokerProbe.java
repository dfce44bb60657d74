package bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The broker alone, at the profile's light load, with the RabbitMQ Java client: publish with confirms
 * to a stream and to a classic queue (durable, persistent messages: both are on disk when confirmed),
 * consume with a prefetch and manual acks as Messenger's chat-log reader does, and time publish → confirm,
 * publish → consume and confirm → consume on the load generator's clock. Answers "does the stream itself
 * cost the gap" with figures. Two connections (publisher, consumer), like the app.
 */
final class BrokerProbe {

  private static final int PREFETCH = 500;
  private static final long SETTLE_TIMEOUT_MS = 10_000;

  private BrokerProbe() {
  }

  static JsonObject measure(Options options) throws Exception {
    JsonObject result = new JsonObject();
    try (Connection publisher = Servers.factory(options).newConnection("messenger-bench-probe-publisher");
         Connection consumer = Servers.factory(options).newConnection("messenger-bench-probe-consumer")) {
      for (String kind : List.of("stream", "classic")) {
        String queue = "bench-" + Servers.RUN_ID + "-probe-" + kind;
        try {
          result.put(kind, measure(publisher, consumer, kind, queue, options.profileRate, options.profileSeconds));
        } finally {
          Servers.deleteBrokerObjects(options, List.of(queue), List.of());
        }
      }
    }
    Bench.log("== broker alone (%d msg/s, %.0f s): %s", options.profileRate, options.profileSeconds, result.encode());
    return result;
  }

  private static JsonObject measure(Connection publisherConnection, Connection consumerConnection, String kind,
                                    String queue, int rate, double seconds) throws Exception {
    Channel publisher = publisherConnection.createChannel();
    Channel consumer = consumerConnection.createChannel();
    publisher.queueDeclare(queue, true, false, false, Map.of("x-queue-type", kind));
    publisher.confirmSelect();
    consumer.basicQos(PREFETCH);

    int warmUp = 2 * rate; // unmeasured, and the proof that the consumer is reading
    int count = warmUp + (int) Math.ceil(rate * seconds);
    AtomicLongArray published = filled(count);
    AtomicLongArray confirmed = filled(count);
    AtomicLongArray consumed = filled(count);
    ConcurrentNavigableMap<Long, Integer> unconfirmed = new ConcurrentSkipListMap<>();
    publisher.addConfirmListener((tag, multiple) -> confirm(unconfirmed, confirmed, tag, multiple),
      (tag, multiple) -> confirm(unconfirmed, new AtomicLongArray(count), tag, multiple)); // a nack stays unconfirmed
    String consumerTag = consumer.basicConsume(queue, false,
      kind.equals("stream") ? Map.<String, Object>of("x-stream-offset", "next") : Map.of(), new DefaultConsumer(consumer) {
        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) throws IOException {
          long now = Bench.micros();
          String text = new String(body, StandardCharsets.UTF_8);
          consumed.compareAndSet(Integer.parseInt(text.substring(0, text.indexOf(' '))), -1, now);
          getChannel().basicAck(envelope.getDeliveryTag(), false);
        }
      });

    long t0 = Bench.micros() + 100_000;
    for (int i = 0; i < count; i++) {
      long due = t0 + (long) (i * 1e6 / rate);
      if (i == warmUp && !consumedAny(consumed, warmUp)) {
        throw new IllegalStateException("the " + kind + " consumer got none of " + warmUp + " warm-up messages");
      }
      LockSupport.parkNanos(Math.max(0, due - Bench.micros()) * 1000);
      long seqNo = publisher.getNextPublishSeqNo();
      unconfirmed.put(seqNo, i);
      long now = Bench.micros();
      published.set(i, now);
      publisher.basicPublish("", queue, properties(i, now), (i + " " + Peer.TEXT).getBytes(StandardCharsets.UTF_8));
    }
    long deadline = System.currentTimeMillis() + SETTLE_TIMEOUT_MS;
    while ((consumed.get(count - 1) < 0 || !unconfirmed.isEmpty()) && System.currentTimeMillis() < deadline) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
    consumer.basicCancel(consumerTag);

    Histogram toConfirm = ReceiverGroup.newHistogram();
    Histogram toConsume = ReceiverGroup.newHistogram();
    Histogram confirmToConsume = ReceiverGroup.newHistogram();
    long consumedFirst = 0, missing = 0;
    for (int i = warmUp; i < count; i++) {
      long p = published.get(i), c = confirmed.get(i), d = consumed.get(i);
      if (c < 0 || d < 0) {
        missing++;
        continue;
      }
      toConfirm.recordValue(c - p);
      toConsume.recordValue(d - p);
      if (d < c) {
        consumedFirst++; // the consumer had it before the publisher had the confirm
      }
      confirmToConsume.recordValue(Math.max(0, d - c));
    }
    publisher.close();
    consumer.close();
    return new JsonObject()
      .put("publishToConfirmMs", latency(toConfirm))
      .put("publishToConsumeMs", latency(toConsume))
      .put("confirmToConsumeMs", latency(confirmToConsume).put("consumedBeforeConfirm", consumedFirst))
      .put("unconfirmedOrUnconsumed", missing);
  }

  /** What Messenger's publisher sets, so that the broker does the same work. */
  private static AMQP.BasicProperties properties(int i, long now) {
    return new AMQP.BasicProperties.Builder().messageId("probe-" + i).contentType("text/plain")
      .contentEncoding("utf-8").deliveryMode(2).timestamp(new Date())
      .headers(Map.of("sender", "bench-probe", "sent-at", System.currentTimeMillis())).build();
  }

  private static void confirm(ConcurrentNavigableMap<Long, Integer> unconfirmed, AtomicLongArray confirmed,
                              long tag, boolean multiple) {
    long now = Bench.micros();
    Map<Long, Integer> done = multiple ? unconfirmed.headMap(tag, true) : unconfirmed.subMap(tag, true, tag, true);
    done.values().forEach(i -> confirmed.set(i, now));
    done.clear();
  }

  private static boolean consumedAny(AtomicLongArray consumed, int upTo) {
    for (int i = 0; i < upTo; i++) {
      if (consumed.get(i) >= 0) {
        return true;
      }
    }
    return false;
  }

  private static AtomicLongArray filled(int count) {
    AtomicLongArray array = new AtomicLongArray(count);
    for (int i = 0; i < count; i++) {
      array.set(i, -1);
    }
    return array;
  }

  static JsonObject latency(Histogram h) {
    return new JsonObject().put("p50", Bench.StepResult.ms(h, 50)).put("p99", Bench.StepResult.ms(h, 99))
      .put("max", Bench.round(h.getMaxValue() / 1000.0, 2)).put("samples", h.getTotalCount());
  }
}
