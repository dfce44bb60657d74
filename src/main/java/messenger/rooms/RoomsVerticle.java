package messenger.rooms;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import messenger.Addresses;
import messenger.Settings;
import messenger.broker.Broker;
import messenger.bus.Bus;
import messenger.bus.RoomRequests.ArchiveRoom;
import messenger.bus.RoomRequests.ChangeTopic;
import messenger.bus.RoomRequests.CreateRoom;
import messenger.bus.RoomRequests.DmOpened;
import messenger.bus.RoomRequests.OpenDm;
import messenger.chat.RateLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Keeps {@link Rooms} as the shared {@link RoomLog} says, and creates rooms: a creation is refused when the name is
 * taken (409) or the session creates too fast (429), else appended to the log and answered once this instance read
 * it back; when another instance created the same name a moment before, the log's order decides, and the one that
 * came second is told 409.
 *
 * <p>Topic changes and archives are appended the same way. Anyone may change a public room's topic (it is shown
 * to everyone with who set it); only the room's creator may archive it (their name: a signed-in person's name is
 * theirs alone, and a name-only creator is known by nothing else), and {@code general} never. An unknown room is
 * 404, an archived one 410. They are limited per session like creations, counted apart from them.
 *
 * <p>Direct messages are recorded in the same log; a person (their account) opening new ones too fast is refused
 * (429): each is kept for good and read by every instance at start-up. Opening one that exists writes nothing and
 * is not counted.
 */
public class RoomsVerticle extends VerticleBase {

  public static final int FORBIDDEN = 403;
  public static final int NOT_FOUND = 404;
  public static final int CONFLICT = 409;
  public static final int GONE = 410;
  public static final int TOO_FAST = 429;
  public static final int UNAVAILABLE = 503;
  private static final Logger log = LoggerFactory.getLogger(RoomsVerticle.class);
  private static final long LIMITER_SWEEP_MS = 60_000;

  private final Settings settings;
  private final Broker broker;
  private final Rooms rooms;
  private final Map<String, RateLimiter> limits = new HashMap<>();
  /** Topic changes and archives per session. */
  private final Map<String, RateLimiter> changeLimits = new HashMap<>();
  /** New direct messages per account. */
  private final Map<String, RateLimiter> dmLimits = new HashMap<>();
  private RoomLog roomLog;

  /** {@code rooms}: kept here, read by the web verticles. */
  public RoomsVerticle(Settings settings, Broker broker, Rooms rooms) {
    this.settings = settings;
    this.broker = broker;
    this.rooms = rooms;
  }

  @Override
  public Future<?> start() {
    roomLog = RoomLog.of(broker, vertx, settings);
    vertx.eventBus().<CreateRoom>localConsumer(Addresses.CREATE_ROOM, this::create);
    vertx.eventBus().<ChangeTopic>localConsumer(Addresses.CHANGE_TOPIC, this::changeTopic);
    vertx.eventBus().<ArchiveRoom>localConsumer(Addresses.ARCHIVE_ROOM, this::archive);
    vertx.eventBus().<OpenDm>localConsumer(Addresses.OPEN_DM, this::openDm);
    vertx.eventBus().<Void>localConsumer(Addresses.ROOMS_STATUS, msg -> msg.reply(roomLog.status(), Bus.LOCAL));
    vertx.setPeriodic(LIMITER_SWEEP_MS, t -> {
      long now = System.currentTimeMillis();
      limits.values().removeIf(limiter -> limiter.isFull(now));
      changeLimits.values().removeIf(limiter -> limiter.isFull(now));
      dmLimits.values().removeIf(limiter -> limiter.isFull(now));
    });
    // Pages learn of a change at once and ask GET /rooms again (read whole at start-up: no page listens yet).
    return roomLog.start(event -> {
        boolean changed = rooms.apply(event);
        if (event.type() == RoomEvent.Type.DM) { // for its two members only, never on chat.rooms
          vertx.eventBus().publish(Addresses.DM_OPENED, new DmOpened(rooms.dms().get(event.room())), Bus.LOCAL);
          return;
        }
        if (changed) {
          JsonObject change = new JsonObject().put("type", event.type().wire).put("room", event.room()).put("by", event.by());
          if (event.type() == RoomEvent.Type.TOPIC) {
            change.put("topic", event.topic() == null ? "" : event.topic());
          }
          vertx.eventBus().publish(Addresses.CHAT_ROOMS, change, Bus.LOCAL);
        }
      })
      .onSuccess(v -> log.info("{} rooms, {} direct messages", rooms.size(), rooms.dms().size()));
  }

  @Override
  public Future<?> stop() {
    return roomLog.stop();
  }

  /** Whether the session may write one more room event now (creations and changes each have a limiter of their own). */
  private boolean allowed(Map<String, RateLimiter> limiters, String session, long now) {
    Settings.Rooms limitsOf = settings.rooms();
    return allowed(limiters, session, limitsOf.createPerMinute(), limitsOf.createBurst(), now);
  }

  private static boolean allowed(Map<String, RateLimiter> limiters, String key, double perMinute, int burst, long now) {
    return limiters.computeIfAbsent(key, k -> new RateLimiter(perMinute / 60.0, burst, now)).tryAcquire(now);
  }

