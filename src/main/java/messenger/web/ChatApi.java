package messenger.web;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import messenger.Addresses;
import messenger.Settings;
import messenger.bus.Bus;
import messenger.bus.ChatRequests.HistoryPage;
import messenger.bus.ChatRequests.HistoryQuery;
import messenger.bus.ChatRequests.HistoryRefused;
import messenger.bus.ChatRequests.Publish;
import messenger.metrics.Metrics;
import messenger.metrics.Metrics.Hop;
import messenger.rooms.DirectMessage;
import messenger.rooms.Room;
import messenger.rooms.Rooms;

/**
 * The chat's JSON routes. {@code POST /send} takes a {@link SendRequest} from a logged-in user and answers 202
 * once the broker confirmed it; every send answered with an error is counted by its code. {@code GET /history}
 * takes a {@link HistoryRequest} and asks the broker side for the page (from its memory or the stream). Both are
 * about one room, {@code general} unless the request names another; a room this instance does not know is 404, and
 * so is a direct message the session is not a member of; an archived room's history stays readable, and a send to
 * it is 410 {@code archived}.
 */
final class ChatApi {

  private static final String ARRIVED = "messenger.arrived";

  private final Vertx vertx;
  private final Settings settings;
  private final Metrics metrics;
  private final Rooms rooms;

  ChatApi(Vertx vertx, Settings settings, Metrics metrics, Rooms rooms) {
    this.vertx = vertx;
    this.settings = settings;
    this.metrics = metrics;
    this.rooms = rooms;
  }

  void mount(Router router, UserRoutes routes) {
    // A route of its own, before the body is read: vertx-web wants the body handler first on a route.
    router.post("/send").handler(ChatApi::arrived);
    // Its failure handler sees every failure of POST /send.
    routes.postJson("/send").handler(this::send)
      .failureHandler(ctx -> {
        metrics.refused(ApiError.of(ctx).error);
        ctx.next();
      });
    routes.get("/history").handler(this::history);
  }

  /** When the request arrived, for the first hop's timer. */
  private static void arrived(RoutingContext ctx) {
    ctx.put(ARRIVED, System.nanoTime());
    ctx.next();
  }

  private void send(RoutingContext ctx) {
    SendRequest send = SendRequest.parse(ctx.body().buffer(), settings.chat().maxTextLength());
    if (rooms.archived(send.room()) != null) {
      throw new ApiError(410, "archived", "The room '" + send.room() + "' is archived: it takes no new messages (its history stays readable).");
    }
    DirectMessage dm = requireRoom(ctx, send.room());
    DeliveryOptions timeout = new DeliveryOptions(Bus.LOCAL).setSendTimeout(settings.rabbit().sendTimeoutMs() + 2000);
    metrics.hop(Hop.REQUEST, ctx.<Long>get(ARRIVED));
    vertx.eventBus().request(Addresses.PUBLISH,
        new Publish(Sessions.user(ctx), Sessions.accountId(ctx), send.id(), send.room(), dm == null ? null : dm.membersHeader(),
          send.text()),
        Metrics.hopStart(timeout))
      .onSuccess(reply -> {
        ctx.response().setStatusCode(202);
        ctx.json(new JsonObject().put("id", send.id()));
        metrics.hop(Hop.ANSWER, Metrics.hopStart(reply));
      })
      .onFailure(err -> {
        ApiError refused = err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
          ? new ApiError(re.failureCode(), re.failureCode() == 429 ? "too_fast" : "unavailable", re.getMessage())
          : ApiError.standard(503);
        // When to send again: the page resends by itself after this long.
        ctx.response().putHeader("Retry-After", refused.status == 429 ? sendRetryAfterSeconds() : "1");
        ctx.fail(refused);
      });
  }

  /** The longest a refused sender waits for the next message its rate allows: one refill. */
  private String sendRetryAfterSeconds() {
    return String.valueOf((long) Math.ceil(1 / settings.chat().ratePerSecond()));
  }

  /**
   * Throws 404 {@code unknown_room} for a room that does not exist (or not yet on this instance), and for a direct
   * message that the session is not a member of (a name-only session is a member of none): the same answer as for
   * one that does not exist, so that nobody learns which do. Returns the direct message, or null for a room.
   */
  private DirectMessage requireRoom(RoutingContext ctx, String room) {
    if (DirectMessage.isValidId(room)) {
      DirectMessage dm = rooms.dms().get(room);
      if (dm == null || !dm.hasMember(Sessions.accountId(ctx))) {
        throw new ApiError(404, "unknown_room", "There is no such conversation, or you are not in it.");
      }
      return dm;
    }
    if (!rooms.known(room)) { // an archived room exists for its history (a send to it is refused before, 410)
      throw new ApiError(404, "unknown_room", Room.isValidName(room) ? "There is no room called '" + room + "'." : "There is no such room.");
    }
    return null;
  }

  private void history(RoutingContext ctx) {
    HistoryRequest request = HistoryRequest.parse(ctx.queryParams());
    requireRoom(ctx, request.room());
    // The rate limit is per session: its login id (the user's name for a session made before login ids).
    String session = Sessions.login(ctx.session());
    HistoryQuery query = new HistoryQuery(request.room(), request.direction(), request.seq(), request.limit(),
      session.isEmpty() ? Sessions.user(ctx) : session);
    vertx.eventBus().<Bus.Message>request(Addresses.HISTORY, query, Bus.LOCAL)
      .onSuccess(reply -> {
        if (reply.body() instanceof HistoryRefused refused) {
          // When to ask again: the page backs off by it (a busy stream, or this session's limit).
          ctx.response().putHeader("Retry-After", "1");
          ctx.fail(new ApiError(refused.status(), refused.error(), refused.message()));
          return;
        }
        ctx.response().putHeader("Cache-Control", "no-store");
        ctx.json(((HistoryPage) reply.body()).toJson());
      })
      .onFailure(err -> ctx.fail(ApiError.standard(503)));
  }
}
