package messenger.web;

import io.vertx.core.net.HostAndPort;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The origin check without a server: scheme, host and port must all be this server's. */
class SameOriginTest {

  private final SameOrigin check = new SameOrigin(List.of("https://chat.example.com"), false);
  private final HostAndPort local = HostAndPort.create("127.0.0.1", 8080);

  @Test
  void theServerItselfIsAllowed() {
    assertThat(check.allows("http://127.0.0.1:8080", "http", local)).isTrue();
    assertThat(check.allows("HTTP://127.0.0.1:8080/chat", "http", local)).as("a Referer, any case").isTrue();
  }

  @Test
  void anotherSchemeOnTheSameHostAndPortIsRefused() {
    assertThat(check.allows("https://127.0.0.1:8080", "http", local)).isFalse();
    assertThat(check.allows("http://127.0.0.1:8080", "https", local)).isFalse();
  }

  @Test
  void anotherHostOrPortIsRefused() {
    assertThat(check.allows("http://localhost:8080", "http", local)).isFalse();
    assertThat(check.allows("http://127.0.0.1:8081", "http", local)).isFalse();
    assertThat(check.allows("http://127.0.0.1", "http", local)).isFalse();
  }

  @Test
  void aHostWithoutPortMeansTheDefaultPortOfTheScheme() {
    HostAndPort host = HostAndPort.create("chat.internal", -1);
    assertThat(check.allows("https://chat.internal", "https", host)).isTrue();
    assertThat(check.allows("https://chat.internal:443", "https", host)).isTrue();
    assertThat(check.allows("http://chat.internal", "https", host)).isFalse();
    assertThat(check.allows("http://chat.internal:80", "http", host)).isTrue();
    assertThat(check.allows("http://chat.internal:443", "http", host)).isFalse();
  }

  @Test
  void configuredOriginsAreAllowedWithTheirOwnSchemeOnly() {
    assertThat(check.allows("https://chat.example.com", "http", local)).isTrue();
    assertThat(check.allows("https://chat.example.com:443", "http", local)).isTrue();
    assertThat(check.allows("http://chat.example.com", "http", local)).isFalse();
  }

  @Test
  void garbageAndOpaqueOriginsAreRefused() {
    assertThat(check.allows("null", "http", local)).isFalse();
    assertThat(check.allows("not a url", "http", local)).isFalse();
    assertThat(check.allows("file:///etc/passwd", "http", local)).isFalse();
    assertThat(check.allows("http://127.0.0.1:8080", "http", null)).isFalse();
  }

  @Test
  void theForwardedSchemeComesFromTheFirstProxy() {
    assertThat(SameOrigin.forwardedScheme(null, "https")).isEqualTo("https");
    assertThat(SameOrigin.forwardedScheme(null, "HTTPS, http")).isEqualTo("https");
    assertThat(SameOrigin.forwardedScheme("for=192.0.2.1;proto=https;host=chat.example.com", null)).isEqualTo("https");
    assertThat(SameOrigin.forwardedScheme("proto=\"http\", proto=https", "https")).as("Forwarded wins").isEqualTo("http");
    assertThat(SameOrigin.forwardedScheme("for=192.0.2.1", "https")).isEqualTo("https");
    assertThat(SameOrigin.forwardedScheme("for=192.0.2.1;notproto=https", null)).isNull();
    assertThat(SameOrigin.forwardedScheme(null, "gopher")).isNull();
    assertThat(SameOrigin.forwardedScheme(null, null)).isNull();
  }
}
