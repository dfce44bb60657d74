package messenger.web;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import messenger.Addresses;
import messenger.Settings;
import messenger.bus.Bus;
import messenger.bus.HealthReport;
import messenger.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management server, one per process, on {@code monitoring.host}:{@code monitoring.port} (loopback by
 * default): {@code GET /metrics} (Prometheus) and {@code GET /health}. Metrics say how many people are connected
 * and how busy the app is, which is nobody's business on the public port: there, {@code /metrics} does not exist
 * under any spelling, whatever proxy is in front. {@code /health} is also on the public port ({@link HttpVerticle}),
 * for load balancers.
 */
public final class Monitoring extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(Monitoring.class);

  private final Settings settings;
  private HttpServer server;

  public Monitoring(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/health").handler(health(vertx));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(Metrics.of(vertx).registry()));
    router.errorHandler(404, ApiError::respond);
    router.errorHandler(405, ApiError::respond);
    Settings.Monitoring monitoring = settings.monitoring();
    server = ConnectionTimeouts.server(vertx, settings.http(), new HttpServerOptions().setHost(monitoring.host()), router);
    return server.listen(monitoring.port())
      .onSuccess(s -> log.info("Metrics and health on http://{}:{}/metrics", monitoring.host(), s.actualPort()));
  }

  @Override
  public Future<?> stop() {
    return server.close();
  }

  /**
   * {@code GET /health}: 200 while the broker side publishes and reads, else 503. One check per reader: {@code rabbitmq}
   * (the publisher and the chat log's reader), {@code rooms} (the room log's) and {@code logouts} (the logout
   * record's); a reader disconnected, not consuming or stalled is DOWN, and its check says which and why.
   */
  static Handler<RoutingContext> health(Vertx vertx) {
    return HealthCheckHandler.create(vertx)
      .register("rabbitmq", 2000, check(vertx, Addresses.STATUS))
      .register("rooms", 2000, check(vertx, Addresses.ROOMS_STATUS))
      .register("logouts", 2000, check(vertx, Addresses.LOGOUTS_STATUS));
  }

  /** The check answered at {@code address}; DOWN when nothing answers there (not started yet, or stuck). */
  private static Handler<Promise<Status>> check(Vertx vertx, String address) {
    return promise -> vertx.eventBus().<HealthReport>request(address, null, Bus.LOCAL).onComplete(ar -> {
      if (ar.failed()) {
        promise.complete(Status.KO(new JsonObject().put("error", ar.cause().getMessage())));
      } else {
        HealthReport report = ar.result().body();
        promise.complete(report.up() ? Status.OK(report.toJson()) : Status.KO(report.toJson()));
      }
    });
  }
}
