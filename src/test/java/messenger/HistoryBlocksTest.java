package messenger;

import io.vertx.core.json.JsonObject;
import messenger.testing.LogWriter;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * History beyond memory is read from the stream in blocks of 512 seqs, the recent ones kept: a person scrolling back
 * page after page, and everyone reading near them, gets pages from memory, while every page holds exactly what the
 * log holds. A log written in one burst (the broker's chunks are then large) of two rooms, paged back through one
 * room and forward through the other.
 */
@ExtendWith(RabbitBroker.class)
@NeedsRabbitMQ("history beyond memory is read from the stream")
class HistoryBlocksTest {

  /** Four whole blocks and part of a fifth. */
  private static final int MESSAGES = 4 * 512 + 100;

  @Test
  void pagesThroughSeveralBlocksHoldEveryMessageOnceAndEachBlockIsReadFromTheStreamOnce() throws Exception {
    String name = "blocks-" + UUID.randomUUID().toString().substring(0, 8);
    JsonObject overrides = new JsonObject()
      .put("chat", new JsonObject().put("historySize", 20))
      .put("history", new JsonObject().put("rateBurst", 1000).put("ratePerSecond", 1000));
    try (TestApp app = TestApp.start(name, name + ".log", overrides)) {
      User ann = app.user("ann");
      assertThat(ann.createRoom("dev", "").statusCode()).isEqualTo(201);
      List<String> general = new ArrayList<>();
      List<String> dev = new ArrayList<>();
      try (LogWriter log = LogWriter.to(name)) {
        log.other("seq 0: no chat message, so that paging forward can start after it");
        for (int i = 1; i <= MESSAGES; i++) {
          String room = i % 3 == 0 ? "dev" : "general";
          String id = room + "-" + i;
          (room.equals("dev") ? dev : general).add(id);
          log.chatIn(room, id, "writer", "line " + i);
        }
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> !ann.history("?limit=1").isEmpty()
        && ann.history("?limit=1").get(0).getString("id").equals(general.get(general.size() - 1)));

      List<JsonObject> back = new ArrayList<>();
      JsonObject page = ann.historyPage("?room=general&limit=50");
      while (true) {
        List<JsonObject> messages = User.messages(page);
        back.addAll(0, messages);
        if (page.getBoolean("complete") || messages.isEmpty()) {
          break;
        }
        page = ann.historyPage("?room=general&limit=50&before=" + messages.get(0).getLong("seq"));
      }
      assertThat(page.getBoolean("complete")).as("the last page back reaches the start").isTrue();
      assertThat(ids(back)).containsExactlyElementsOf(general);
      double readAfterGeneral = blocks(app, "stream");
      assertThat(readAfterGeneral).as("blocks read from the stream paging back (4 whole blocks below memory)")
        .isBetween(1.0, 4.0);
      assertThat(blocks(app, "memory")).as("pages served from blocks already read").isGreaterThan(20.0);

      List<JsonObject> forward = new ArrayList<>();
      long after = 0;
      while (true) {
        List<JsonObject> messages = ann.history("?room=dev&limit=50&after=" + after);
        if (messages.isEmpty()) {
          break;
        }
        forward.addAll(messages);
        after = messages.get(messages.size() - 1).getLong("seq");
      }
      assertThat(ids(forward)).containsExactlyElementsOf(dev);
      assertThat(blocks(app, "stream")).as("dev's pages come from the blocks general's pages read")
        .isEqualTo(readAfterGeneral);
    }
  }

  private static List<String> ids(List<JsonObject> messages) {
    return messages.stream().map(m -> m.getString("id")).toList();
  }

  /** {@code messenger_history_blocks_total{source}} on the instance's metrics. */
  private static double blocks(TestApp app, String source) {
    for (String line : app.metrics().split("\n")) {
      if (line.startsWith("messenger_history_blocks_total{") && line.contains("source=\"" + source + "\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }
}
