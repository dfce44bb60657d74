package messenger.metrics;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import messenger.Instance;
import messenger.Main;
import messenger.testing.Prometheus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Gauges show what their owners last published, and nothing else; no client can add series at will. */
class MetricsTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void gaugesShowTheLastPublishedValues() {
    Metrics metrics = Metrics.of(vertx);
    metrics.brokerConnected("publisher", true);
    metrics.brokerConnected("consumer", false);
    metrics.userPublishers(3);
    metrics.consumerLag(7);
    String scrape = metrics.registry().scrape();
    assertThat(Prometheus.value(scrape, "messenger_broker_connected{connection=\"publisher\"")).isEqualTo(1.0);
    assertThat(Prometheus.value(scrape, "messenger_broker_connected{connection=\"consumer\"")).isEqualTo(0.0);
    assertThat(Prometheus.value(scrape, "messenger_user_publishers")).isEqualTo(3.0);
    assertThat(Prometheus.value(scrape, "messenger_consumer_lag_messages")).isEqualTo(7.0);

    metrics.brokerConnected("publisher", false);
    metrics.consumerLag(-1);
    scrape = metrics.registry().scrape();
    assertThat(Prometheus.value(scrape, "messenger_broker_connected{connection=\"publisher\"")).isEqualTo(0.0);
    assertThat(Prometheus.value(scrape, "messenger_consumer_lag_messages")).as("unknown").isNaN();
  }

  /**
   * Vert.x counts HTTP requests by method, and a client can make up any method: as the fat jar runs (metrics on, the
   * launcher's Vert.x), 300 made-up methods make one more value, not 300 more series.
   */
  @Test
  void madeUpHttpMethodsAreCountedAsOneValue() {
    Vertx withMetrics = new Main().createVertxBuilder(new VertxOptions()).build();
    try {
      HttpServer server = withMetrics.createHttpServer().requestHandler(req -> req.response().end()).listen(0).await();
      HttpClient client = withMetrics.createHttpClient();
      for (int i = 0; i < 300; i++) {
        int status = client.request(HttpMethod.valueOf("MADEUP" + i), server.actualPort(), "localhost", "/")
          .compose(req -> req.send()).await().statusCode();
        assertThat(status).isEqualTo(200);
      }
      client.request(HttpMethod.GET, server.actualPort(), "localhost", "/").compose(req -> req.send()).await();

      String scrape = Metrics.of(withMetrics).registry().scrape();
      System.out.println("/metrics after 300 made-up methods: " + scrape.length() / 1024 + " KB");
      assertThat(scrape).doesNotContain("MADEUP")
        .contains("vertx_http_server_requests_total{code=\"200\",instance=\"" + Instance.NAME + "\",method=\"OTHER\"} 300.0")
        .contains("method=\"GET\"");
    } finally {
      withMetrics.close().await();
    }
  }

  @Test
  void oneSetOfMetersPerVertx() {
    assertThat(Metrics.of(vertx)).isSameAs(Metrics.of(vertx));
  }
}
