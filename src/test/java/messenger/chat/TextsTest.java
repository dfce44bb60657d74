package messenger.chat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Message texts: blank (nothing a reader sees), not Unicode, length; client ids. */
class TextsTest {

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\u0000", "\u200B", "\u3164", "\u00A0", "\u0007", "\u202E", "\uFFA0", "\u115F", "\u2800",
    "\u2060\uFEFF", " \u200B\n\u3164\t\u00A0 ", "\u200D\uFE0F", "\u2028\u3000"})
  void textsOfOnlyInvisibleCharactersAreBlank(String text) {
    assertThat(Texts.isBlank(text)).as("%s", text.codePoints().mapToObj(Integer::toHexString).toList()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"hi", ".", "😀", "\u200Bhi", "\u202Eolleh", "👨\u200D👩\u200D👧", "李", "<img src=x>", "\u0301"})
  void anythingVisibleIsNotBlank(String text) {
    assertThat(Texts.isBlank(text)).isFalse();
  }

  @Test
  void loneSurrogatesAreFound() {
    assertThat(Texts.hasLoneSurrogate("a\uD800b")).isTrue();
    assertThat(Texts.hasLoneSurrogate("\uDC00")).isTrue();
    assertThat(Texts.hasLoneSurrogate("\uDE00\uD83D")).as("a pair in the wrong order").isTrue();
    assertThat(Texts.hasLoneSurrogate("😀")).isFalse();
    assertThat(Texts.hasLoneSurrogate("plain")).isFalse();
  }

  @Test
  void lengthCountsCharactersNotUtf16Units() {
    assertThat(Texts.length("😀😀")).isEqualTo(2);
    assertThat(Texts.length("abc")).isEqualTo(3);
  }

  @Test
  void clientIdsAreShortAndBoring() {
    assertThat(Texts.isValidId("c-1_AZ")).isTrue();
    assertThat(Texts.isValidId("x".repeat(64))).isTrue();
    assertThat(Texts.isValidId("x".repeat(65))).isFalse();
    assertThat(Texts.isValidId("")).isFalse();
    assertThat(Texts.isValidId("a b")).isFalse();
    assertThat(Texts.isValidId(null)).isFalse();
  }
}
