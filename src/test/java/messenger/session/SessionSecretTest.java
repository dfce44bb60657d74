package messenger.session;

import messenger.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** The session key: configured, or made once and kept in a file only the app's user can read; never logged. */
class SessionSecretTest {

  @TempDir
  Path dir;

  @Test
  void aConfiguredSecretIsUsedAsItIsAndOneShorterThan32CharactersIsWarnedAbout() {
    Path file = dir.resolve("session-secret");
    try (LogCapture log = new LogCapture()) {
      assertThat(SessionSecret.resolve("short-secret", file.toString())).isEqualTo("short-secret");
      assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("SESSION_SECRET has 12 characters").contains("at least 32"));
      assertThat(log.messages()).noneMatch(m -> m.contains("short-secret"));
    }
    try (LogCapture log = new LogCapture()) {
      String strong = "x".repeat(32);
      assertThat(SessionSecret.resolve(strong, file.toString())).isEqualTo(strong);
      assertThat(log.messages()).noneMatch(m -> m.contains("SESSION_SECRET"));
    }
    assertThat(file).as("no file without need").doesNotExist();
  }

  @Test
  void withoutOneAStrongKeyIsMadeOnceInAFileOnlyTheUserCanRead() throws Exception {
    Path file = dir.resolve("messenger").resolve("session-secret");
    String made;
    try (LogCapture log = new LogCapture()) {
      made = SessionSecret.resolve(null, file.toString());
      assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains(file.toString()).contains("made now"));
      assertThat(log.messages()).noneMatch(m -> m.contains(made));
    }
    assertThat(made).hasSize(43).matches("[A-Za-z0-9_-]+"); // 32 random bytes
    assertThat(Files.readString(file).strip()).isEqualTo(made);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
    assertThat(Files.list(file.getParent())).as("no draft left behind").containsExactly(file);

    try (LogCapture log = new LogCapture()) {
      assertThat(SessionSecret.resolve(" ", file.toString())).as("a blank secret is none").isEqualTo(made);
      assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains(file.toString()).contains("kept from an earlier start"));
    }
  }

  @Test
  void aKeyFileOthersCanReadIsWarnedAbout() throws Exception {
    Path file = dir.resolve("session-secret");
    SessionSecret.resolve(null, file.toString());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    try (LogCapture log = new LogCapture()) {
      SessionSecret.resolve(null, file.toString());
      assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("can be read by other users").contains("chmod 600"));
    }
  }

  @Test
  void whereNoFileCanBeKeptTheKeyIsRandomAndLastsThisRunOnly() throws Exception {
    Path notADirectory = Files.createFile(dir.resolve("plain-file"));
    String file = notADirectory.resolve("session-secret").toString();
    try (LogCapture log = new LogCapture()) {
      String first = SessionSecret.resolve(null, file);
      String second = SessionSecret.resolve(null, file);
      assertThat(first).hasSize(43).isNotEqualTo(second);
      assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("using a random key").contains("will not survive a restart"));
    }
  }

  @Test
  void aLeadingTildeIsTheHomeDirectory() {
    assertThat(SessionSecret.path("~/.messenger/session-secret"))
      .isEqualTo(Path.of(System.getProperty("user.home"), ".messenger", "session-secret"));
    assertThat(SessionSecret.path("run/session-secret")).isEqualTo(Path.of("run/session-secret"));
  }
}
