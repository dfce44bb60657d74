package messenger;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The configuration: every default in conf/config.json, the environment over everything, nothing missing silently. */
class SettingsTest {

  @Test
  void theDefaultsAreThoseOfConfConfigJson() {
    Settings settings = Settings.from(Settings.defaults());
    assertThat(settings.http().port()).isEqualTo(8888);
    assertThat(settings.http().instances()).isEqualTo(2);
    assertThat(settings.http().allowedOrigins()).isEmpty();
    assertThat(settings.http().maxSocketsPerSession()).isEqualTo(10);
    assertThat(settings.http().idleTimeoutSeconds()).isEqualTo(30);
    assertThat(settings.http().requestHeaderTimeoutSeconds()).isEqualTo(10);
    assertThat(settings.monitoring()).as("metrics on loopback only").isEqualTo(new Settings.Monitoring("127.0.0.1", 9888));
    assertThat(settings.rabbit().uri()).isEqualTo("amqp://guest:guest@localhost:5672");
    assertThat(settings.rabbit().embedded()).isEqualTo(Settings.Embedded.AUTO);
    assertThat(settings.rabbit().uriFromEnvironment()).isFalse();
    assertThat(settings.chat().maxTextLength()).isEqualTo(2000);
    assertThat(settings.chat().ratePerSecond()).isEqualTo(5.0);
    assertThat(settings.presence().heartbeatMs()).isEqualTo(10_000);
    assertThat(settings.presence().expiryMs()).isEqualTo(30_000);
    assertThat(settings.session().secret()).isNull();
    assertThat(settings.session().secretFile()).isEqualTo("~/.messenger/session-secret");
    assertThat(settings.auth().nameLogin()).isTrue();
    assertThat(settings.auth().oidc()).as("no provider unless configured").isNull();
  }

  @Test
  void theOidcProviderComesFromItsSectionAndItsVariablesWin() {
    JsonObject json = Settings.defaults();
    json.getJsonObject("auth").getJsonObject("oidc").put("issuer", "https://file.example/realms/x/").put("clientId", "from-file")
      .put("clientSecret", "file-secret");
    Settings.Oidc fromFile = Settings.from(json).auth().oidc();
    assertThat(fromFile.issuer()).as("without its trailing slash").isEqualTo("https://file.example/realms/x");
    assertThat(fromFile.name()).as("the issuer's host when not named").isEqualTo("file.example");
    assertThat(fromFile.scopes()).containsExactly("openid", "profile", "email");
    assertThat(fromFile.redirectUri()).isNull();

    Settings.Oidc fromEnv = Settings.from(Settings.applyEnvironment(json.copy()
      .put("OIDC_ISSUER", "https://sso.example.org/realms/staff").put("OIDC_CLIENT_ID", "messenger")
      .put("OIDC_CLIENT_SECRET", "env-secret").put("OIDC_NAME", "Example SSO"))).auth().oidc();
    assertThat(fromEnv).extracting(Settings.Oidc::issuer, Settings.Oidc::clientId, Settings.Oidc::clientSecret, Settings.Oidc::name)
      .containsExactly("https://sso.example.org/realms/staff", "messenger", "env-secret", "Example SSO");

    JsonObject incomplete = Settings.defaults();
    incomplete.getJsonObject("auth").getJsonObject("oidc").put("issuer", "https://sso.example.org");
    assertThatThrownBy(() -> Settings.from(incomplete)).hasMessageContaining("auth.oidc.clientId");

    JsonObject nobody = Settings.defaults();
    nobody.getJsonObject("auth").put("nameLogin", false);
    assertThatThrownBy(() -> Settings.from(nobody)).as("name login off and no provider").hasMessageContaining("nobody could log in");
  }

  @Test
  void everyBrokerNameOfAChatDerivesFromItsExchange() {
    JsonObject json = Settings.defaults();
    json.getJsonObject("rabbitmq").put("exchange", "team-chat");
    Settings.Rabbit rabbit = Settings.from(json).rabbit();
    assertThat(rabbit.stream()).isEqualTo("team-chat.log");
    assertThat(rabbit.presenceExchange()).isEqualTo("team-chat.presence");
    assertThat(rabbit.logoutStream()).isEqualTo("team-chat.logouts");

    assertThat(Settings.from(Settings.defaults()).rabbit().stream()).as("the default chat").isEqualTo("messenger.log");
    json.getJsonObject("rabbitmq").put("stream", "kept-log");
    assertThat(Settings.from(json).rabbit().stream()).as("a configured stream is kept").isEqualTo("kept-log");
  }

  @Test
  void theEnvironmentWinsOverTheSections() {
    JsonObject merged = Settings.defaults()
      .put("HTTP_PORT", " 9090 ").put("RABBITMQ_URI", "amqp://u:p@rabbit.example.com:5672").put("SESSION_SECRET", "s3cret")
      .put("MONITORING_PORT", "9191").put("MONITORING_HOST", "0.0.0.0");
    Settings settings = Settings.from(Settings.applyEnvironment(merged));
    assertThat(settings.http().port()).isEqualTo(9090);
    assertThat(settings.monitoring()).isEqualTo(new Settings.Monitoring("0.0.0.0", 9191));
    assertThat(settings.rabbit().uri()).isEqualTo("amqp://u:p@rabbit.example.com:5672");
    assertThat(settings.rabbit().uriFromEnvironment()).isTrue();
    assertThat(settings.session().secret()).isEqualTo("s3cret");
  }

  @Test
  void aBlankEnvironmentVariableChangesNothing() {
    Settings settings = Settings.from(Settings.applyEnvironment(Settings.defaults().put("RABBITMQ_URI", " ").put("SESSION_SECRET", "")));
    assertThat(settings.rabbit().uri()).isEqualTo("amqp://guest:guest@localhost:5672");
    assertThat(settings.rabbit().uriFromEnvironment()).isFalse();
    assertThat(settings.session().secret()).isNull();
  }

  @Test
  void aMissingOrMistypedKeyIsNamed() {
    JsonObject missing = Settings.defaults();
    missing.getJsonObject("chat").remove("maxTextLength");
    assertThatThrownBy(() -> Settings.from(missing)).hasMessageContaining("chat.maxTextLength");

    JsonObject mistyped = Settings.defaults();
    mistyped.getJsonObject("http").put("port", "eighty");
    assertThatThrownBy(() -> Settings.from(mistyped)).hasMessageContaining("http.port").hasMessageContaining("eighty");
  }

  @Test
  void anInstanceExpiresAfterAtLeastTwoHeartbeats() {
    JsonObject json = Settings.defaults();
    json.getJsonObject("presence").put("heartbeatMs", 500).put("expiryMs", 100);
    assertThat(Settings.from(json).presence().expiryMs()).isEqualTo(1000);
  }
}
