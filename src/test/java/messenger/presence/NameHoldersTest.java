package messenger.presence;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Who holds a name, as every request's session is checked against it. */
class NameHoldersTest {

  @Test
  void aNameIsHeldByItsLoginsWhateverTheCase() {
    NameHolders names = new NameHolders();
    names.replace(Map.of("Alice", Set.of("L1")));
    assertThat(names.holder("alice")).isEqualTo(new NameHolders.Holder("Alice", Set.of("L1"), null));
    assertThat(names.holder("ALICE ")).isNull();
    assertThat(names.holder("bob")).isNull();
  }

  /** As the login compares names (see NamesTest): a look-alike of an online name is held too. */
  @Test
  void aLookAlikeOfAnOnlineNameIsHeldByIt() {
    NameHolders names = new NameHolders();
    names.replace(Map.of("alice", Set.of("L1")));
    assertThat(names.holder("\u0430lice")).as("Cyrillic а").extracting(NameHolders.Holder::name).isEqualTo("alice");
    assertThat(names.holder("ALICE")).extracting(NameHolders.Holder::name).isEqualTo("alice");
    assertThat(names.holder("alicia")).isNull();
    assertThat(names.takenFrom("\u0430lice", "L2")).as("a stale session of the look-alike").isTrue();
  }

  @Test
  void aNameThatLeftNoLongerHoldsItsLookAlikes() {
    NameHolders names = new NameHolders();
    names.replace(Map.of("alice", Set.of("L1")));
    names.replace(Map.of("bob", Set.of("L2")));
    assertThat(names.holder("\u0430lice")).isNull();
    assertThat(names.holder("B\u041EB")).as("Cyrillic О").extracting(NameHolders.Holder::name).isEqualTo("bob");
  }

  @Test
  void aSessionLosesItsNameOnlyToAnotherLogin() {
    NameHolders names = new NameHolders();
    names.replace(Map.of("dave", Set.of("L2")));
    assertThat(names.takenFrom("dave", "L1")).as("a stale session of dave").isTrue();
    assertThat(names.takenFrom("Dave", "L1")).as("whatever the case").isTrue();
    assertThat(names.takenFrom("dave", "L2")).as("the login that holds it").isFalse();
    assertThat(names.takenFrom("erin", "L1")).as("a name nobody holds").isFalse();

    names.replace(Map.of());
    assertThat(names.takenFrom("dave", "L1")).as("the holder left").isFalse();
  }
}
