package messenger.testing;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes to a chat's exchange as any AMQP client could, confirms pipelined: chat messages with the properties
 * the app gives them, and messages that are no chat message (no sender), which take a seq in the stream all the
 * same. Closing waits for every confirm.
 */
public final class LogWriter implements AutoCloseable {

  private final Connection connection;
  private final Channel channel;
  private final String exchange;

  private LogWriter(String exchange) throws Exception {
    this.exchange = exchange;
    this.connection = RabbitBroker.connect();
    this.channel = connection.createChannel();
    channel.confirmSelect();
  }

  public static LogWriter to(String exchange) throws Exception {
    return new LogWriter(exchange);
  }

  public void chat(String id, String sender, String text) throws IOException {
    chat(id, sender, text, System.currentTimeMillis());
  }

  /** A chat message sent at {@code sentAt} (epoch milliseconds): yesterday's conversation, say. */
  public void chat(String id, String sender, String text, long sentAt) throws IOException {
    publish(new AMQP.BasicProperties.Builder().messageId(id).contentType("text/plain").contentEncoding("utf-8")
      .deliveryMode(2).timestamp(new java.util.Date(sentAt)).headers(Map.of("sender", sender, "sent-at", sentAt)).build(), text);
  }

  /** A chat message of {@code room} (its {@code room} header), sent now. */
  public void chatIn(String room, String id, String sender, String text) throws IOException {
    long now = System.currentTimeMillis();
    publish(new AMQP.BasicProperties.Builder().messageId(id).contentType("text/plain").contentEncoding("utf-8")
      .deliveryMode(2).timestamp(new java.util.Date(now)).headers(Map.of("sender", sender, "sent-at", now, "room", room)).build(), text);
  }

  /** A message that is no chat message: the app skips it, and it still takes a seq. */
  public void other(String text) throws IOException {
    publish(new AMQP.BasicProperties.Builder().messageId("other-" + System.nanoTime()).build(), text);
  }

  /** Waits until the broker confirmed everything written so far: what is written next goes into a chunk of its own. */
  public void confirmed() throws Exception {
    channel.waitForConfirmsOrDie(30_000);
  }

  private void publish(AMQP.BasicProperties props, String body) throws IOException {
    channel.basicPublish(exchange, "", props, body.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() throws Exception {
    try {
      channel.waitForConfirmsOrDie(30_000);
    } finally {
      connection.close();
    }
  }
}
