package messenger.web;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import messenger.Addresses;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The web side of presence: a bridge socket is an open tab, reported to the PresenceVerticle; a socket that
 * starts listening to {@code chat.presence} gets the roster at once; {@code GET /presence} gives it over
 * HTTP; {@code POST /typing} reports typing. One per HttpVerticle
 * instance: it only knows the sockets of its own event loop.
 */
final class PresenceRoutes {

  /** A random id per login: tells this session's tabs from another session that had the same name before. */
  static final String LOGIN = "login";

  private final Vertx vertx;
  private final Map<String, SockJSSocket> sockets = new HashMap<>();
  private final Map<SockJSSocket, String> ids = new IdentityHashMap<>();

  PresenceRoutes(Vertx vertx) {
    this.vertx = vertx;
    // Logout (here or on another instance) closes that session's tabs.
    vertx.eventBus().<JsonObject>localConsumer(Addresses.PRESENCE_CLOSE, msg ->
      msg.body().getJsonArray("sockets").forEach(id -> {
        SockJSSocket socket = sockets.get(String.valueOf(id));
        if (socket != null) {
          socket.close();
        }
      }));
  }

  void mount(Router router, Handler<RoutingContext> body, Handler<RoutingContext> sameOrigin) {
    router.get("/presence").handler(this::roster);
    router.post("/typing").handler(body).handler(sameOrigin).handler(this::typing);
  }

  /** A bridge socket of a logged-in session opened: one more tab of its user. */
  void opened(SockJSSocket socket) {
    Session session = socket.webSession();
    String user = session == null ? null : session.get(HttpVerticle.USER);
    if (user != null) {
      String id = UUID.randomUUID().toString();
      sockets.put(id, socket);
      ids.put(socket, id);
      tab(true, id, user, session.get(LOGIN));
    }
  }

  void closed(SockJSSocket socket) {
    String id = ids.remove(socket);
    if (id != null) {
      sockets.remove(id);
      tab(false, id, null, null);
    }
  }

  /**
   * A socket started listening: if to {@code chat.presence}, it gets the current roster at once, on that
   * address, so that a page never misses a change between loading the list and listening for changes.
   */
  void registered(SockJSSocket socket, JsonObject frame) {
    if (Addresses.CHAT_PRESENCE.equals(frame.getString("address"))) {
      vertx.eventBus().<JsonObject>request(Addresses.PRESENCE_QUERY, new JsonObject()).onSuccess(reply -> {
        JsonObject roster = reply.body().put("joined", new JsonArray()).put("left", new JsonArray());
        socket.write(BridgeFrames.rec(Addresses.CHAT_PRESENCE, roster))
          .onFailure(err -> { /* closed meanwhile */ });
      });
    }
  }

  private void tab(boolean open, String socket, String user, String login) {
    vertx.eventBus().send(Addresses.PRESENCE_TAB, new JsonObject()
      .put("open", open).put("socket", socket).put("user", user).put("login", login == null ? "" : login));
  }

  /** The online name that equals {@code name} ignoring case, with its logins; holder is null when the name is free. */
  Future<JsonObject> holder(String name) {
    return vertx.eventBus().<JsonObject>request(Addresses.PRESENCE_QUERY, new JsonObject().put("name", name))
      .map(reply -> reply.body());
  }

  /** True when the name is online under another login than this session's: the session lost its name. */
  Future<Boolean> nameTakenFrom(Session session) {
    String user = session.get(HttpVerticle.USER);
    String login = session.get(LOGIN);
    return holder(user).map(h -> h.getString("holder") != null
      && !h.getJsonArray("logins").contains(login == null ? "" : login));
  }

  void logout(Session session) {
    String login = session.get(LOGIN);
    vertx.eventBus().send(Addresses.PRESENCE_LOGOUT, new JsonObject()
      .put("user", session.get(HttpVerticle.USER)).put("login", login == null ? "" : login));
  }

  private void roster(RoutingContext ctx) {
    if (ctx.session() == null || ctx.session().get(HttpVerticle.USER) == null) {
      ApiError.send(ctx, 401);
      return;
    }
    vertx.eventBus().<JsonObject>request(Addresses.PRESENCE_QUERY, new JsonObject())
      .onSuccess(reply -> ctx.response()
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(reply.body().encode()))
      .onFailure(err -> ApiError.send(ctx, 503, "unavailable", "Presence is unavailable; try again."));
  }

  /** Typing needs no body; the PresenceVerticle throttles, so an answer of 204 does not mean an event went out. */
  private void typing(RoutingContext ctx) {
    String user = ctx.session() == null ? null : ctx.session().get(HttpVerticle.USER);
    if (user == null) {
      ApiError.send(ctx, 401);
      return;
    }
    vertx.eventBus().send(Addresses.TYPING, new JsonObject().put("user", user));
    ctx.response().setStatusCode(204).end();
  }
}
