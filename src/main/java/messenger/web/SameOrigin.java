package messenger.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Refuses requests that a browser made on behalf of another site: the {@code Origin} (or, failing that,
 * the {@code Referer}) must name this server as the request reached it — same scheme, host and port — or
 * one of the configured origins. A request carrying neither header is refused too: every browser sends one
 * on the routes this guards.
 *
 * <p>Behind a proxy that ends TLS, the request reaches this server over plain HTTP although the browser
 * used https. With {@code trustForwardedHeaders} the scheme is the one the proxy forwards ({@code Forwarded:
 * proto=…}, else {@code X-Forwarded-Proto}); host and port stay those of the {@code Host} header, which the
 * proxy passes through. Without it those headers are ignored: any client can send them.
 */
final class SameOrigin implements Handler<RoutingContext> {

  private static final Pattern FORWARDED_PROTO = Pattern.compile("(?i)(?:^|;)\\s*proto=\"?(https?)\"?\\s*(?:;|$)");

  private final Set<String> allowed;
  private final boolean trustForwardedHeaders;

  SameOrigin(List<String> allowedOrigins, boolean trustForwardedHeaders) {
    this.allowed = allowedOrigins.stream().map(SameOrigin::normalize).collect(Collectors.toSet());
    this.trustForwardedHeaders = trustForwardedHeaders;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String origin = request.getHeader("Origin");
    if (origin == null) {
      origin = request.getHeader("Referer");
    }
    if (origin != null && allows(origin, scheme(request), request.authority())) {
      ctx.next();
    } else {
      ApiError.send(ctx, 403, "forbidden", "Cross-site requests are not allowed.");
    }
  }

  /** The scheme the browser used to reach this server. */
  private String scheme(HttpServerRequest request) {
    String scheme = request.scheme();
    if (trustForwardedHeaders) {
      String forwarded = forwardedScheme(request.getHeader("Forwarded"), request.getHeader("X-Forwarded-Proto"));
      if (forwarded != null) {
        scheme = forwarded;
      }
    }
    return scheme;
  }

  /**
   * The scheme named by the first proxy (the one the browser reached), {@code http} or {@code https}, or null
   * when neither header names one.
   */
  static String forwardedScheme(String forwarded, String xForwardedProto) {
    if (forwarded != null) {
      Matcher proto = FORWARDED_PROTO.matcher(forwarded.split(",", 2)[0]);
      if (proto.find()) {
        return proto.group(1).toLowerCase(Locale.ROOT);
      }
    }
    if (xForwardedProto != null) {
      String first = xForwardedProto.split(",", 2)[0].trim().toLowerCase(Locale.ROOT);
      if (first.equals("http") || first.equals("https")) {
        return first;
      }
    }
    return null;
  }

  /** True when {@code origin} is this server, reached with {@code scheme} at {@code authority}, or a configured origin. */
  boolean allows(String origin, String scheme, HostAndPort authority) {
    String named = normalizeOrNull(origin);
    if (named == null) {
      return false;
    }
    if (allowed.contains(named)) {
      return true;
    }
    if (authority == null || scheme == null) {
      return false;
    }
    String server = scheme.toLowerCase(Locale.ROOT);
    // The Host header has no port when the browser used the default port of its scheme.
    int port = authority.port() != -1 ? authority.port() : defaultPort(server);
    return named.equals(server + "://" + authority.host().toLowerCase(Locale.ROOT) + ":" + port);
  }

  /** {@code scheme://host:port}, lower case, with the scheme's default port filled in; null when it is no URL. */
  private static String normalizeOrNull(String origin) {
    URI uri;
    try {
      uri = URI.create(origin.trim());
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (uri.getScheme() == null || uri.getHost() == null) {
      return null;
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort() != -1 ? uri.getPort() : defaultPort(scheme);
    return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
  }

  private static String normalize(String origin) {
    String normalized = normalizeOrNull(origin);
    if (normalized == null) {
      throw new IllegalArgumentException("http.allowedOrigins: not an origin (scheme://host[:port]): " + origin);
    }
    return normalized;
  }

  private static int defaultPort(String scheme) {
    return scheme.equals("https") || scheme.equals("wss") ? 443 : 80;
  }
}
