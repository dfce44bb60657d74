package messenger.presence;

import io.vertx.core.json.JsonObject;

/**
 * The {@code presence} section of the configuration.
 *
 * @param exchange        fanout exchange carrying presence and typing between instances (never the chat log)
 * @param heartbeatMs     how often each instance announces its users; also how long a new instance waits
 *                        before it shows join/leave notices (it has heard everyone by then)
 * @param expiryMs        an instance not heard from for this long is considered gone, with its users
 * @param leaveGraceMs    a user whose last tab closed stays online this long (reloads and reconnects are no leave)
 * @param typingIntervalMs at most one typing event per user per this interval
 */
public record PresenceSettings(String exchange, long heartbeatMs, long expiryMs, long leaveGraceMs,
                               long typingIntervalMs) {

  public static PresenceSettings from(JsonObject config) {
    JsonObject json = config.getJsonObject("presence", new JsonObject());
    long heartbeat = json.getLong("heartbeatMs", 10_000L);
    return new PresenceSettings(
      json.getString("exchange", "messenger.presence"),
      heartbeat,
      Math.max(json.getLong("expiryMs", 30_000L), 2 * heartbeat),
      json.getLong("leaveGraceMs", 3_000L),
      json.getLong("typingIntervalMs", 3_000L));
  }
}
