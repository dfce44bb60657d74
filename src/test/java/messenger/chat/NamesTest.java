package messenger.chat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Display names: which are valid, their one kept form, and which count as the same name. */
class NamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"alice", "José", "Zoë", "李小龙", "Ольга", "Ελένη", "محمد", "Nguyễn Văn An", "अनिल", "สมชาย",
    "김민준", "mary-jane", "j.r._smith", "R2D2", "abcdefghijklmnopqrstuvwxyz_.-123"})
  void ordinaryNamesInAnyScriptAreAccepted(String name) {
    assertThat(Names.problem(name)).isNull();
    assertThat(Names.normalize(name)).isEqualTo(name);
  }

  @Test
  void aDecomposedAccentIsKeptComposed() {
    assertThat(Names.problem("Jose\u0301")).isNull();
    assertThat(Names.normalize("Jose\u0301")).isEqualTo("José");
  }

  @Test
  void compatibilityFormsAndWhiteSpaceAreNormalized() {
    assertThat(Names.normalize("ａｌｉｃｅ")).as("fullwidth").isEqualTo("alice");
    assertThat(Names.normalize("  alice  x ")).as("as HTML shows it").isEqualTo("alice x");
    assertThat(Names.normalize("alice\u00A0\u3000x")).as("NBSP and ideographic space").isEqualTo("alice x");
    assertThat(Names.normalize("ﬁona")).as("ligature").isEqualTo("fiona");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u3164", "\uFFA0", "\u115F", "\u1160", "alice\u3164", "\u3164alice", "al\u200Bice", "alice\u200D",
    "\u202Ealice", "alice\u2066", "ali\u00ADce", "alice\u0000", "alice\u0007", "alice\uFEFF", "ali\u034Fce", "alice\uFE0F", "\u2800", "alice\tx", "alice\nx"})
  void invisibleFillerAndControlCharactersAreRefused(String name) {
    assertThat(Names.problem(name)).as("%s", name.codePoints().mapToObj(Integer::toHexString).toList())
      .isIn("A display name cannot contain invisible or control characters.", "Please enter a display name.");
  }

  @Test
  void hangulFillersAloneAreNoName() {
    assertThat(Names.problem("\u3164")).isEqualTo("A display name cannot contain invisible or control characters.");
    assertThat(Names.problem("\uFFA0")).isEqualTo("A display name cannot contain invisible or control characters.");
    assertThat(Names.problem("\u115F")).isEqualTo("A display name cannot contain invisible or control characters.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"O'Brien", "<b>", "a@b", "😀", "e\u0301\u0302\u0303\u0304\u0306", " \u0301"})
  void otherSymbolsPunctuationAndMarkStacksAreRefused(String name) {
    assertThat(Names.problem(name)).isEqualTo("A display name can only contain letters, digits, spaces and _ - .");
  }

  @Test
  void emptyAndTooLongNamesAreRefused() {
    assertThat(Names.problem(null)).isEqualTo("Please enter a display name.");
    assertThat(Names.problem(" \u00A0 ")).isEqualTo("Please enter a display name.");
    assertThat(Names.problem("x".repeat(33))).isEqualTo("A display name can have at most 32 characters.");
    assertThat(Names.problem("李".repeat(32))).as("characters, not bytes").isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"alice", "Alice", "ALICE", "\u0430lice", "\u0410LICE", "ａｌｉｃｅ", "alic\u0435", "\u0251lice"})
  void lookAlikesResembleEachOther(String name) {
    assertThat(look(name).resembles(look("alice"))).isTrue();
  }

  @Test
  void lettersThatPassForOthersMeet() {
    assertThat(look("Ian").resembles(look("lan"))).isTrue();
    assertThat(look("ALlCE").resembles(look("ALICE"))).isTrue();
    assertThat(look("B0B").resembles(look("BOB"))).isTrue();
    assertThat(look("rnary").resembles(look("mary"))).isTrue();
    assertThat(look("Ольга").resembles(look("ОЛЬГА"))).isTrue();
  }

  @Test
  void differentNamesDoNotResembleEachOther() {
    assertThat(look("alice").resembles(look("alicia"))).isFalse();
    assertThat(look("alice x").resembles(look("alicex"))).isFalse();
    assertThat(look("李小龙").resembles(look("李小"))).isFalse();
    assertThat(look("José").resembles(look("Jose"))).isFalse();
    assertThat(look("bob").resembles(look("rob"))).isFalse();
  }

  private static Names.Look look(String name) {
    return Names.look(Names.normalize(name));
  }
}
