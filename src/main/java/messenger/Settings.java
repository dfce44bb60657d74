package messenger;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Typed view of the merged configuration: {@code conf/config.json} overridden by the
 * environment variables {@code HTTP_PORT}, {@code RABBITMQ_URI} and {@code SESSION_SECRET}.
 * Every verticle receives the same JSON and reads it through this class only.
 */
public record Settings(Http http, Rabbit rabbit, Chat chat, String sessionSecret) {

  public record Http(int port, int instances, List<String> allowedOrigins, int maxBodyBytes,
                     long sessionTimeoutMinutes, int socketSendBufferBytes) {
  }

  public record Rabbit(String uri, String exchange, String stream, String streamMaxAge, int prefetch,
                       long reconnectIntervalMs, long confirmTimeoutMs) {
  }

  public record Chat(int historySize, int maxTextLength, double ratePerSecond, int rateBurst,
                     long publisherIdleMinutes) {
  }

  /** Folds the environment variables (top-level keys, as the env config store delivers them) into the sections. */
  public static JsonObject applyEnvironment(JsonObject merged) {
    JsonObject json = merged.copy();
    JsonObject http = section(json, "http");
    JsonObject rabbit = section(json, "rabbitmq");
    JsonObject session = section(json, "session");
    Object port = json.remove("HTTP_PORT");
    if (port != null) {
      http.put("port", Integer.parseInt(port.toString().trim()));
    }
    Object uri = json.remove("RABBITMQ_URI");
    if (uri != null && !uri.toString().isBlank()) {
      rabbit.put("uri", uri.toString().trim());
    }
    Object secret = json.remove("SESSION_SECRET");
    if (secret != null && !secret.toString().isBlank()) {
      session.put("secret", secret.toString());
    }
    return json;
  }

  public static Settings from(JsonObject json) {
    JsonObject http = json.getJsonObject("http", new JsonObject());
    JsonObject rabbit = json.getJsonObject("rabbitmq", new JsonObject());
    JsonObject chat = json.getJsonObject("chat", new JsonObject());
    JsonObject session = json.getJsonObject("session", new JsonObject());
    return new Settings(
      new Http(
        http.getInteger("port", 8888),
        Math.max(1, http.getInteger("instances", Runtime.getRuntime().availableProcessors())),
        http.getJsonArray("allowedOrigins", new JsonArray()).stream().map(Object::toString).toList(),
        http.getInteger("maxBodyBytes", 16384),
        http.getLong("sessionTimeoutMinutes", 1440L),
        http.getInteger("socketSendBufferBytes", 65536)),
      new Rabbit(
        rabbit.getString("uri", "amqp://guest:guest@localhost:5672"),
        rabbit.getString("exchange", "messenger"),
        rabbit.getString("stream", "messenger.log"),
        rabbit.getString("streamMaxAge", "7D"),
        rabbit.getInteger("prefetch", 500),
        rabbit.getLong("reconnectIntervalMs", 1000L),
        rabbit.getLong("confirmTimeoutMs", 5000L)),
      new Chat(
        chat.getInteger("historySize", 200),
        chat.getInteger("maxTextLength", 2000),
        chat.getDouble("ratePerSecond", 5.0),
        chat.getInteger("rateBurst", 10),
        chat.getLong("publisherIdleMinutes", 10L)),
      session.getString("secret"));
  }

  private static JsonObject section(JsonObject json, String name) {
    JsonObject section = json.getJsonObject(name);
    if (section == null) {
      section = new JsonObject();
      json.put(name, section);
    }
    return section;
  }
}
