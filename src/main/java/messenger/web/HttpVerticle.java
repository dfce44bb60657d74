package messenger.web;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CSPHandler;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.XFrameHandler;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.ext.web.sstore.cookie.CookieSessionStore;
import io.vertx.ext.web.templ.handlebars.HandlebarsTemplateEngine;
import messenger.Addresses;
import messenger.Settings;
import messenger.chat.Rules;
import messenger.metrics.Metrics;
import messenger.rabbit.Instance;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Pages, JSON routes and the SockJS event-bus bridge. Stateless apart from the encrypted session cookie,
 * so any number of instances (in this process or others) can serve any request.
 */
public class HttpVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(HttpVerticle.class);

  static final String SESSION_COOKIE = "messenger.session";
  static final String USER = "user";
  private static final int MAX_HISTORY = 200;
  /** RabbitVerticle's consumers are local: with a clustered event bus, requests must stay in this process. */
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private Settings settings;
  private HandlebarsTemplateEngine templates;
  private PresenceRoutes presence;
  private HttpServer server;
  private final Set<SockJSSocket> bridgeSockets = new HashSet<>();
  private Metrics metrics;
  private ChatFanOut chatFanOut;

  @Override
  public Future<?> start() {
    settings = Settings.from(config());
    templates = HandlebarsTemplateEngine.create(vertx);
    metrics = Metrics.of(vertx);
    chatFanOut = new ChatFanOut(vertx, this::canTakeMore);
    // A bounded send buffer per connection: a browser that stops reading is noticed (and cut off) after
    // tens of kilobytes instead of the megabytes the kernel would otherwise buffer for it.
    server = vertx.createHttpServer(new HttpServerOptions()
        .setTcpNoDelay(true)
        .setSendBufferSize(settings.http().socketSendBufferBytes()))
      .requestHandler(router());
    return server.listen(settings.http().port());
  }

  /**
   * Closes the bridge sockets (pages reconnect, to another instance behind a load balancer) and lets
   * requests in flight, such as sends awaiting their confirm, finish before the server closes.
   */
  @Override
  public Future<?> stop() {
    new ArrayList<>(bridgeSockets).forEach(socket -> socket.close(1001, "server shutting down"));
    return server.shutdown(settings.rabbit().confirmTimeoutMs() + 2000, TimeUnit.MILLISECONDS);
  }

  private Router router() {
    Router router = Router.router(vertx);
    SameOrigin sameOrigin = new SameOrigin(settings.http().allowedOrigins());
    BodyHandler body = BodyHandler.create(false).setBodyLimit(settings.http().maxBodyBytes());
    presence = new PresenceRoutes(vertx);

    router.route().handler(CSPHandler.create()
      .setDirective("default-src", "'self'")
      .addDirective("script-src", "'self'")
      .addDirective("style-src", "'self'")
      .addDirective("img-src", "'self' data:")
      .addDirective("connect-src", "'self'")
      .addDirective("object-src", "'none'")
      .addDirective("base-uri", "'none'")
      .addDirective("form-action", "'self'")
      .addDirective("frame-ancestors", "'none'"));
    router.route().handler(XFrameHandler.create(XFrameHandler.DENY));
    router.route().handler(ctx -> {
      ctx.response().putHeader("X-Content-Type-Options", "nosniff").putHeader("Referrer-Policy", "same-origin")
        .putHeader("X-Messenger-Instance", Instance.NAME); // which instance answered, behind a load balancer
      ctx.next();
    });
    router.route("/assets/*").handler(StaticHandler.create("webroot").setMaxAgeSeconds(3600));
    router.get("/health").handler(health());
    router.get("/metrics").handler(ctx -> ctx.response()
      .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));

    router.route().handler(SessionHandler.create(CookieSessionStore.create(vertx, settings.sessionSecret()))
      .setSessionCookieName(SESSION_COOKIE)
      .setSessionTimeout(settings.http().sessionTimeoutMinutes() * 60_000)
      .setCookieHttpOnlyFlag(true)
      .setCookieSameSite(CookieSameSite.LAX)
      .setLazySession(true));

    router.get("/").handler(this::loginPage);
    router.post("/login").handler(body).handler(sameOrigin).handler(this::login);
    router.post("/logout").handler(sameOrigin).handler(this::logout);
    router.get("/chat").handler(this::chatPage);
    router.post("/send").handler(body).handler(sameOrigin).handler(this::send);
    router.get("/history").handler(this::history);
    presence.mount(router, body, sameOrigin);
    router.route("/eventbus/*").handler(sameOrigin).handler(ctx -> {
      if (user(ctx) == null) {
        ApiError.send(ctx, 401);
      } else {
        ctx.next();
      }
    }).subRouter(SockJSHandler.create(vertx, new SockJSHandlerOptions()).bridge(bridgeOptions(), this::onBridgeEvent));

    router.errorHandler(404, ctx -> ApiError.send(ctx, 404));
    router.errorHandler(405, ctx -> ApiError.send(ctx, 405));
    router.route().failureHandler(ctx -> ApiError.send(ctx, ctx.statusCode()));
    return router;
  }

  private static SockJSBridgeOptions bridgeOptions() {
    // Outbound chat.* only; nothing inbound: everything a user does goes through an HTTP route.
    return new SockJSBridgeOptions()
      .addOutboundPermitted(new PermittedOptions().setAddressRegex(Addresses.BRIDGE_OUTBOUND_REGEX))
      .setMaxAddressLength(64)
      .setMaxHandlersPerSocket(16);
  }

  /**
   * Sockets are counted, reported to presence and, when they subscribe to chat.messages, served by the
   * {@link ChatFanOut}. A socket that does not read its messages fills its write queue; it is cut off rather
   * than allowed to grow the server's memory (its page reconnects and fills the gap from /history).
   */
  private void onBridgeEvent(BridgeEvent event) {
    chatFanOut.onBridgeEvent(event);
    switch (event.type()) {
      case SOCKET_CREATED -> {
        bridgeSockets.add(event.socket());
        metrics.bridgeClientConnected();
        presence.opened(event.socket()); // an open tab: its user is online
      }
      case SOCKET_CLOSED -> {
        bridgeSockets.remove(event.socket());
        metrics.bridgeClientDisconnected();
        presence.closed(event.socket());
      }
      case REGISTERED -> presence.registered(event.socket(), event.getRawMessage());
      case RECEIVE -> {
        if (!canTakeMore(event.socket())) {
          event.complete(false);
          return;
        }
      }
      default -> {
      }
    }
    event.complete(true);
  }

  private boolean canTakeMore(SockJSSocket socket) {
    try {
      if (!socket.writeQueueFull()) {
        return true;
      }
      if (bridgeSockets.remove(socket)) { // once per socket
        log.info("Closing the bridge socket of {}: it does not keep up with its messages", user(socket));
        socket.close(4008, "too slow");
      }
    } catch (IllegalStateException closed) {
      // closed already; the bridge drops its registrations when it notices
    }
    return false;
  }

  private static String user(SockJSSocket socket) {
    Session session = socket.webSession();
    return session == null ? null : session.get(USER);
  }

  private HealthCheckHandler health() {
    return HealthCheckHandler.create(vertx).register("rabbitmq", 2000, promise ->
      vertx.eventBus().<JsonObject>request(Addresses.STATUS, null, LOCAL).onComplete(ar -> {
        if (ar.failed()) {
          promise.complete(Status.KO(new JsonObject().put("error", ar.cause().getMessage())));
        } else {
          JsonObject state = ar.result().body();
          boolean up = state.getBoolean("publisher") && state.getBoolean("consumer");
          promise.complete(up ? Status.OK(state) : Status.KO(state));
        }
      }));
  }

  private static String user(RoutingContext ctx) {
    Session session = ctx.session();
    return session == null ? null : session.get(USER);
  }

  private void loginPage(RoutingContext ctx) {
    if (user(ctx) != null) {
      redirect(ctx, "/chat");
    } else {
      render(ctx, 200, "login", new JsonObject());
    }
  }

  private void login(RoutingContext ctx) {
    String raw = ctx.request().getFormAttribute("name");
    String problem = Rules.nameProblem(raw);
    if (problem != null) {
      render(ctx, 400, "login", new JsonObject().put("error", problem).put("name", raw == null ? "" : raw));
      return;
    }
    String name = Rules.normalizeName(raw);
    if (name.equals(user(ctx))) {
      redirect(ctx, "/chat"); // this session already has the name
      return;
    }
    // Names are unique among online users. If presence does not answer, let the person in rather than lock everyone out.
    presence.holder(name).otherwiseEmpty().onSuccess(held -> {
      if (held != null && held.getString("holder") != null) {
        render(ctx, 400, "login", new JsonObject().put("name", raw).put("error", "“" + held.getString("holder")
          + "” is already online in another session. Pick another name, or log out there first."));
        return;
      }
      Session session = ctx.session();
      session.regenerateId(); // a new id after login: no session fixation
      session.put(USER, name);
      session.put(PresenceRoutes.LOGIN, UUID.randomUUID().toString());
      redirect(ctx, "/chat");
    });
  }

  private void logout(RoutingContext ctx) {
    String user = user(ctx);
    if (user != null) {
      vertx.eventBus().send(Addresses.LOGOUT, user, LOCAL);
      presence.logout(ctx.session());
      ctx.session().destroy();
    }
    redirect(ctx, "/");
  }

  private void chatPage(RoutingContext ctx) {
    String user = user(ctx);
    if (user == null) {
      redirect(ctx, "/");
    } else {
      // A session whose name went to someone else while it was offline must not speak under it.
      presence.nameTakenFrom(ctx.session()).otherwise(false).onSuccess(taken -> {
        if (taken) {
          ctx.session().destroy();
          render(ctx, 200, "login", new JsonObject().put("name", user).put("error", "“" + user
            + "” is now online in another session. Pick another name."));
        } else {
          render(ctx, 200, "chat", new JsonObject().put("name", user));
        }
      });
    }
  }

  private void send(RoutingContext ctx) {
    String sender = user(ctx);
    if (sender == null) {
      ApiError.send(ctx, 401);
      return;
    }
    String contentType = ctx.request().getHeader("Content-Type");
    if (contentType == null || !contentType.split(";", 2)[0].trim().equalsIgnoreCase("application/json")) {
      ApiError.send(ctx, 415);
      return;
    }
    JsonObject json;
    try {
      json = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      ApiError.send(ctx, 400, "malformed_json", "The body is not a JSON object.");
      return;
    }
    if (json == null || !(json.getValue("text") instanceof String rawText)) {
      ApiError.send(ctx, 400, "bad_request", "The body must be {\"text\": \"…\"}.");
      return;
    }
    String text = rawText.strip();
    int max = settings.chat().maxTextLength();
    if (text.isEmpty()) {
      ApiError.send(ctx, 400, "empty", "The message is empty.");
      return;
    }
    if (Rules.textLength(text) > max) {
      ApiError.send(ctx, 400, "too_long", "A message can have at most " + max + " characters.");
      return;
    }
    Object clientId = json.getValue("id");
    if (clientId != null && !(clientId instanceof String s && Rules.isValidId(s))) {
      ApiError.send(ctx, 400, "invalid_id", "The id must be 1 to 64 letters, digits, '-' or '_'.");
      return;
    }
    String id = clientId != null ? (String) clientId : UUID.randomUUID().toString();
    JsonObject request = new JsonObject().put("sender", sender).put("id", id).put("text", text);
    DeliveryOptions timeout = new DeliveryOptions(LOCAL).setSendTimeout(settings.rabbit().confirmTimeoutMs() + 2000);
    vertx.eventBus().<JsonObject>request(Addresses.PUBLISH, request, timeout)
      .onSuccess(reply -> ctx.response().setStatusCode(202)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(reply.body().encode()))
      .onFailure(err -> {
        if (err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
          ApiError.send(ctx, re.failureCode(), re.failureCode() == 429 ? "too_fast" : "unavailable", re.getMessage());
        } else {
          ApiError.send(ctx, 503);
        }
      });
  }

  private void history(RoutingContext ctx) {
    if (user(ctx) == null) {
      ApiError.send(ctx, 401);
      return;
    }
    long after;
    int limit;
    try {
      String afterParam = ctx.request().getParam("after");
      String limitParam = ctx.request().getParam("limit");
      after = afterParam == null ? -1 : Long.parseLong(afterParam);
      limit = limitParam == null ? 50 : Integer.parseInt(limitParam);
    } catch (NumberFormatException e) {
      ApiError.send(ctx, 400, "bad_request", "'after' and 'limit' must be numbers.");
      return;
    }
    if (after < -1 || limit < 1 || limit > MAX_HISTORY) {
      ApiError.send(ctx, 400, "bad_request", "'after' must be at least -1 and 'limit' between 1 and " + MAX_HISTORY + ".");
      return;
    }
    vertx.eventBus().<JsonObject>request(Addresses.HISTORY, new JsonObject().put("after", after).put("limit", limit), LOCAL)
      .onSuccess(reply -> ctx.response()
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(reply.body().encode()))
      .onFailure(err -> ApiError.send(ctx, 503));
  }

  private void render(RoutingContext ctx, int status, String page, JsonObject data) {
    templates.render(data, "templates/" + page + ".hbs")
      .onSuccess(html -> ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(html))
      .onFailure(ctx::fail);
  }

  private static void redirect(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(303).putHeader("Location", location).end();
  }
}
