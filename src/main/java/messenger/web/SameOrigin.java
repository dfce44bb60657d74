package messenger.web;

import io.vertx.core.Handler;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Refuses requests that a browser made on behalf of another site: the {@code Origin} (or, failing that,
 * the {@code Referer}) must name this server as the request reached it, or one of the configured origins.
 * A request carrying neither header is refused too: every browser sends one on the routes this guards.
 */
final class SameOrigin implements Handler<RoutingContext> {

  private final Set<String> allowed;

  SameOrigin(List<String> allowedOrigins) {
    this.allowed = allowedOrigins.stream().map(SameOrigin::normalize).collect(Collectors.toSet());
  }

  @Override
  public void handle(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin == null) {
      origin = ctx.request().getHeader("Referer");
    }
    if (origin != null && isAllowed(origin, ctx.request().authority())) {
      ctx.next();
    } else {
      ApiError.send(ctx, 403, "forbidden", "Cross-site requests are not allowed.");
    }
  }

  private boolean isAllowed(String origin, HostAndPort authority) {
    URI uri;
    try {
      uri = URI.create(origin.trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (uri.getScheme() == null || uri.getHost() == null) {
      return false;
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort() != -1 ? uri.getPort() : defaultPort(scheme);
    if (allowed.contains(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port)) {
      return true;
    }
    if (authority == null) {
      return false;
    }
    // The Host header has no port when the browser used the default one of the scheme it used.
    int hostPort = authority.port() != -1 ? authority.port() : defaultPort(scheme);
    return uri.getHost().equalsIgnoreCase(authority.host()) && port == hostPort;
  }

  private static String normalize(String origin) {
    URI uri = URI.create(origin.trim());
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort() != -1 ? uri.getPort() : defaultPort(scheme);
    return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
  }

  private static int defaultPort(String scheme) {
    return scheme.equals("https") || scheme.equals("wss") ? 443 : 80;
  }
}
