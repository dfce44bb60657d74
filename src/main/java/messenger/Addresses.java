package messenger;

/** Event bus addresses. Only {@code chat.*} ones are ever bridged to browsers, and only outbound. */
public final class Addresses {

  /** Every chat message, republished locally by each instance: {@code {"seq","id","sender","text","ts"}}. */
  public static final String CHAT_MESSAGES = "chat.messages";

  /** HttpVerticle → RabbitVerticle: {@code {"sender","id","text"}} → {@code {"id"}} once the broker confirmed. */
  public static final String PUBLISH = "messenger.publish";

  /** HttpVerticle → RabbitVerticle: {@code {"after","limit"}} → {@code {"messages":[...]}}. */
  public static final String HISTORY = "messenger.history";

  /** HttpVerticle → RabbitVerticle: a user name whose publisher can be dropped (logout). */
  public static final String LOGOUT = "messenger.logout";

  /** HttpVerticle → RabbitVerticle: {@code {"publisher","consumer"}} connection state, for /health. */
  public static final String STATUS = "messenger.status";

  /** Who is online, republished locally by each instance: {@code {"online","joined","left","version"}}. */
  public static final String CHAT_PRESENCE = "chat.presence";

  /** Someone is typing, republished locally by each instance: {@code {"user"}}; never in the chat log. */
  public static final String CHAT_TYPING = "chat.typing";

  /** HttpVerticle → PresenceVerticle: a bridge socket opened or closed {@code {"open","socket","user","login"}}. */
  public static final String PRESENCE_TAB = "messenger.presence.tab";

  /** HttpVerticle → PresenceVerticle: a session ended {@code {"user","login"}}; its tabs everywhere are closed. */
  public static final String PRESENCE_LOGOUT = "messenger.presence.logout";

  /** PresenceVerticle → every HttpVerticle (local publish): {@code {"sockets":[...]}} to close. */
  public static final String PRESENCE_CLOSE = "messenger.presence.close";

  /** HttpVerticle → PresenceVerticle: {@code {}} → {@code {"online","version"}}; {@code {"name"}} → {@code {"holder","logins"}}. */
  public static final String PRESENCE_QUERY = "messenger.presence.query";

  /** HttpVerticle → PresenceVerticle: {@code {"user"}} is typing (throttled there). */
  public static final String TYPING = "messenger.typing";

  /** The bridge lets browsers subscribe to these addresses and nothing else. */
  public static final String BRIDGE_OUTBOUND_REGEX = "chat\\.[a-z]+";

  private Addresses() {
  }
}
