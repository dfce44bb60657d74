package messenger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The log as the jar writes it (src/main/resources/logback.xml). */
class LogFormatTest {

  /** A client's text quoted in a message cannot forge a line of its own. */
  @Test
  void everyEventIsOneLineWhateverItsMessageQuotes() throws Exception {
    LoggerContext context = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
    Logger logger = context.getLogger("messenger.web.BridgeSockets");
    @SuppressWarnings("unchecked")
    OutputStreamAppender<ILoggingEvent> stdout = (OutputStreamAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT");

    String quoted = "x\n12:00:00.000 ERROR [main] m.web.Pages - forged\r\nand more";
    LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.INFO, "Frame of type {}", null, new Object[] {quoted});
    String line = new String(stdout.getEncoder().encode(event), StandardCharsets.UTF_8);

    assertThat(line).endsWith(System.lineSeparator())
      .contains("Frame of type x\\n12:00:00.000 ERROR [main] m.web.Pages - forged\\r\\nand more");
    assertThat(line.strip()).doesNotContain("\n").doesNotContain("\r");
    context.stop();
  }
}
