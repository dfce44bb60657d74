package messenger.web;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import messenger.identity.Account;
import messenger.identity.OidcProvider;
import messenger.presence.NameHolders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Signing in through the OpenID Connect provider: the authorization-code flow with PKCE. {@code GET /login/oidc}
 * keeps a fresh state, nonce and code verifier in the session and sends the browser to the provider, which
 * returns it to {@code GET /login/oidc/callback}; there the state must be the one kept (one use only), the code
 * is exchanged for tokens with the verifier, the ID token must be signed by the provider for this client (checked
 * by vertx-auth-oauth2) and carry the nonce kept; then the person is signed in as their {@link Account}.
 *
 * <p>The flow is driven here rather than by vertx-web's OAuth2AuthHandler, which keeps the whole user (access,
 * refresh and ID tokens) in the session: in our cookie session that is more than a browser keeps in one cookie.
 * Only the ID token is kept, as the hint for the provider's logout.
 */
final class OidcLogin {

  static final String CALLBACK = "/login/oidc/callback";
  private static final Logger log = LoggerFactory.getLogger(OidcLogin.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String STATE = "oidc.state";
  private static final String NONCE = "oidc.nonce";
  private static final String VERIFIER = "oidc.verifier";
  private static final String REDIRECT = "oidc.redirect";
  /** Characters: with the rest of the session, sealed and base64-encoded, the cookie stays under browsers' 4 KB. */
  private static final int MAX_KEPT_ID_TOKEN = 2048;

  private final OidcProvider provider;
  private final NameHolders names;
  private final Pages pages;

  OidcLogin(OidcProvider provider, NameHolders names, Pages pages) {
    this.provider = provider;
    this.names = names;
    this.pages = pages;
  }

  void mount(Router router) {
    router.get("/login/oidc").handler(this::start);
    router.get(CALLBACK).handler(this::callback);
  }

  private String providerName() {
    return provider.settings().name();
  }

  private void start(RoutingContext ctx) {
    OAuth2Auth auth = provider.auth();
    if (auth == null) {
      refuse(ctx, 503, unavailable());
      return;
    }
    String state = random();
    String nonce = random();
    String verifier = random();
    String redirect = redirectUri(ctx);
    Session session = ctx.session();
    session.put(STATE, state);
    session.put(NONCE, nonce);
    session.put(VERIFIER, verifier);
    session.put(REDIRECT, redirect);
    String url = auth.authorizeURL(new OAuth2AuthorizationURL()
      .setRedirectUri(redirect)
      .setScopes(provider.settings().scopes()) // a list: providers give scopes back in any order
      .setState(state)
      .setCodeChallenge(challenge(verifier))
      .setCodeChallengeMethod("S256")
      .putAdditionalParameter("nonce", nonce));
    ctx.response().setStatusCode(302).putHeader("Location", url).putHeader("Cache-Control", "no-store").end();
  }

  private void callback(RoutingContext ctx) {
    Session session = ctx.session();
    // Each start is good for one sign-in: used up here. (An error page does not rewrite the cookie session, so
    // after a refused return the browser still holds it; the code is one-use at the provider anyway.)
    String expected = session.remove(STATE);
    String nonce = session.remove(NONCE);
    String verifier = session.remove(VERIFIER);
    String redirect = session.remove(REDIRECT);
    String state = ctx.request().getParam("state");
    if (expected == null || state == null
      || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), state.getBytes(StandardCharsets.UTF_8))) {
      refuse(ctx, 400, "This sign-in was not started on this page, or was already used. Please sign in again.");
      return;
    }
    String error = ctx.request().getParam("error");
    if (error != null) {
      if ("access_denied".equals(error)) {
        pages.renderLogin(ctx, 200, new JsonObject().put("notice", "Sign-in with " + providerName() + " was cancelled."));
      } else {
        log.info("OpenID Connect provider refused a sign-in: {} ({})", error, ctx.request().getParam("error_description"));
        refuse(ctx, 400, providerName() + " did not sign you in. Please try again.");
      }
      return;
    }
    String code = ctx.request().getParam("code");
    OAuth2Auth auth = provider.auth();
    if (code == null) {
      refuse(ctx, 400, providerName() + " did not sign you in. Please try again.");
      return;
    }
    if (auth == null) {
      refuse(ctx, 503, unavailable());
      return;
    }
    auth.authenticate(new Oauth2Credentials().setFlow(OAuth2FlowType.AUTH_CODE).setCode(code)
        .setRedirectUri(redirect).setCodeVerifier(verifier))
      .onSuccess(user -> signIn(ctx, user, nonce))
      .onFailure(err -> {
        log.warn("Exchanging a sign-in code with {} failed: {}", providerName(), err.getMessage());
        refuse(ctx, 502, "Signing in with " + providerName() + " could not be completed. Please try again.");
      });
  }

  private void signIn(RoutingContext ctx, User user, String nonce) {
    JsonObject claims = user.attributes().getJsonObject("idToken"); // present only when verified
    if (claims == null || nonce == null || !nonce.equals(claims.getString("nonce"))
      || !(claims.getValue("iss") instanceof String iss) || !(claims.getValue("sub") instanceof String sub)) {
      log.warn("{} answered without a valid ID token for this sign-in (missing, not verified, or another nonce)", providerName());
      refuse(ctx, 502, "Signing in with " + providerName() + " could not be completed. Please try again.");
      return;
    }
    Account account = new Account(iss, sub);
    String name = Account.displayName(claims);
    if (name == null) {
      refuse(ctx, 400, "Your " + providerName() + " account has no user name that can be shown here "
        + "(letters, digits, spaces and _ - . only, at most 32).");
      return;
    }
    NameHolders.Holder held = names.holder(name);
    if (held != null && held.account() != null && !held.account().equals(account.id())) {
      refuse(ctx, 409, "“" + held.name() + "” is online under another account. Log out there first.");
      return;
    }
    // A name-only session holding the name loses it as soon as this one is online: the account's name is theirs.
    // The ID token is kept as the provider's logout hint, unless it is too big for the session cookie (some
    // providers put group lists in it): the logout then names the client only, and the provider may ask to confirm.
    String idToken = user.principal().getString("id_token");
    Sessions.signIn(ctx.session(), name, account, idToken != null && idToken.length() <= MAX_KEPT_ID_TOKEN ? idToken : null);
    ctx.response().setStatusCode(303).putHeader("Location", "/chat").end();
  }

  /**
   * The provider's logout for a signed-in session ({@code idToken}: its hint, null when it was not kept), or null
   * when the provider has none.
   */
  String logoutUrl(RoutingContext ctx, String idToken) {
    OAuth2Auth auth = provider.auth();
    if (auth == null) {
      return null;
    }
    String back = URI.create(redirectUri(ctx)).resolve("/").toString();
    String url = auth.endSessionURL(User.create(new JsonObject().put("id_token", idToken)),
      new JsonObject().put("post_logout_redirect_uri", back).put("client_id", provider.settings().clientId()));
    // The logout form may only lead to the issuer's origin (the pages' CSP form-action): elsewhere, the browser stops.
    return url != null && origin(url).equals(origin(provider.settings().issuer())) ? url : null;
  }

  /** scheme://host[:port] of a URL. */
  static String origin(String url) {
    URI uri = URI.create(url);
    return uri.getScheme() + "://" + uri.getRawAuthority();
  }

  private String redirectUri(RoutingContext ctx) {
    String configured = provider.settings().redirectUri();
    return configured != null ? configured : URI.create(ctx.request().absoluteURI()).resolve(CALLBACK).toString();
  }

  private String unavailable() {
    return "Signing in with " + providerName() + " is unavailable right now: it does not answer."
      + (pages.nameLogin() ? " You can log in with a name meanwhile." : " Please try again later.");
  }

  /** The login page with the message beside the sign-in button. */
  private void refuse(RoutingContext ctx, int status, String message) {
    pages.renderLogin(ctx, status, new JsonObject().put("oidcError", message));
  }

  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** PKCE's S256: base64url of the SHA-256 of the verifier. */
  private static String challenge(String verifier) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
