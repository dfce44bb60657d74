package messenger.web;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Session;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import messenger.Addresses;
import messenger.Settings;
import messenger.bus.Bus;
import messenger.bus.PresenceRequests.TabOpened;
import messenger.metrics.Metrics;
import messenger.testing.Prometheus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/** The owner of the bridge sockets, without a server: fan-out, cut-off, tabs and shutdown on stand-in sockets. */
class BridgeSocketsTest {

  /**
   * A stand-in for a bridge socket: records what it is sent and how it is closed. {@code full}: its write queue says
   * full (a raw WebSocket that is not read); {@code stalled}: its writes never complete, while its write queue never
   * says full (SockJS's own transports when their client does not read).
   */
  private static final class FakeSocket {
    final List<Buffer> written = new ArrayList<>();
    final List<Integer> closes = new ArrayList<>();
    boolean full;
    boolean stalled;
    final SockJSSocket socket;

    FakeSocket(String user, String login) {
      Map<String, String> data = user == null ? Map.of() : Map.of("user", user, "login", login);
      Session session = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
        (proxy, method, args) -> method.getName().equals("get") ? data.get((String) args[0]) : null);
      socket = (SockJSSocket) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {SockJSSocket.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "writeQueueFull" -> full;
          case "write" -> {
            written.add((Buffer) args[0]);
            yield stalled ? Promise.promise().future() : Future.succeededFuture();
          }
          case "close" -> {
            closes.add(args == null ? 0 : (Integer) args[0]);
            yield Future.succeededFuture();
          }
          case "webSession" -> session;
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          case "toString" -> "socket of " + user;
          default -> throw new UnsupportedOperationException(method.getName());
        });
    }
  }

  private Vertx vertx;
  private Metrics metrics;
  private BridgeSockets sockets;
  private final List<TabOpened> tabs = new CopyOnWriteArrayList<>();

  @BeforeEach
  void create() {
    vertx = Vertx.vertx();
    Bus.install(vertx);
    vertx.eventBus().<TabOpened>localConsumer(Addresses.TAB_OPENED, msg -> tabs.add(msg.body())).completion().await();
    metrics = Metrics.of(vertx);
    sockets = new BridgeSockets(vertx, metrics, HTTP);
  }

  private static final Settings.Http HTTP = Settings.from(Settings.defaults()).http();

  /** A bridge event as the bridge hands it over; {@code outcome} is how the handler completed it. */
  private static BridgeEvent event(BridgeEventType type, JsonObject raw, FakeSocket socket, Promise<Boolean> outcome) {
    JsonObject[] message = {raw};
    return (BridgeEvent) Proxy.newProxyInstance(BridgeSocketsTest.class.getClassLoader(), new Class<?>[] {BridgeEvent.class},
      (proxy, method, args) -> switch (method.getName()) {
        case "type" -> type;
        case "socket" -> socket.socket;
        case "getRawMessage" -> message[0];
        case "setRawMessage" -> {
          message[0] = (JsonObject) args[0];
          yield proxy;
        }
        default -> method.invoke(outcome, args); // the Promise's own methods
      });
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private FakeSocket open(String user) {
    FakeSocket fake = new FakeSocket(user, "login-of-" + user);
    sockets.opened(fake.socket);
    return fake;
  }

  private FakeSocket subscriber(String user) {
    FakeSocket fake = open(user);
    sockets.subscribed(fake.socket, true);
    return fake;
  }

  @Test
  void aChatMessageIsEncodedOnceAndWrittenToEverySubscriberOnly() {
    FakeSocket ada = subscriber("ada");
    FakeSocket bob = subscriber("bob");
    FakeSocket cleo = open("cleo");
    JsonObject message = new JsonObject().put("seq", 1).put("id", "m1").put("sender", "ada").put("text", "hi").put("ts", 5);

    sockets.broadcast(message);

    assertThat(ada.written).singleElement().satisfies(frame -> assertThat(frame.toJsonObject())
      .isEqualTo(new JsonObject().put("type", "rec").put("address", Addresses.CHAT_MESSAGES).put("body", message)));
    assertThat(bob.written).singleElement().isSameAs(ada.written.get(0));
    assertThat(cleo.written).isEmpty();
  }

  @Test
  void aSubscriberThatDoesNotKeepUpIsCutOffOnceWhileTheOthersGetEveryFrame() {
    FakeSocket slow = subscriber("slow");
    FakeSocket fine = subscriber("fine");
    slow.full = true;

    sockets.broadcast(new JsonObject().put("id", "m1"));
    sockets.broadcast(new JsonObject().put("id", "m2"));

    assertThat(slow.written).isEmpty();
    assertThat(slow.closes).containsExactly(BridgeSockets.TOO_SLOW);
    assertThat(fine.written).hasSize(2);
  }

  @Test
  void everyWriteGoesThroughTheCutOffNotOnlyTheFanOut() {
    FakeSocket slow = open("slow");
    slow.full = true;
    sockets.send(slow.socket, Buffer.buffer("{\"type\":\"rec\"}"));
    assertThat(slow.written).isEmpty();
    assertThat(slow.closes).containsExactly(BridgeSockets.TOO_SLOW);
  }

  @Test
  void aSocketThatTakesNothingIsCutOffOnceWhatWaitsForItReachesTheLimitThoughItsQueueNeverSaysFull() {
    FakeSocket stalled = subscriber("stalled");
    stalled.stalled = true;
    JsonObject message = new JsonObject().put("text", "x".repeat(1000));
    int fit = HTTP.socketSendBufferBytes() / message.encode().length();

    for (int i = 0; i < fit * 2; i++) {
      sockets.broadcast(message);
    }

    assertThat(stalled.written).hasSizeBetween(fit / 2, fit + 1);
    assertThat(stalled.closes).containsExactly(BridgeSockets.TOO_SLOW);
  }

  @Test
  void theBridgesOwnDeliveriesAreWrittenHereThroughTheCutOff() {
    FakeSocket reader = open("reader");
    FakeSocket slow = open("slow");
    slow.full = true;
    JsonObject rec = new JsonObject().put("type", "rec").put("address", Addresses.CHAT_TYPING).put("body", new JsonObject().put("user", "ada"));

    Promise<Boolean> toReader = Promise.promise();
    sockets.handle(event(BridgeEventType.RECEIVE, rec, reader, toReader));
    Promise<Boolean> toSlow = Promise.promise();
    sockets.handle(event(BridgeEventType.RECEIVE, rec, slow, toSlow));

    assertThat(reader.written).singleElement().satisfies(frame -> assertThat(frame.toJsonObject()).isEqualTo(rec));
    assertThat(toReader.future().result()).as("the bridge writes nothing itself").isFalse();
    assertThat(slow.written).isEmpty();
    assertThat(slow.closes).containsExactly(BridgeSockets.TOO_SLOW);
    assertThat(toSlow.future().result()).isFalse();
  }

  @Test
  void framesSentOnTheBusAreRefusedBeforeTheBridgeReadsThem() {
    FakeSocket sender = open("sender");
    for (BridgeEventType type : List.of(BridgeEventType.SEND, BridgeEventType.PUBLISH)) {
      Promise<Boolean> outcome = Promise.promise();
      sockets.handle(event(type, new JsonObject().put("type", "send").put("address", Addresses.CHAT_MESSAGES)
        .put("headers", "not an object"), sender, outcome));
      assertThat(outcome.future().result()).as(type.name()).isFalse(); // the bridge answers "rejected"
    }
  }

  @Test
  void aSessionHoldsAtMostItsMaximumOfSocketsAcrossTheEventLoopsOfOneInstance() {
    BridgeSockets otherEventLoop = new BridgeSockets(vertx, metrics, HTTP);
    List<FakeSocket> tabs = new ArrayList<>();
    for (int i = 0; i < HTTP.maxSocketsPerSession(); i++) {
      FakeSocket tab = new FakeSocket("ada", "login-of-ada");
      assertThat((i % 2 == 0 ? sockets : otherEventLoop).opened(tab.socket)).as("socket %d", i + 1).isTrue();
      tabs.add(tab);
    }
    FakeSocket oneTooMany = new FakeSocket("ada", "login-of-ada");
    FakeSocket otherSession = new FakeSocket("ada", "another-login-of-ada");

    assertThat(otherEventLoop.opened(oneTooMany.socket)).isFalse();
    assertThat(sockets.opened(otherSession.socket)).as("another session of the same user").isTrue();

    assertThat(oneTooMany.written).singleElement().satisfies(frame ->
      assertThat(frame.toJsonObject().getString("body")).isEqualTo("too_many_sockets"));
    assertThat(oneTooMany.closes).containsExactly(BridgeSockets.TOO_MANY);
    sockets.closed(tabs.get(0).socket);
    assertThat(otherEventLoop.opened(new FakeSocket("ada", "login-of-ada").socket)).as("once a tab closed").isTrue();
  }

  @Test
  void unsubscribedAndClosedSocketsGetNothingMore() {
    FakeSocket left = subscriber("left");
    FakeSocket closed = subscriber("closed");
    FakeSocket staying = subscriber("staying");
    sockets.subscribed(left.socket, false);
    sockets.closed(closed.socket);

    sockets.broadcast(new JsonObject().put("id", "m1"));

    assertThat(left.written).isEmpty();
    assertThat(closed.written).isEmpty();
    assertThat(staying.written).hasSize(1);
  }

  @Test
  void aLoginThatEndsClosesItsTabsOnly() {
    FakeSocket ada = open("ada");
    FakeSocket bob = open("bob");
    open(null); // a socket without a session is no tab
    await("two tabs reported").atMost(Duration.ofSeconds(5)).until(() -> tabs.size() == 2);
    assertThat(tabs).extracting(TabOpened::user, TabOpened::login)
      .containsExactlyInAnyOrder(tuple("ada", "login-of-ada"), tuple("bob", "login-of-bob"));
    String adasTab = tabs.stream().filter(t -> t.user().equals("ada")).findFirst().orElseThrow().tab();

    sockets.closeTabs(List.of(adasTab));

    assertThat(ada.closes).hasSize(1);
    assertThat(bob.closes).isEmpty();
  }

  @Test
  void shutdownClosesEverySocketNotAlreadyCutOffAndTheGaugeCountsOpenSockets() {
    FakeSocket ada = subscriber("ada");
    FakeSocket slow = subscriber("slow");
    FakeSocket gone = open("gone");
    sockets.closed(gone.socket);
    assertThat(Prometheus.value(metrics.registry().scrape(), "messenger_bridge_clients")).isEqualTo(2.0);
    slow.full = true;
    sockets.broadcast(new JsonObject().put("id", "m1"));

    sockets.closeAll(1001, "server shutting down");

    assertThat(ada.closes).containsExactly(1001);
    assertThat(slow.closes).containsExactly(BridgeSockets.TOO_SLOW);
    assertThat(gone.closes).isEmpty();
  }

  @Test
  void aRoomsMessagesReachOnlyItsFollowersOverTheBusWithOneFramePerAddressAndARegistrationIsParkedPerRoom() {
    FakeSocket ops = open("ops");
    FakeSocket dev = open("dev");
    FakeSocket general = open("general");
    for (Object[] follow : new Object[][] {{ops, "chat.room.ops"}, {dev, "chat.room.dev"}, {general, Addresses.CHAT_MESSAGES},
      {general, "chat.room.general"}}) {
      Promise<Boolean> allowed = Promise.promise();
      BridgeEvent register = event(BridgeEventType.REGISTER, new JsonObject().put("type", "register").put("address", follow[1]),
        (FakeSocket) follow[0], allowed);
      sockets.handle(register);
      assertThat(allowed.future().result()).isTrue();
      assertThat(register.getRawMessage().getString("address")).as("parked, one address per room")
        .isEqualTo(follow[1].equals(Addresses.CHAT_MESSAGES) ? BridgeSockets.PARKED
          : BridgeSockets.PARKED + "." + ((String) follow[1]).substring("chat.room.".length()));
    }

    JsonObject inOps = new JsonObject().put("seq", 1).put("id", "m1").put("room", "ops").put("text", "deploying");
    JsonObject inGeneral = new JsonObject().put("seq", 2).put("id", "m2").put("room", "general").put("text", "hi");
    vertx.eventBus().publish(Addresses.room("ops"), inOps);
    vertx.eventBus().publish(Addresses.room("general"), inGeneral);

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(general.written).hasSize(2));
    assertThat(ops.written).singleElement().satisfies(frame -> assertThat(frame.toJsonObject())
      .isEqualTo(new JsonObject().put("type", "rec").put("address", "chat.room.ops").put("body", inOps)));
    assertThat(dev.written).isEmpty();
    assertThat(general.written).extracting(frame -> frame.toJsonObject().getString("address"))
      .containsExactlyInAnyOrder("chat.room.general", Addresses.CHAT_MESSAGES);

    sockets.subscribed(ops.socket, "chat.room.ops", false);
    sockets.closed(general.socket);
    vertx.eventBus().publish(Addresses.room("ops"), inOps);
    vertx.eventBus().publish(Addresses.room("general"), inGeneral);
    vertx.eventBus().publish(Addresses.room("dev"), inOps.copy().put("room", "dev"));
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(dev.written).hasSize(1));
    assertThat(ops.written).as("unsubscribed").hasSize(1);
    assertThat(general.written).as("closed").hasSize(2);
  }
}
