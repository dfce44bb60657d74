package bench;

import io.vertx.core.Vertx;

/**
 * The start-up yardstick: a bare Vert.x HTTP server that answers 200 to everything. Packaged alone with
 * vertx-core as bench/target/bare-http.jar and run as {@code java -jar bare-http.jar <port>}.
 */
public final class BareHttpServer {

  private BareHttpServer() {
  }

  public static void main(String[] args) {
    Vertx.vertx().createHttpServer()
      .requestHandler(req -> req.response().end("ok"))
      .listen(Integer.parseInt(args[0]))
      .onFailure(err -> {
        err.printStackTrace();
        System.exit(1);
      });
  }
}
