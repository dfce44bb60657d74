package messenger.presence;

import messenger.identity.Account;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A signed-in person's name is theirs: it outranks name-only sessions and their look-alikes, and is shared by their logins. */
class AccountNameHoldersTest {

  private static final Account ALICE = new Account("https://sso.example.org/realms/staff", "alice-sub");
  private static final Account OTHER = new Account("https://sso.example.org/realms/staff", "other-sub");

  @Test
  void everyLoginOfTheAccountMayUseItsNameAndNoOtherLogin() {
    NameHolders names = new NameHolders();
    String browser = ALICE.newLogin();
    names.replace(Map.of("alice", Set.of(browser)));
    assertThat(names.holder("alice").account()).isEqualTo(ALICE.id());
    assertThat(names.takenFrom("alice", browser)).isFalse();
    assertThat(names.takenFrom("alice", ALICE.newLogin())).as("the same person in a second browser").isFalse();
    assertThat(names.takenFrom("alice", "name-only-login")).isTrue();
    assertThat(names.takenFrom("alice", OTHER.newLogin())).as("another account").isTrue();
  }

  @Test
  void theAccountOutranksANameOnlySessionOfTheSameName() {
    NameHolders names = new NameHolders();
    String account = ALICE.newLogin();
    names.replace(Map.of("alice", Set.of("name-only-login", account)));
    assertThat(names.takenFrom("alice", "name-only-login")).isTrue();
    assertThat(names.takenFrom("alice", account)).isFalse();
  }

  @Test
  void theAccountOutranksANameOnlyLookAlikeThatWasOnlineFirst() {
    NameHolders names = new NameHolders();
    names.replace(Map.of("\u0430lice", Set.of("name-only-login"))); // Cyrillic а
    String account = ALICE.newLogin();
    assertThat(names.takenFrom("alice", account)).as("a signed-in session never loses its name to a name-only one").isFalse();

    names.replace(Map.of("\u0430lice", Set.of("name-only-login"), "alice", Set.of(account)));
    assertThat(names.holder("\u0430lice").name()).isEqualTo("alice");
    assertThat(names.takenFrom("\u0430lice", "name-only-login")).as("the look-alike lost its name").isTrue();
    assertThat(names.holder("ALICE").account()).isEqualTo(ALICE.id());
    assertThat(names.takenFrom("alice", account)).isFalse();
  }

  @Test
  void ofTwoAccountsOnlineUnderOneNameEveryInstanceKeepsTheSameOne() {
    String a = ALICE.newLogin();
    String b = OTHER.newLogin();
    String kept = List.of(ALICE.id(), OTHER.id()).stream().min(String::compareTo).orElseThrow();
    for (Map<String, Set<String>> roster : List.of(Map.of("alice", Set.of(a, b)), Map.of("alice", Set.of(b, a)))) {
      NameHolders names = new NameHolders();
      names.replace(roster);
      assertThat(names.holder("alice").account()).isEqualTo(kept);
    }
  }

  @Test
  void localTabsAnnounceTheAccountsLoginForANameHeldBothWays() {
    String account = ALICE.newLogin();
    for (boolean accountFirst : new boolean[]{true, false}) {
      LocalTabs tabs = new LocalTabs(0);
      tabs.open(accountFirst ? "s1" : "s2", "alice", account);
      tabs.open(accountFirst ? "s2" : "s1", "alice", "name-only-login");
      assertThat(tabs.users(0)).containsEntry("alice", account);
    }
  }
}
