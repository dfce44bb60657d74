package messenger;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.BridgeClient;
import messenger.testing.Conversation;
import messenger.testing.JarInstance;
import messenger.testing.RabbitBroker;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances started as a Vert.x cluster ({@code -cluster}, Hazelcast with the shipped cluster.xml: TCP
 * on loopback, no multicast). The event bus now spans both processes, yet each instance republishes the
 * chat log locally only, so every browser still gets each message exactly once.
 */
@ExtendWith(RabbitBroker.class)
@NeedsRabbitMQ("several processes share one chat log, on a RabbitMQ outside them")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ClusterIT {

  @Test
  void twoClusteredInstancesDeliverEachMessageExactlyOnce() throws Exception {
    String name = "cluster-" + UUID.randomUUID().toString().substring(0, 8);
    // The shipped cluster.xml, with a cluster name of this test's own so that no other Hazelcast on the machine joins.
    String xml;
    try (InputStream in = ClusterIT.class.getResourceAsStream("/cluster.xml")) {
      xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(xml).contains("<cluster-name>messenger</cluster-name>").contains("<multicast enabled=\"false\"/>");
    Path config = Files.createTempFile("messenger-cluster", ".xml");
    Files.writeString(config, xml.replace("<cluster-name>messenger</cluster-name>", "<cluster-name>" + name + "</cluster-name>"));
    List<String> jvm = List.of("-Dvertx.hazelcast.config=" + config);
    List<String> cluster = List.of("-cluster", "-cluster-host", "127.0.0.1");
    JsonObject conf = JarInstance.conf(name, name + ".log");

    Vertx vertx = Vertx.vertx();
    try (JarInstance a = JarInstance.start("A", conf, jvm, cluster);
         JarInstance b = JarInstance.start("B", conf, jvm, cluster)) {
      awaitMembers(a, 2);

      User alice = new User(a.baseUrl(), "alice");
      User bob = new User(b.baseUrl(), "bob");
      assertThat(alice.login().statusCode()).isEqualTo(303);
      assertThat(bob.login().statusCode()).isEqualTo(303);
      Map<String, BridgeClient> sockets = new LinkedHashMap<>();
      sockets.put("alice@A", bridge(vertx, alice));
      sockets.put("bob@B", bridge(vertx, bob));
      sockets.put("bob@A", bridge(vertx, bob.via(a.baseUrl())));
      Conversation.awaitLive(alice, sockets.values());

      Conversation.Result result = Conversation.run(List.of(alice, bob), 25, sockets);

      assertThat(result.duplicates()).isZero();
      System.out.printf("cluster (-cluster, 2 jars): sent %d, delivered per socket %s, duplicates %d%n",
        result.sent(), result.deliveredPerSocket(), result.duplicates());
      sockets.values().forEach(BridgeClient::close);
    } finally {
      vertx.close().await();
      Files.deleteIfExists(config);
      RabbitBroker.delete(name, name + ".log");
    }
  }

  /** Hazelcast logs its member list whenever it changes. */
  private static void awaitMembers(JarInstance instance, int count) {
    await("a cluster of " + count + " members").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
      .untilAsserted(() -> assertThat(instance.output()).contains("Members {size:" + count));
  }

  private static BridgeClient bridge(Vertx vertx, User user) {
    return BridgeClient.connect(vertx, user.baseUrl(), user.cookieHeader(), user.baseUrl())
      .register(Addresses.CHAT_MESSAGES);
  }
}
