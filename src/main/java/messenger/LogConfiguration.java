package messenger;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.util.Loader;

/**
 * The log of the jar: one line per event on standard output, and the levels below. Set in code (logback finds it
 * through {@code META-INF/services}) rather than in a {@code logback.xml}: logback's XML configuration (an XML
 * parser and its model, some 600 classes) took about a fifth of a second of every start, before Vert.x was even
 * created. {@code -Dlogback.configurationFile=…} still replaces it, and so does a {@code logback-test.xml} (the tests').
 */
public final class LogConfiguration extends ContextAwareBase implements Configurator {

  /**
   * One event, one line: a message that quotes what a client sent cannot start a line of its own (a stack trace
   * still follows on lines of its own).
   */
  static final String PATTERN =
    "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %replace(%replace(%msg){'\\r', '\\\\r'}){'\\n', '\\\\n'}%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) != null
      || Loader.getResource(ClassicConstants.TEST_AUTOCONFIG_FILE, LogConfiguration.class.getClassLoader()) != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    apply(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  static void apply(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
    stdout.setContext(context);
    stdout.setName("STDOUT");
    stdout.setEncoder(encoder);
    stdout.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(stdout);

    level(context, "io.netty", Level.WARN);
    // The SockJS bridge logs what clients do wrong at ERROR and WARN: every abrupt disconnect (with a stack trace),
    // unknown frame types (quoting them), refused registrations. Clients get an error frame for each; BridgeSockets
    // logs socket failures at DEBUG. Nothing else it logs can happen here (Messenger never fails a bridge event).
    level(context, "io.vertx.ext.web.handler.sockjs.impl.EventBusBridgeImpl", Level.OFF);
    // vertx-micrometer 5.0 registers its gauges again for every event-bus handler and connection, by design
    // (vert-x3/vertx-micrometer-metrics#259), and Micrometer warns about it on every start.
    level(context, "io.micrometer.core.instrument.MeterRegistry", Level.ERROR);
    level(context, "com.hazelcast", Level.WARN);
    // With -cluster: the member list, whenever it changes.
    level(context, "com.hazelcast.internal.cluster.ClusterService", Level.INFO);
    // The client logs each failed reconnect attempt with a stack trace, every second of an outage.
    // Messenger logs the broker going away and coming back itself (RabbitVerticle, StreamChatLog).
    level(context, "io.vertx.rabbitmq.impl", Level.OFF);
    // The embedded broker's own operational log (one line per connection, queue, binding…); its warnings still show.
    level(context, "org.apache.qpid", Level.WARN);
    level(context, "qpid", Level.WARN);
  }

  private static void level(LoggerContext context, String logger, Level level) {
    context.getLogger(logger).setLevel(level);
  }
}
