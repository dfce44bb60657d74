package messenger.broker;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQClient;
import messenger.Instance;
import messenger.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Locale;
import java.util.Map;
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
 * An external broker must be RabbitMQ 3.9 or newer (streams); an older one is refused at start-up. Every
 * connection of this process is opened here ({@link #client}).
 */
public final class Broker {

  private static final Logger log = LoggerFactory.getLogger(Broker.class);

  static final String TRY_OUT_WARNING = "Messenger is running on its embedded broker, which is for trying Messenger out: "
    + "it serves this one instance only (other instances cannot join this chat) and the chat history lives in memory, "
    + "so it does not survive a restart. For real use, run RabbitMQ 3.9 or newer and point Messenger at it with "
    + "RABBITMQ_URI=amqp://user:password@host:5672 (see the README).";

  private final BrokerKind kind;
  private final BrokerAddress address;
  private final Settings.Rabbit rabbit;
  private final EmbeddedBroker embedded;
  /** What the broker said of itself on the last connection opened here that tells (product, version); null until then. */
  private volatile Map<String, Object> serverProperties;

  private Broker(BrokerKind kind, BrokerAddress address, Settings.Rabbit rabbit, EmbeddedBroker embedded) {
    this.kind = kind;
    this.address = address;
    this.rabbit = rabbit;
    this.embedded = embedded;
  }

  /** The configured RabbitMQ, taken as it is: no check, nothing started. */
  public static Broker configured(Settings.Rabbit rabbit) {
    return new Broker(BrokerKind.RABBITMQ, BrokerAddress.parse(rabbit.uri()), rabbit, null);
  }

  /** Decides, and starts the embedded broker when that is the choice. Blocks: call it off the event loop. */
  public static Broker choose(Settings.Rabbit rabbit) throws Exception {
    BrokerAddress configured = BrokerAddress.parse(rabbit.uri());
    if (embed(rabbit.embedded(), rabbit.uriFromEnvironment(), configured, () -> answers(configured))) {
      long started = System.nanoTime();
      EmbeddedBroker broker = EmbeddedBroker.start();
      log.warn(banner((System.nanoTime() - started) / 1_000_000, rabbit, configured));
      return new Broker(BrokerKind.EMBEDDED, BrokerAddress.parse(broker.uri()), rabbit, broker);
    }
    String problem;
    Map<String, Object> properties = null;
    try {
      properties = StreamCheck.serverPropertiesAt(configured);
      problem = StreamCheck.problem(properties);
    } catch (Exception unreachable) {
      // Not fatal: a broker that is down at start-up is waited for, as always.
      log.warn("Could not check the broker at {} yet ({}); Messenger needs {} and keeps trying to connect",
        configured, unreachable.getMessage(), StreamCheck.NEEDED);
      problem = null;
    }
    if (problem != null) {
      throw new IllegalStateException(problem);
    }
    Broker broker = new Broker(BrokerKind.RABBITMQ, configured, rabbit, null);
    broker.serverProperties = properties;
    return broker;
  }

  /** The decision itself; {@code answers} is asked only when it matters. */
  static boolean embed(Settings.Embedded mode, boolean uriFromEnvironment, BrokerAddress configured, BooleanSupplier answers) {
    return switch (mode) {
      case ALWAYS -> true;
      case NEVER -> false;
      // A cluster is never a first try.
      case AUTO -> !uriFromEnvironment && configured.nodes().size() == 1 && isLoopback(configured.nodes().get(0).getHost())
        && !answers.getAsBoolean();
    };
  }

  private static boolean isLoopback(String host) {
    try {
      return host != null && InetAddress.getByName(host).isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean answers(BrokerAddress address) {
    try (Socket socket = new Socket()) {
      Address node = address.nodes().get(0);
      socket.connect(new InetSocketAddress(node.getHost(), node.getPort()), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String banner(long startMillis, Settings.Rabbit rabbit, BrokerAddress configured) {
    String why = rabbit.embedded() == Settings.Embedded.ALWAYS ? "rabbitmq.embedded is \"always\""
      : "RABBITMQ_URI is not set and nothing answers at " + configured;
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

  /**
   * A client for one connection of this process, named after its {@code role} (shown in the broker's
   * connection list). {@code reconnectAttempts} 0: whoever owns the connection supervises it.
   */
  public RabbitMQClient client(Vertx vertx, String role, int reconnectAttempts) {
    return RabbitMQClient.create(vertx, address.options()
      .setConnectionName("messenger-" + role + "@" + Instance.NAME)
      .setConnectionTimeout(3000)
      .setHandshakeTimeout(3000)
      .setRequestedHeartbeat(10)
      .setReconnectAttempts(reconnectAttempts)
      .setReconnectInterval(rabbit.reconnectIntervalMs())
      // With automatic recovery on, a publish during an outage looped into a StackOverflowError.
      .setAutomaticRecoveryEnabled(false));
  }

  /**
   * How many replicas a new chat-log stream gets ({@code x-initial-cluster-size}), or null to leave it to the
   * broker (which puts one on every node). Configured, or else 3 where the URI names three nodes or more (a
   * quorum of 2 survives the loss of any one), or as many as it names; a URI of one host may still lead to a
   * cluster (a name that resolves to every node): the broker's default then replicates on all of them.
   */
  public Integer streamInitialClusterSize() {
    if (rabbit.streamInitialClusterSize() > 0) {
      return rabbit.streamInitialClusterSize();
    }
    int nodes = address.nodes().size();
    return nodes > 1 ? Math.min(3, nodes) : null;
  }

  /**
   * A plain RabbitMQ Java client connection, for what the Vert.x client cannot do: several channels on one
   * connection; to the URI's nodes in a new random order, as every connection. Not recovered automatically: its
   * owner opens a new one when it finds it closed. Blocks.
   */
  public Connection connect(String role) throws Exception {
    return connect(role, address.factory());
  }

  /**
   * The same in the client's NIO mode: the calling thread only queues the frames it writes, and the client's I/O
   * thread writes whatever has accumulated in one go, so messages published faster than one write each share
   * {@code write(2)} calls and TCP segments (the broker's CPU per message falls with that too). Blocks.
   */
  public Connection connectNio(String role) throws Exception {
    ConnectionFactory factory = address.factory();
    factory.useNio();
    return connect(role, factory);
  }

  private Connection connect(String role, ConnectionFactory factory) throws Exception {
    factory.setConnectionTimeout(3000);
    factory.setHandshakeTimeout(3000);
    factory.setRequestedHeartbeat(10);
    factory.setAutomaticRecoveryEnabled(false);
    Connection connection = factory.newConnection(address.shuffled(), "messenger-" + role + "@" + Instance.NAME);
    serverProperties = connection.getServerProperties();
    return connection;
  }

  /**
   * The server properties (product, version, …) the broker sent when this process last opened a connection that
   * shows them: the start-up check, and every {@link #connect}; null before any (a broker down at start-up).
   * What decides, e.g., whether the broker filters streams.
   */
  public Map<String, Object> serverProperties() {
    return serverProperties;
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
