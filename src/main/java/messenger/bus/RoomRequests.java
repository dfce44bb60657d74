package messenger.bus;

/** What the web verticles ask of RoomsVerticle (address in {@link messenger.Addresses}). */
public final class RoomRequests {

  private RoomRequests() {
  }

  /**
   * Create a room ({@code name} and {@code topic} already valid) for {@code user}, limited per {@code session}
   * (its login id). Answered with nothing once every instance can see the room, or failed with the HTTP status the
   * user should get ({@code 409}, {@code 429}, {@code 503}).
   */
  public record CreateRoom(String name, String topic, String user, String session) implements Bus.Message {
  }

  /**
   * Change a room's topic ({@code topic} already valid; "" for none), asked by {@code user}, limited per
   * {@code session}. Answered with nothing once this instance applied it, or failed with the HTTP status the user
   * should get ({@code 404} unknown, {@code 410} archived, {@code 429}, {@code 503}).
   */
  public record ChangeTopic(String name, String topic, String user, String session) implements Bus.Message {
  }

  /**
   * Archive a room, asked by {@code user}, limited per {@code session}: only its creator may ({@code 403}, and for
   * {@code general}, which always exists); otherwise as {@link ChangeTopic}.
   */
  public record ArchiveRoom(String name, String user, String session) implements Bus.Message {
  }

  /**
   * Open the direct message {@code dm} (its id and members already checked) for its member {@code by} (their
   * account id, whose new ones are limited): answered with a {@link DmOpened} of the direct message as every
   * instance will know it (the one recorded first, should it exist already) once this instance has read it from the
   * room log, or failed with {@code 429} (opening new ones too fast) or {@code 503}.
   */
  public record OpenDm(messenger.rooms.DirectMessage dm, String by) implements Bus.Message {
  }

  /** Published by RoomsVerticle to every web verticle when a direct message is read from the log: tell its members. */
  public record DmOpened(messenger.rooms.DirectMessage dm) implements Bus.Message {
  }
}
