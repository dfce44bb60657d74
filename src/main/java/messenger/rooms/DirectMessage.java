package messenger.rooms;

import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * A direct-message conversation of two signed-in people, {@code a} and {@code b} (account ids, see
 * {@link messenger.identity.Account#id()}, with the display names they had when it was opened), kept in the room
 * log like a room. Its messages are in the one chat log beside every room's, with the header {@code room} = its
 * {@link #id()} and {@code dm-members} = the two account ids; only its two members may read, send or listen.
 *
 * <p>Its id is {@code dm.} + 22 characters of base64url: the {@code .} is outside a room name's alphabet, so no
 * room can ever be called that, and the rest is an HMAC-SHA256 of the two account ids under the session secret
 * ({@link #idOf}): nobody without the secret can compute it, and two instances opening the same pair at the same
 * moment arrive at the same conversation.
 */
public record DirectMessage(String id, Member a, Member b, long createdAt) {

  /** What a direct message's id looks like; 25 characters, URL- and address-safe. */
  public static final Pattern ID = Pattern.compile("dm\\.[A-Za-z0-9_-]{22}");

  /** One of its two members: their account id and the display name they had when it was opened. */
  public record Member(String id, String name) {

    JsonObject toJson() {
      return new JsonObject().put("id", id).put("name", name);
    }
  }

  public static boolean isValidId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /**
   * The id of the conversation of two accounts: {@code dm.} + base64url of the first 16 bytes of
   * HMAC-SHA256(secret, "messenger.dm" NUL lower id NUL higher id). The same whoever opens it.
   */
  public static String idOf(String secret, String account, String other) {
    String low = account.compareTo(other) <= 0 ? account : other;
    String high = low.equals(account) ? other : account;
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] digest = mac.doFinal(("messenger.dm\0" + low + "\0" + high).getBytes(StandardCharsets.UTF_8));
      return "dm." + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e); // every JVM has HmacSHA256
    }
  }

  public boolean hasMember(String account) {
    return account != null && (a.id().equals(account) || b.id().equals(account));
  }

  /** The member who is not {@code account}. */
  public Member other(String account) {
    return a.id().equals(account) ? b : a;
  }

  /** The AMQP header {@code dm-members}: both account ids, in order, separated by a comma. */
  public String membersHeader() {
    return a.id().compareTo(b.id()) <= 0 ? a.id() + "," + b.id() : b.id() + "," + a.id();
  }

  /** As {@code GET /dms} and {@code POST /dms} show it to {@code viewer}, one of its members. */
  public JsonObject toJson(String viewer) {
    return new JsonObject().put("id", id).put("with", other(viewer).toJson()).put("createdAt", createdAt);
  }
}
