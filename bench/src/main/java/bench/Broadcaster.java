package bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ceiling peer: a bare Vert.x WebSocket broadcaster, no broker, no bridge, no sessions. POST /send
 * {"text","id"} builds the same frame Messenger's bridge sends, once, and every event loop writes it to
 * its own sockets. Run as its own process: {@code java -cp bench.jar bench.Broadcaster <port> <instances>}.
 */
public final class Broadcaster extends VerticleBase {

  private static final String FANOUT = "broadcast";
  private static final AtomicLong SEQ = new AtomicLong();

  private final List<ServerWebSocket> sockets = new ArrayList<>();

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int instances = Integer.parseInt(args[1]);
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(Broadcaster::new, new DeploymentOptions().setInstances(instances).setConfig(new JsonObject().put("port", port)))
      .onFailure(err -> {
        err.printStackTrace();
        System.exit(1);
      });
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().<Buffer>localConsumer(FANOUT, msg -> {
      Buffer frame = msg.body();
      for (ServerWebSocket ws : sockets) {
        ws.write(frame);
      }
    });
    return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
      .webSocketHandler(ws -> {
        if (!"/ws".equals(ws.path())) {
          ws.close((short) 1008);
          return;
        }
        sockets.add(ws);
        ws.closeHandler(v -> sockets.remove(ws));
      })
      .requestHandler(req -> {
        if ("/send".equals(req.path())) {
          req.body().onSuccess(body -> {
            JsonObject in = body.toJsonObject();
            String id = in.getString("id");
            JsonObject message = new JsonObject().put("seq", SEQ.getAndIncrement()).put("id", id)
              .put("sender", "bench").put("text", in.getString("text")).put("ts", System.currentTimeMillis());
            Buffer frame = new JsonObject().put("type", "rec").put("address", "chat.messages").put("body", message).toBuffer();
            vertx.eventBus().publish(FANOUT, frame);
            req.response().setStatusCode(202).putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("id", id).encode());
          });
        } else {
          req.response().setStatusCode("/health".equals(req.path()) ? 200 : 404).end();
        }
      })
      .listen(config().getInteger("port"));
  }
}
