package messenger.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Keycloak that {@code .ci/keycloak start} runs for the sign-in tests, with the realm
 * {@code deploy/keycloak/messenger-realm.json} (client {@code messenger}, users alice, bob and carol). Its issuer is read
 * from {@code MESSENGER_KEYCLOAK_ISSUER}, else from the file the script writes ({@code $KEYCLOAK_STATE/issuer},
 * by default in the temporary directory). A test class that needs it is annotated
 * {@code @ExtendWith(Keycloak.class)}: where it does not answer, the class is skipped, saying why.
 */
public final class Keycloak implements ExecutionCondition {

  public static final String CLIENT_ID = "messenger";
  public static final String CLIENT_SECRET = "messenger-dev-secret";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");

  /** The realm's issuer, or null when no Keycloak is known to run. */
  public static String issuer() {
    String fromEnv = System.getenv("MESSENGER_KEYCLOAK_ISSUER");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.trim();
    }
    String state = System.getenv("KEYCLOAK_STATE");
    Path file = Path.of(state != null && !state.isBlank() ? state : System.getProperty("java.io.tmpdir") + "/messenger-keycloak", "issuer");
    try {
      return Files.exists(file) ? Files.readString(file).trim() : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The app's configuration for signing in through this Keycloak. */
  public static JsonObject auth(boolean nameLogin) {
    return new JsonObject().put("nameLogin", nameLogin).put("oidc", new JsonObject()
      .put("issuer", issuer()).put("clientId", CLIENT_ID).put("clientSecret", CLIENT_SECRET).put("name", "Keycloak"));
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    String issuer = issuer();
    if (issuer == null) {
      return ConditionEvaluationResult.disabled("No Keycloak runs for the sign-in tests: start one with "
        + "'.ci/keycloak start' (.ci/run does), or set MESSENGER_KEYCLOAK_ISSUER");
    }
    try {
      int status = HTTP.send(HttpRequest.newBuilder(URI.create(issuer + "/.well-known/openid-configuration"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      return status == 200 ? ConditionEvaluationResult.enabled("Keycloak answers at " + issuer)
        : ConditionEvaluationResult.disabled("Keycloak at " + issuer + " answers its discovery with " + status);
    } catch (IOException e) {
      return ConditionEvaluationResult.disabled("Keycloak at " + issuer + " does not answer (" + e + "): "
        + "start it with '.ci/keycloak start'");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ConditionEvaluationResult.disabled("interrupted");
    }
  }

  /** The action URL of Keycloak's login form in a page it answered, HTML entities undone; null when there is none. */
  public static String loginFormAction(String html) {
    Matcher m = FORM_ACTION.matcher(html);
    return m.find() ? m.group(1).replace("&amp;", "&") : null;
  }

  /** The form Keycloak's login page posts. */
  public static String loginForm(String username, String password) {
    return "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)
      + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&credentialId=";
  }

  /** A user's {@code sub} in the realm, asked of the admin API (the dev-mode admin is admin/admin). */
  public static String subject(String username) {
    try {
      String token = adminToken();
      return new JsonArray(users(token, username)).getJsonObject(0).getString("id");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Makes sure the realm has the user (with this password): a Keycloak started earlier from a realm file that did
   * not list them yet gets them through the admin API.
   */
  public static void ensureUser(String username, String password) {
    try {
      String token = adminToken();
      if (!new JsonArray(users(token, username)).isEmpty()) {
        return;
      }
      JsonObject user = new JsonObject().put("username", username).put("enabled", true)
        .put("email", username + "@example.org").put("emailVerified", true)
        .put("firstName", username).put("lastName", "Test")
        .put("credentials", new JsonArray().add(new JsonObject().put("type", "password").put("value", password).put("temporary", false)));
      int status = HTTP.send(HttpRequest.newBuilder(URI.create(adminBase() + "/admin/realms/messenger/users"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(user.encode())).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status != 201 && status != 409) {
        throw new IllegalStateException("Keycloak did not create " + username + ": " + status);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String adminBase() {
    return issuer().substring(0, issuer().indexOf("/realms/"));
  }

  private static String adminToken() throws IOException, InterruptedException {
    return new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create(adminBase() + "/realms/master/protocol/openid-connect/token"))
      .header("Content-Type", "application/x-www-form-urlencoded")
      .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=admin-cli&username=admin&password=admin"))
      .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body()).getString("access_token");
  }

  private static String users(String token, String username) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(adminBase() + "/admin/realms/messenger/users?exact=true&username="
        + URLEncoder.encode(username, StandardCharsets.UTF_8)))
      .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
