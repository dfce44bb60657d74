package messenger;

import io.vertx.core.json.JsonObject;
import messenger.testing.BridgeClient;
import messenger.testing.Prometheus;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Metrics are on the management port only; the public port does not know /metrics under any spelling. A send is
 * timed hop by hop there.
 */
@ExtendWith(RabbitBroker.class)
class MonitoringTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass();

  /** The answer to {@code GET <target>} sent exactly as written (no client tidies the path up). */
  private static String get(int port, String target) throws IOException {
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + target + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void thePublicPortHasNoMetricsUnderAnySpelling() throws Exception {
    for (String target : List.of("/metrics", "/metrics/", "/metrics/.", "/metrics//", "/metrics?x", "//metrics",
      "/./metrics", "/%6Detrics", "/METRICS")) {
      String answer = get(app.port, target);
      assertThat(answer).as(target).startsWith("HTTP/1.1 404").doesNotContain("messenger_").doesNotContain("jvm_");
    }
  }

  @Test
  void theManagementPortServesMetricsAndHealth() throws Exception {
    assertThat(Prometheus.value(app.metrics(), "messenger_bridge_clients")).isGreaterThanOrEqualTo(0.0);
    String health = get(app.monitoringPort, "/health");
    assertThat(health).startsWith("HTTP/1.1 200");
    assertThat(new JsonObject(health.substring(health.indexOf("\r\n\r\n") + 4)).getString("status")).isEqualTo("UP");
  }

  /** One send, read by a bridge subscriber, is timed at every hop from POST /send to the fan-out. */
  @Test
  void aSendIsTimedAtEveryHop() throws Exception {
    User alice = app.user("hops-" + UUID.randomUUID().toString().substring(0, 6));
    alice.login();
    try (BridgeClient tab = app.bridge(alice).register(Addresses.CHAT_MESSAGES)) {
      String id = UUID.randomUUID().toString();
      assertThat(alice.send("timed", id).statusCode()).isEqualTo(202);
      assertThat(tab.await(Addresses.CHAT_MESSAGES, m -> id.equals(m.getString("id")), 10_000)).isNotNull();
    }
    for (String hop : List.of("request → bus", "bus → publisher", "publish → confirm", "confirm → 202",
      "publish → read from the log", "read → fan-out", "fan-out to every socket")) {
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(Prometheus.value(app.metrics(), "messenger_hop_seconds_count{hop=\"" + hop + "\"")).as(hop)
          .isGreaterThanOrEqualTo(1.0));
    }
  }
}
