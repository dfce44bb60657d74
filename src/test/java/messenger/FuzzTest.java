package messenger;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import messenger.testing.BridgeClient;
import messenger.testing.LogCapture;
import messenger.testing.Probe;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded fuzzing of /send bodies and bridge frames (set -Dfuzz.seed to replay a run): only documented
 * status codes, never a 500, never an exception in the server log, and the chat keeps working.
 */
@ExtendWith(RabbitBroker.class)
class FuzzTest {

  private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
  private static final Set<Integer> DOCUMENTED = Set.of(202, 400, 413, 415, 429);
  private static final String[] CONTENT_TYPES = {"application/json", "application/json; charset=utf-8",
    "APPLICATION/JSON", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    "application/json; charset=latin1", ""};
  private static final String[] NASTY = {"\u0000", "\u202E", "\uD83D\uDE00", "<script>", "\"", "\\", "\n", "\uFFFF",
    "\uD800", "%00", "{{x}}", "' OR 1=1", "\u0007", " "};

  @RegisterExtension
  static final TestApp app = TestApp.perClass(new JsonObject().put("http", new JsonObject().put("maxBodyBytes", 4096)));

  @BeforeAll
  static void announceSeed() {
    System.out.println("fuzz seed: " + SEED + " (replay with -Dfuzz.seed=" + SEED + ")");
  }

  private static String randomText(Random random, int maxLength) {
    StringBuilder text = new StringBuilder();
    int length = random.nextInt(maxLength + 1);
    while (text.length() < length) {
      switch (random.nextInt(4)) {
        case 0 -> text.append(NASTY[random.nextInt(NASTY.length)]);
        case 1 -> text.append((char) random.nextInt(0x3000));
        default -> text.append((char) ('a' + random.nextInt(26)));
      }
    }
    return text.toString();
  }

  private static Object randomValue(Random random, int depth) {
    return switch (random.nextInt(depth > 2 ? 5 : 7)) {
      case 0 -> randomText(random, 40);
      case 1 -> random.nextLong();
      case 2 -> random.nextBoolean();
      case 3 -> null;
      case 4 -> random.nextDouble();
      case 5 -> new JsonArray().add(randomValue(random, depth + 1)).add(randomValue(random, depth + 1));
      default -> randomObject(random, depth + 1);
    };
  }

  private static JsonObject randomObject(Random random, int depth) {
    JsonObject object = new JsonObject();
    String[] keys = {"text", "id", "sender", "seq", "ts", randomText(random, 8)};
    for (int i = random.nextInt(4); i >= 0; i--) {
      object.put(keys[random.nextInt(keys.length)], randomValue(random, depth));
    }
    return object;
  }

  private static byte[] randomBody(Random random) {
    switch (random.nextInt(6)) {
      case 0: {
        byte[] bytes = new byte[random.nextInt(200)];
        random.nextBytes(bytes);
        return bytes;
      }
      case 1:
        return ("{\"text\":\"" + randomText(random, 60)).getBytes(StandardCharsets.UTF_8); // truncated
      case 2:
        return new JsonObject().put("text", randomText(random, random.nextBoolean() ? 30 : 2100))
          .put("id", random.nextBoolean() ? randomText(random, 70) : Long.toHexString(random.nextLong())).encode()
          .getBytes(StandardCharsets.UTF_8);
      case 3:
        return "x".repeat(4000 + random.nextInt(2000)).getBytes(StandardCharsets.UTF_8);
      default:
        return randomObject(random, 0).encode().getBytes(StandardCharsets.UTF_8);
    }
  }

  @Test
  void randomSendBodiesGetOnlyDocumentedAnswers() throws Exception {
    Random random = new Random(SEED);
    User user = app.user("fuzzer");
    Map<Integer, Integer> seen = new TreeMap<>();
    try (LogCapture log = new LogCapture()) {
      for (int i = 0; i < 2500; i++) {
        byte[] body = randomBody(random);
        String contentType = CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)];
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.baseUrl() + "/send"))
          .header("Origin", app.baseUrl())
          .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (!contentType.isEmpty()) {
          request.header("Content-Type", contentType);
        }
        HttpResponse<String> response = user.request(request);
        seen.merge(response.statusCode(), 1, Integer::sum);
        assertThat(response.statusCode()).as("case %d: %s", i, new String(body, StandardCharsets.UTF_8)).isIn(DOCUMENTED);
        if (response.statusCode() != 202) {
          JsonObject error = new JsonObject(response.body());
          assertThat(error.getString("error")).isNotBlank();
          assertThat(error.getString("message")).isNotBlank();
        }
      }
      System.out.println("fuzzed /send 2500 times: " + seen);
      assertThat(log.problems()).isEmpty();
    }
    assertThat(app.user("after-fuzz").send("still working").statusCode()).isEqualTo(202);
  }

  @Test
  void randomBridgeFramesNeverBreakTheBridge() throws Exception {
    Random random = new Random(SEED + 1);
    User user = app.user("frame-fuzzer");
    User other = app.user("frame-bystander");
    BridgeClient bystander = app.bridge(other).register(Addresses.CHAT_MESSAGES);
    try (LogCapture log = new LogCapture()) {
      int sockets = 1;
      BridgeClient attacker = app.bridge(user);
      for (int i = 0; i < 2000; i++) {
        if (attacker.isClosed()) {
          attacker = app.bridge(user);
          sockets++;
        }
        String frame = switch (random.nextInt(4)) {
          case 0 -> randomText(random, 100);
          case 1 -> randomObject(random, 0).encode();
          default -> new JsonObject()
            .put("type", List.of("send", "publish", "register", "unregister", "ping", "rec", "err", randomText(random, 5)).get(random.nextInt(8)))
            .put("address", random.nextBoolean() ? "chat.messages" : randomText(random, random.nextInt(10) == 0 ? 300 : 20))
            .put("body", randomValue(random, 0))
            .put("headers", random.nextBoolean() ? null : randomObject(random, 1))
            .encode();
        };
        attacker.sendRaw(frame);
      }
      attacker.drain(1000);
      System.out.println("fuzzed the bridge with 2000 frames over " + sockets + " socket(s)");
      assertThat(log.problems()).allSatisfy(p -> assertThat(p).contains("Invalid type in incoming message"));
      attacker.close();
    }
    Probe.awaitDelivery(other, bystander);
    assertThat(other.send("bridge still fine").statusCode()).isEqualTo(202);
    assertThat(bystander.messages(1, 10_000)).singleElement()
      .satisfies(m -> assertThat(m.getString("text")).isEqualTo("bridge still fine"));
    bystander.close();
  }
}
