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
import messenger.presence.PresenceVerticle;
import messenger.rabbit.RabbitVerticle;
import messenger.web.HttpVerticle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the configuration, chooses the broker (starting the embedded one for a first try, see {@link Broker}),
 * then deploys {@link RabbitVerticle} (one) and {@link HttpVerticle} (one per core by default). Configuration
 * given at deployment ({@code -conf}, or tests) is merged over the file and the environment, so tests can set
 * anything.
 */
public class MainVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(MainVerticle.class);

  private Broker broker;

  @Override
  public Future<?> start() {
    // Declared explicitly so the environment wins over the file (the default order is the reverse).
    ConfigRetrieverOptions options = new ConfigRetrieverOptions()
      .setIncludeDefaultStores(false)
      .addStore(new ConfigStoreOptions().setType("file").setFormat("json").setOptional(true)
        .setConfig(new JsonObject().put("path", "conf/config.json")))
      .addStore(new ConfigStoreOptions().setType("env")
        .setConfig(new JsonObject().put("keys", new JsonArray().add("HTTP_PORT").add("RABBITMQ_URI").add("SESSION_SECRET"))));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
      .eventually(retriever::close)
      .map(fileAndEnv -> Settings.applyEnvironment(fileAndEnv.mergeIn(config(), true)))
      .compose(this::deploy);
  }

  private Future<?> deploy(JsonObject config) {
    Settings settings = Settings.from(config);
    if (settings.sessionSecret() == null || settings.sessionSecret().isBlank()) {
      log.warn("SESSION_SECRET is not set: using a random secret. Sessions will not survive a restart "
        + "and are not valid on other instances. Set SESSION_SECRET to the same value on every instance.");
      config.getJsonObject("session").put("secret", java.util.UUID.randomUUID() + "-" + java.util.UUID.randomUUID());
    }
    // Blocking: it may probe the broker or start the embedded one.
    return vertx.executeBlocking(() -> Broker.choose(settings.rabbit()))
      .compose(chosen -> {
        broker = chosen;
        config.getJsonObject("rabbitmq").put("uri", chosen.uri());
        return vertx.deployVerticle(new RabbitVerticle(chosen), new DeploymentOptions().setConfig(config));
      })
      .compose(id -> vertx.deployVerticle(new PresenceVerticle(), new DeploymentOptions().setConfig(config)))
      .compose(id -> vertx.deployVerticle(HttpVerticle.class,
        new DeploymentOptions().setConfig(config).setInstances(settings.http().instances())))
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
