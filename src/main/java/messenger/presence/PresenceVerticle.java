package messenger.presence;

import com.rabbitmq.client.AMQP;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import messenger.Addresses;
import messenger.Settings;
import messenger.rabbit.Instance;
import messenger.rabbit.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Presence and typing across instances. Each instance announces the users with a tab open on it (its
 * {@link LocalTabs}) on a fanout exchange of its own, every heartbeat and at once on every change; every
 * instance keeps everyone's announcements in a {@link Roster} and drops an instance it has not heard from
 * within the expiry time. Roster changes and typing events are republished on the local event bus, where
 * the bridge carries them to this instance's browsers.
 *
 * <p>Join and leave notices: every instance computes the same cluster-wide roster and tells only its own
 * browsers about changes to it, so each browser hears of each change once, whatever the number of tabs or
 * instances. A new instance stays quiet (roster updates but no notices) for one heartbeat, by which time
 * every live instance has announced itself, so it never announces people who were already there.
 *
 * <p>Nothing here goes through the chat log: the messages are transient, and the queue is one exclusive,
 * auto-deleted, server-named queue per instance, declared again on every connection. While this instance is
 * cut off from the broker nobody expires (it cannot tell a dead instance from its own deafness); after it
 * reconnects it announces itself, asks the others to do the same and gives each a fresh expiry time.
 */