  private void create(Message<CreateRoom> request) {
    CreateRoom create = request.body();
    long now = System.currentTimeMillis();
    if (!allowed(limits, create.session(), now)) {
      request.fail(TOO_FAST, "You are creating rooms too fast; wait a minute.");
      return;
    }
    if (rooms.exists(create.name()) || create.name().equals(Room.GENERAL)) {
      request.fail(CONFLICT, "There is a room called '" + create.name() + "' already.");
      return;
    }
    if (rooms.archived(create.name()) != null) {
      request.fail(CONFLICT, "There was a room called '" + create.name() + "'; it is archived, and its name stays with its history.");
      return;
    }
    RoomEvent event = new RoomEvent(RoomEvent.Type.CREATED, UUID.randomUUID().toString(), create.name(), create.topic(),
      create.user(), now);
    roomLog.append(event)
      .onSuccess(v -> {
        Room room = rooms.get(create.name());
        if (room != null && event.id().equals(room.eventId())) {
          request.reply(null);
        } else {
          request.fail(CONFLICT, "Someone else created '" + create.name() + "' a moment ago.");
        }
      })
      .onFailure(err -> {
        log.warn("Room '{}' could not be created: {}", create.name(), err.getMessage());
        request.fail(UNAVAILABLE, "The message broker is unavailable; try again.");
      });
  }

  /** Fails the request (true) when the room cannot be changed: unknown (404) or archived (410). */
  private boolean refusedAsUnknown(Message<?> request, String name) {
    if (rooms.archived(name) != null) {
      request.fail(GONE, "The room '" + name + "' is archived; it cannot be changed.");
      return true;
    }
    if (!rooms.exists(name)) {
      request.fail(NOT_FOUND, "There is no room called '" + name + "'.");
      return true;
    }
    return false;
  }

  private void changeTopic(Message<ChangeTopic> request) {
    ChangeTopic change = request.body();
    long now = System.currentTimeMillis();
    if (refusedAsUnknown(request, change.name())) {
      return;
    }
    if (change.name().equals(Room.GENERAL)) {
      request.fail(FORBIDDEN, "The topic of #general cannot be changed.");
      return;
    }
    if (!allowed(changeLimits, change.session(), now)) {
      request.fail(TOO_FAST, "You are changing rooms too fast; wait a minute.");
      return;
    }
    if (rooms.get(change.name()).topic().equals(change.topic())) {
      request.reply(null); // nothing to change, nothing to tell anyone
      return;
    }
    append(request, new RoomEvent(RoomEvent.Type.TOPIC, UUID.randomUUID().toString(), change.name(), change.topic(),
      change.user(), now));
  }

  private void archive(Message<ArchiveRoom> request) {
    ArchiveRoom archive = request.body();
    long now = System.currentTimeMillis();
    if (archive.name().equals(Room.GENERAL)) {
      request.fail(FORBIDDEN, "#general always exists; it cannot be archived.");
      return;
    }
    if (refusedAsUnknown(request, archive.name())) {
      return;
    }
    String creator = rooms.get(archive.name()).createdBy();
    if (creator == null || !creator.equals(archive.user())) {
      request.fail(FORBIDDEN, "Only " + (creator == null ? "its creator" : creator + ", who created #" + archive.name() + ",")
        + " can archive it.");
      return;
    }
    if (!allowed(changeLimits, archive.session(), now)) {
      request.fail(TOO_FAST, "You are changing rooms too fast; wait a minute.");
      return;
    }
    append(request, new RoomEvent(RoomEvent.Type.ARCHIVED, UUID.randomUUID().toString(), archive.name(), null,
      archive.user(), now));
  }

  /** Appends a change and answers once this instance applied it (a room archived meanwhile is 410). */
  private void append(Message<?> request, RoomEvent event) {
    roomLog.append(event)
      .onSuccess(v -> {
        if (event.type() == RoomEvent.Type.TOPIC && rooms.archived(event.room()) != null) {
          request.fail(GONE, "The room '" + event.room() + "' was archived a moment ago.");
        } else {
          request.reply(null);
        }
      })
      .onFailure(err -> {
        log.warn("Room '{}' could not be changed ({}): {}", event.room(), event.type(), err.getMessage());
        request.fail(UNAVAILABLE, "The message broker is unavailable; try again.");
      });
  }

  /** Records a direct message unless it is recorded already; answered with it once this instance has it. */
  private void openDm(Message<OpenDm> request) {
    DirectMessage dm = request.body().dm();
    DirectMessage known = rooms.dms().get(dm.id());
    if (known != null) {
      request.reply(new DmOpened(known));
      return;
    }
    Settings.Rooms limitsOf = settings.rooms();
    if (!allowed(dmLimits, request.body().by(), limitsOf.openDmPerMinute(), limitsOf.openDmBurst(), System.currentTimeMillis())) {
      request.fail(TOO_FAST, "You are opening conversations too fast; wait a minute.");
      return;
    }
    roomLog.append(RoomEvent.opened(UUID.randomUUID().toString(), dm, request.body().by()))
      .onSuccess(v -> request.reply(new DmOpened(rooms.dms().get(dm.id()))))
      .onFailure(err -> {
        log.warn("A direct message could not be opened: {}", err.getMessage());
        request.fail(UNAVAILABLE, "The message broker is unavailable; try again.");
      });
  }
}
