package messenger.broker;

import com.rabbitmq.client.Address;
import io.vertx.rabbitmq.RabbitMQOptions;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one reader of AMQP URIs: one node or several, the credentials and virtual host that every connection uses,
 * never the URI itself (the Vert.x client would then ignore the node list), and a clear refusal of anything else.
 */
class BrokerAddressTest {

  @Test
  void oneNodeWithCredentialsAndVirtualHost() {
    BrokerAddress address = BrokerAddress.parse("amqp://guest:secret@rabbit.example.com:5673/vhost");
    assertThat(address.nodes()).containsExactly(new Address("rabbit.example.com", 5673));
    assertThat(address.user()).isEqualTo("guest");
    assertThat(address.virtualHost()).isEqualTo("vhost");
    assertThat(address.toString()).isEqualTo("rabbit.example.com:5673").doesNotContain("secret");
  }

  @Test
  void severalNodesShareTheCredentialsAndTheVirtualHost() {
    BrokerAddress address = BrokerAddress.parse("amqp://chat:p%40ss@host1:5681,host2:5682,host3/chat%2Fprod");
    assertThat(address.nodes()).containsExactly(new Address("host1", 5681), new Address("host2", 5682), new Address("host3", 5672));
    assertThat(address.user()).isEqualTo("chat");
    assertThat(address.virtualHost()).isEqualTo("chat/prod");
    assertThat(address.toString()).isEqualTo("host1:5681,host2:5682,host3:5672");
  }

  /** The options never carry the URI: vertx-rabbitmq-client would then ignore the node list and the credentials. */
  @Test
  void clientOptionsCarryEveryNodeAndTheCredentialsButNoUri() {
    RabbitMQOptions options = BrokerAddress.parse("amqp://chat:pw@127.0.0.1:5681,127.0.0.1:5682,127.0.0.1:5683/v").options();
    assertThat(options.getUri()).isNull();
    assertThat(options.getUser()).isEqualTo("chat");
    assertThat(options.getPassword()).isEqualTo("pw");
    assertThat(options.getVirtualHost()).isEqualTo("v");
    assertThat(options.getAddresses()).containsExactlyInAnyOrder(
      new Address("127.0.0.1", 5681), new Address("127.0.0.1", 5682), new Address("127.0.0.1", 5683));
  }

  /** Each connection attempt gets a new random order, so instances spread over the nodes. */
  @Test
  void everyConnectionAttemptTriesTheNodesInANewOrder() {
    RabbitMQOptions options = BrokerAddress.parse("amqp://h1,h2,h3").options();
    Set<Address> firstTried = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      firstTried.add(options.getAddresses().get(0));
    }
    assertThat(firstTried).hasSize(3);
  }

  @Test
  void withoutAPortTheSchemesDefaultIsUsedAndWithoutCredentialsGuest() {
    BrokerAddress plain = BrokerAddress.parse("amqp://localhost");
    assertThat(plain.nodes()).containsExactly(new Address("localhost", 5672));
    assertThat(plain.user()).isEqualTo("guest");
    assertThat(plain.virtualHost()).isEqualTo("/");
    assertThat(BrokerAddress.parse("amqps://localhost").nodes()).containsExactly(new Address("localhost", 5671));
    assertThat(BrokerAddress.parse("amqp://[::1]:5700").nodes()).containsExactly(new Address("::1", 5700));
  }

  @Test
  void aUriThatIsNotAnAmqpAddressStopsStartUp() {
    for (String bad : List.of("localhost:5672", "http://localhost:5672", "amqp://", "amqp://a b", "",
      "amqp://u:p@host1:5672,,host3:5672", "amqp://u:p@host1:5672,:5673", "amqp://u:p@h1:5672,amqp://u:p@h2:5672",
      "amqp://host/a/b", "amqp://host?heartbeat=5")) {
      assertThatThrownBy(() -> BrokerAddress.parse(bad)).as(bad)
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RABBITMQ_URI");
    }
  }

  @Test
  void theRefusalNeverRepeatsThePassword() {
    assertThatThrownBy(() -> BrokerAddress.parse("amqp://u:topsecret@host1:5672,bad host"))
      .hasMessageNotContaining("topsecret").hasMessageContaining("bad host");
  }
}
