package messenger.rooms;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A direct message's entry in the room log, read back and applied; what is not one is skipped. */
class DirectMessageRecordTest {

  private static final DirectMessage.Member ADA = new DirectMessage.Member("YWRhLWFjY291bnQtaWQtMDE", "ada");
  private static final DirectMessage.Member BOB = new DirectMessage.Member("Ym9iLWFjY291bnQtaWQtMDI", "bob");
  private static final String ID = DirectMessage.idOf("a-secret-of-at-least-32-characters!!", ADA.id(), BOB.id());

  private static JsonObject entry() {
    return new JsonObject().put("type", "dm").put("id", "e1").put("room", ID).put("by", ADA.id()).put("at", 1000)
      .put("members", new JsonArray().add(new JsonObject().put("id", ADA.id()).put("name", "ada"))
        .add(new JsonObject().put("id", BOB.id()).put("name", "bob")));
  }

  @Test
  void anEntryIsReadBackAsItWasWrittenAndAppliedForBothMembersOnly() {
    RoomEvent written = RoomEvent.opened("e1", new DirectMessage(ID, ADA, BOB, 1000), ADA.id());
    RoomEvent read = RoomEvent.parse(written.toBuffer());
    assertThat(read).isEqualTo(written);
    assertThat(written.toBuffer().toJsonObject()).isEqualTo(entry());

    Rooms rooms = new Rooms();
    rooms.apply(read);
    assertThat(rooms.dms().isMember(ID, ADA.id())).isTrue();
    assertThat(rooms.dms().isMember(ID, BOB.id())).isTrue();
    assertThat(rooms.dms().isMember(ID, "Y2Fyb2wtYWNjb3VudC1pZC0wMw")).isFalse();
    assertThat(rooms.dms().isMember(ID, null)).as("a name-only session").isFalse();
    assertThat(rooms.dms().of(BOB.id())).extracting(DirectMessage::id).containsExactly(ID);
    assertThat(rooms.dms().between(BOB.id(), ADA.id()).other(BOB.id())).isEqualTo(ADA);
    assertThat(rooms.list()).extracting(Room::name).as("not a room").containsExactly(Room.GENERAL);

    // A second record of the same conversation (two instances opened it at once) changes nothing.
    rooms.apply(RoomEvent.opened("e2", new DirectMessage(ID, BOB, ADA, 2000), BOB.id()));
    assertThat(rooms.dms().get(ID).createdAt()).isEqualTo(1000);
    assertThat(rooms.dms().size()).isEqualTo(1);
  }

  @Test
  void whatIsNotAConversationsEntryIsSkipped() {
    assertThat(RoomEvent.parse(entry().put("room", "general").toBuffer())).as("a room's name").isNull();
    assertThat(RoomEvent.parse(entry().put("room", "dm.short").toBuffer())).as("not an id").isNull();
    assertThat(RoomEvent.parse(entry().put("members", new JsonArray().add(new JsonObject().put("id", ADA.id()).put("name", "ada")))
      .toBuffer())).as("one member").isNull();
    assertThat(RoomEvent.parse(entry().put("members", new JsonArray().add(new JsonObject().put("id", ADA.id()).put("name", "ada"))
      .add(new JsonObject().put("id", ADA.id()).put("name", "ada2"))).toBuffer())).as("twice the same").isNull();
    JsonObject noMembers = entry();
    noMembers.remove("members");
    assertThat(RoomEvent.parse(noMembers.toBuffer())).as("no members").isNull();
    assertThat(RoomEvent.parse(entry().put("type", "created").toBuffer())).as("a room created under a conversation's id").isNull();
    assertThat(RoomEvent.parse(Buffer.buffer("not json"))).isNull();
  }
}
