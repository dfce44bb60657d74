package messenger.web;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The routes of a logged-in user's JSON API, with what each kind checks before its own handler runs, always in
 * the same order. A read ({@link #get}) needs a session. A write ({@link #post}, {@link #postJson},
 * {@link #putJson}) reads its body first (vertx-web wants the body handler first on a route), then refuses another
 * site (403) before it looks at the session (401), and the JSON ones then refuse any other content type (415).
 */
final class UserRoutes {

  private final Router router;
  private final Handler<RoutingContext> body;
  private final Handler<RoutingContext> sameOrigin;
  private final Handler<RoutingContext> requireUser;

  UserRoutes(Router router, Handler<RoutingContext> body, Handler<RoutingContext> sameOrigin,
             Handler<RoutingContext> requireUser) {
    this.router = router;
    this.body = body;
    this.sameOrigin = sameOrigin;
    this.requireUser = requireUser;
  }

  /** A read: GET with a session. */
  Route get(String path) {
    return router.get(path).handler(requireUser);
  }

  /** A write whose body, if any, need not be JSON (an action on the path, or an optional body it checks itself). */
  Route post(String path) {
    return write(router.post(path));
  }

  /** A write that takes a JSON body. */
  Route postJson(String path) {
    return write(router.post(path)).handler(UserRoutes::requireJson);
  }

  /** A write that takes a JSON body. */
  Route putJson(String path) {
    return write(router.put(path)).handler(UserRoutes::requireJson);
  }

  /** The body of a JSON write as an object; 400 {@code malformed_json} when it is not one. */
  static JsonObject jsonObject(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    try {
      if (body != null && Json.decodeValue(body) instanceof JsonObject json) {
        return json;
      }
    } catch (RuntimeException e) {
      // answered below
    }
    throw new ApiError(400, "malformed_json", "The body is not a JSON object.");
  }

  private Route write(Route route) {
    return route.handler(body).handler(sameOrigin).handler(requireUser);
  }

  /**
   * 415 unless the body is JSON. Media types are case-insensitive (RFC 9110), which vertx-web's
   * {@code route.consumes} (5.0.7) does not honour: it refused {@code APPLICATION/JSON}.
   */
  private static void requireJson(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    String media = type == null ? "" : type.split(";", 2)[0].strip();
    if (media.equalsIgnoreCase("application/json")) {
      ctx.next();
    } else {
      ctx.fail(ApiError.standard(415));
    }
  }
}
