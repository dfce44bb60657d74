package messenger.presence;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LocalTabsTest {

  @Test
  void aUserWhoseLastTabClosedLingersForTheGraceTimeThenLeaves() {
    LocalTabs tabs = new LocalTabs(1000);
    tabs.open("t1", "alice", "l1");
    tabs.open("t2", "alice", "l1");
    assertThat(tabs.close("t1", 0)).as("alice has another tab").isFalse();
    assertThat(tabs.close("t2", 0)).as("her last tab").isTrue();
    assertThat(tabs.graceEnded(999)).isFalse();
    assertThat(tabs.users(999)).isEqualTo(Map.of("alice", "l1"));
    assertThat(tabs.graceEnded(1000)).as("the grace time is over: users() says something new").isTrue();
    assertThat(tabs.users(1000)).isEmpty();
    assertThat(tabs.graceEnded(2000)).as("already told").isFalse();
  }

  @Test
  void aTabOpenedWithinTheGraceTimeKeepsTheUser() {
    LocalTabs tabs = new LocalTabs(1000);
    tabs.open("t1", "alice", "l1");
    tabs.close("t1", 0);
    tabs.open("t2", "alice", "l1");
    assertThat(tabs.graceEnded(5000)).isFalse();
    assertThat(tabs.users(5000)).isEqualTo(Map.of("alice", "l1"));
  }
}
