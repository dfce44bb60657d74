package messenger.web;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import messenger.Addresses;
import messenger.Settings;
import messenger.bus.Bus;
import messenger.bus.PresenceRequests.CloseTabs;
import messenger.bus.PresenceRequests.Online;
import messenger.bus.PresenceRequests.TabClosed;
import messenger.bus.PresenceRequests.TabOpened;
import messenger.bus.RoomRequests.DmOpened;
import messenger.identity.Account;
import messenger.metrics.Metrics;
import messenger.metrics.Metrics.Hop;
import messenger.rooms.DirectMessage;
import messenger.rooms.DirectMessages;
import messenger.rooms.Room;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The one owner of one HttpVerticle's bridge sockets ({@code /eventbus/*}), like the hub of gorilla/websocket's
 * chat example: it sees every socket open and close, counts it, reports it to presence as a tab (closing it when
 * its login ends), delivers each room's messages ({@code chat.room.<room>}, and {@code chat.messages}, the alias of
 * {@code chat.room.general}) to the sockets that subscribed, and writes every frame a socket is sent: its own, and
 * the bridge's deliveries on the other {@code chat.*} addresses, which it takes over.
 *
 * <p>A room costs one event-bus consumer per event loop while a socket of that loop follows it, and one encoded
 * frame per message and address, then one write of that frame per subscribed socket; a socket that does not follow
 * a room costs nothing for its messages. Left to itself the bridge would register a consumer per socket and room and
 * encode per socket. The browser still subscribes with the bridge's {@code register} frame: that registration is
 * retargeted (the bridge's documented {@code setRawMessage}) to a parked address ({@link #parked}), one nothing is
 * ever sent to, so the bridge answers and counts it as usual but never delivers on it. The frame is the one the
 * bridge would send.
 *
 * <p>A socket that does not read what it is sent is cut off (4008) rather than allowed to grow the server's
 * memory; its page reconnects and fills the gap from {@code /history}. What it has not read is counted here, per
 * write: the socket's own {@code writeQueueFull()} only sees the raw WebSocket's queue, while SockJS's transports
 * (the page's WebSocket, xhr-streaming) hand every frame on at once and never report full.
 *
 * <p>A direct message's address ({@code chat.room.dm.…}) is registered for its two members only: anyone else's
 * registration is refused with an error frame {@code unknown_room} (the same for one that does not exist) and never
 * follows it. {@code chat.dms}, where a person hears of a direct message opened with them, is never published on
 * the bus: each notice is written here to the sockets of its two members only.
 *
 * <p>One login may hold {@code http.maxSocketsPerSession} sockets on this instance (counted across its
 * HttpVerticles); a socket beyond that is answered with an error frame {@code too_many_sockets} and closed (4029).
 * One event loop: not thread-safe.
 */
final class BridgeSockets {

  private static final Logger log = LoggerFactory.getLogger(BridgeSockets.class);

  /** Where a socket's own bridge registration for chat.messages goes: permitted, and always silent. */
  static final String PARKED = "chat.parked";
  /** Bridge registrations one socket may hold: a person in 50 rooms, the alias, presence and typing, and some spare. */
  static final int MAX_HANDLERS_PER_SOCKET = 64;
  static final int TOO_SLOW = 4008;
  static final int TOO_MANY = 4029;
  /** Sockets per login on this instance: shared by the HttpVerticles of one Vert.x. */
  private static final String SOCKETS_PER_LOGIN = "messenger.bridge.sockets-per-login";

  /** One open socket: its tab id and user (null for both without a logged-in session). */
  private static final class Client {
    final SockJSSocket socket;
    final String tab;
    final String user;
    final String login;
    /** The signed-in person's account id, null for a name-only login. */
    final String account;
    /** It listens on chat.dms. */
    boolean dms;
    /** The room addresses it follows. */
    final Set<String> following = new HashSet<>(4);
    /** Bytes written to the socket that it has not taken yet: they wait in the server. */
    long unread;
    boolean cutOff;

    Client(SockJSSocket socket, String tab, String user, String login) {
      this.socket = socket;
      this.tab = tab;
      this.user = user;
      this.login = login;
      this.account = Account.idOfLogin(login);
    }
  }

  private final Vertx vertx;
  private final Metrics metrics;
  private final Settings.Http http;
  private final LocalMap<String, Integer> socketsPerLogin;
  private final Map<SockJSSocket, Client> clients = new IdentityHashMap<>();
  /** The sockets following each room address. */
  private final Map<String, Topic> topics = new HashMap<>();
  /** The event-bus consumer of each room some socket here follows. */
  private final Map<String, MessageConsumer<JsonObject>> roomConsumers = new HashMap<>();
  private final DirectMessages directMessages;

  /** One room address and the sockets that follow it. */
  private static final class Topic {
    final Set<Client> subscribers = new LinkedHashSet<>();
    /** A copy of {@link #subscribers} to iterate: cutting a socket off may remove it during a delivery. */
    Client[] snapshot = new Client[0];
    boolean changed;

    void add(Client client) {
      changed |= subscribers.add(client);
    }

    void remove(Client client) {
      changed |= subscribers.remove(client);
    }

    Client[] subscribers() {
      if (changed) {
        snapshot = subscribers.toArray(Client[]::new);
        changed = false;
      }
      return snapshot;
    }
  }

  /** Without direct messages: every registration of one is refused. */
  BridgeSockets(Vertx vertx, Metrics metrics, Settings.Http http) {
    this(vertx, metrics, http, new DirectMessages());
  }

  /** Its consumers are unregistered with the verticle that created it; {@code dms}: whose members may listen where. */
  BridgeSockets(Vertx vertx, Metrics metrics, Settings.Http http, DirectMessages dms) {
    this.vertx = vertx;
    this.directMessages = dms;
    this.metrics = metrics;
    this.http = http;
    this.socketsPerLogin = vertx.sharedData().getLocalMap(SOCKETS_PER_LOGIN);
    vertx.eventBus().<CloseTabs>localConsumer(Addresses.CLOSE_TABS, msg -> closeTabs(msg.body().tabs()));
    vertx.eventBus().<DmOpened>localConsumer(Addresses.DM_OPENED, msg -> dmOpened(msg.body().dm()));
  }

  /**
   * The bridge, for logged-in sessions from this site only: outbound {@code chat.*}, nothing inbound. The body
   * handler is for SockJS's HTTP transports, which post the page's frames ({@code xhr_send}).
   */
  void mount(Router router, Handler<RoutingContext> sameOrigin, Handler<RoutingContext> body,
             Handler<RoutingContext> requireUser) {
    SockJSBridgeOptions options = new SockJSBridgeOptions()
      .addOutboundPermitted(new PermittedOptions().setAddressRegex(Addresses.BRIDGE_OUTBOUND_REGEX))
      .setMaxAddressLength(64)
      .setMaxHandlersPerSocket(MAX_HANDLERS_PER_SOCKET);
    // A streaming or polling response carries a heartbeat at least twice per idle timeout, so it is never idle.
    SockJSHandlerOptions sockJs = new SockJSHandlerOptions()
      .setHeartbeatInterval(Math.min(25_000, http.idleTimeoutSeconds() * 1000L / 2));
    router.route("/eventbus/*").handler(body).handler(sameOrigin).handler(requireUser)
      .subRouter(SockJSHandler.create(vertx, sockJs).bridge(options, this::handle));
  }

  /** Every bridge event passes here; returns after completing it. */
  void handle(BridgeEvent event) {
    event.complete(allow(event));
  }

  /** Does what an event means here; false refuses it (the bridge then answers with an error frame, or closes). */
  private boolean allow(BridgeEvent event) {
    SockJSSocket socket = event.socket();
    return switch (event.type()) {
      case SOCKET_CREATED -> opened(socket);
      case SOCKET_CLOSED -> {
        closed(socket);
        yield true;
      }
      case SOCKET_ERROR -> {
        log.debug("Bridge socket of {} failed: {}", userOf(socket), event.getRawMessage().getString("message"));
        yield true;
      }
      case REGISTER, UNREGISTER -> {
        String address = event.getRawMessage().getValue("address") instanceof String a ? a : null;
        String room = Addresses.roomOf(address);
        boolean register = event.type() == BridgeEventType.REGISTER;
        if (register && room != null && DirectMessage.isValidId(room) && !mayFollow(socket, room, address)) {
          yield false;
        }
        if (Addresses.CHAT_DMS.equals(address)) {
          listensForDms(socket, register);
        }
        if (room != null) {
          event.setRawMessage(event.getRawMessage().copy().put("address", parked(address, room)));
          subscribed(socket, address, event.type() == BridgeEventType.REGISTER);
        }
        yield true;
      }
      case REGISTERED -> {
        if (Addresses.CHAT_PRESENCE.equals(event.getRawMessage().getValue("address"))) {
          sendOnline(socket);
        }
        yield true;
      }
      // Browsers never send on the bus: refused before the bridge reads the frame (one whose "headers" was not
      // an object made it throw), and answered with the bridge's error frame "rejected".
      case SEND, PUBLISH -> false;
      // The bridge's own deliveries (chat.presence, chat.typing) are written here, through the cut-off.
      case RECEIVE -> {
        send(socket, event.getRawMessage().toBuffer());
        yield false;
      }
      default -> true;
    };
  }

  /**
   * A socket opened: counted, and for a logged-in session one more open tab of its user. Returns false, having
   * told the socket why and closed it, when its login holds its maximum of sockets already.
   */
  boolean opened(SockJSSocket socket) {
    String user = Sessions.user(socket);
    String login = user == null ? null : Sessions.login(socket.webSession());
    if (login != null && socketsPerLogin.merge(login, 1, Integer::sum) > http.maxSocketsPerSession()) {
      release(login);
      log.info("Refusing a bridge socket of {}: the session has {} open already", user, http.maxSocketsPerSession());
      socket.write(new JsonObject().put("type", "err").put("body", "too_many_sockets")
        .put("message", "This session has " + http.maxSocketsPerSession() + " connections open already: close a tab.")
        .toBuffer());
      socket.close(TOO_MANY, "too many sockets for this session");
      return false;
    }
    Client client = new Client(socket, user == null ? null : UUID.randomUUID().toString(), user, login);
    clients.put(socket, client);
    metrics.bridgeClientConnected();
    if (user != null) {
      vertx.eventBus().send(Addresses.TAB_OPENED, new TabOpened(client.tab, user, login), Bus.LOCAL);
    }
    return true;
  }

  void closed(SockJSSocket socket) {
    Client client = clients.remove(socket);
    if (client == null) {
      return;
    }
    List.copyOf(client.following).forEach(address -> unfollow(client, address));
    metrics.bridgeClientDisconnected();
    if (client.login != null) {
      release(client.login);
    }
    if (client.tab != null) {
      vertx.eventBus().send(Addresses.TAB_CLOSED, new TabClosed(client.tab), Bus.LOCAL);
    }
  }

  private void release(String login) {
    socketsPerLogin.computeIfPresent(login, (key, count) -> count > 1 ? count - 1 : null);
  }

  /**
   * Where the bridge registers a socket's subscription to a room address: an address of its own per room (the bridge
   * refuses a second registration of one address), which nothing is ever sent to.
   */
  static String parked(String address, String room) {
    return Addresses.CHAT_MESSAGES.equals(address) ? PARKED : PARKED + "." + room;
  }

  /** The socket subscribed to chat.messages, or unsubscribed. */
  void subscribed(SockJSSocket socket, boolean subscribed) {
    subscribed(socket, Addresses.CHAT_MESSAGES, subscribed);
  }

  /** The socket subscribed to a room address ({@code chat.room.<room>} or {@code chat.messages}), or unsubscribed. */
  void subscribed(SockJSSocket socket, String address, boolean subscribed) {
    Client client = clients.get(socket);
    if (client == null) {
      return;
    }
    if (!subscribed) {
      unfollow(client, address);
    } else if (client.following.add(address)) {
      topics.computeIfAbsent(address, a -> new Topic()).add(client);
      String room = Addresses.roomOf(address);
      roomConsumers.computeIfAbsent(room, r -> vertx.eventBus().<JsonObject>localConsumer(Addresses.room(r),
        msg -> fanOut(r, msg)));
    }
  }

  private void unfollow(Client client, String address) {
    Topic topic = client.following.remove(address) ? topics.get(address) : null;
    if (topic == null) {
      return;
    }
    topic.remove(client);
    if (topic.subscribers.isEmpty()) {
      topics.remove(address);
      String room = Addresses.roomOf(address);
      if (!topics.containsKey(Addresses.room(room)) && !(room.equals(Room.GENERAL) && topics.containsKey(Addresses.CHAT_MESSAGES))) {
        MessageConsumer<JsonObject> consumer = roomConsumers.remove(room);
        if (consumer != null) {
          consumer.unregister();
        }
      }
    }
  }

  /** A chat message from this instance's reader to its room's subscribers, timed as two hops. */
  private void fanOut(String room, io.vertx.core.eventbus.Message<JsonObject> msg) {
    long started = System.nanoTime();
    metrics.hop(Hop.TO_FANOUT, Metrics.hopStart(msg));
    broadcast(room, msg.body());
    metrics.hop(Hop.FANOUT, started);
  }

  /** One chat message of room {@code general} (when it says no room) to its subscribers. */
  void broadcast(JsonObject message) {
    broadcast(message.getString("room", Room.GENERAL), message);
  }

  /**
   * One chat message to every subscriber of its room: encoded once per address (the room's, and for {@code general}
   * also {@code chat.messages}), written to each socket that keeps up.
   */
  void broadcast(String room, JsonObject message) {
    deliver(Addresses.room(room), message);
    if (room.equals(Room.GENERAL)) {
      deliver(Addresses.CHAT_MESSAGES, message);
    }
  }

  private void deliver(String address, JsonObject message) {
    Topic topic = topics.get(address);
    if (topic == null) {
      return;
    }
    Buffer frame = rec(address, message);
    for (Client client : topic.subscribers()) {
      send(client, frame);
    }
  }

  /** The one way a frame reaches a bridge socket: one that does not keep up is cut off instead. */
  void send(SockJSSocket socket, Buffer frame) {
    Client client = clients.get(socket);
    if (client != null) {
      send(client, frame);
    }
  }

  private void send(Client client, Buffer frame) {
    if (!canTakeMore(client)) {
      return;
    }
    int bytes = frame.length();
    client.unread += bytes;
    // Completes once the transport handed the frame to the kernel (or a poll took it), or failed: either way not waiting.
    client.socket.write(frame).onComplete(written -> client.unread -= bytes);
  }

  /** Closes the tabs of a login that ended (here or on another instance). */
  void closeTabs(List<String> tabs) {
    Set<String> ending = new HashSet<>(tabs);
    List.copyOf(clients.values()).stream().filter(c -> ending.contains(c.tab)).forEach(c -> c.socket.close());
  }

  /** On shutdown: pages reconnect, to another instance behind a load balancer. */
  void closeAll(int code, String reason) {
    List.copyOf(clients.values()).stream().filter(c -> !c.cutOff).forEach(c -> c.socket.close(code, reason));
  }

  int size() {
    return clients.size();
  }

  /**
   * Whether the socket's person is a member of direct message {@code dm}; if not, the socket is told so in an error
   * frame (the bridge then sends its own, {@code rejected}).
   */
  private boolean mayFollow(SockJSSocket socket, String dm, String address) {
    Client client = clients.get(socket);
    if (client != null && directMessages.isMember(dm, client.account)) {
      return true;
    }
    log.debug("Refused {} a registration of a direct message it is not in", client == null ? null : client.user);
    if (client != null) {
      send(client, new JsonObject().put("type", "err").put("body", "unknown_room").put("address", address)
        .put("message", "There is no such conversation, or you are not in it.").toBuffer());
    }
    return false;
  }

  private void listensForDms(SockJSSocket socket, boolean listens) {
    Client client = clients.get(socket);
    if (client != null) {
      client.dms = listens;
    }
  }

  /** Tells each member's sockets here that listen on chat.dms: {@code {"type": "opened", "dm": {"id", "with", "createdAt"}}}. */
  private void dmOpened(DirectMessage dm) {
    for (Client client : List.copyOf(clients.values())) {
      if (client.dms && dm.hasMember(client.account)) {
        send(client, rec(Addresses.CHAT_DMS, new JsonObject().put("type", "opened").put("dm", dm.toJson(client.account))));
      }
    }
  }

  /** A socket that starts listening to chat.presence gets the list at once, so it never misses a change. */
  private void sendOnline(SockJSSocket socket) {
    vertx.eventBus().<Online>request(Addresses.ONLINE, null, Bus.LOCAL).onSuccess(reply -> send(socket,
      rec(Addresses.CHAT_PRESENCE, reply.body().toJson().put("joined", new JsonArray()).put("left", new JsonArray()))));
  }

  private boolean canTakeMore(Client client) {
    if (client.cutOff) {
      return false;
    }
    try {
      if (client.unread < http.socketSendBufferBytes() && !client.socket.writeQueueFull()) {
        return true;
      }
    } catch (IllegalStateException closed) {
      return false; // the bridge drops its registrations when it notices
    }
    cutOff(client);
    return false;
  }

  /**
   * Nothing more is written to the socket; its close frame (4008 on the raw WebSocket, SockJS's 3000 on its own
   * transports) waits behind what it has not read, and its connection ends when it reads or goes away.
   */
  private void cutOff(Client client) {
    client.cutOff = true;
    log.info("Closing the bridge socket of {}: it does not keep up with its messages", client.user);
    client.socket.close(TOO_SLOW, "too slow");
  }

  private String userOf(SockJSSocket socket) {
    Client client = clients.get(socket);
    return client == null ? null : client.user;
  }

  /** A message on {@code address}, as the bridge delivers one to a socket registered there. */
  private static Buffer rec(String address, JsonObject body) {
    return new JsonObject().put("type", "rec").put("address", address).put("body", body).toBuffer();
  }
}
