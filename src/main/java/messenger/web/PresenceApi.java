package messenger.web;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import messenger.Addresses;
import messenger.bus.Bus;
import messenger.bus.PresenceRequests.Online;
import messenger.bus.PresenceRequests.Typing;
import messenger.rooms.Room;

/**
 * The web side of presence: {@code GET /presence} gives who is online, {@code POST /typing} reports typing.
 * Tabs are reported by {@link BridgeSockets}; who holds a name is in {@link messenger.presence.NameHolders}.
 */
final class PresenceApi {

  private final Vertx vertx;

  PresenceApi(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(UserRoutes routes) {
    routes.get("/presence").handler(this::online);
    routes.post("/typing").handler(this::typing);
  }

  private void online(RoutingContext ctx) {
    vertx.eventBus().<Online>request(Addresses.ONLINE, null, Bus.LOCAL)
      .onSuccess(reply -> {
        ctx.response().putHeader("Cache-Control", "no-store");
        ctx.json(reply.body().toJson());
      })
      .onFailure(err -> ctx.fail(new ApiError(503, "unavailable", "Presence is unavailable; try again.")));
  }

  /**
   * Typing in a room: the body {@code {"room": "…"}} names it (no body, or no room: general; a name that cannot be a
   * room's is 400). PresenceVerticle throttles, so an answer of 204 does not mean an event went out.
   */
  private void typing(RoutingContext ctx) {
    String room = Room.GENERAL;
    Buffer body = ctx.body().buffer();
    if (body != null && body.length() > 0) {
      Object named;
      try {
        named = new JsonObject(body).getValue("room");
      } catch (DecodeException | ClassCastException e) {
        throw new ApiError(400, "malformed_json", "The body is not a JSON object.");
      }
      if (named != null && !(named instanceof String name && Room.isValidName(name))) {
        throw new ApiError(400, "invalid_room", "A room's name is 1 to 32 lower-case letters, digits or '-'.");
      }
      room = named == null ? Room.GENERAL : (String) named;
    }
    vertx.eventBus().send(Addresses.TYPING, new Typing(Sessions.user(ctx), room), Bus.LOCAL);
    ctx.response().setStatusCode(204).end();
  }
}
