package messenger;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import messenger.broker.Broker;
import messenger.metrics.Metrics;
import messenger.bus.Bus;
import messenger.chat.Names;
import messenger.presence.NameHolders;
import messenger.presence.PresenceVerticle;
import messenger.rabbit.RabbitVerticle;
import messenger.rooms.Rooms;
import messenger.rooms.RoomsVerticle;
import messenger.session.EndedLogins;
import messenger.session.LogoutVerticle;
import messenger.session.SessionSecret;
import messenger.web.HttpVerticle;
import messenger.web.Monitoring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the configuration, chooses the broker (starting the embedded one for a first try, see {@link Broker}),
 * then deploys {@link RabbitVerticle}, {@link PresenceVerticle}, {@link LogoutVerticle}, {@link RoomsVerticle} (one each)
 * and the management server ({@link Monitoring}) side by side, and once they have started, {@code http.instances}
 * {@link HttpVerticle}s, each given the
 * {@link Settings} (and the broker) in its constructor. Two things every request's session is checked against are
 * kept by one verticle and read by the web verticles without asking it: who holds each name ({@link NameHolders},
 * by presence), which logins ended ({@link EndedLogins}, by the logout verticle) and which rooms exist
 * ({@link Rooms}, by the rooms verticle).
 */
public class MainVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(MainVerticle.class);

  private Broker broker;
  private List<AutoCloseable> jvmMeters = List.of();

  @Override
  public Future<?> start() {
    Bus.install(vertx);
    return vertx.executeBlocking(Settings::defaults)
      .compose(this::load)
      .compose(settings -> vertx.executeBlocking(() -> settings.withSessionSecret(
        SessionSecret.resolve(settings.session().secret(), settings.session().secretFile()))))
      .compose(this::deploy);
  }

  /**
   * From the bottom up: the defaults the jar carries, {@code conf/config.json} in the working directory (if
   * any), the configuration given at deployment ({@code -conf}, or tests), and the environment variables
   * over all of them.
   */
  private Future<Settings> load(JsonObject defaults) {
    // Declared explicitly: the default stores would let the file win over the environment.
    ConfigRetrieverOptions options = new ConfigRetrieverOptions()
      .setIncludeDefaultStores(false)
      .addStore(new ConfigStoreOptions().setType("file").setFormat("json").setOptional(true)
        .setConfig(new JsonObject().put("path", Settings.FILE)))
      .addStore(new ConfigStoreOptions().setType("env")
        .setConfig(new JsonObject().put("keys", new JsonArray(new ArrayList<>(Settings.ENVIRONMENT)))));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
      .eventually(retriever::close)
      .map(fileAndEnv -> Settings.from(Settings.applyEnvironment(defaults.mergeIn(fileAndEnv, true).mergeIn(config(), true))));
  }

  private Future<?> deploy(Settings settings) {
    NameHolders names = new NameHolders();
    Rooms rooms = new Rooms();
    EndedLogins ended = new EndedLogins(settings.http().sessionTimeoutMinutes() * 60_000);
    // While the broker is chosen, in parallel and off the event loops: the name rules load their data (not at the first login).
    Future<Void> namesReady = vertx.executeBlocking(() -> {
      Names.load();
      return null;
    }, false);
    // Blocking: it may probe the broker or start the embedded one.
    return vertx.executeBlocking(() -> Broker.choose(settings.rabbit()))
      .compose(chosen -> {
        broker = chosen;
        // Side by side: each opens its own connection and reads its own log, and none needs another to start.
        // The management server too: its /health says DOWN until they read.
        return Future.all(List.of(
          vertx.deployVerticle(new RabbitVerticle(settings, chosen)),
          vertx.deployVerticle(new PresenceVerticle(settings, chosen, names)),
          // Before the web verticles: a session that logged out before this instance started must be refused at once.
          vertx.deployVerticle(new LogoutVerticle(settings, chosen, ended)),
          // Before the web verticles: a room created before this instance started must be known at its first request.
          vertx.deployVerticle(new RoomsVerticle(settings, chosen, rooms)),
          vertx.deployVerticle(new Monitoring(settings)),
          namesReady));
      })
      .compose(ready -> vertx.deployVerticle(() -> new HttpVerticle(settings, ended, names, rooms),
        new DeploymentOptions().setInstances(settings.http().instances())))
      .onSuccess(id -> log.info("Messenger is ready on http://localhost:{}/", settings.http().port()))
      .onSuccess(id -> bindJvmMeters())
      .onFailure(err -> stopBroker());
  }

  /** Where the launcher enabled Vert.x's metrics ({@link messenger.Main}): after the start, which need not wait for them. */
  private void bindJvmMeters() {
    if (vertx.isMetricsEnabled()) {
      vertx.executeBlocking(() -> Metrics.of(vertx).bindJvmMeters())
        .onSuccess(bound -> jvmMeters = bound)
        .onFailure(err -> log.warn("The JVM's meters are not on /metrics: {}", err.toString()));
    }
  }

  /** Runs after the verticles deployed here were undeployed, so their connections are closed first. */
  @Override
  public Future<?> stop() {
    for (AutoCloseable meters : jvmMeters) {
      try {
        meters.close();
      } catch (Exception e) {
        log.debug("Closing the JVM's meters: {}", e.toString());
      }
    }
    return stopBroker();
  }

  private Future<?> stopBroker() {
    Broker running = broker;
    broker = null;
    return running == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      running.stop();
      return null;
    });
  }
}
