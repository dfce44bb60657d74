package messenger.web;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import messenger.Settings;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Nobody holds a connection to one of our HTTP servers without using it:
 * <ul>
 * <li><b>idle</b>: a connection on which nothing was read or written for {@code http.idleTimeoutSeconds} is closed
 * (Vert.x's own idle timeout). A bridge WebSocket is not idle while its page pings (every 5 s), nor is a SockJS
 * streaming or polling response: it carries a heartbeat at least twice per idle timeout ({@link BridgeSockets}).</li>
 * <li><b>request head</b>: a connection must send the line and headers of a request within
 * {@code http.requestHeaderTimeoutSeconds} of opening, or of the end of its previous request. Vert.x has no such
 * timeout, and a client that sends a header byte every few seconds is never idle. Not counted while a request is
 * being answered, nor once a connection asked for a WebSocket (from then on only the idle timeout applies).</li>
 * </ul>
 * One per server instance, on its event loop: not thread-safe.
 */
final class ConnectionTimeouts implements Handler<RoutingContext> {

  /** One open connection: how many of its requests are being answered, and its request-head timer. */
  private static final class Watched {
    int answering;
    long timer = -1;
    boolean webSocket;
  }

  private final Vertx vertx;
  private final Settings.Http http;
  private final Map<HttpConnection, Watched> connections = new IdentityHashMap<>();

  private ConnectionTimeouts(Vertx vertx, Settings.Http http) {
    this.vertx = vertx;
    this.http = http;
  }

  /**
   * A server with both timeouts, answering with {@code router} (whose first route they take), its connections'
   * flushes consolidated ({@link FlushConsolidation}). HTTP/1.1 only, as
   * browsers speak it without TLS: an HTTP/2 cleartext upgrade would carry on the connection under a connection
   * object of its own, out of the request-head timer's sight (and no browser asks for one).
   */
  static HttpServer server(Vertx vertx, Settings.Http http, HttpServerOptions options, Router router) {
    ConnectionTimeouts timeouts = new ConnectionTimeouts(vertx, http);
    router.route().order(-1).handler(timeouts);
    return vertx.createHttpServer(options.setHttp2ClearTextEnabled(false)
        .setIdleTimeout(http.idleTimeoutSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS))
      .connectionHandler(connection -> {
        FlushConsolidation.install(connection);
        timeouts.opened(connection);
      })
      .requestHandler(router);
  }

  private void opened(HttpConnection connection) {
    Watched watched = new Watched();
    connections.put(connection, watched);
    connection.closeHandler(v -> {
      connections.remove(connection);
      vertx.cancelTimer(watched.timer);
    });
    awaitRequestHead(connection, watched);
  }

  private void awaitRequestHead(HttpConnection connection, Watched watched) {
    watched.timer = vertx.setTimer(http.requestHeaderTimeoutSeconds() * 1000L, t -> connection.close());
  }

  /** A request's head arrived: its connection may take its time until the answer ended. */
  @Override
  public void handle(RoutingContext ctx) {
    HttpConnection connection = ctx.request().connection();
    Watched watched = connections.get(connection);
    if (watched != null) {
      vertx.cancelTimer(watched.timer);
      watched.answering++;
      watched.webSocket |= ctx.request().canUpgradeToWebSocket();
      ctx.addEndHandler(ended -> {
        if (--watched.answering == 0 && !watched.webSocket && connections.containsKey(connection)) {
          awaitRequestHead(connection, watched);
        }
      });
    }
    ctx.next();
  }
}
