package messenger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The log as the jar writes it ({@link LogConfiguration}). */
class LogFormatTest {

  /** A client's text quoted in a message cannot forge a line of its own. */
  @Test
  void everyEventIsOneLineWhateverItsMessageQuotes() {
    LoggerContext context = new LoggerContext();
    LogConfiguration.apply(context);
    Logger logger = context.getLogger("messenger.web.BridgeSockets");
    @SuppressWarnings("unchecked")
    OutputStreamAppender<ILoggingEvent> stdout = (OutputStreamAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT");

    String quoted = "x\n12:00:00.000 ERROR [main] m.web.Pages - forged\r\nand more";
    LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.INFO, "Frame of type {}", null, new Object[] {quoted});
    String line = new String(stdout.getEncoder().encode(event), StandardCharsets.UTF_8);

    assertThat(line).endsWith(System.lineSeparator())
      .contains("Frame of type x\\n12:00:00.000 ERROR [main] m.web.Pages - forged\\r\\nand more")
      .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[[^]]+] m\\.web\\.BridgeSockets - Frame of type .*\\R");
    assertThat(line.strip()).doesNotContain("\n").doesNotContain("\r");
    context.stop();
  }

  /** What is logged at which level: the noisy libraries are quieted, the rest is INFO. */
  @Test
  void librariesThatLogWhatClientsDoWrongAreQuieted() {
    LoggerContext context = new LoggerContext();
    LogConfiguration.apply(context);

    assertThat(context.getLogger("messenger.rabbit.RabbitVerticle").getEffectiveLevel()).isEqualTo(Level.INFO);
    assertThat(context.getLogger("io.netty.channel.DefaultChannelPipeline").getEffectiveLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.vertx.ext.web.handler.sockjs.impl.EventBusBridgeImpl").getEffectiveLevel()).isEqualTo(Level.OFF);
    assertThat(context.getLogger("io.vertx.rabbitmq.impl.RabbitMQClientImpl").getEffectiveLevel()).isEqualTo(Level.OFF);
    assertThat(context.getLogger("io.micrometer.core.instrument.MeterRegistry").getEffectiveLevel()).isEqualTo(Level.ERROR);
    assertThat(context.getLogger("org.apache.qpid.server.Broker").getEffectiveLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("com.hazelcast.internal.cluster.ClusterService").getEffectiveLevel()).isEqualTo(Level.INFO);
    context.stop();
  }

  /** A logback-test.xml (the tests' own), or -Dlogback.configurationFile, configures the log instead. */
  @Test
  void aConfigurationFileOfTheirOwnWins() {
    LoggerContext context = new LoggerContext();
    LogConfiguration configuration = new LogConfiguration();
    configuration.setContext(context);

    assertThat(configuration.configure(context)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT")).isNull();
    context.stop();
  }
}
