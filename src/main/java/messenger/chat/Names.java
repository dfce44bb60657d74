package messenger.chat;

import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.SpoofChecker;
import com.ibm.icu.lang.UCharacter;

import java.util.regex.Pattern;

/**
 * Display names: which are valid, the one form a name is kept and shown in, and when two names are the
 * same to a reader. Valid: 1 to 32 characters of letters (with their accents and vowel signs), digits,
 * spaces and {@code _ - .}, nothing invisible.
 *
 * <p>A name is kept in NFKC with its white space collapsed, so "ａｌｉｃｅ" (fullwidth) is "alice" and
 * "alice&nbsp;&nbsp;x" is "alice x", as HTML shows it anyway. Two names are the same when they
 * {@link Look#resembles look alike}: by the confusable skeleton of Unicode TR39 (ICU's {@link SpoofChecker}),
 * case ignored or not, so "аlice" with a Cyrillic а, "ALICE" and "alice" are one name.
 */
public final class Names {

  public static final int MAX_LENGTH = 32;

  /** A letter may carry up to three combining marks (é as e + ◌́, Devanagari vowel signs); more is Zalgo. */
  private static final Pattern ALLOWED = Pattern.compile("(?:[\\p{L}\\p{N}]\\p{M}{0,3}|[ _.\\-])+");
  /** Space separators (NBSP, ideographic space…); tabs and line breaks are control characters: refused. */
  private static final Pattern SPACES = Pattern.compile("\\p{Zs}+");
  private static final Normalizer2 NFKC = Normalizer2.getNFKCInstance();
  /** Thread-safe once built: getSkeleton keeps no state between calls. */
  private static final SpoofChecker SPOOF = new SpoofChecker.Builder().build();

  private Names() {
  }

  /**
   * Loads ICU's normalization, property and confusables data (about 0.1 s) and checks that it works: call
   * once at start-up, off the event loop, so that the first login does not pay for it and a jar that lacks
   * some of that data fails at once (the fat jar carries only the ICU data these rules use).
   */
  public static void load() {
    if (problem("ａｌｉｃｅ") != null || problem("ali\u200Bce") == null || !look("\u0430lice").resembles(look("ALICE"))) {
      throw new IllegalStateException("ICU4J's data for display names is incomplete");
    }
  }

  /** The name as it is kept and shown: NFKC, runs of spaces as one space, trimmed. Null stays null. */
  public static String normalize(String raw) {
    return raw == null ? null : SPACES.matcher(NFKC.normalize(raw)).replaceAll(" ").strip();
  }

  /** A sentence a person can read, or {@code null} when the name is fine (once {@link #normalize normalized}). */
  public static String problem(String raw) {
    String name = raw == null ? "" : normalize(raw);
    if (name.isEmpty()) {
      return "Please enter a display name.";
    }
    if (Texts.length(name) > MAX_LENGTH) {
      return "A display name can have at most " + MAX_LENGTH + " characters.";
    }
    if (name.codePoints().anyMatch(Texts::isInvisible)) {
      return "A display name cannot contain invisible or control characters.";
    }
    if (!ALLOWED.matcher(name).matches()) {
      return "A display name can only contain letters, digits, spaces and _ - .";
    }
    return null;
  }

  /**
   * How a name looks to a reader, for comparing only: the TR39 skeleton of the name as written (so "Ian"
   * and "lan", "аlice" with a Cyrillic а and "alice" meet) and of its case fold (so "ALICE" and "alice" do).
   */
  public record Look(String asWritten, String anyCase) {

    /** True when a reader could take one name for the other. */
    public boolean resembles(Look other) {
      return asWritten.equals(other.asWritten) || anyCase.equals(other.anyCase);
    }
  }

  public static Look look(String name) {
    return new Look(SPOOF.getSkeleton(name), SPOOF.getSkeleton(UCharacter.foldCase(name, true)));
  }
}
