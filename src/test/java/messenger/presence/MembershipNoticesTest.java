package messenger.presence;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which join and leave notices go out: each change once, however many tabs or instances ask; no flood. */
class MembershipNoticesTest {

  @Test
  void aChangeGoesOutOnceAndARepeatNever() {
    MembershipNotices notices = new MembershipNotices();
    assertThat(notices.asked("ada", "ops", true, 0)).isTrue();
    assertThat(notices.asked("ada", "ops", true, 10)).as("a second tab joining").isFalse();
    assertThat(notices.heard("ada", "ops", true)).as("a tab on another instance joining").isFalse();
    assertThat(notices.asked("ada", "dev", true, 20)).as("another room").isTrue();
    assertThat(notices.asked("bob", "ops", true, 30)).as("another person").isTrue();
    assertThat(notices.asked("ada", "ops", false, 40)).isTrue();
    assertThat(notices.heard("ada", "ops", true)).as("joined again, elsewhere").isTrue();
    assertThat(notices.heard("ada", "ops", true)).isFalse();
  }

  @Test
  void aPersonTogglingARoomIsLimited() {
    MembershipNotices notices = new MembershipNotices();
    int passed = 0;
    for (int i = 0; i < 40; i++) {
      passed += notices.asked("ada", "ops", i % 2 == 0, i) ? 1 : 0; // 40 toggles within 40 ms
    }
    assertThat(passed).isEqualTo(MembershipNotices.BURST);
    assertThat(notices.asked("bob", "ops", true, 40)).as("someone else").isTrue();
    // The last notice out said "joined" (i = 4): a second later a change goes out again.
    assertThat(notices.asked("ada", "ops", false, 2_000)).isTrue();
  }
}
