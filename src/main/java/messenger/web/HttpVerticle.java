package messenger.web;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CSPHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.XFrameHandler;
import messenger.Instance;
import messenger.Settings;
import messenger.identity.OidcProvider;
import messenger.metrics.Metrics;
import messenger.presence.NameHolders;
import messenger.rooms.Rooms;
import messenger.session.EndedLogins;

import java.util.concurrent.TimeUnit;

/**
 * The HTTP server: pages ({@link Pages}), JSON routes ({@link ChatApi}, {@link RoomsApi}, {@link DmsApi}, {@link PresenceApi},
 * each route made by {@link UserRoutes} with the checks of its kind), {@code /health} and
 * the SockJS event-bus bridge ({@link BridgeSockets}), each mounted on one router, with the timeouts of
 * {@link ConnectionTimeouts}; metrics are on the management port ({@link Monitoring}), not here. Stateless apart
 * from the encrypted session cookie ({@link Sessions}) and this event loop's bridge sockets, so any number of
 * instances (in this process or others) can serve any request. Sessions are checked against what this process
 * knows of ended logins and of who holds each name, read here and kept by other verticles.
 */
public class HttpVerticle extends VerticleBase {

  private final Settings settings;
  private final EndedLogins ended;
  private final NameHolders names;
  private final Rooms rooms;
  private HttpServer server;
  private BridgeSockets sockets;
  private OidcProvider provider;

  public HttpVerticle(Settings settings, EndedLogins ended, NameHolders names, Rooms rooms) {
    this.settings = settings;
    this.ended = ended;
    this.names = names;
    this.rooms = rooms;
  }

  @Override
  public Future<?> start() {
    Metrics metrics = Metrics.of(vertx);
    sockets = new BridgeSockets(vertx, metrics, settings.http(), rooms.dms());
    if (settings.auth().oidc() != null) {
      provider = new OidcProvider(vertx, settings.auth().oidc());
      provider.start(); // in the background: the server listens at once, the provider is found when it answers
    }
    // A bounded send buffer per connection: a browser that stops reading is noticed (and cut off) after
    // tens of kilobytes instead of the megabytes the kernel would otherwise buffer for it.
    server = ConnectionTimeouts.server(vertx, settings.http(), new HttpServerOptions()
        .setTcpNoDelay(true)
        .setSendBufferSize(settings.http().socketSendBufferBytes()),
      router(metrics));
    return server.listen(settings.http().port());
  }

  /**
   * Closes the bridge sockets (pages reconnect, to another instance behind a load balancer) and lets
   * requests in flight, such as sends awaiting their confirm, finish before the server closes.
   */
  @Override
  public Future<?> stop() {
    sockets.closeAll(1001, "server shutting down");
    if (provider != null) {
      provider.stop();
    }
    return server.shutdown(settings.rabbit().sendTimeoutMs() + 2000, TimeUnit.MILLISECONDS);
  }

  private Router router(Metrics metrics) {
    Router router = Router.router(vertx);
    SameOrigin sameOrigin = new SameOrigin(settings.http().allowedOrigins(), settings.http().trustForwardedHeaders());
    BodyHandler body = BodyHandler.create(false).setBodyLimit(settings.http().maxBodyBytes());
    Sessions sessions = new Sessions(vertx, settings, ended, names);

    securityHeaders(router, settings.auth().oidc());
    router.route("/assets/*").handler(StaticHandler.create("webroot").setMaxAgeSeconds(3600));
    router.get("/health").handler(Monitoring.health(vertx));
    sessions.mount(router);
    new Pages(vertx, settings, names, provider).mount(router, body, sameOrigin);
    UserRoutes routes = new UserRoutes(router, body, sameOrigin, sessions::requireUser);
    new ChatApi(vertx, settings, metrics, rooms).mount(router, routes);
    new RoomsApi(vertx, rooms).mount(routes);
    new PresenceApi(vertx).mount(routes);
    new DmsApi(vertx, rooms, names, settings.session().secret()).mount(routes);
    sockets.mount(router, sameOrigin, body, sessions::requireUser);

    router.errorHandler(404, ApiError::respond);
    router.errorHandler(405, ApiError::respond);
    router.route().failureHandler(ApiError::respond);
    return router;
  }

  /** {@code oidc}: the provider, or null; logging out posts a form that the provider's logout may end at. */
  private static void securityHeaders(Router router, Settings.Oidc oidc) {
    router.route().handler(CSPHandler.create()
      .setDirective("default-src", "'self'")
      .addDirective("script-src", "'self'")
      .addDirective("style-src", "'self'")
      .addDirective("img-src", "'self' data:")
      .addDirective("connect-src", "'self'")
      .addDirective("object-src", "'none'")
      .addDirective("base-uri", "'none'")
      .addDirective("form-action", oidc == null ? "'self'" : "'self' " + OidcLogin.origin(oidc.issuer()))
      .addDirective("frame-ancestors", "'none'"));
    router.route().handler(XFrameHandler.create(XFrameHandler.DENY));
    router.route().handler(ctx -> {
      ctx.response().putHeader("X-Content-Type-Options", "nosniff").putHeader("Referrer-Policy", "same-origin")
        .putHeader("X-Messenger-Instance", Instance.NAME); // which instance answered, behind a load balancer
      ctx.next();
    });
  }
}
