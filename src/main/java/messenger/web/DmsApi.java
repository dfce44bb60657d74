package messenger.web;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import messenger.Addresses;
import messenger.bus.Bus;
import messenger.bus.RoomRequests.DmOpened;
import messenger.bus.RoomRequests.OpenDm;
import messenger.chat.Names;
import messenger.presence.NameHolders;
import messenger.rooms.DirectMessage;
import messenger.rooms.Rooms;

/**
 * Direct messages between signed-in people ({@link DirectMessage}). {@code POST /dms} {@code {"with": "<name or
 * account id>"}} opens the conversation with someone signed in and online (or returns the one that exists): 201 for a
 * new one, 200 for one that existed, both {@code {"id", "with": {"id", "name"}, "createdAt"}}; 400 {@code invalid_person}
 * (not a name nor an account id), {@code not_signed_in} (online without an account) or {@code self}; 404
 * {@code unknown_person} (nobody by that name or id is signed in now); 429 {@code too_fast} when the person opens new
 * ones too fast (see {@link messenger.rooms.RoomsVerticle}). {@code GET /dms} lists the session's
 * conversations, newest first: {@code {"dms": [...]}}. A name-only session gets 403 {@code accounts_only} from both.
 * The conversations are read from the room log, so they are the same on every instance and after a restart.
 */
final class DmsApi {

  private static final int MAX_WITH = 64;

  private final Vertx vertx;
  private final Rooms rooms;
  private final NameHolders names;
  private final String secret;

  DmsApi(Vertx vertx, Rooms rooms, NameHolders names, String secret) {
    this.vertx = vertx;
    this.rooms = rooms;
    this.names = names;
    this.secret = secret;
  }

  void mount(UserRoutes routes) {
    routes.get("/dms").handler(this::list);
    routes.postJson("/dms").handler(this::open);
  }

  /** The signed-in person's account id; 403 for a name-only session. */
  private static String account(RoutingContext ctx) {
    String account = Sessions.accountId(ctx);
    if (account == null) {
      throw new ApiError(403, "accounts_only",
        "Direct messages are between people signed in with an account; you logged in with a name only.");
    }
    return account;
  }

  private void list(RoutingContext ctx) {
    String me = account(ctx);
    JsonArray list = new JsonArray();
    rooms.dms().of(me).forEach(dm -> list.add(dm.toJson(me)));
    ctx.response().putHeader("Cache-Control", "no-store");
    ctx.json(new JsonObject().put("dms", list));
  }

  private void open(RoutingContext ctx) {
    String me = account(ctx);
    Object raw = UserRoutes.jsonObject(ctx).getValue("with");
    String with = raw instanceof String s ? s.strip() : null;
    if (with == null || with.isEmpty() || with.length() > MAX_WITH) {
      throw new ApiError(400, "invalid_person", "Say whom to write to: 'with' is their name or account id.");
    }
    if (with.equals(me) || with.equals(Sessions.user(ctx))) {
      throw new ApiError(400, "self", "That is you: a direct message is with someone else.");
    }
    DirectMessage.Member other = other(me, with);
    DirectMessage existing = rooms.dms().between(me, other.id());
    if (existing != null) {
      ctx.response().putHeader("Cache-Control", "no-store");
      ctx.json(existing.toJson(me));
      return;
    }
    DirectMessage.Member self = new DirectMessage.Member(me, Sessions.user(ctx));
    DirectMessage dm = new DirectMessage(DirectMessage.idOf(secret, me, other.id()), self, other, System.currentTimeMillis());
    vertx.eventBus().<DmOpened>request(Addresses.OPEN_DM, new OpenDm(dm, me), Bus.LOCAL)
      .onSuccess(reply -> {
        ctx.response().setStatusCode(201).putHeader("Cache-Control", "no-store");
        ctx.json(reply.body().dm().toJson(me));
      })
      .onFailure(err -> ctx.fail(RoomsApi.refusal(err)));
  }

  /**
   * The person {@code with} names, by their display name (or a look-alike of it) or their account id: someone online
   * now and signed in, or someone the session has a conversation with already.
   */
  private DirectMessage.Member other(String me, String with) {
    NameHolders.Holder holder = Names.problem(with) == null ? names.holder(Names.normalize(with)) : null;
    if (holder == null || holder.account() == null) {
      NameHolders.Holder byId = names.ofAccount(with);
      if (byId != null) {
        holder = byId;
      }
    }
    if (holder != null && holder.account() != null) {
      if (holder.account().equals(me)) {
        throw new ApiError(400, "self", "That is you: a direct message is with someone else.");
      }
      return new DirectMessage.Member(holder.account(), holder.name());
    }
    // Someone offline whom the session has a conversation with already, by account id or by the name it shows.
    for (DirectMessage known : rooms.dms().of(me)) {
      DirectMessage.Member other = known.other(me);
      if (other.id().equals(with) || other.name().equals(with)) {
        return other;
      }
    }
    if (holder != null) {
      throw new ApiError(400, "not_signed_in", "“" + holder.name() + "” logged in with a name only: direct messages are "
        + "between people signed in with an account.");
    }
    throw new ApiError(404, "unknown_person", "Nobody called “" + with + "” is signed in right now.");
  }
}
