package messenger;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import messenger.broker.EmbeddedBroker;
import messenger.testing.TestApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** Deploying the application verticle where the broker is missing or unfit; no RabbitMQ needed. */
@ExtendWith(VertxExtension.class)
class MainVerticleTest {

  private static DeploymentOptions withBroker(int port, String brokerUri) {
    return new DeploymentOptions().setConfig(new JsonObject()
      .put("http", new JsonObject().put("port", port).put("instances", 1))
      .put("session", new JsonObject().put("secret", TestApp.SECRET))
      .put("rabbitmq", new JsonObject().put("uri", brokerUri).put("embedded", "never").put("reconnectIntervalMs", 500)));
  }

  @Test
  void withoutItsBrokerTheAppServesPagesAndHealthSaysDown(Vertx vertx, VertxTestContext test) {
    int port = TestApp.freePort();
    String nobody = "amqp://guest:guest@127.0.0.1:" + TestApp.freePort(); // nothing listens there
    WebClient web = WebClient.create(vertx);
    Checkpoint pageServed = test.checkpoint();
    Checkpoint healthDown = test.checkpoint();
    vertx.deployVerticle(new MainVerticle(), withBroker(port, nobody)).onComplete(test.succeeding(id -> {
      web.get(port, "localhost", "/").send().onComplete(test.succeeding(res -> test.verify(() -> {
        assertThat(res.statusCode()).isEqualTo(200);
        pageServed.flag();
      })));
      web.get(port, "localhost", "/health").send().onComplete(test.succeeding(res -> test.verify(() -> {
        assertThat(res.statusCode()).isEqualTo(503);
        JsonObject health = res.bodyAsJsonObject();
        assertThat(health.getString("status")).isEqualTo("DOWN");
        JsonObject data = TestApp.healthCheck(health, "rabbitmq").getJsonObject("data");
        assertThat(data.getBoolean("publisher")).as("publisher connected").isFalse();
        assertThat(data.getBoolean("consumer")).as("chat log being read").isFalse();
        for (String reader : new String[] {"rooms", "logouts"}) {
          JsonObject check = TestApp.healthCheck(health, reader);
          assertThat(check.getString("status")).as(reader).isEqualTo("DOWN");
          assertThat(check.getJsonObject("data").getString("state")).as(reader).isEqualTo("disconnected");
        }
        healthDown.flag();
      })));
    }));
  }

  @Test
  void anExternalBrokerWithoutStreamsIsRefusedAtStartUp(Vertx vertx, VertxTestContext test) throws Exception {
    try (EmbeddedBroker noStreams = EmbeddedBroker.start()) {
      vertx.deployVerticle(new MainVerticle(), withBroker(TestApp.freePort(), noStreams.uri()))
        .onComplete(test.failing(err -> test.verify(() -> {
          assertThat(err).hasMessageContaining("needs RabbitMQ 3.9 or newer");
          assertThat(vertx.deploymentIDs()).as("nothing left running").isEmpty();
          test.completeNow();
        })));
      assertThat(test.awaitCompletion(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
  }
}
