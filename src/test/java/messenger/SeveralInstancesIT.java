package messenger;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.BridgeClient;
import messenger.testing.Conversation;
import messenger.testing.JarInstance;
import messenger.testing.RabbitBroker;
import messenger.testing.User;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two Messenger processes started from the fat jar, sharing nothing but RabbitMQ and {@code SESSION_SECRET}
 * (no cluster, no load balancer): people on either instance chat; a session made on one is valid on the other.
 */
@ExtendWith(RabbitBroker.class)
@NeedsRabbitMQ("several processes share one chat log, on a RabbitMQ outside them")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SeveralInstancesIT {

  private static final String NAME = "multi-" + UUID.randomUUID().toString().substring(0, 8);
  private static JarInstance a;
  private static JarInstance b;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    JsonObject conf = JarInstance.conf(NAME, NAME + ".log");
    a = JarInstance.start("A", conf);
    b = JarInstance.start("B", conf);
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    try {
      a.close();
      b.close();
      vertx.close().await();
    } finally {
      RabbitBroker.delete(NAME, NAME + ".log");
    }
  }

  @Test
  void usersOnDifferentInstancesChatExactlyOnceInTheSameOrderAndSessionsWorkOnEveryInstance() throws Exception {
    double publishersOnA = a.metric("messenger_user_publishers");
    double publishersOnB = b.metric("messenger_user_publishers");
    User alice = login(a, "alice");
    User bob = login(b, "bob");
    User carolOnA = login(a, "carol");
    User carolOnB = carolOnA.via(b.baseUrl()); // the session cookie made by A, presented to B

    Map<String, BridgeClient> sockets = new LinkedHashMap<>();
    sockets.put("alice@A", bridge(alice));
    sockets.put("bob@B", bridge(bob));
    sockets.put("carol@B (session from A)", bridge(carolOnB));
    Conversation.awaitLive(alice, sockets.values());
    double deliveredByA = a.metric("messenger_messages_delivered_total");
    double deliveredByB = b.metric("messenger_messages_delivered_total");

    Conversation.Result result = Conversation.run(List.of(alice, bob, carolOnB), 20, sockets);

    assertThat(result.duplicates()).isZero();
    // Each instance read every message from the log exactly once.
    int byA = (int) (a.metric("messenger_messages_delivered_total") - deliveredByA);
    int byB = (int) (b.metric("messenger_messages_delivered_total") - deliveredByB);
    assertThat(byA).isEqualTo(result.sent());
    assertThat(byB).isEqualTo(result.sent());
    System.out.printf("several instances (2 jars, no LB): sent %d, delivered by instance A %d and B %d, "
        + "per socket %s, duplicates %d%n", result.sent(), byA, byB, result.deliveredPerSocket(), result.duplicates());

    // Each instance holds publishers only for the users who sent through it: carol sent only through B.
    assertThat(a.metric("messenger_user_publishers")).isEqualTo(publishersOnA + 1);  // alice
    assertThat(b.metric("messenger_user_publishers")).isEqualTo(publishersOnB + 2);  // bob, carol
    sockets.values().forEach(BridgeClient::close);
  }

  @Test
  void healthAndMetricsNameTheInstance() throws Exception {
    assertThat(new JsonObject(a.get("/health").body()).encode()).contains("\"instance\":\"A\"");
    assertThat(b.get("/health").headers().firstValue("X-Messenger-Instance")).hasValue("B");

    User dora = login(a, "dora");
    try (BridgeClient socket = bridge(dora)) {
      Conversation.awaitLive(dora, List.of(socket));
      assertThat(dora.send("   ").statusCode()).isEqualTo(400);
      String metrics = a.metrics();
      assertThat(metrics)
        .contains("messenger_bridge_clients{instance=\"A\"}")
        .contains("messenger_messages_published_total{instance=\"A\"}")
        .contains("messenger_messages_delivered_total{instance=\"A\"}")
        .contains("messenger_messages_refused_total{instance=\"A\",reason=\"empty\"} 1.0")
        .contains("messenger_publish_confirm_seconds_count{instance=\"A\"}")
        .contains("messenger_broker_connected{connection=\"publisher\",instance=\"A\"} 1.0")
        .contains("messenger_broker_connected{connection=\"consumer\",instance=\"A\"} 1.0")
        .contains("messenger_consumer_lag_messages{instance=\"A\"}")
        .contains("vertx_http_server_requests_total{"); // Vert.x's own meters, in the same registry
      assertThat(a.metric("messenger_bridge_clients")).isGreaterThanOrEqualTo(1.0);
      // The lag is measured every few seconds; a reader that keeps up is 0 behind.
      await("the consumer lag to be measured as 0").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(a.metric("messenger_consumer_lag_messages")).isEqualTo(0.0));
    }
  }

  private static User login(JarInstance instance, String name) {
    User user = new User(instance.baseUrl(), name);
    assertThat(user.login().statusCode()).isEqualTo(303);
    return user;
  }

  private static BridgeClient bridge(User user) {
    return BridgeClient.connect(vertx, user.baseUrl(), user.cookieHeader(), user.baseUrl())
      .register(Addresses.CHAT_MESSAGES);
  }
}
