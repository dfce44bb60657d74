package messenger.chat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Memory per room stays bounded however many rooms there are: the newest of each of the most recently active rooms. */
class RoomHistoriesTest {

  private static ChatMessage in(String room, long seq) {
    return new ChatMessage(seq, "id-" + seq, room, "ann", "text " + seq, seq);
  }

  @Test
  void eachRoomKeepsItsNewestAndOnlyTheMostRecentlyActiveRoomsAreKept() {
    RoomHistories rooms = new RoomHistories(3, 2);
    long seq = 0;
    for (int i = 0; i < 5; i++) {
      rooms.add(in("a", seq++));
      rooms.add(in("b", seq++));
    }
    assertThat(rooms.of("a").from(0, 10)).extracting(ChatMessage::seq).containsExactly(4L, 6L, 8L);
    assertThat(rooms.of("b").from(0, 10)).extracting(ChatMessage::seq).containsExactly(5L, 7L, 9L);

    rooms.add(in("c", seq++)); // a was active longest ago: it goes
    assertThat(rooms.rooms()).isEqualTo(2);
    assertThat(rooms.of("a").size()).isZero();
    assertThat(rooms.of("a").coveredFrom()).as("covers nothing").isEqualTo(Long.MAX_VALUE);
    assertThat(rooms.size()).isEqualTo(4);

    for (int i = 0; i < 1000; i++) {
      rooms.add(in("room-" + i, seq++));
    }
    assertThat(rooms.rooms()).isEqualTo(2);
    assertThat(rooms.size()).isEqualTo(2);
  }

  @Test
  void aRoomThatComesBackCoversFromItsNewFirstMessageOn() {
    RoomHistories rooms = new RoomHistories(3, 1);
    rooms.add(in("a", 1));
    rooms.add(in("b", 2));
    rooms.add(in("a", 3));
    assertThat(rooms.of("a").coveredFrom()).isEqualTo(3);
    assertThat(rooms.of("b").size()).isZero();
  }
}
