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

/**
 * Reads the configuration, chooses the broker (starting the embedded one for a first try, see {@link Broker}),
 * then deploys {@link RabbitVerticle}, {@link PresenceVerticle}, {@link LogoutVerticle} and {@link RoomsVerticle} (one each),
 * {@code http.instances} {@link HttpVerticle}s and the management server ({@link Monitoring}), each given the
 * {@link Settings} (and the broker) in its constructor. Two things every request's session is checked against are
 * kept by one verticle and read by the web verticles without asking it: who holds each name ({@link NameHolders},
 * by presence), which logins ended ({@link EndedLogins}, by the logout verticle) and which rooms exist
 * ({@link Rooms}, by the rooms verticle).
 */
public class MainVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(MainVerticle.class);

  private Broker broker;

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
        return vertx.deployVerticle(new RabbitVerticle(settings, chosen));
      })
      .compose(id -> vertx.deployVerticle(new PresenceVerticle(settings, broker, names)))
      // Before the web verticles: a session that logged out before this instance started must be refused at once.
      .compose(id -> vertx.deployVerticle(new LogoutVerticle(settings, broker, ended)))
      // Before the web verticles: a room created before this instance started must be known at its first request.
      .compose(id -> vertx.deployVerticle(new RoomsVerticle(settings, broker, rooms)))
      .compose(id -> namesReady)
      .compose(ready -> vertx.deployVerticle(() -> new HttpVerticle(settings, ended, names, rooms),
        new DeploymentOptions().setInstances(settings.http().instances())))
      .compose(id -> vertx.deployVerticle(new Monitoring(settings)))
      .onSuccess(id -> log.info("Messenger is ready on http://localhost:{}/", settings.http().port()))
      .onFailure(err -> stopBroker());
  }

  /** Runs after the verticles deployed here were undeployed, so their connections are closed first. */
  @Override
  public Future<?> stop() {
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
