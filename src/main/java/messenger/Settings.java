package messenger;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Typed view of the merged configuration. Every default is in {@code conf/config.json} (also on the classpath,
 * so the jar runs from any directory) and nowhere else: a key missing here is an error, not a silent default.
 * The environment variables of {@link #ENVIRONMENT} win over everything (see {@link #applyEnvironment}). Verticles
 * receive this record in their constructor.
 */
public record Settings(Http http, Monitoring monitoring, Rabbit rabbit, Chat chat, History history, Presence presence,
                       Session session, Rooms rooms, Auth auth) {

  /** Where the defaults are, in the working directory and on the classpath. */
  public static final String FILE = "conf/config.json";

  /** The environment variables read, each winning over the key it names (see {@link #applyEnvironment}). */
  public static final List<String> ENVIRONMENT =
    List.of("HTTP_PORT", "MONITORING_PORT", "MONITORING_HOST", "RABBITMQ_URI", "SESSION_SECRET",
      "OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_NAME", "OIDC_REDIRECT_URI");

  /**
   * @param socketSendBufferBytes       the kernel's send buffer per connection, and what a bridge socket may have
   *                                    waiting in the server beyond it before it is cut off as too slow
   * @param trustForwardedHeaders       a proxy in front sets the scheme the browser used (see {@code SameOrigin})
   * @param maxSocketsPerSession        bridge sockets one login may hold open on this instance
   * @param idleTimeoutSeconds          a connection on which nothing was read or written for this long is closed
   * @param requestHeaderTimeoutSeconds a connection must send a request's head (line and headers) within this
   *                                    time of opening, or of its previous request's end
   */
  public record Http(int port, int instances, List<String> allowedOrigins, int maxBodyBytes,
                     long sessionTimeoutMinutes, int socketSendBufferBytes, boolean trustForwardedHeaders,
                     int maxSocketsPerSession, int idleTimeoutSeconds, int requestHeaderTimeoutSeconds) {
  }

  /** Where {@code /metrics} (and {@code /health} again) are served: a management port, loopback unless configured. */
  public record Monitoring(String host, int port) {
  }

  /**
   * {@code uri}: as configured; {@link messenger.broker.Broker} reads it and says where to connect.
   * {@code exchange}: names the chat; every other broker name of the chat derives from it, so two chats on one
   * broker never meet ({@code stream} may be configured, else it is {@code <exchange>.log}).
   * {@code streamInitialClusterSize}: replicas of a new stream ({@code x-initial-cluster-size}); 0 chooses (see
   * {@link messenger.broker.Broker#streamInitialClusterSize()}).
   * {@code readerStallMs}: a chat-log reader that is behind for this long without reading is restarted.
   * {@code uriFromEnvironment}: the URI came from {@code RABBITMQ_URI}, an explicit choice never replaced by the
   * embedded broker. {@code streamMaxLengthBytes} and {@code streamMaxSegmentSizeBytes}: the stream's size limit
   * and segment size, 0 for none and the broker's default (the broker drops whole segments, the oldest first).
   * {@code streamFilter}: {@code rabbitmq.streamFilter} is {@code "auto"} (the default: the broker filters the chat
   * log by room where it can, RabbitMQ 3.13 and later) rather than {@code "off"} (the app alone filters).
   */
  public record Rabbit(String uri, String exchange, String stream, String streamMaxAge, long streamMaxLengthBytes,
                       long streamMaxSegmentSizeBytes, int streamInitialClusterSize, int prefetch, long reconnectIntervalMs,
                       long confirmTimeoutMs, long readerStallMs, Embedded embedded, boolean uriFromEnvironment,
                       boolean streamFilter) {

    /**
     * The longest a send waits for its outcome: its confirm, or else its read-back from the log, which gets time
     * for a reader found stalled meanwhile to reconnect (see {@code ChatPublisher}).
     */
    public long sendTimeoutMs() {
      return confirmTimeoutMs + readerStallMs + reconnectIntervalMs;
    }

    /** The fanout exchange of this chat's presence and typing. */
    public String presenceExchange() {
      return exchange + ".presence";
    }

    /** The stream of this chat's logouts (see {@code messenger.session}). */
    public String logoutStream() {
      return exchange + ".logouts";
    }

    /** The stream of this chat's room events (see {@code messenger.rooms}). */
    public String roomStream() {
      return exchange + ".rooms";
    }
  }

  /**
   * {@code secret}: {@code SESSION_SECRET} or {@code session.secret}, null when neither is set; {@code secretFile}:
   * where a single instance without one keeps the key it made ({@code ~/} is the home directory).
   */
  public record Session(String secret, String secretFile) {
  }

  /** {@code rabbitmq.embedded}: when to start the embedded try-out broker (see {@code messenger.broker}). */
  public enum Embedded {
    AUTO, ALWAYS, NEVER;

    static Embedded parse(String value) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("rabbitmq.embedded must be \"auto\", \"always\" or \"never\", not \"" + value + "\"");
      }
    }
  }

  public record Chat(int historySize, int maxTextLength, double ratePerSecond, int rateBurst,
                     long publisherIdleMinutes) {
  }

  /**
   * {@code GET /history} beyond what an instance holds in memory is read from the stream: at most
   * {@code maxConcurrentReads} such reads at once per instance, up to {@code maxQueuedReads} more waiting at most
   * {@code queueTimeoutMs} (the rest are answered 503), each read given up after {@code readTimeoutMs}; every
   * session may ask {@code ratePerSecond} pages a second, {@code rateBurst} at once (beyond that, 429).
   */
  public record History(int maxConcurrentReads, int maxQueuedReads, long queueTimeoutMs, long readTimeoutMs,
                        double ratePerSecond, int rateBurst, int cacheBlocks) {
  }

  /**
   * Presence and typing travel between instances on {@link Rabbit#presenceExchange()}, never in the chat log.
   *
   * @param heartbeatMs      how often each instance announces its users; also how long a new instance waits
   *                         before it shows join/leave notices (it has heard everyone by then)
   * @param expiryMs         an instance not heard from for this long is considered gone, with its users
   *                         (at least two heartbeats)
   * @param leaveGraceMs     a user whose last tab closed stays online this long (reloads and reconnects are no leave)
   * @param typingIntervalMs at most one typing event per user per this interval
   */
  public record Presence(long heartbeatMs, long expiryMs, long leaveGraceMs, long typingIntervalMs) {
  }

  /**
   * @param createPerMinute rooms one session may create per minute, {@code createBurst} at once (beyond: 429)
   * @param openDmPerMinute new direct messages one person may open per minute, {@code openDmBurst} at once (beyond:
   *                        429); opening one that exists writes nothing and is not counted
   * @param historyRooms    the rooms whose newest {@code chat.historySize} messages an instance keeps in memory: the
   *                        most recently active ones; the history of the others is read from the stream
   */
  public record Rooms(double createPerMinute, int createBurst, double openDmPerMinute, int openDmBurst,
                      int historyRooms) {
  }

  /**
   * How people log in: by a name of their choice ({@code nameLogin}), and through an OpenID Connect provider when
   * {@code oidc} is configured (null otherwise).
   */
  public record Auth(boolean nameLogin, Oidc oidc) {
  }

  /**
   * An OpenID Connect provider, found by discovery at {@code issuer}. {@code name}: what the login page calls it
   * ("Sign in with …"; the issuer's host when not set). {@code redirectUri}: the callback URL registered with the
   * provider; when not set, it is made from the address the browser used ({@code /login/oidc/callback} on it).
   * {@code scopes}: asked for, a list (providers answer them in any order). {@code discoveryRetryMs}: how long
   * after a failed discovery it is tried again.
   */
  public record Oidc(String issuer, String clientId, String clientSecret, String name, String redirectUri,
                     List<String> scopes, long discoveryTimeoutMs, long discoveryRetryMs) {
  }

  /** The same settings with the session secret in use (the kept or random one of a deployment that configured none). */
  public Settings withSessionSecret(String secret) {
    return new Settings(http, monitoring, rabbit, chat, history, presence, new Session(secret, session.secretFile()), rooms,
      auth);
  }

  /** {@code conf/config.json} as the jar carries it: every key, with its default. Blocks (reads the classpath). */
  public static JsonObject defaults() {
    try (InputStream in = Settings.class.getClassLoader().getResourceAsStream(FILE)) {
      if (in == null) {
        throw new IllegalStateException(FILE + " is not on the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Folds the environment variables (top-level keys, as the env config store delivers them) into the sections. */
  public static JsonObject applyEnvironment(JsonObject merged) {
    JsonObject json = merged.copy();
    Object port = json.remove("HTTP_PORT");
    if (port != null) {
      section(json, "http").put("port", Integer.parseInt(port.toString().trim()));
    }
    Object monitoringPort = json.remove("MONITORING_PORT");
    if (monitoringPort != null) {
      section(json, "monitoring").put("port", Integer.parseInt(monitoringPort.toString().trim()));
    }
    Object monitoringHost = json.remove("MONITORING_HOST");
    if (monitoringHost != null && !monitoringHost.toString().isBlank()) {
      section(json, "monitoring").put("host", monitoringHost.toString().trim());
    }
    Object uri = json.remove("RABBITMQ_URI");
    if (uri != null && !uri.toString().isBlank()) {
      section(json, "rabbitmq").put("uri", uri.toString().trim()).put("uriFromEnvironment", true);
    }
    Object secret = json.remove("SESSION_SECRET");
    if (secret != null && !secret.toString().isBlank()) {
      section(json, "session").put("secret", secret.toString());
    }
    JsonObject oidc = section(section(json, "auth"), "oidc");
    for (String[] variable : new String[][]{{"OIDC_ISSUER", "issuer"}, {"OIDC_CLIENT_ID", "clientId"},
      {"OIDC_CLIENT_SECRET", "clientSecret"}, {"OIDC_NAME", "name"}, {"OIDC_REDIRECT_URI", "redirectUri"}}) {
      Object value = json.remove(variable[0]);
      if (value != null && !value.toString().isBlank()) {
        oidc.put(variable[1], value.toString().trim());
      }
    }
    return json;
  }

  /** Reads a complete configuration; throws, naming the key, when one is missing or of the wrong type. */
  public static Settings from(JsonObject json) {
    Section http = new Section(json, "http");
    Section monitoring = new Section(json, "monitoring");
    Section rabbit = new Section(json, "rabbitmq");
    Section chat = new Section(json, "chat");
    Section history = new Section(json, "history");
    Section presence = new Section(json, "presence");
    Section session = new Section(json, "session");
    Section rooms = new Section(json, "rooms");
    Section auth = new Section(json, "auth");
    long heartbeat = presence.getLong("heartbeatMs");
    String exchange = rabbit.get("exchange", String.class);
    return new Settings(
      new Http(
        http.getInt("port"),
        Math.max(1, http.getInt("instances")),
        http.get("allowedOrigins", JsonArray.class).stream().map(Object::toString).toList(),
        http.getInt("maxBodyBytes"),
        http.getLong("sessionTimeoutMinutes"),
        http.getInt("socketSendBufferBytes"),
        http.get("trustForwardedHeaders", Boolean.class),
        http.getInt("maxSocketsPerSession"),
        http.getInt("idleTimeoutSeconds"),
        http.getInt("requestHeaderTimeoutSeconds")),
      new Monitoring(
        monitoring.get("host", String.class),
        monitoring.getInt("port")),
      new Rabbit(
        rabbit.get("uri", String.class),
        exchange,
        rabbit.json.getString("stream", exchange + ".log"),
        rabbit.get("streamMaxAge", String.class),
        rabbit.getLong("streamMaxLengthBytes"),
        rabbit.getLong("streamMaxSegmentSizeBytes"),
        rabbit.getInt("streamInitialClusterSize"),
        rabbit.getInt("prefetch"),
        rabbit.getLong("reconnectIntervalMs"),
        rabbit.getLong("confirmTimeoutMs"),
        rabbit.getLong("readerStallMs"),
        Embedded.parse(rabbit.get("embedded", String.class)),
        rabbit.json.getBoolean("uriFromEnvironment", false),
        streamFilter(rabbit.get("streamFilter", String.class))),
      new Chat(
        chat.getInt("historySize"),
        chat.getInt("maxTextLength"),
        chat.get("ratePerSecond", Number.class).doubleValue(),
        chat.getInt("rateBurst"),
        chat.getLong("publisherIdleMinutes")),
      new History(
        Math.max(1, history.getInt("maxConcurrentReads")),
        Math.max(0, history.getInt("maxQueuedReads")),
        history.getLong("queueTimeoutMs"),
        history.getLong("readTimeoutMs"),
        history.get("ratePerSecond", Number.class).doubleValue(),
        Math.max(1, history.getInt("rateBurst")),
        Math.max(0, history.getInt("cacheBlocks"))),
      new Presence(
        heartbeat,
        Math.max(presence.getLong("expiryMs"), 2 * heartbeat),
        presence.getLong("leaveGraceMs"),
        presence.getLong("typingIntervalMs")),
      new Session(
        session.json.getString("secret"), // null in the file: see messenger.session.SessionSecret
        session.get("secretFile", String.class)),
      new Rooms(
        rooms.get("createPerMinute", Number.class).doubleValue(),
        Math.max(1, rooms.getInt("createBurst")),
        rooms.get("openDmPerMinute", Number.class).doubleValue(),
        Math.max(1, rooms.getInt("openDmBurst")),
        Math.max(1, rooms.getInt("historyRooms"))),
      auth(auth));
  }

  /** {@code rabbitmq.streamFilter}: "auto" or "off". */
  private static boolean streamFilter(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "auto" -> true;
      case "off" -> false;
      default -> throw new IllegalArgumentException("rabbitmq.streamFilter must be \"auto\" or \"off\", not \"" + value + "\"");
    };
  }

  private static Auth auth(Section auth) {
    Auth read = new Auth(auth.get("nameLogin", Boolean.class), oidc(new Section(auth.json, "oidc")));
    if (!read.nameLogin() && read.oidc() == null) {
      throw new IllegalArgumentException("auth.nameLogin is false and no auth.oidc.issuer (OIDC_ISSUER) is set: "
        + "nobody could log in");
    }
    return read;
  }

  /** The provider, or null when no issuer is configured; an issuer without a client id or secret is an error. */
  private static Oidc oidc(Section oidc) {
    String issuer = blankIsNull(oidc.json.getString("issuer"));
    if (issuer == null) {
      return null;
    }
    String clientId = blankIsNull(oidc.json.getString("clientId"));
    String clientSecret = blankIsNull(oidc.json.getString("clientSecret"));
    if (clientId == null || clientSecret == null) {
      throw new IllegalArgumentException("auth.oidc.issuer is set: auth.oidc.clientId and auth.oidc.clientSecret "
        + "(or OIDC_CLIENT_ID and OIDC_CLIENT_SECRET) must be set too");
    }
    issuer = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    String name = blankIsNull(oidc.json.getString("name"));
    if (name == null) {
      name = java.net.URI.create(issuer).getHost();
    }
    return new Oidc(issuer, clientId, clientSecret, name, blankIsNull(oidc.json.getString("redirectUri")),
      oidc.get("scopes", JsonArray.class).stream().map(Object::toString).toList(),
      oidc.getLong("discoveryTimeoutMs"), oidc.getLong("discoveryRetryMs"));
  }

  private static String blankIsNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static JsonObject section(JsonObject json, String name) {
    JsonObject section = json.getJsonObject(name);
    if (section == null) {
      section = new JsonObject();
      json.put(name, section);
    }
    return section;
  }

  /** One section of the configuration, whose keys must all be there. */
  private record Section(String name, JsonObject json) {

    Section(JsonObject root, String name) {
      this(name, root.getJsonObject(name) == null ? new JsonObject() : root.getJsonObject(name));
    }

    <T> T get(String key, Class<T> type) {
      Object value = json.getValue(key);
      if (!type.isInstance(value)) {
        throw new IllegalArgumentException("Configuration key " + name + "." + key + " must be "
          + (value == null ? "set (see " + FILE + ")" : "a " + type.getSimpleName().toLowerCase(Locale.ROOT) + ", not " + value));
      }
      return type.cast(value);
    }

    int getInt(String key) {
      return get(key, Number.class).intValue();
    }

    long getLong(String key) {
      return get(key, Number.class).longValue();
    }
  }
}
