package messenger.broker;

import io.vertx.core.json.JsonObject;
import messenger.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * The broker this process uses, chosen once at start-up from {@code rabbitmq.embedded}:
 * <ul>
 *   <li>{@code never}: the configured RabbitMQ;</li>
 *   <li>{@code always}: the {@link EmbeddedBroker};</li>
 *   <li>{@code auto} (default): the embedded broker only for a first try, that is when {@code RABBITMQ_URI} is
 *   not set and the configured broker (by default localhost:5672) is on this machine and does not answer.
 *   A URI given explicitly, or naming another machine, is never replaced: a typo in production must fail
 *   loudly, not split the chat onto a private broker.</li>
 * </ul>
 * An external broker must be RabbitMQ 3.9 or newer (streams); an older one is refused at start-up.
 */
public final class Broker {

  private static final Logger log = LoggerFactory.getLogger(Broker.class);

  static final String TRY_OUT_WARNING = "Messenger is running on its embedded broker, which is for trying Messenger out: "
    + "it serves this one instance only (other instances cannot join this chat) and the chat history lives in memory, "
    + "so it does not survive a restart. For real use, run RabbitMQ 3.9 or newer and point Messenger at it with "
    + "RABBITMQ_URI=amqp://user:password@host:5672 (see the README).";

  private final BrokerKind kind;
  private final String uri;
  private final EmbeddedBroker embedded;

  private Broker(BrokerKind kind, String uri, EmbeddedBroker embedded) {
    this.kind = kind;
    this.uri = uri;
    this.embedded = embedded;
  }

  /** Decides, and starts the embedded broker when that is the choice. Blocks: call it off the event loop. */
  public static Broker choose(Settings.Rabbit rabbit) throws Exception {
    URI configured = URI.create(rabbit.uri());
    if (embed(rabbit.embedded(), rabbit.uriFromEnvironment(), configured, () -> answers(configured))) {
      long started = System.nanoTime();
      EmbeddedBroker broker = EmbeddedBroker.start();
      log.warn(banner((System.nanoTime() - started) / 1_000_000, rabbit));
      return new Broker(BrokerKind.EMBEDDED, broker.uri(), broker);
    }
    String problem;
    try {
      problem = StreamCheck.problemAt(rabbit.uri());
    } catch (Exception unreachable) {
      // Not fatal: a broker that is down at start-up is waited for, as always.
      log.warn("Could not check the broker at {}:{} yet ({}); Messenger needs {} and keeps trying to connect",
        configured.getHost(), port(configured), unreachable.getMessage(), StreamCheck.NEEDED);
      problem = null;
    }
    if (problem != null) {
      throw new IllegalStateException(problem);
    }
    return new Broker(BrokerKind.RABBITMQ, rabbit.uri(), null);
  }

  /** The decision itself; {@code answers} is asked only when it matters. */
  static boolean embed(Settings.Embedded mode, boolean uriFromEnvironment, URI configured, BooleanSupplier answers) {
    return switch (mode) {
      case ALWAYS -> true;
      case NEVER -> false;
      case AUTO -> !uriFromEnvironment && isLoopback(configured.getHost()) && !answers.getAsBoolean();
    };
  }

  private static boolean isLoopback(String host) {
    try {
      return host != null && InetAddress.getByName(host).isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean answers(URI uri) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), port(uri)), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int port(URI uri) {
    return uri.getPort() > 0 ? uri.getPort() : "amqps".equals(uri.getScheme()) ? 5671 : 5672;
  }

  private static String banner(long startMillis, Settings.Rabbit rabbit) {
    URI configured = URI.create(rabbit.uri());
    String why = rabbit.embedded() == Settings.Embedded.ALWAYS ? "rabbitmq.embedded is \"always\""
      : "RABBITMQ_URI is not set and nothing answers at " + configured.getHost() + ":" + port(configured);
    String line = "=".repeat(100);
    return "\n" + line + "\n"
      + "  EMBEDDED BROKER: Messenger started its own AMQP broker (Apache Qpid Broker-J, in memory, 127.0.0.1 only)\n"
      + "  in " + startMillis + " ms, because " + why + ".\n"
      + "  It is for TRYING MESSENGER OUT:\n"
      + "    - it serves this ONE instance only: other instances cannot join this chat;\n"
      + "    - the chat history lives in memory: it does NOT survive a restart.\n"
      + "  For real use, run RabbitMQ 3.9 or newer and point Messenger at it:\n"
      + "    RABBITMQ_URI=amqp://user:password@host:5672 java -jar target/messenger.jar\n"
      + "  (set \"rabbitmq.embedded\": \"never\" in conf/config.json to never start the embedded broker).\n"
      + line;
  }

  public BrokerKind kind() {
    return kind;
  }

  /** Where to connect; for the embedded broker, its loopback port and random password. */
  public String uri() {
    return uri;
  }

  /** For {@code /health}: which broker, and on the embedded one, what that means. */
  public JsonObject describe() {
    JsonObject json = new JsonObject().put("kind", kind.name().toLowerCase(Locale.ROOT));
    if (kind == BrokerKind.EMBEDDED) {
      json.put("tryOut", true).put("warning", TRY_OUT_WARNING);
    }
    return json;
  }

  /** Stops the embedded broker, if this process runs one. Blocks. */
  public void stop() {
    if (embedded != null) {
      embedded.close();
      log.info("Embedded broker stopped");
    }
  }
}
