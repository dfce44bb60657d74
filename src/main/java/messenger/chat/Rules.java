package messenger.chat;

import java.util.regex.Pattern;

/** What a valid display name, message text and client message id look like (DESIGN.md, "Names"). */
public final class Rules {

  public static final int MAX_NAME_LENGTH = 32;

  private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} _.\\-]+");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_\\-]{1,64}");

  private Rules() {
  }

  /** The trimmed name, or {@code null} when it is not acceptable; see {@link #nameProblem(String)}. */
  public static String normalizeName(String raw) {
    return nameProblem(raw) == null ? raw.strip() : null;
  }

  /** A sentence a person can read, or {@code null} when the name is fine. */
  public static String nameProblem(String raw) {
    String name = raw == null ? "" : raw.strip();
    if (name.isEmpty()) {
      return "Please enter a display name.";
    }
    if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
      return "A display name can have at most " + MAX_NAME_LENGTH + " characters.";
    }
    if (!NAME.matcher(name).matches()) {
      return "A display name can only contain letters, digits, spaces and _ - .";
    }
    return null;
  }

  /** Trimmed text length in characters (code points), so an emoji counts as one. */
  public static int textLength(String trimmed) {
    return trimmed.codePointCount(0, trimmed.length());
  }

  /** Client ids become AMQP message ids and DOM ids: keep them short and boring. */
  public static boolean isValidId(String id) {
    return id != null && ID.matcher(id).matches();
  }
}
