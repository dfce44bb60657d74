package messenger.presence;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The cluster-wide roster and this instance's tabs, without a broker: time is passed in. */
class RosterTest {

  private static final long EXPIRY = 30_000;

  @Test
  void aUserWithTabsOnTwoInstancesIsOnlineOnceAndLeavesWhenTheLastInstanceDropsThem() {
    Roster roster = new Roster("a", EXPIRY);
    assertThat(roster.update("a", Map.of("alice", "L1"), 0).joined()).containsExactly("alice");
    Roster.Change second = roster.update("b", Map.of("alice", "L1", "bob", "L2"), 10);
    assertThat(second.joined()).containsExactly("bob");
    assertThat(second.left()).isEmpty();
    assertThat(roster.online()).containsExactly("alice", "bob");

    assertThat(roster.update("a", Map.of(), 20).isEmpty()).as("alice still has a tab on b").isTrue();
    assertThat(roster.online()).containsExactly("alice", "bob");
    Roster.Change gone = roster.update("b", Map.of("bob", "L2"), 30);
    assertThat(gone.left()).containsExactly("alice");
    assertThat(gone.joined()).isEmpty();
  }

  @Test
  void anAnnouncementMadeBeforeItsInstanceHeardOfALogoutDoesNotBringTheUserBack() {
    Roster roster = new Roster("a", EXPIRY);
    roster.update("a", Map.of("alice", "L1"), 0);
    roster.update("b", Map.of("alice", "L1", "bob", "L2"), 0);

    Roster.Change logout = roster.end("L1", 100);
    assertThat(logout.left()).as("alice leaves everywhere at once").containsExactly("alice");
    assertThat(roster.update("b", Map.of("alice", "L1", "bob", "L2"), 150).isEmpty())
      .as("b's heartbeat from before it heard of the logout").isTrue();
    assertThat(roster.online()).containsExactly("bob");
    assertThat(roster.holders()).doesNotContainKey("alice");

    assertThat(roster.update("b", Map.of("alice", "L9", "bob", "L2"), 200).joined())
      .as("alice logged in again: another login").containsExactly("alice");
  }

  @Test
  void anInstanceNotHeardFromWithinTheExpiryTimeIsDroppedWithItsUsersButNeverItself() {
    Roster roster = new Roster("a", EXPIRY);
    roster.update("a", Map.of("alice", "L1"), 0);
    roster.update("b", Map.of("bob", "L2"), 0);
    roster.update("c", Map.of("carol", "L3", "alice", "L1"), 0);
    roster.update("c", Map.of("carol", "L3", "alice", "L1"), 20_000); // c keeps announcing, b went silent

    assertThat(roster.expire(EXPIRY).isEmpty()).as("exactly at the expiry time b is still there").isTrue();
    Roster.Change expired = roster.expire(EXPIRY + 1);
    assertThat(expired.left()).containsExactly("bob");
    assertThat(roster.instances()).containsExactlyInAnyOrder("a", "c");

    Roster.Change later = roster.expire(10 * EXPIRY);
    assertThat(later.left()).containsExactly("carol");
    assertThat(roster.online()).containsExactly("alice");
    assertThat(roster.instances()).containsExactly("a");
  }

  @Test
  void afterBeingCutOffEveryInstanceGetsAFreshExpiryTime() {
    Roster roster = new Roster("a", EXPIRY);
    roster.update("b", Map.of("bob", "L2"), 0);
    roster.touchAll(25_000); // reconnected after 25 s without hearing anyone
    assertThat(roster.expire(50_000).isEmpty()).isTrue();
    assertThat(roster.expire(55_001).left()).containsExactly("bob");
  }

  @Test
  void aGoodbyeKeepsTheInstancesUsersForTheGraceTimeOnlyAndRepeatedStateChangesNothing() {
    Roster roster = new Roster("a", EXPIRY);
    roster.update("b", Map.of("bob", "L2"), 0);
    assertThat(roster.update("b", Map.of("bob", "L2"), 5).isEmpty()).isTrue();
    roster.retire("b", 1_000, 3_000);
    assertThat(roster.expire(4_000).isEmpty()).isTrue();
    assertThat(roster.expire(4_001).left()).containsExactly("bob");
    roster.retire("b", 5_000, 3_000); // unknown by now: nothing happens
    assertThat(roster.instances()).containsExactly();
  }

  @Test
  void aUserWhosePageMovesToAnotherInstanceWithinTheGraceIsNoLeave() {
    Roster roster = new Roster("a", EXPIRY);
    roster.update("b", Map.of("bob", "L2"), 0);
    roster.retire("b", 1_000, 3_000);
    assertThat(roster.update("a", Map.of("bob", "L2"), 2_000).isEmpty()).as("bob reconnected to a").isTrue();
    assertThat(roster.expire(10_000).isEmpty()).isTrue();
    assertThat(roster.online()).containsExactly("bob");
  }

  @Test
  void everyOnlineNameKnowsItsLoginsOnEveryInstance() {
    Roster roster = new Roster("a", EXPIRY);
    roster.update("a", Map.of("Alice", "L1"), 0);
    roster.update("b", Map.of("Alice", "L1", "bob", "L2"), 0);
    roster.update("c", Map.of("bob", "L3"), 0); // two logins in the same instant on two instances
    assertThat(roster.holders()).isEqualTo(Map.of("Alice", Set.of("L1"), "bob", Set.of("L2", "L3")));
  }

  @Test
  void twoTabsCountOnceAndTheLastOneClosingLeavesAfterTheGraceTime() {
    LocalTabs tabs = new LocalTabs(3_000);
    tabs.open("s1", "alice", "L1");
    tabs.open("s2", "alice", "L1");
    tabs.open("s3", "bob", "L2");
    assertThat(tabs.users(0)).isEqualTo(Map.of("alice", "L1", "bob", "L2"));

    assertThat(tabs.close("s1", 100)).as("alice has another tab").isFalse();
    assertThat(tabs.close("s2", 200)).as("alice's last tab").isTrue();
    assertThat(tabs.users(3_199)).containsKey("alice");
    assertThat(tabs.users(3_200)).isEqualTo(Map.of("bob", "L2"));
    assertThat(tabs.close("s2", 300)).as("closing twice is harmless").isFalse();
  }

  @Test
  void aReloadWithinTheGraceTimeIsNoLeave() {
    LocalTabs tabs = new LocalTabs(3_000);
    tabs.open("s1", "alice", "L1");
    tabs.close("s1", 0);
    tabs.open("s2", "alice", "L1");
    assertThat(tabs.users(10_000)).isEqualTo(Map.of("alice", "L1"));
  }

  @Test
  void logoutEndsThatLoginsTabsAtOnceWithoutGrace() {
    LocalTabs tabs = new LocalTabs(3_000);
    tabs.open("s1", "alice", "L1");
    tabs.open("s2", "alice", "L1");
    tabs.open("s3", "bob", "L2");
    assertThat(tabs.logout("alice", "other-login")).isEmpty();
    assertThat(tabs.logout("alice", "L1")).containsExactlyInAnyOrder("s1", "s2");
    assertThat(tabs.users(0)).isEqualTo(Map.of("bob", "L2"));
    assertThat(tabs.tabCount()).isEqualTo(1);

    tabs.close("s3", 0);
    assertThat(tabs.logout("bob", "L2")).as("bob was lingering").isEmpty();
    assertThat(tabs.users(1)).isEmpty();
  }
}