public class PresenceVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(PresenceVerticle.class);
  /** Each instance tells its own browsers: a clustered event bus must never carry a second copy. */
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final String id = Instance.NAME + "/" + UUID.randomUUID().toString().substring(0, 8);
  private PresenceSettings presence;
  private Settings.Rabbit rabbit;
  private RabbitMQClient client;
  private Roster roster;
  private LocalTabs tabs;
  private final Map<String, Long> lastTyping = new HashMap<>();
  private Map<String, String> announced = Map.of();
  private long version;
  /** When notices may start: one heartbeat after the first connection. 0 until connected. */
  private long quietUntil;
  private boolean connecting;
  private boolean stopped;
  /**
   * Connected, with the queue consumed and everyone's expiry time renewed. Only then may others expire: in
   * the moments between connecting and consuming, everyone would look silent for the length of the outage.
   */
  private boolean listening;

  @Override
  public Future<?> start() {
    presence = PresenceSettings.from(config());
    rabbit = Settings.from(config()).rabbit();
    roster = new Roster(id, presence.expiryMs());
    tabs = new LocalTabs(presence.leaveGraceMs());
    // No client-side reconnect: the queue is server-named, so a new one is declared and consumed on every connection.
    client = RabbitMQClient.create(vertx, Topology.options(rabbit, "presence", 0));

    EventBus bus = vertx.eventBus();
    bus.<JsonObject>localConsumer(Addresses.PRESENCE_TAB, msg -> onTab(msg.body()));
    bus.<JsonObject>localConsumer(Addresses.PRESENCE_LOGOUT, msg -> {
      logout(msg.body().getString("user"), msg.body().getString("login", ""));
      broadcast(new JsonObject().put("type", "logout").put("user", msg.body().getString("user"))
        .put("login", msg.body().getString("login", "")));
    });
    bus.<JsonObject>localConsumer(Addresses.PRESENCE_QUERY, this::query);
    bus.<JsonObject>localConsumer(Addresses.TYPING, msg -> typing(msg.body().getString("user")));

    vertx.setPeriodic(presence.heartbeatMs(), t -> announce(false));
    vertx.setPeriodic(Math.max(100, Math.min(1000, presence.heartbeatMs() / 4)), t -> tick());
    vertx.setPeriodic(rabbit.reconnectIntervalMs(), t -> {
      if (!stopped && !connecting && !client.isConnected()) {
        client.stop().eventually(this::connect);
      }
    });
    connect();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    // Say goodbye, so that the others drop this instance's users after the leave grace rather than the expiry time.
    Future<Void> bye = client.isConnected() ? publish(new JsonObject().put("type", "bye")) : Future.succeededFuture();
    return bye.otherwiseEmpty().eventually(client::stop).otherwiseEmpty();
  }

  private Future<Void> connect() {
    if (stopped) {
      return Future.succeededFuture();
    }
    connecting = true;
    listening = false;
    return client.start()
      .compose(v -> client.exchangeDeclare(presence.exchange(), "fanout", false, false))
      .compose(v -> Topology.consumeFromNow(client, presence.exchange()))
      .onSuccess(consumer -> {
        consumer.handler(this::onMessage);
        long now = System.currentTimeMillis();
        if (quietUntil == 0) {
          quietUntil = now + presence.heartbeatMs();
        }
        roster.touchAll(now);
        listening = true;
        announce(true);
        log.info("Presence connected as {} on exchange '{}'", id, presence.exchange());
      })
      .onFailure(err -> log.warn("Presence unavailable ({}); retrying every {} ms", err.getMessage(), rabbit.reconnectIntervalMs()))
      .onComplete(ar -> connecting = false)
      .mapEmpty();
  }

  private void tick() {
    long now = System.currentTimeMillis();
    lastTyping.values().removeIf(at -> now - at >= presence.typingIntervalMs());
    localChanged(); // ends grace times that are over
    if (listening && client.isConnected()) {
      Roster.Change expired = roster.expire(now);
      if (!expired.isEmpty()) {
        log.info("An instance was not heard from for {} ms: {} left", presence.expiryMs(), expired.left());
      }
      changed(expired);
    } else if (listening) {
      listening = false;
      log.warn("Presence lost the broker: nobody expires until it is back");
    }
  }

  private void onTab(JsonObject tab) {
    String socket = tab.getString("socket");
    if (tab.getBoolean("open", false)) {
      tabs.open(socket, tab.getString("user"), tab.getString("login", ""));
    } else if (tabs.close(socket, System.currentTimeMillis())) {
      vertx.setTimer(presence.leaveGraceMs() + 1, t -> localChanged());
    }
    localChanged();
  }

  private void logout(String user, String login) {
    List<String> sockets = tabs.logout(user, login);
    if (!sockets.isEmpty()) {
      vertx.eventBus().publish(Addresses.PRESENCE_CLOSE, new JsonObject().put("sockets", new JsonArray(sockets)), LOCAL);
    }
    localChanged();
  }

  /** Re-evaluates this instance's users; on a change, updates the roster and tells the others at once. */
  private void localChanged() {
    Map<String, String> users = tabs.users(System.currentTimeMillis());
    if (!users.equals(announced)) {
      announced = users;
      changed(roster.update(id, users, System.currentTimeMillis()));
      announce(false);
    }
  }

  private void announce(boolean hello) {
    if (client.isConnected()) {
      publish(new JsonObject().put("type", "state").put("users", new JsonObject(new HashMap<>(announced))).put("hello", hello));
    }
  }

  private void broadcast(JsonObject message) {
    if (client.isConnected()) {
      publish(message);
    }
  }

  private Future<Void> publish(JsonObject message) {
    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
      .contentType("application/json")
      .deliveryMode(1) // transient: presence is worthless after a restart
      .expiration(String.valueOf(presence.expiryMs()))
      .build();
    return client.basicPublish(presence.exchange(), "", properties, message.put("instance", id).toBuffer())
      .onFailure(err -> log.debug("Presence publish failed: {}", err.getMessage()));
  }

  private void onMessage(RabbitMQMessage message) {
    JsonObject json;
    try {
      json = message.body().toJsonObject();
    } catch (RuntimeException e) {
      log.debug("Ignoring a presence message that is not JSON");
      return;
    }
    String from = json.getString("instance");
    if (from == null || from.equals(id)) {
      return; // our own, already applied locally
    }
    long now = System.currentTimeMillis();
    switch (String.valueOf(json.getString("type"))) {
      case "state" -> {
        changed(roster.update(from, users(json.getJsonObject("users")), now));
        if (json.getBoolean("hello", false)) {
          announce(false); // a newcomer: let it learn the roster now rather than at our next heartbeat
        }
      }
      case "bye" -> roster.retire(from, now, presence.leaveGraceMs()); // its users leave at the next tick after the grace
      case "logout" -> logout(json.getString("user", ""), json.getString("login", ""));
      case "typing" -> vertx.eventBus().publish(Addresses.CHAT_TYPING, new JsonObject().put("user", json.getString("user")), LOCAL);
      default -> log.debug("Ignoring presence message of type {}", json.getString("type"));
    }
  }

  private static Map<String, String> users(JsonObject json) {
    Map<String, String> users = new HashMap<>();
    if (json != null) {
      json.forEach(e -> {
        if (e.getValue() instanceof String login) {
          users.put(e.getKey(), login);
        }
      });
    }
    return users;
  }

  private void changed(Roster.Change change) {
    if (change.isEmpty()) {
      return;
    }
    version++;
    boolean quiet = quietUntil == 0 || System.currentTimeMillis() < quietUntil;
    vertx.eventBus().publish(Addresses.CHAT_PRESENCE, new JsonObject()
      .put("online", new JsonArray(List.copyOf(roster.online())))
      .put("joined", new JsonArray(quiet ? List.of() : change.joined()))
      .put("left", new JsonArray(quiet ? List.of() : change.left()))
      .put("version", version), LOCAL);
  }

  private void typing(String user) {
    long now = System.currentTimeMillis();
    Long last = lastTyping.get(user);
    if (user == null || last != null && now - last < presence.typingIntervalMs()) {
      return;
    }
    lastTyping.put(user, now);
    vertx.eventBus().publish(Addresses.CHAT_TYPING, new JsonObject().put("user", user), LOCAL);
    broadcast(new JsonObject().put("type", "typing").put("user", user));
  }

  private void query(Message<JsonObject> request) {
    String name = request.body() == null ? null : request.body().getString("name");
    if (name == null) {
      request.reply(new JsonObject().put("online", new JsonArray(List.copyOf(roster.online()))).put("version", version));
      return;
    }
    String holder = roster.holder(name);
    request.reply(new JsonObject().put("holder", holder)
      .put("logins", new JsonArray(holder == null ? List.of() : List.copyOf(roster.logins(holder)))));
  }
}
