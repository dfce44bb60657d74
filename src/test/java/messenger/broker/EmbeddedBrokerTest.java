package messenger.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded broker does what Messenger needs from it, on loopback, with its own password, and stops. */
class EmbeddedBrokerTest {

  @Test
  void anAmqpClientCanChatThroughItAndItStopsCleanly() throws Exception {
    EmbeddedBroker broker = EmbeddedBroker.start();
    URI uri = URI.create(broker.uri());
    assertThat(uri.getHost()).isEqualTo("127.0.0.1");
    try (Connection connection = connect(broker.uri())) {
      Channel channel = connection.createChannel();
      channel.exchangeDeclare("chat", "fanout", true);
      String queue = channel.queueDeclare("", false, true, true, null).getQueue();
      channel.queueBind(queue, "chat", "");
      LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
      channel.basicConsume(queue, true, new DefaultConsumer(channel) {
        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
          got.add(props.getHeaders().get("sender") + ": " + new String(body, StandardCharsets.UTF_8));
        }
      });
      channel.confirmSelect();
      channel.basicPublish("chat", "", new AMQP.BasicProperties.Builder().messageId("m1")
        .headers(Map.of("sender", "alice")).build(), "hi".getBytes(StandardCharsets.UTF_8));
      channel.waitForConfirmsOrDie(5000);
      assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("alice: hi");
    }
    // The well-known guest account does not exist: only the random password opens it.
    assertThatThrownBy(() -> connect("amqp://guest:guest@127.0.0.1:" + broker.port()).close()).isInstanceOf(Exception.class);

    broker.close();
    assertThat(answers(broker.port())).as("port closed after stop").isFalse();
  }

  @Test
  void twoBrokersInOneProcessGetTheirOwnPortsAndPasswords() throws Exception {
    try (EmbeddedBroker first = EmbeddedBroker.start(); EmbeddedBroker second = EmbeddedBroker.start()) {
      assertThat(first.port()).isNotEqualTo(second.port());
      assertThat(first.uri()).isNotEqualTo(second.uri());
      try (Connection a = connect(first.uri()); Connection b = connect(second.uri())) {
        assertThat(a.isOpen()).isTrue();
        assertThat(b.isOpen()).isTrue();
      }
    }
  }

  static Connection connect(String uri) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(uri);
    factory.setConnectionTimeout(3000);
    return factory.newConnection("embedded-broker-test");
  }

  private static boolean answers(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
