package messenger.web;

import io.netty.channel.ChannelPipeline;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import messenger.Settings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every connection of the app's HTTP server has its flushes consolidated, and what is written to it outside a read
 * still arrives whole and in order. Fails when a Vert.x upgrade changes the connection's type, which would drop
 * the consolidation without a word.
 */
class FlushConsolidationTest {

  private static final Settings.Http HTTP = Settings.from(Settings.defaults()).http();

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void theServersConnectionsFlushTogether() throws Exception {
    Router router = Router.router(vertx);
    List<String> handlers = new CopyOnWriteArrayList<>();
    router.get("/pipeline").handler(ctx -> {
      ChannelPipeline pipeline = ((ConnectionBase) ctx.request().connection()).channel().pipeline();
      handlers.addAll(pipeline.names());
      ctx.end("ok");
    });
    // Written outside a read, in one task, as the fan-out writes: every chunk must still arrive, in order.
    router.get("/chunks").handler(ctx -> {
      ctx.response().setChunked(true);
      vertx.setTimer(10, t -> {
        for (int i = 0; i < 100; i++) {
          ctx.response().write(i + ";");
        }
        vertx.setTimer(10, u -> ctx.response().end("end"));
      });
    });
    HttpServer server = ConnectionTimeouts.server(vertx, HTTP, new HttpServerOptions(), router).listen(0)
      .await(10, TimeUnit.SECONDS);
    HttpClient client = vertx.createHttpClient();

    String ok = client.request(HttpMethod.GET, server.actualPort(), "localhost", "/pipeline")
      .compose(request -> request.send().compose(response -> response.body()))
      .await(10, TimeUnit.SECONDS).toString();
    assertThat(ok).isEqualTo("ok");
    assertThat(handlers).first().isEqualTo(FlushConsolidation.HANDLER);

    String chunks = client.request(HttpMethod.GET, server.actualPort(), "localhost", "/chunks")
      .compose(request -> request.send().compose(response -> response.body()))
      .await(10, TimeUnit.SECONDS).toString();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      expected.append(i).append(';');
    }
    assertThat(chunks).isEqualTo(expected + "end");
  }
}
