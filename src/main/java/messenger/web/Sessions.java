package messenger.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.sstore.SessionStore;
import io.vertx.ext.web.sstore.cookie.CookieSessionStore;
import messenger.Settings;
import messenger.identity.Account;
import messenger.presence.NameHolders;
import messenger.session.EndedLogins;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Who a request or a bridge socket belongs to. The session is an encrypted cookie, so every instance with the
 * same secret reads it; it holds the user's name and a random id per login, which tells this session's tabs
 * from those of another session that had the same name before.
 *
 * <p>A cookie is stateless: a copy of it stays readable after its logout, and a session may outlive its hold on
 * its name. So right after the cookie is read, every request's session is screened: it is over when its login
 * ended (on any instance, see {@link EndedLogins}) or when its name is now online under another login
 * ({@link NameHolders}); the request then goes on without a session. Both are looked up in memory, without a
 * round trip on the bus. {@link #requireUser} answers what is over: 401, or 403 {@code name_taken}.
 */
final class Sessions {

  static final String COOKIE = "messenger.session";
  private static final String USER = "user";
  private static final String LOGIN = "login";
  /** A signed-in person's ID token, the hint the provider's logout wants; absent for name-only logins. */
  private static final String ID_TOKEN = "idToken";
  /** Set on a request whose session was over because its name went to another login: the name. */
  private static final String NAME_TAKEN = "messenger.name-taken";
  private static final Pattern SENT_COOKIE = Pattern.compile("(^|;)\\s*" + Pattern.quote(COOKIE) + "=");

  private final SessionHandler handler;
  private final EndedLogins ended;
  private final NameHolders names;

  Sessions(Vertx vertx, Settings settings, EndedLogins ended, NameHolders names) {
    this.ended = ended;
    this.names = names;
    this.handler = SessionHandler.create(new UnreadableIsNone(CookieSessionStore.create(vertx, settings.session().secret())))
      .setSessionCookieName(COOKIE)
      .setSessionTimeout(settings.http().sessionTimeoutMinutes() * 60_000)
      .setCookieHttpOnlyFlag(true)
      .setCookieSameSite(CookieSameSite.LAX)
      .setLazySession(true);
  }

  /** Reads the session of every request of the routes that follow, and screens it. */
  void mount(Router router) {
    router.route().handler(handler);
    router.route().handler(this::screen);
  }

  /**
   * A session that is over is emptied: the request goes on without one, and a page answered now replaces the
   * browser's cookie with an empty session. Only a request that brought a cookie can have one.
   */
  private void screen(RoutingContext ctx) {
    if (ctx.request().getCookie(COOKIE) != null) {
      Session session = ctx.session();
      String user = user(session);
      if (user != null) {
        String login = login(session);
        boolean taken = names.takenFrom(user, login);
        if (taken || login.isEmpty() || ended.contains(login)) { // no login id: a session from before login ids
          session.remove(USER);
          session.remove(LOGIN);
          session.remove(ID_TOKEN);
          if (taken) {
            ctx.put(NAME_TAKEN, user);
          }
        }
      }
    }
    ctx.next();
  }

  /**
   * Lets through requests of a live session; others get 401, or 403 {@code name_taken} when the session's name
   * went to someone else (the session is then over), or 503 while this instance has not read the record of
   * logouts yet (the broker was down when it started) and cannot tell a live session from a logged-out one.
   */
  void requireUser(RoutingContext ctx) {
    String taken = nameTaken(ctx);
    if (taken != null) {
      refuse(ctx, new ApiError(403, "name_taken", nameTakenMessage(taken)));
    } else if (user(ctx) == null) {
      refuse(ctx, ApiError.standard(401));
    } else if (!ended.isComplete()) {
      ctx.fail(new ApiError(503, "unavailable", "Sessions cannot be checked until the message broker is back; try again."));
    } else {
      ctx.next();
    }
  }

  /**
   * A cookie that could not be read at all (garbled, sealed with another key, expired) is cleared with the refusal,
   * so that the browser stops sending it. A readable one is left: it is refused wherever it goes, and clearing it
   * could wipe a login made meanwhile in another tab of the same browser.
   */
  private static void refuse(RoutingContext ctx, ApiError error) {
    String sent = ctx.request().getHeader(HttpHeaders.COOKIE);
    boolean unreadable = sent != null && SENT_COOKIE.matcher(sent).find() && ctx.request().getCookie(COOKIE) == null;
    if (unreadable) { // the session handler dropped it
      ctx.response().addCookie(Cookie.cookie(COOKIE, "").setPath("/").setMaxAge(0).setHttpOnly(true)
        .setSameSite(CookieSameSite.LAX));
    }
    ctx.fail(error);
  }

  /** The name that this request's session lost to another login just now, or null. */
  static String nameTaken(RoutingContext ctx) {
    return ctx.get(NAME_TAKEN);
  }

  static String nameTakenMessage(String name) {
    return "“" + name + "” is now online in another session. Pick another name.";
  }

  /** The logged-in user, or null. */
  static String user(RoutingContext ctx) {
    return user(ctx.session());
  }

  static String user(SockJSSocket socket) {
    return user(socket.webSession());
  }

  static String user(Session session) {
    return session == null ? null : session.get(USER);
  }

  /** This login's id; empty for a session that has none. */
  static String login(Session session) {
    String login = session == null ? null : session.get(LOGIN);
    return login == null ? "" : login;
  }

  /** The id of the signed-in person this session belongs to, or null for a name-only session (or none). */
  static String accountId(RoutingContext ctx) {
    return user(ctx) == null ? null : Account.idOfLogin(login(ctx.session()));
  }

  /** The ID token a signed-in session was made with, or null. */
  static String idToken(Session session) {
    return session == null ? null : session.get(ID_TOKEN);
  }

  /** Logs {@code name} in: a new session id (no session fixation) and a new login id. */
  static void signIn(Session session, String name) {
    session.regenerateId();
    session.put(USER, name);
    session.put(LOGIN, UUID.randomUUID().toString());
    session.remove(ID_TOKEN);
  }

  /** Signs {@code account} in as {@code name}, as {@link #signIn} does, with a login id that names the account. */
  static void signIn(Session session, String name, Account account, String idToken) {
    session.regenerateId();
    session.put(USER, name);
    session.put(LOGIN, account.newLogin());
    if (idToken != null) {
      session.put(ID_TOKEN, idToken);
    }
  }

  /**
   * The cookie store, except that a cookie it cannot read (not base64url, too short for the cipher, sealed with
   * another key…) is no session, as an expired one is: the store itself fails the request with a 500.
   */
  private record UnreadableIsNone(SessionStore store) implements SessionStore {

    @Override
    public Future<Session> get(String cookieValue) {
      return store.get(cookieValue).otherwiseEmpty();
    }

    @Override
    public SessionStore init(Vertx vertx, JsonObject options) {
      return store.init(vertx, options);
    }

    @Override
    public long retryTimeout() {
      return store.retryTimeout();
    }

    @Override
    public Session createSession(long timeout) {
      return store.createSession(timeout);
    }

    @Override
    public Session createSession(long timeout, int length) {
      return store.createSession(timeout, length);
    }

    @Override
    public Future<Void> delete(String id) {
      return store.delete(id);
    }

    @Override
    public Future<Void> put(Session session) {
      return store.put(session);
    }

    @Override
    public Future<Void> clear() {
      return store.clear();
    }

    @Override
    public Future<Integer> size() {
      return store.size();
    }

    @Override
    public void close() {
      store.close();
    }
  }
}
