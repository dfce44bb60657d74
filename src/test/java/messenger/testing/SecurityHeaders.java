package messenger.testing;

import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The security headers every response carries, and the flags of the session cookie, checked in full. */
public final class SecurityHeaders {

  /** Every directive of the Content-Security-Policy: scripts, styles and connections from this site only. */
  public static final Map<String, String> CSP = Map.of(
    "default-src", "'self'",
    "script-src", "'self'",
    "style-src", "'self'",
    "img-src", "'self' data:",
    "connect-src", "'self'",
    "object-src", "'none'",
    "base-uri", "'none'",
    "form-action", "'self'",
    "frame-ancestors", "'none'");

  private SecurityHeaders() {
  }

  public static void assertPresent(HttpResponse<?> response) {
    String what = response.request().method() + " " + response.uri().getPath();
    assertThat(response.headers().firstValue("Content-Security-Policy")).as("CSP of %s", what)
      .hasValueSatisfying(csp -> assertThat(directives(csp)).as("CSP directives of %s", what).isEqualTo(CSP));
    assertThat(response.headers().firstValue("X-Frame-Options")).as("X-Frame-Options of %s", what)
      .hasValueSatisfying(v -> assertThat(v).isEqualToIgnoringCase("DENY"));
    assertThat(response.headers().firstValue("X-Content-Type-Options")).as("X-Content-Type-Options of %s", what)
      .hasValue("nosniff");
    assertThat(response.headers().firstValue("Referrer-Policy")).as("Referrer-Policy of %s", what).hasValue("same-origin");
  }

  /** The response sets the session cookie, for the whole site, out of reach of scripts and of other sites' requests. */
  public static void assertSessionCookie(HttpResponse<?> response) {
    assertThat(response.headers().allValues("Set-Cookie")).filteredOn(c -> c.startsWith("messenger.session="))
      .as("the session cookie set by %s", response.uri().getPath()).singleElement()
      .satisfies(cookie -> assertThat(cookie).containsIgnoringCase("; HttpOnly").containsIgnoringCase("; SameSite=Lax")
        .contains("; Path=/"));
  }

  private static Map<String, String> directives(String csp) {
    return Arrays.stream(csp.split(";"))
      .map(String::trim)
      .filter(d -> !d.isEmpty())
      .map(d -> d.split("\\s+", 2))
      .collect(Collectors.toMap(d -> d[0], d -> d.length > 1 ? d[1] : ""));
  }
}
