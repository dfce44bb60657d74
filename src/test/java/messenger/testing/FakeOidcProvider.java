package messenger.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.net.http.HttpResponse;

/**
 * A minimal OpenID Connect provider for what a real one will not do on request: it signs every sign-in in at once
 * (no form) and can put another nonce in the ID token than the one it was asked for, as a token injected from
 * another sign-in would carry. Discovery, JWKS (one RSA key), authorize and token; tokens signed RS256. Whom a
 * sign-in signs in is {@link #signIn}'s choice (subject {@code fake-<username>}), "mallory" by default.
 */
public final class FakeOidcProvider implements AutoCloseable {

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final Vertx vertx = Vertx.vertx();
  private final KeyPair keys;
  private final HttpServer server;
  public final String issuer;
  /** Each code handed out: the nonce asked for and whom it signs in. */
  private final Map<String, String[]> codes = new ConcurrentHashMap<>();
  /** Whom the next sign-in signs in. */
  private volatile String username = "mallory";
  /** When set, the ID token carries this nonce instead of the one asked for. */
  public volatile String forgedNonce;

  public FakeOidcProvider(String clientId) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      keys = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    int port = TestApp.freePort();
    issuer = "http://127.0.0.1:" + port;
    server = vertx.createHttpServer().requestHandler(req -> {
      switch (req.path()) {
        case "/.well-known/openid-configuration" -> req.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("issuer", issuer).put("authorization_endpoint", issuer + "/auth")
            .put("token_endpoint", issuer + "/token").put("jwks_uri", issuer + "/jwks")
            .put("id_token_signing_alg_values_supported", new JsonArray().add("RS256")).encode());
        case "/jwks" -> req.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("keys", new JsonArray().add(jwk())).encode());
        case "/auth" -> { // signs in at once: back to the app with a code
          String code = "fake-code-" + UUID.randomUUID();
          codes.put(code, new String[]{req.getParam("nonce"), username});
          req.response().setStatusCode(302).putHeader("Location",
            req.getParam("redirect_uri") + "?code=" + code + "&state=" + req.getParam("state")).end();
        }
        case "/token" -> {
          req.setExpectMultipart(true);
          req.endHandler(v -> {
            String[] granted = codes.remove(String.valueOf(req.getFormAttribute("code")));
            if (granted == null) {
              req.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", "invalid_grant").encode());
              return;
            }
            req.response().putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("access_token", "opaque-access-token").put("token_type", "Bearer")
                .put("expires_in", 300).put("id_token", idToken(clientId, granted[1], granted[0])).encode());
          });
        }
        default -> req.response().setStatusCode(404).end();
      }
    });
    server.listen(port, "127.0.0.1").await();
  }

  private JsonObject jwk() {
    RSAPublicKey key = (RSAPublicKey) keys.getPublic();
    return new JsonObject().put("kty", "RSA").put("kid", "fake-1").put("use", "sig").put("alg", "RS256")
      .put("n", B64.encodeToString(unsigned(key.getModulus()))).put("e", B64.encodeToString(unsigned(key.getPublicExponent())));
  }

  /**
   * A person signed in through this provider: a browser of their own (cookies) on {@code baseUrl}, through the whole
   * code flow; it fails unless the app answers 303 to /chat.
   */
  public synchronized User signIn(String baseUrl, String username) {
    this.username = username;
    User user = new User(baseUrl, username);
    HttpResponse<String> started = user.get("/login/oidc");
    HttpResponse<String> back = user.getUrl(started.headers().firstValue("Location").orElseThrow());
    HttpResponse<String> signedIn = user.getUrl(back.headers().firstValue("Location").orElseThrow());
    if (signedIn.statusCode() != 303) {
      throw new IllegalStateException("sign-in of " + username + " failed: " + signedIn.statusCode() + " " + signedIn.body());
    }
    return user;
  }

  /** The account id of a person this provider signs in. */
  public String accountId(String username) {
    return new messenger.identity.Account(issuer, subject(username)).id();
  }

  private static String subject(String username) {
    return "mallory".equals(username) ? "fake-subject" : "fake-" + username;
  }

  private String idToken(String clientId, String username, String nonce) {
    long now = System.currentTimeMillis() / 1000;
    JsonObject claims = new JsonObject().put("iss", issuer).put("sub", subject(username)).put("aud", clientId)
      .put("azp", clientId).put("iat", now).put("exp", now + 300).put("preferred_username", username)
      .put("nonce", forgedNonce != null ? forgedNonce : nonce);
    String signed = B64.encodeToString(new JsonObject().put("alg", "RS256").put("typ", "JWT").put("kid", "fake-1")
      .encode().getBytes(StandardCharsets.UTF_8)) + "." + B64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(keys.getPrivate());
      rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
      return signed + "." + B64.encodeToString(rsa.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    return bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
