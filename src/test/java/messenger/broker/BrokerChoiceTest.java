package messenger.broker;

import messenger.Settings.Embedded;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** When Messenger embeds a broker, and which external brokers it accepts. */
class BrokerChoiceTest {

  private static final BrokerAddress LOCAL = BrokerAddress.parse("amqp://guest:guest@localhost:5672");
  private static final BooleanSupplier ANSWERS = () -> true;
  private static final BooleanSupplier SILENT = () -> false;
  private static final BooleanSupplier MUST_NOT_ASK = () -> {
    throw new AssertionError("the broker must not be probed for this decision");
  };

  @Test
  void autoEmbedsOnlyWhenNothingAnswersLocallyAndNoUriWasGiven() {
    assertThat(Broker.embed(Embedded.AUTO, false, LOCAL, SILENT)).isTrue();
    assertThat(Broker.embed(Embedded.AUTO, false, BrokerAddress.parse("amqp://guest:guest@127.0.0.1:5999"), SILENT)).isTrue();
    assertThat(Broker.embed(Embedded.AUTO, false, LOCAL, ANSWERS)).isFalse();
  }

  @Test
  void autoNeverReplacesAnExplicitUriOrAnotherMachinesBroker() {
    assertThat(Broker.embed(Embedded.AUTO, true, LOCAL, MUST_NOT_ASK)).as("RABBITMQ_URI set").isFalse();
    assertThat(Broker.embed(Embedded.AUTO, false, BrokerAddress.parse("amqp://u:p@rabbit.example.com:5672"), MUST_NOT_ASK))
      .as("another machine").isFalse();
  }

  @Test
  void alwaysAndNeverDoWhatTheySay() {
    assertThat(Broker.embed(Embedded.ALWAYS, true, LOCAL, MUST_NOT_ASK)).isTrue();
    assertThat(Broker.embed(Embedded.NEVER, false, LOCAL, MUST_NOT_ASK)).isFalse();
  }

  @Test
  void onlyRabbitMq39OrNewerHasStreams() {
    assertThat(StreamCheck.problem(Map.of("product", "RabbitMQ", "version", "3.9.0"))).isNull();
    assertThat(StreamCheck.problem(Map.of("product", "RabbitMQ", "version", "3.10.8"))).isNull();
    assertThat(StreamCheck.problem(Map.of("product", "RabbitMQ", "version", "4.1.2"))).isNull();
    assertThat(StreamCheck.problem(Map.of("product", "RabbitMQ", "version", "3.8.35")))
      .contains("RabbitMQ 3.9 or newer").contains("RabbitMQ 3.8.35");
    assertThat(StreamCheck.problem(Map.of("product", "RabbitMQ", "version", "2.8.7"))).contains("RabbitMQ 3.9 or newer");
    assertThat(StreamCheck.problem(Map.of())).contains("RabbitMQ 3.9 or newer");
  }

  @Test
  @NeedsRabbitMQ("it checks the real broker's version")
  void theRealRabbitMqPassesTheCheck() throws Exception {
    assertThat(StreamCheck.problemAt(BrokerAddress.parse(RabbitBroker.uri()))).isNull();
  }

  @Test
  void aBrokerWithoutStreamsIsNamedInTheRefusal() throws Exception {
    try (EmbeddedBroker qpid = EmbeddedBroker.start()) {
      assertThat(StreamCheck.problemAt(BrokerAddress.parse(qpid.uri()))).contains("RabbitMQ 3.9 or newer").containsIgnoringCase("qpid");
    }
  }
}
