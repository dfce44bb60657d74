package messenger.rooms;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rooms of this chat as this process has read them from the room log, readable from any thread: the web
 * verticles check every send and history request against it without a round trip. Written by
 * {@link RoomsVerticle} only, which applies each event in log order. {@link Room#GENERAL} always exists.
 *
 * <p>An archived room leaves the list and takes no new messages, but its history stays readable, so it is kept
 * apart ({@link #archived}); its name is never given to a new room (the new room would inherit the old history,
 * which lives in the chat log under that name).
 */
public final class Rooms {

  /** An archived room: as it was when archived, by whom and when. */
  public record Archived(Room room, String by, long at) {
  }

  private final Map<String, Room> byName = new ConcurrentHashMap<>();
  private final Map<String, Archived> archived = new ConcurrentHashMap<>();
  private final DirectMessages dms = new DirectMessages();

  public Rooms() {
    byName.put(Room.GENERAL, new Room(Room.GENERAL, "", null, 0, null));
  }

  /** A room that is listed and takes messages (not archived). */
  public boolean exists(String name) {
    return name != null && byName.containsKey(name);
  }

  /** The room if it was archived, else null. */
  public Archived archived(String name) {
    return name == null ? null : archived.get(name);
  }

  /** A room whose history can be read: listed, or archived. */
  public boolean known(String name) {
    return exists(name) || archived(name) != null;
  }

  /** The direct messages, kept in the same log. */
  public DirectMessages dms() {
    return dms;
  }

  public Room get(String name) {
    return byName.get(name);
  }

  /** Every room, {@code general} first, then by name. */
  public List<Room> list() {
    List<Room> rooms = new ArrayList<>(byName.values());
    rooms.sort(Comparator.comparing((Room r) -> !r.name().equals(Room.GENERAL)).thenComparing(Room::name));
    return rooms;
  }

  public int size() {
    return byName.size();
  }

  /**
   * Applies one event of the log; returns whether it changed anything. The first creation of a name wins (a later
   * one, e.g. from another instance at the same moment, or of an archived name, changes nothing); a topic change or
   * an archive of a room that is not listed changes nothing; {@code general} cannot be created, changed or archived
   * by an event.
   */
  boolean apply(RoomEvent event) {
    String name = event.room();
    if (name.equals(Room.GENERAL)) {
      return false;
    }
    String topic = event.topic() == null ? "" : event.topic();
    return switch (event.type()) {
      case CREATED -> !archived.containsKey(name)
        && byName.putIfAbsent(name, new Room(name, topic, event.by(), event.at(), event.id())) == null;
      case TOPIC -> {
        Room before = byName.get(name);
        yield before != null && byName.replace(name, before, before.withTopic(topic));
      }
      case ARCHIVED -> {
        Room before = byName.get(name);
        if (before == null) {
          yield false;
        }
        archived.put(name, new Archived(before, event.by(), event.at())); // first: the room is known throughout
        byName.remove(name);
        yield true;
      }
      case DM -> {
        dms.add(event.directMessage());
        yield true;
      }
    };
  }
}
