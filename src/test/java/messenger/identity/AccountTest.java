package messenger.identity;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A signed-in person: one id per issuer and subject, carried in login ids, and a display name from their claims. */
class AccountTest {

  private static final String KEYCLOAK = "https://sso.example.org/realms/staff";

  @Test
  void theIdIsOnePerIssuerAndSubjectAndTheSameEveryTime() {
    String id = new Account(KEYCLOAK, "f3a1").id();
    assertThat(id).matches("[A-Za-z0-9_-]{22}").isEqualTo(new Account(KEYCLOAK, "f3a1").id());
    assertThat(new Account(KEYCLOAK, "f3a2").id()).isNotEqualTo(id);
    assertThat(new Account("https://accounts.google.com", "f3a1").id()).as("same sub, other provider").isNotEqualTo(id);
    // The separator keeps "ab" + "c" from meeting "a" + "bc".
    assertThat(new Account("https://x/ab", "c").id()).isNotEqualTo(new Account("https://x/a", "bc").id());
  }

  @Test
  void anAccountNeedsAnIssuerAndASubject() {
    assertThatThrownBy(() -> new Account(KEYCLOAK, "")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Account(null, "f3a1")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aLoginIdTellsWhichAccountItBelongsTo() {
    Account alice = new Account(KEYCLOAK, "f3a1");
    String first = alice.newLogin();
    String second = alice.newLogin();
    assertThat(first).isNotEqualTo(second);
    assertThat(Account.idOfLogin(first)).isEqualTo(alice.id()).isEqualTo(Account.idOfLogin(second));
    assertThat(Account.idOfLogin("7c9e6679-7425-40de-944b-e07fc1f90ae7")).as("a name-only login").isNull();
    assertThat(Account.idOfLogin("")).isNull();
    assertThat(Account.idOfLogin(null)).isNull();
    assertThat(Account.idOfLogin("acct.")).as("malformed").isNull();
  }

  @Test
  void theDisplayNameIsThePreferredUsernameElseTheNameNormalisedAndChecked() {
    assertThat(Account.displayName(new JsonObject().put("preferred_username", "alice").put("name", "Alice Liddell")))
      .isEqualTo("alice");
    assertThat(Account.displayName(new JsonObject().put("preferred_username", "ａｌｉｃｅ"))).as("NFKC").isEqualTo("alice");
    assertThat(Account.displayName(new JsonObject().put("preferred_username", "alice@example.org").put("name", "Alice  Liddell")))
      .as("an e-mail is no display name: the name, spaces collapsed").isEqualTo("Alice Liddell");
    assertThat(Account.displayName(new JsonObject().put("name", "Bob"))).isEqualTo("Bob");
    assertThat(Account.displayName(new JsonObject().put("preferred_username", "<script>").put("name", "x".repeat(40))))
      .as("neither is a valid name").isNull();
    assertThat(Account.displayName(new JsonObject().put("preferred_username", "ali\u200Bce"))).as("invisible").isNull();
    assertThat(Account.displayName(new JsonObject().put("preferred_username", 42))).isNull();
    assertThat(Account.displayName(new JsonObject())).isNull();
  }
}
