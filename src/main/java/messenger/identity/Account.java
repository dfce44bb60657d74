package messenger.identity;

import io.vertx.core.json.JsonObject;
import messenger.chat.Names;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.UUID;

/**
 * A person signed in through an OpenID Connect provider: the provider's {@code iss} and {@code sub}, which
 * together never change for that person (a display name may). Everything else refers to them by {@link #id()}.
 *
 * <p>A login of an account carries the account's id in its login id ({@link #newLogin()}), so that presence,
 * the record of logouts and the session screening, which all pass login ids around already, tell an account's
 * logins apart from name-only ones and recognise two logins of one account without anything new on the wire.
 */
public record Account(String issuer, String subject) {

  private static final String LOGIN_PREFIX = "acct.";

  public Account {
    if (issuer == null || issuer.isEmpty() || subject == null || subject.isEmpty()) {
      throw new IllegalArgumentException("an account needs an issuer and a subject");
    }
  }

  /**
   * The account's id: base64url of the first 16 bytes of SHA-256 over {@code iss}, a NUL and {@code sub}. Short
   * and of one alphabet (it goes into login ids, the AMQP header {@code sender-id} and the bus payload's
   * {@code senderId}), the same on every instance, and one per provider and subject.
   */
  public String id() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
        .digest((issuer + '\0' + subject).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JVM has SHA-256
    }
  }

  /** A fresh login id for one sign-in of this account. */
  public String newLogin() {
    return LOGIN_PREFIX + id() + "." + UUID.randomUUID();
  }

  /** The id of the account a login id belongs to, or null for a name-only login (or none). */
  public static String idOfLogin(String login) {
    if (login == null || !login.startsWith(LOGIN_PREFIX)) {
      return null;
    }
    int end = login.indexOf('.', LOGIN_PREFIX.length());
    return end < 0 ? null : login.substring(LOGIN_PREFIX.length(), end);
  }

  /**
   * The display name an ID token's claims give: {@code preferred_username}, else {@code name}, the first that is a
   * valid name once {@link Names#normalize normalised}; null when neither is.
   */
  public static String displayName(JsonObject claims) {
    for (String claim : new String[]{"preferred_username", "name"}) {
      if (claims.getValue(claim) instanceof String raw && Names.problem(raw) == null) {
        return Names.normalize(raw);
      }
    }
    return null;
  }
}
