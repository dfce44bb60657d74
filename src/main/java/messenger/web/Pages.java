package messenger.web;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.templ.handlebars.HandlebarsTemplateEngine;
import messenger.Addresses;
import messenger.Settings;
import messenger.bus.Bus;
import messenger.bus.LoggedOut;
import messenger.chat.Names;
import messenger.identity.OidcProvider;
import messenger.presence.NameHolders;
import messenger.rooms.DirectMessage;
import messenger.rooms.Room;

/**
 * The HTML side: the login page ({@code GET /}), logging in and out, and the chat page ({@code GET /chat}); with an
 * OpenID Connect provider configured, signing in through it too ({@link OidcLogin}), and a signed-in person's
 * logout goes on to the provider's.
 * Templates are Handlebars, whose {@code {{x}}} escapes HTML. Every page gets the server's own limits, so
 * that it enforces exactly these. A chat page whose session ended comes back to {@code /?ended=session} (or
 * {@code name_taken}), and the login page says why.
 */
final class Pages {

  static final String SESSION_ENDED = "Your session ended — log in again.";

  private final Vertx vertx;
  private final NameHolders names;
  private final DeliveryOptions logoutTimeout;
  /** Made at the first page rendered, not on the start path: /health and the API never need it. */
  private HandlebarsTemplateEngine templates;
  private final JsonObject limits;
  private final boolean nameLogin;
  /** Null when no OpenID Connect provider is configured. */
  private final OidcProvider provider;
  private final OidcLogin oidc;

  /** {@code provider}: the OpenID Connect provider, or null when none is configured. */
  Pages(Vertx vertx, Settings settings, NameHolders names, OidcProvider provider) {
    this.vertx = vertx;
    this.names = names;
    this.provider = provider;
    this.oidc = provider == null ? null : new OidcLogin(provider, names, this);
    this.nameLogin = settings.auth().nameLogin();
    this.logoutTimeout = new DeliveryOptions(Bus.LOCAL).setSendTimeout(settings.rabbit().confirmTimeoutMs() + 2000);
    this.limits = new JsonObject()
      .put("text", settings.chat().maxTextLength())
      .put("name", Names.MAX_LENGTH)
      .put("typingMs", settings.presence().typingIntervalMs());
  }

  void mount(Router router, Handler<RoutingContext> body, Handler<RoutingContext> sameOrigin) {
    router.get("/").handler(this::loginPage);
    router.post("/login").handler(body).handler(sameOrigin).handler(this::login);
    router.post("/logout").handler(sameOrigin).handler(this::logout);
    router.get("/chat").handler(this::chatPage);
    router.get("/chat/:room").handler(this::chatPage);
    if (oidc != null) { // else GET /login/oidc is a 404
      oidc.mount(router);
    }
  }

  boolean nameLogin() {
    return nameLogin;
  }

  /** The login page, with the ways to log in that this deployment offers. */
  void renderLogin(RoutingContext ctx, int status, JsonObject data) {
    data.put("nameLogin", nameLogin);
    if (provider != null) {
      data.put("oidc", new JsonObject().put("name", provider.settings().name()).put("down", provider.auth() == null));
    }
    render(ctx, status, "login", data);
  }

  private void loginPage(RoutingContext ctx) {
    if (Sessions.user(ctx) != null) {
      redirect(ctx, "/chat");
      return;
    }
    // Said by the server, whatever the link says: the reason is one of two fixed texts.
    JsonObject page = switch (String.valueOf(ctx.request().getParam("ended"))) {
      case "session" -> new JsonObject().put("notice", SESSION_ENDED);
      case "name_taken" -> new JsonObject().put("error", "Your name is now online in another session. Pick another name.");
      default -> new JsonObject();
    };
    renderLogin(ctx, 200, page);
  }

  private void login(RoutingContext ctx) {
    if (!nameLogin) {
      renderLogin(ctx, 403, new JsonObject().put("error", "Logging in with a name only is turned off here: "
        + "sign in with " + provider.settings().name() + "."));
      return;
    }
    String raw = ctx.request().getFormAttribute("name");
    String problem = Names.problem(raw);
    if (problem != null) {
      renderLogin(ctx, 400, new JsonObject().put("error", problem).put("name", raw == null ? "" : raw));
      return;
    }
    String name = Names.normalize(raw);
    if (name.equals(Sessions.user(ctx))) {
      redirect(ctx, "/chat"); // this session already has the name
      return;
    }
    NameHolders.Holder held = names.holder(name); // names are unique among online users
    if (held != null) {
      renderLogin(ctx, 400, new JsonObject().put("name", raw).put("error", "“" + held.name()
        + (held.account() != null ? "” belongs to someone signed in. Pick another name."
        : "” is already online in another session. Pick another name, or log out there first.")));
      return;
    }
    Sessions.signIn(ctx.session(), name);
    redirect(ctx, "/chat");
  }

  /**
   * Ends the session for every instance: answered once the logout is recorded where every instance reads it (or
   * once the broker failed to confirm it in time: it is recorded when the broker is back).
   */
  private void logout(RoutingContext ctx) {
    String user = Sessions.user(ctx);
    if (user == null) {
      redirect(ctx, "/");
      return;
    }
    LoggedOut logout = new LoggedOut(user, Sessions.login(ctx.session()), System.currentTimeMillis());
    // A signed-in person leaves the provider too, when it offers that (RP-initiated logout); it sends them back to /.
    String providerLogout = oidc == null || Sessions.accountId(ctx) == null ? null
      : oidc.logoutUrl(ctx, Sessions.idToken(ctx.session()));
    ctx.session().destroy();
    vertx.eventBus().request(Addresses.END_SESSION, logout, logoutTimeout)
      .onComplete(ar -> redirect(ctx, providerLogout != null ? providerLogout : "/"));
  }

  private void chatPage(RoutingContext ctx) {
    String taken = Sessions.nameTaken(ctx);
    String user = Sessions.user(ctx);
    if (taken != null) { // a session whose name went to someone else while it was offline
      renderLogin(ctx, 200, new JsonObject().put("name", taken).put("error", Sessions.nameTakenMessage(taken)));
    } else if (user == null) {
      redirect(ctx, "/");
    } else {
      String room = ctx.pathParam("room");
      // A direct message's address is served like any room's: whether the reader is in it the page learns from /dms.
      if (room != null && !Room.isValidName(room) && !DirectMessage.isValidId(room)) {
        ctx.fail(404);
        return;
      }
      // The room the page opens on: whether it exists the page learns from /rooms (it may be a moment old).
      render(ctx, 200, "chat", new JsonObject().put("name", user).put("room", room == null ? Room.GENERAL : room)
        .put("signedIn", Sessions.accountId(ctx) != null).put("account", Sessions.accountId(ctx)));
    }
  }

  private void render(RoutingContext ctx, int status, String page, JsonObject data) {
    if (templates == null) { // on this verticle's event loop only
      templates = HandlebarsTemplateEngine.create(vertx);
    }
    templates.render(data.put("limits", limits), "templates/" + page + ".hbs")
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
