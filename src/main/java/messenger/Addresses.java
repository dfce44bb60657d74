package messenger;

import messenger.bus.ChatRequests;
import messenger.bus.LoggedOut;
import messenger.bus.PresenceRequests;

/**
 * Event bus addresses. Only {@code chat.*} ones are ever bridged to browsers, and only outbound; they carry
 * JSON. The {@code messenger.*} ones are requests and events between this process's verticles, carrying
 * records of {@link messenger.bus} and always sent with {@link messenger.bus.Bus#LOCAL}.
 */
public final class Addresses {

  /** Every message of room {@code general}, as on {@link #room room("general")}: the alias kept for existing clients. */
  public static final String CHAT_MESSAGES = "chat.messages";

  /** Prefix of a room's address: {@code chat.room.<room>}. */
  public static final String ROOM_PREFIX = "chat.room.";

  /** Who is online, republished locally by each instance: {@code {"online","joined","left","version"}}. */
  public static final String CHAT_PRESENCE = "chat.presence";

  /** Someone is typing, republished locally by each instance: {@code {"user"}}; never in the chat log. */
  public static final String CHAT_TYPING = "chat.typing";

  /**
   * A room was created, changed or archived, republished locally by each instance:
   * {@code {"type","room","by"}} and, for a topic change, {@code "topic"}.
   */
  public static final String CHAT_ROOMS = "chat.rooms";

  /**
   * Someone joined or left a room, republished locally by each instance: {@code {"room","user","joined"}}; a
   * page shows it in that room only (like {@link #CHAT_TYPING}).
   */
  public static final String CHAT_MEMBERS = "chat.members";

  /**
   * A direct message was opened with the reader: {@code {"type": "opened", "dm": {"id", "with", "createdAt"}}}.
   * Nothing is ever published on the bus here: BridgeSockets writes it to the sockets of the two members only.
   */
  public static final String CHAT_DMS = "chat.dms";

  /**
   * The bridge lets browsers subscribe to these addresses and nothing else: {@code chat.<word>}, a room's or a direct
   * message's address, and where the fan-out parks a socket's registrations ({@code chat.parked.<room>}, see
   * BridgeSockets). A direct message's address is registered for its two members only (BridgeSockets checks).
   */
  public static final String BRIDGE_OUTBOUND_REGEX =
    "chat\\.[a-z]+|chat\\.(room|parked)\\.([a-z0-9][a-z0-9-]{0,31}|dm\\.[A-Za-z0-9_-]{22})";

  /** To RoomsVerticle: {@link messenger.bus.RoomRequests.CreateRoom}, answered once the room exists for every instance. */
  public static final String CREATE_ROOM = "messenger.rooms.create";

  /** To RoomsVerticle: {@link messenger.bus.RoomRequests.ChangeTopic}, answered once this instance applied it. */
  public static final String CHANGE_TOPIC = "messenger.rooms.topic";

  /** To RoomsVerticle: {@link messenger.bus.RoomRequests.ArchiveRoom}, answered once this instance applied it. */
  public static final String ARCHIVE_ROOM = "messenger.rooms.archive";

  /** To PresenceVerticle: {@link PresenceRequests.Membership}. */
  public static final String MEMBERSHIP = "messenger.presence.membership";
  /** To RoomsVerticle: {@link messenger.bus.RoomRequests.OpenDm}, answered with the direct message once it is recorded. */
  public static final String OPEN_DM = "messenger.dms.open";

  /** Published by RoomsVerticle to the web verticles: {@link messenger.bus.RoomRequests.DmOpened}. */
  public static final String DM_OPENED = "messenger.dms.opened";

  /** To RabbitVerticle: {@link ChatRequests.Publish}, answered once the broker confirmed. */
  public static final String PUBLISH = "messenger.publish";

  /** To RabbitVerticle: {@link ChatRequests.HistoryQuery} → {@link ChatRequests.HistoryPage} or {@link ChatRequests.HistoryRefused}. */
  public static final String HISTORY = "messenger.history";

  /** To RabbitVerticle: no body → {@link ChatRequests.Status}, for /health. */
  public static final String STATUS = "messenger.status";

  /** To RoomsVerticle: no body → {@link messenger.bus.ReaderStatus} of the room log's reader, for /health. */
  public static final String ROOMS_STATUS = "messenger.rooms.status";

  /** To LogoutVerticle: no body → {@link messenger.bus.ReaderStatus} of the logout record's reader, for /health. */
  public static final String LOGOUTS_STATUS = "messenger.session.status";

  /** To LogoutVerticle: {@link LoggedOut}, answered once the logout is recorded for every instance. */
  public static final String END_SESSION = "messenger.session.end";

  /** Published by LogoutVerticle to RabbitVerticle and PresenceVerticle: {@link LoggedOut}, for a logout on any instance. */
  public static final String LOGOUT = "messenger.logout";

  /** To PresenceVerticle: {@link PresenceRequests.TabOpened}. */
  public static final String TAB_OPENED = "messenger.presence.tab-opened";

  /** To PresenceVerticle: {@link PresenceRequests.TabClosed}. */
  public static final String TAB_CLOSED = "messenger.presence.tab-closed";

  /** To PresenceVerticle: no body → {@link PresenceRequests.Online}. */
  public static final String ONLINE = "messenger.presence.online";

  /** To PresenceVerticle: {@link PresenceRequests.Typing}. */
  public static final String TYPING = "messenger.typing";

  /** Published by PresenceVerticle to every web verticle: {@link PresenceRequests.CloseTabs}. */
  public static final String CLOSE_TABS = "messenger.presence.close-tabs";

  private Addresses() {
  }

  /**
   * Every message of one room, republished locally by each instance (**fixed**):
   * {@code {"seq","id","room","sender","text","ts"}}.
   */
  public static String room(String room) {
    return ROOM_PREFIX + room;
  }

  /**
   * The room (or direct message) whose messages an address carries ({@code chat.messages}: general), or null for
   * any other address.
   */
  public static String roomOf(String address) {
    if (CHAT_MESSAGES.equals(address)) {
      return messenger.rooms.Room.GENERAL;
    }
    if (address != null && address.startsWith(ROOM_PREFIX)) {
      String room = address.substring(ROOM_PREFIX.length());
      return messenger.rooms.Room.isValidName(room) || messenger.rooms.DirectMessage.isValidId(room) ? room : null;
    }
    return null;
  }
}
