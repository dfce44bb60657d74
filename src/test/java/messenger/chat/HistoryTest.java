package messenger.chat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-memory history: bounded, in log order, pages from a seq or below one, and the range it covers. */
class HistoryTest {

  /** A history holding the messages with these seqs, in this order. */
  private static History holding(int capacity, long... seqs) {
    History history = new History(capacity);
    for (long seq : seqs) {
      history.add(new ChatMessage(seq, "id-" + seq, "general", "alice", "text " + seq, 1_000 + seq));
    }
    return history;
  }

  private static List<Long> seqs(List<ChatMessage> messages) {
    return messages.stream().map(ChatMessage::seq).toList();
  }

  @Test
  void whenFullTheOldestMessageMakesRoom() {
    History history = holding(3, 1, 2, 3, 4, 5);
    assertThat(history.size()).isEqualTo(3);
    assertThat(seqs(history.below(Long.MAX_VALUE, 10))).containsExactly(3L, 4L, 5L);
    assertThat(history.oldestSeq()).isEqualTo(3);
  }

  @Test
  void belowASeqTheNewestMessagesComeOldestFirst() {
    History history = holding(10, 1, 2, 3, 4, 5);
    assertThat(seqs(history.below(Long.MAX_VALUE, 2))).containsExactly(4L, 5L);
    assertThat(seqs(history.below(4, 2))).containsExactly(2L, 3L);
    assertThat(seqs(history.below(4, 50))).containsExactly(1L, 2L, 3L);
    assertThat(history.below(1, 50)).isEmpty();
  }

  @Test
  void fromASeqTheOldestMessagesComeFirst() {
    History history = holding(10, 10, 20, 30, 40, 50);
    assertThat(seqs(history.from(30, 2))).containsExactly(30L, 40L);
    assertThat(seqs(history.from(21, 50))).containsExactly(30L, 40L, 50L);
    assertThat(history.from(51, 50)).isEmpty();
  }

  @Test
  void itCoversFromItsOldestMessageUntilItDropsOne() {
    assertThat(new History(3).coveredFrom()).as("nothing added").isEqualTo(Long.MAX_VALUE);
    assertThat(holding(3, 10, 20, 30).coveredFrom()).isEqualTo(10);
    // seqs are stream offsets: gaps are normal (a message that is not a chat message, a dropped duplicate).
    // Once 10 is dropped, memory holds everything from 11 on, and it is from there on that it can answer.
    assertThat(holding(3, 10, 20, 30, 40).coveredFrom()).isEqualTo(11);
  }

  @Test
  void eachMessageIsTheJsonBrowsersGet() {
    JsonObject message = holding(10, 7).from(0, 1).get(0).toJson();
    assertThat(message).isEqualTo(new JsonObject()
      .put("seq", 7L).put("id", "id-7").put("room", "general").put("sender", "alice").put("text", "text 7").put("ts", 1_007L));
  }
}
