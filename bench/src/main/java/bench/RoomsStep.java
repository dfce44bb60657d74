package bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;

/**
 * Rooms (issue #16): the fan-out knee with N receivers spread over R rooms (each receiver follows one room, each
 * message goes to one room, so a message reaches N/R receivers) against today's single room ({@code chat.messages})
 * with the same N, at the same total deliveries/s. A layout "RxK" is R rooms of K receivers; R = 1 is the single
 * room. Each layout gets a fresh server, its own warm-up and a knee search started at {@code --start-delivered}.
 */
final class RoomsStep {

  private static final long QUIET_TIMEOUT_MS = 30_000;

  private RoomsStep() {
  }

  static JsonObject run(Bench bench, Options options, Vertx vertx) throws Exception {
    JsonObject layouts = new JsonObject();
    Double single = null;
    for (String layout : options.roomsLayouts) {
      String[] parts = layout.split("x");
      int rooms = Integer.parseInt(parts[0]);
      int perRoom = Integer.parseInt(parts[1]);
      JsonObject result = layout(bench, options, vertx, rooms, perRoom);
      layouts.put(layout, result);
      Double knee = result.containsKey("knee") ? result.getJsonObject("knee").getDouble("deliveredPerSec") : null;
      if (rooms == 1) {
        single = knee;
      }
      if (single != null && knee != null) {
        result.put("ratio", Bench.round(knee / single, 2));
      }
    }
    return new JsonObject().put("layouts", layouts);
  }

  private static JsonObject layout(Bench bench, Options options, Vertx vertx, int rooms, int perRoom) throws Exception {
    int n = rooms * perRoom;
    String label = rooms == 1 ? "1 room x " + n : rooms + " rooms x " + perRoom;
    // Every bench room is made by one user: let it.
    JsonObject extra = new JsonObject().put("rooms", new JsonObject().put("createBurst", rooms + 1).put("createPerMinute", 600));
    try (Servers.Server server = Servers.messenger(options, vertx, Servers.SWEEP_LIMITS, extra)) {
      MessengerPeer base = (MessengerPeer) server.peer();
      MessengerPeer peer = rooms == 1 ? base : base.inRooms(rooms);
      if (rooms > 1) {
        HttpClient http = vertx.createHttpClient();
        try {
          peer.createRooms(http).await();
        } finally {
          http.close();
        }
      }
      Bench.log("== rooms: %s (pid %d)", label, base.serverPid());
      try (Fleet warm = Fleet.open(vertx, peer, 50, options)) {
        Bench.StepResult r = bench.step(warm, 100, options.warmUpSeconds);
        Bench.log("   warm-up (not reported): %s", r.summary());
      }
      try (Fleet fleet = Fleet.openSendersOnly(vertx, peer, options)) {
        fleet.openReceivers(n);
        KneeSearch search = new KneeSearch(options, label,
          rate -> bench.step(fleet, rate, options.measureSeconds), () -> fleet.awaitQuiet(QUIET_TIMEOUT_MS));
        // A message reaches n / rooms receivers: the same deliveries/s take rooms times the sends.
        JsonObject result = search.find(options.startDelivered / (double) perRoom);
        result.put("label", label).put("rooms", rooms).put("receiversPerRoom", perRoom);
        if (result.containsKey("knee")) {
          Bench.log("   %s: knee %s deliveries/s, %s", label, result.getJsonObject("knee").getValue("deliveredPerSec"),
            Bench.bound(result.getJsonObject("knee")));
        }
        return result;
      }
    }
  }
}
