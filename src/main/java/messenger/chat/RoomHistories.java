package messenger.chat;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The newest messages of each room, for the {@code maxRooms} most recently active rooms: at most
 * {@code maxRooms × perRoom} messages, whatever the number of rooms. A room that was not active for a while loses
 * its memory, and its history is read from the log; a room's {@link History} starts with the first message it gets
 * here, so it always holds every message of its room from its {@link History#coveredFrom()} on. Used from one
 * thread only.
 */
public final class RoomHistories {

  private static final History NONE = new History(1);

  private final int perRoom;
  /** In order of the last message, oldest first. */
  private final LinkedHashMap<String, History> byRoom;
  private int size;

  public RoomHistories(int perRoom, int maxRooms) {
    this.perRoom = perRoom;
    this.byRoom = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, History> eldest) {
        if (size() > maxRooms) {
          RoomHistories.this.size -= eldest.getValue().size();
          return true;
        }
        return false;
      }
    };
  }

  public void add(ChatMessage message) {
    History room = byRoom.computeIfAbsent(message.room(), r -> new History(perRoom));
    size -= room.size();
    room.add(message);
    size += room.size();
  }

  /**
   * The room's memory, never null: an empty one (which covers nothing) for a room without one. Do not keep it
   * across an event-loop turn: the room may lose it meanwhile.
   */
  public History of(String room) {
    History history = byRoom.get(room);
    return history == null ? NONE : history;
  }

  /** Messages held, in all rooms. */
  public int size() {
    return size;
  }

  public int rooms() {
    return byRoom.size();
  }
}
