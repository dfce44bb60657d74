package messenger.broker;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.SystemLauncherListener;
import org.apache.qpid.server.model.Broker;
import org.apache.qpid.server.model.BrokerModel;
import org.apache.qpid.server.model.Port;
import org.apache.qpid.server.model.SystemConfig;
import org.apache.qpid.server.util.DataUrlUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An AMQP 0-9-1 broker inside this process (Apache Qpid Broker-J, everything in memory), so that Messenger
 * can be tried with nothing but Java. It listens on 127.0.0.1 only, on a free port, for one user with a
 * random password. It has no streams: declaring a stream makes it close the whole connection.
 *
 * <p>Starting and stopping block (about a second): never call them on an event loop.
 */
public final class EmbeddedBroker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);
  private static final String USER = "messenger";

  private final SystemLauncher launcher;
  private final String uri;
  private final int port;

  private EmbeddedBroker(SystemLauncher launcher, int port, String password) {
    this.launcher = launcher;
    this.port = port;
    this.uri = "amqp://" + USER + ":" + password + "@127.0.0.1:" + port;
  }

  public static EmbeddedBroker start() throws Exception {
    String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    AtomicReference<SystemConfig<?>> system = new AtomicReference<>();
    SystemLauncher launcher = new SystemLauncher(new SystemLauncherListener.DefaultSystemLauncherListener() {
      @Override
      public void onContainerResolve(SystemConfig<?> systemConfig) {
        system.set(systemConfig);
      }
    });
    launcher.startup(Map.of(
      "type", "Memory",
      "initialConfigurationLocation", DataUrlUtils.getDataUrlForBytes(configuration(password).getBytes(StandardCharsets.UTF_8)),
      // Nothing on disk: no preferences file in the working directory.
      "preferenceStoreAttributes", "{\"type\": \"Noop\"}",
      "startupLoggedToSystemOut", false));
    try {
      Broker<?> broker = system.get().getContainer(Broker.class);
      int port = broker.getPorts().stream().mapToInt(Port::getBoundPort).filter(p -> p > 0).findFirst()
        .orElseThrow(() -> new IllegalStateException("the embedded broker opened no port"));
      leaveShutdownToTheApp(broker);
      return new EmbeddedBroker(launcher, port, password);
    } catch (RuntimeException e) {
      launcher.shutdown();
      throw e;
    }
  }

  /**
   * Qpid closes its broker from a JVM shutdown hook of its own, which runs in parallel with Vert.x's: on
   * SIGTERM the app's connections would see the broker vanish and try to reconnect while the app stops. The
   * app stops the broker itself, after its verticles, so that hook is removed. It is a private field: should a
   * later Qpid rename it, the only cost is that race again, noise in the log at exit.
   */
  private static void leaveShutdownToTheApp(Broker<?> broker) {
    for (Class<?> type = broker.getClass(); type != null; type = type.getSuperclass()) {
      try {
        Field hook = type.getDeclaredField("_shutdownHook");
        hook.setAccessible(true);
        Runtime.getRuntime().removeShutdownHook((Thread) hook.get(broker));
        return;
      } catch (NoSuchFieldException e) {
        // declared further up
      } catch (ReflectiveOperationException | RuntimeException e) {
        break;
      }
    }
    log.debug("Could not remove Qpid's shutdown hook: the broker may close in parallel with the app at exit");
  }

  /** Qpid's initial configuration: one in-memory virtual host, one user, one AMQP 0-9-1 port on loopback. */
  private static String configuration(String password) {
    return new JsonObject()
      .put("name", "messenger-embedded")
      .put("modelVersion", BrokerModel.MODEL_VERSION)
      .put("authenticationproviders", new JsonArray().add(new JsonObject()
        .put("name", "plain")
        .put("type", "Plain")
        .put("secureOnlyMechanisms", new JsonArray())
        .put("users", new JsonArray().add(new JsonObject()
          .put("name", USER).put("type", "managed").put("password", password)))))
      .put("ports", new JsonArray().add(new JsonObject()
        .put("name", "AMQP")
        .put("type", "AMQP")
        .put("port", 0) // the system picks a free one
        .put("bindingAddress", "127.0.0.1")
        .put("protocols", new JsonArray().add("AMQP_0_9_1"))
        .put("authenticationProvider", "plain")
        .put("virtualhostaliases", new JsonArray()
          .add(new JsonObject().put("name", "defaultAlias").put("type", "defaultAlias"))
          .add(new JsonObject().put("name", "nameAlias").put("type", "nameAlias")))))
      .put("virtualhostnodes", new JsonArray().add(new JsonObject()
        .put("name", "default")
        .put("type", "Memory")
        .put("defaultVirtualHostNode", "true")
        .put("virtualHostInitialConfiguration", new JsonObject().put("type", "Memory").encode())))
      .encode();
  }

  /** Where to connect, with the credentials: {@code amqp://messenger:<password>@127.0.0.1:<port>}. */
  public String uri() {
    return uri;
  }

  public int port() {
    return port;
  }

  /** Closes every connection and frees the port. */
  @Override
  public void close() {
    launcher.shutdown();
  }
}
