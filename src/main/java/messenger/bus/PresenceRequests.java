package messenger.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** Between the web verticles and PresenceVerticle (addresses in {@link messenger.Addresses}). */
public final class PresenceRequests {

  private PresenceRequests() {
  }

  /** A bridge socket of a logged-in session opened: one more tab of {@code user}. {@code tab} names the socket. */
  public record TabOpened(String tab, String user, String login) implements Bus.Message {
  }

  public record TabClosed(String tab) implements Bus.Message {
  }

  /** Asked with an empty body: who is online. */
  public record Online(List<String> online, long version, JsonObject accounts) implements Bus.Message {

    public Online(List<String> online, long version) {
      this(online, version, new JsonObject());
    }

    /**
     * As {@code GET /presence} answers and {@code chat.presence} carries it (there with who joined and left);
     * {@code accounts}: the account id of each name held by someone signed in.
     */
    public JsonObject toJson() {
      return new JsonObject().put("online", new JsonArray(online)).put("version", version).put("accounts", accounts.copy());
    }
  }

  /** {@code user} is typing in {@code room} (throttled by PresenceVerticle). */
  public record Typing(String user, String room) implements Bus.Message {
  }

  /** {@code user} joined ({@code joined}) or left {@code room} (repeats and floods are dropped by PresenceVerticle). */
  public record Membership(String user, String room, boolean joined) implements Bus.Message {
  }

  /** PresenceVerticle to every web verticle: close these tabs (their session logged out). */
  public record CloseTabs(List<String> tabs) implements Bus.Message {
  }
}
