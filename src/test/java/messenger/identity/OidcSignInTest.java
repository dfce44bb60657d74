package messenger.identity;

import io.vertx.core.json.JsonObject;
import messenger.testing.BridgeClient;
import messenger.testing.Keycloak;
import messenger.testing.RabbitBroker;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Signing in through a real OpenID Connect provider (the Keycloak of {@code .ci/keycloak}) with an HTTP client that
 * fills Keycloak's own login form: the code flow end to end, what a signed-in person's messages carry, a wrong
 * password, a cancelled sign-in, a forged or replayed return, RP-initiated logout, and the name a signed-in person
 * holds against name-only sessions.
 */
@ExtendWith({Keycloak.class, RabbitBroker.class})
class OidcSignInTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass(new JsonObject().put("auth", Keycloak.auth(true)));

  private User visitor() {
    return new User(app.baseUrl(), "visitor");
  }

  @Test
  void theCodeFlowSignsInWithTheAccountsNameAndItsMessagesCarryTheAccountId() throws Exception {
    User alice = visitor();
    HttpResponse<String> started = alice.get("/login/oidc");
    assertThat(started.statusCode()).isEqualTo(302);
    String authorize = started.headers().firstValue("Location").orElseThrow();
    assertThat(authorize).startsWith(Keycloak.issuer())
      .contains("code_challenge_method=S256", "code_challenge=", "state=", "nonce=", "scope=openid");

    HttpResponse<String> signedIn = alice.signIn("alice", "alice-password");
    assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
    assertThat(signedIn.headers().firstValue("Location")).hasValue("/chat");
    HttpResponse<String> chat = alice.get("/chat");
    assertThat(chat.statusCode()).isEqualTo(200);
    assertThat(chat.body()).contains("data-user=\"alice\"", "class=\"verified\"");

    assertThat(alice.send("hello from an account", "oidc-1").statusCode()).isEqualTo(202);
    alice.awaitInHistory("hello from an account");
    JsonObject message = alice.history("?limit=200").stream()
      .filter(m -> "oidc-1".equals(m.getString("id"))).findFirst().orElseThrow();
    String expected = new Account(Keycloak.issuer(), Keycloak.subject("alice")).id();
    assertThat(message.getString("sender")).isEqualTo("alice");
    // Read back from the log: the header sender-id was written and read.
    assertThat(message.getString("senderId")).isEqualTo(expected);

    User nameOnly = app.user("carol-" + System.nanoTime() % 1000);
    assertThat(nameOnly.send("hello from a name", "name-1").statusCode()).isEqualTo(202);
    nameOnly.awaitInHistory("hello from a name");
    assertThat(nameOnly.history("?limit=200").stream().filter(m -> "name-1".equals(m.getString("id"))).findFirst().orElseThrow()
      .containsKey("senderId")).as("a name-only message has no senderId").isFalse();
    alice.post("/logout", "application/x-www-form-urlencoded", "");
  }

  @Test
  void aWrongPasswordSignsNobodyIn() {
    User mallory = visitor();
    HttpResponse<String> refused = mallory.signIn("alice", "not-her-password");
    assertThat(refused.statusCode()).isEqualTo(200); // Keycloak's form again, with its error
    assertThat(refused.body()).contains("Invalid username or password");
    assertThat(mallory.get("/chat").statusCode()).isEqualTo(303);
  }

  @Test
  void aCancelledSignInSaysSoAndSignsNobodyIn() {
    User bob = visitor();
    String authorize = bob.get("/login/oidc").headers().firstValue("Location").orElseThrow();
    // What the provider answers when the person cancels (or refuses consent): back to the app with access_denied.
    HttpResponse<String> back = bob.get("/login/oidc/callback?error=access_denied&state=" + param(authorize, "state"));
    assertThat(back.statusCode()).isEqualTo(200);
    assertThat(back.body()).contains("Sign-in with Keycloak was cancelled.");
    assertThat(bob.get("/chat").statusCode()).isEqualTo(303);
  }

  @Test
  void aReturnWithAnotherStateOrNoneIsRefusedEvenWithAGoodCode() {
    User bob = visitor();
    String authorize = bob.get("/login/oidc").headers().firstValue("Location").orElseThrow();
    String callback = providerAnswer(bob, authorize, "bob", "bob-password");
    assertThat(callback).contains("code=");
    String forged = callback.replace("state=" + param(callback, "state"), "state=forged");
    HttpResponse<String> refused = bob.getUrl(forged);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("not started on this page");
    assertThat(bob.get("/chat").statusCode()).isEqualTo(303);
    // The genuine return still signs in (a forged one cannot spoil a sign-in), once: its state is then used up.
    assertThat(bob.getUrl(callback).statusCode()).isEqualTo(303);
    assertThat(bob.getUrl(callback).statusCode()).isEqualTo(400);
    bob.post("/logout", "application/x-www-form-urlencoded", "");

    // A return brought to a browser that did not start it (a login CSRF) has no state to match.
    User other = visitor();
    String authorizeAgain = bob.get("/login/oidc").headers().firstValue("Location").orElseThrow();
    String callbackAgain = providerAnswer(bob, authorizeAgain, "bob", "bob-password");
    assertThat(other.getUrl(callbackAgain).statusCode()).isEqualTo(400);
    assertThat(other.get("/chat").statusCode()).isEqualTo(303);
  }

  @Test
  void aSignedInPersonsNameCannotBeTakenByANameOnlySessionNorALookAlike() throws Exception {
    User alice = visitor();
    assertThat(alice.signIn("alice", "alice-password").statusCode()).isEqualTo(303);
    try (BridgeClient tab = app.bridge(alice)) { // online: the name is held
      for (String name : List.of("alice", "ALICE", "\u0430lice")) {
        await("'" + name + "' refused").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
          HttpResponse<String> login = new User(app.baseUrl(), name).login();
          assertThat(login.statusCode()).isEqualTo(400);
          assertThat(login.body()).contains("belongs to someone signed in");
        });
      }
    }
    alice.post("/logout", "application/x-www-form-urlencoded", "");
  }

  @Test
  void aNameOnlySessionLosesTheNameWhenItsOwnerSignsIn() throws Exception {
    User impostor = app.user("bob");
    try (BridgeClient impostorTab = app.bridge(impostor)) {
      User bob = visitor();
      assertThat(bob.signIn("bob", "bob-password").statusCode()).isEqualTo(303);
      try (BridgeClient tab = app.bridge(bob)) {
        await("the name-only bob refused").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
          HttpResponse<String> send = impostor.send("am I bob?");
          assertThat(send.statusCode()).isEqualTo(403);
          assertThat(new JsonObject(send.body()).getString("error")).isEqualTo("name_taken");
        });
        assertThat(bob.send("I am bob").statusCode()).isEqualTo(202);
      }
      bob.post("/logout", "application/x-www-form-urlencoded", "");
    }
  }

  @Test
  void logoutEndsTheProviderSessionToo() {
    User bob = visitor();
    assertThat(bob.signIn("bob", "bob-password").statusCode()).isEqualTo(303);
    HttpResponse<String> out = bob.post("/logout", "application/x-www-form-urlencoded", "");
    assertThat(out.statusCode()).isEqualTo(303);
    String providerLogout = out.headers().firstValue("Location").orElseThrow();
    assertThat(providerLogout).startsWith(Keycloak.issuer()).contains("id_token_hint=", "post_logout_redirect_uri=");
    HttpResponse<String> back = bob.getUrl(providerLogout);
    assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
    assertThat(back.headers().firstValue("Location")).hasValue(app.baseUrl() + "/");
    assertThat(bob.get("/chat").statusCode()).isEqualTo(303);
    // Keycloak forgot the person: the next sign-in asks for the password again.
    String authorize = bob.get("/login/oidc").headers().firstValue("Location").orElseThrow();
    assertThat(Keycloak.loginFormAction(bob.getUrl(authorize).body())).isNotNull();
  }

  @Test
  void theSamePersonInTwoBrowsersKeepsTheNameInBoth() throws Exception {
    User laptop = visitor();
    assertThat(laptop.signIn("alice", "alice-password").statusCode()).isEqualTo(303);
    try (BridgeClient tab = app.bridge(laptop)) {
      User phone = visitor(); // cookies of its own: signs in at Keycloak again
      await("alice online").atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(new User(app.baseUrl(), "alice").login().statusCode()).isEqualTo(400));
      assertThat(phone.signIn("alice", "alice-password").statusCode()).isEqualTo(303);
      try (BridgeClient phoneTab = app.bridge(phone)) {
        assertThat(phone.send("from the phone").statusCode()).isEqualTo(202);
        assertThat(laptop.send("from the laptop").statusCode()).isEqualTo(202);
      }
      phone.post("/logout", "application/x-www-form-urlencoded", "");
    }
    laptop.post("/logout", "application/x-www-form-urlencoded", "");
  }

  @Test
  void aNameOnlyLogoutStaysHere() {
    User erin = app.user("erin");
    HttpResponse<String> out = erin.post("/logout", "application/x-www-form-urlencoded", "");
    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(out.headers().firstValue("Location")).hasValue("/");
  }

  /** Fills the provider's form for an authorization URL; returns where the provider sends the browser back. */
  private static String providerAnswer(User user, String authorize, String username, String password) {
    HttpResponse<String> form = user.getUrl(authorize);
    String action = Keycloak.loginFormAction(form.body());
    if (action == null) { // already signed in at the provider: it answers at once
      assertThat(form.statusCode()).isEqualTo(302);
      return form.headers().firstValue("Location").orElseThrow();
    }
    HttpResponse<String> posted = user.postFormTo(action, Keycloak.loginForm(username, password));
    assertThat(posted.statusCode()).isEqualTo(302);
    return posted.headers().firstValue("Location").orElseThrow();
  }

  private static String param(String url, String name) {
    for (String pair : URI.create(url).getRawQuery().split("&")) {
      if (pair.startsWith(name + "=")) {
        return pair.substring(name.length() + 1);
      }
    }
    throw new AssertionError("no " + name + " in " + url);
  }
}
