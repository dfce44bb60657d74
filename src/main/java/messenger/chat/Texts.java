package messenger.chat;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UCharacterCategory;
import com.ibm.icu.lang.UProperty;

import java.util.regex.Pattern;

/**
 * What a message may carry: a text someone can see (1 to {@code chat.maxTextLength} characters after
 * trimming, not only invisible ones, valid Unicode) and an optional client id.
 */
public final class Texts {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_\\-]{1,64}");
  /** Renders as an empty cell, yet is neither white space nor default-ignorable. */
  private static final int BRAILLE_BLANK = 0x2800;

  private Texts() {
  }

  /** Length in characters (code points), so an emoji counts as one. */
  public static int length(String text) {
    return text.codePointCount(0, text.length());
  }

  /**
   * True when a reader would see nothing: the text is empty or only white space (NBSP included) and
   * invisible characters (NUL, BEL, zero-width space, a lone right-to-left override, the Hangul fillers…).
   */
  public static boolean isBlank(String text) {
    return text.codePoints().allMatch(cp -> UCharacter.isUWhiteSpace(cp) || isInvisible(cp));
  }

  /** True when the text holds half of a surrogate pair: it is not Unicode text and has no UTF-8 form. */
  public static boolean hasLoneSurrogate(String text) {
    return text.codePoints().anyMatch(cp -> Character.getType(cp) == Character.SURROGATE);
  }

  /** Client ids become AMQP message ids and DOM ids: keep them short and boring. */
  public static boolean isValidId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /**
   * Control and format characters and the default-ignorable ones, which fonts draw as nothing (zero-width
   * space and joiners, bidirectional controls, the Hangul fillers U+115F, U+1160, U+3164, U+FFA0…).
   */
  static boolean isInvisible(int cp) {
    int type = UCharacter.getType(cp);
    return type == UCharacterCategory.CONTROL || type == UCharacterCategory.FORMAT
      || type == UCharacterCategory.SURROGATE || cp == BRAILLE_BLANK
      || UCharacter.hasBinaryProperty(cp, UProperty.DEFAULT_IGNORABLE_CODE_POINT);
  }
}
