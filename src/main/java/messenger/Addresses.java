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

  /** The bridge lets browsers subscribe to these addresses and nothing else. */
  public static final String BRIDGE_OUTBOUND_REGEX = "chat\\.[a-z]+";

  private Addresses() {
  }
}
