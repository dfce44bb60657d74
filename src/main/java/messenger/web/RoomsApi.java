package messenger.web;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import messenger.Addresses;
import messenger.bus.Bus;
import messenger.bus.PresenceRequests.Membership;
import messenger.bus.RoomRequests.ArchiveRoom;
import messenger.bus.RoomRequests.ChangeTopic;
import messenger.bus.RoomRequests.CreateRoom;
import messenger.chat.Texts;
import messenger.rooms.Room;
import messenger.rooms.Rooms;

/**
 * {@code GET /rooms} lists the rooms as this instance knows them ({@link Rooms}); {@code POST /rooms} takes
 * {@code {"name", "topic"}} and answers 201 {@code {"name"}} once the room is in the shared room log and this
 * instance has it: 400 for a name or topic that is not valid, 409 when the name is taken, 429 when the session
 * creates too fast, 503 without a broker.
 *
 * <p>One room: {@code GET /rooms/<name>} (also an archived one, saying so), {@code PUT /rooms/<name>/topic}
 * {@code {"topic"}} and {@code POST /rooms/<name>/archive} (see {@link messenger.rooms.RoomsVerticle} for who may),
 * and {@code POST /rooms/<name>/join} and {@code /leave}, which tell the others following the room (the page keeps
 * what one joined; the server has no members). A name that is no room's is 404 {@code unknown_room}, an archived
 * room 410 {@code archived}.
 */
final class RoomsApi {

  private final Vertx vertx;
  private final Rooms rooms;

  RoomsApi(Vertx vertx, Rooms rooms) {
    this.vertx = vertx;
    this.rooms = rooms;
  }

  void mount(UserRoutes routes) {
    routes.get("/rooms").handler(this::list);
    routes.postJson("/rooms").handler(this::create);
    routes.get("/rooms/:name").handler(this::one);
    routes.putJson("/rooms/:name/topic").handler(this::topic);
    routes.post("/rooms/:name/archive").handler(this::archive);
    routes.post("/rooms/:name/join").handler(ctx -> membership(ctx, true));
    routes.post("/rooms/:name/leave").handler(ctx -> membership(ctx, false));
  }

  /** The room named in the path; 404 when it is not a room's name. */
  private static String named(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (!Room.isValidName(name)) {
      throw new ApiError(404, "unknown_room", "There is no such room.");
    }
    return name;
  }

  private void one(RoutingContext ctx) {
    String name = named(ctx);
    Room room = rooms.get(name);
    Rooms.Archived archived = rooms.archived(name);
    if (room == null && archived == null) {
      throw new ApiError(404, "unknown_room", "There is no room called '" + name + "'.");
    }
    JsonObject json = (room != null ? room : archived.room()).toJson().put("archived", archived != null);
    if (archived != null) {
      json.put("archivedBy", archived.by()).put("archivedAt", archived.at());
    }
    ctx.response().putHeader("Cache-Control", "no-store");
    ctx.json(json);
  }

  private void topic(RoutingContext ctx) {
    String name = named(ctx);
    JsonObject json = UserRoutes.jsonObject(ctx);
    if (!json.containsKey("topic")) {
      throw new ApiError(400, "invalid_topic", "Say the new topic: {\"topic\": \"…\"} (\"\" for none).");
    }
    String topic = validTopic(json.getValue("topic"));
    String user = Sessions.user(ctx);
    vertx.eventBus().request(Addresses.CHANGE_TOPIC, new ChangeTopic(name, topic, user, limitKey(ctx)), Bus.LOCAL)
      .onSuccess(reply -> ctx.json(new JsonObject().put("name", name).put("topic", topic)))
      .onFailure(err -> ctx.fail(refusal(err)));
  }

  private void archive(RoutingContext ctx) {
    String name = named(ctx);
    vertx.eventBus().request(Addresses.ARCHIVE_ROOM, new ArchiveRoom(name, Sessions.user(ctx), limitKey(ctx)), Bus.LOCAL)
      .onSuccess(reply -> ctx.json(new JsonObject().put("name", name).put("archived", true)))
      .onFailure(err -> ctx.fail(refusal(err)));
  }

  /** Joined or left: 204 (also when presence drops it as a repeat or too frequent), 404 unknown, 410 archived. */
  private void membership(RoutingContext ctx, boolean joined) {
    String name = named(ctx);
    if (rooms.archived(name) != null) {
      throw new ApiError(410, "archived", "The room '" + name + "' is archived.");
    }
    if (!rooms.exists(name)) {
      throw new ApiError(404, "unknown_room", "There is no room called '" + name + "'.");
    }
    vertx.eventBus().send(Addresses.MEMBERSHIP, new Membership(Sessions.user(ctx), name, joined), Bus.LOCAL);
    ctx.response().setStatusCode(204).end();
  }

  /** The rate limits are per session: its login id (the user's name for a session made before login ids). */
  private static String limitKey(RoutingContext ctx) {
    String session = Sessions.login(ctx.session());
    return session.isEmpty() ? Sessions.user(ctx) : session;
  }

  /** What a refusal of RoomsVerticle (rooms and direct messages) is answered with. */
  static ApiError refusal(Throwable err) {
    return err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
      ? new ApiError(re.failureCode(), switch (re.failureCode()) {
          case 403 -> "not_allowed";
          case 404 -> "unknown_room";
          case 409 -> "exists";
          case 410 -> "archived";
          case 429 -> "too_fast";
          default -> "unavailable";
        }, re.getMessage())
      : ApiError.standard(503);
  }

  /** A topic as sent: text of one line, at most {@link Room#MAX_TOPIC_LENGTH} characters; null is none. */
  private static String validTopic(Object rawTopic) {
    if (rawTopic != null && !(rawTopic instanceof String)) {
      throw new ApiError(400, "invalid_topic", "The topic must be text.");
    }
    String topic = rawTopic == null ? "" : ((String) rawTopic).strip();
    if (Texts.hasLoneSurrogate(topic) || Texts.length(topic) > Room.MAX_TOPIC_LENGTH || topic.chars().anyMatch(Character::isISOControl)) {
      throw new ApiError(400, "invalid_topic", "The topic is one line of at most " + Room.MAX_TOPIC_LENGTH + " characters.");
    }
    return topic;
  }

  private void list(RoutingContext ctx) {
    JsonArray list = new JsonArray();
    rooms.list().forEach(room -> list.add(room.toJson()));
    ctx.response().putHeader("Cache-Control", "no-store");
    ctx.json(new JsonObject().put("rooms", list));
  }

  private void create(RoutingContext ctx) {
    JsonObject json = UserRoutes.jsonObject(ctx);
    String name = json.getValue("name") instanceof String n ? n : null;
    if (!Room.isValidName(name)) {
      throw new ApiError(400, "invalid_name",
        "A room's name is 1 to 32 lower-case letters, digits or '-', and does not start with '-'.");
    }
    String topic = validTopic(json.getValue("topic"));
    String user = Sessions.user(ctx);
    vertx.eventBus().request(Addresses.CREATE_ROOM, new CreateRoom(name, topic, user, limitKey(ctx)), Bus.LOCAL)
      .onSuccess(reply -> {
        ctx.response().setStatusCode(201);
        ctx.json(new JsonObject().put("name", name));
      })
      .onFailure(err -> ctx.fail(refusal(err)));
  }
}
