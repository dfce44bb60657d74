package messenger.web;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import messenger.metrics.Metrics;

/** Every API error is {@code {"error": "<code>", "message": "<human text>"}} with a fitting status. */
final class ApiError {

  private ApiError() {
  }

  static void send(RoutingContext ctx, int status, String error, String message) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return;
    }
    if (ctx.request().method() == HttpMethod.POST && "/send".equals(ctx.normalizedPath())) {
      Metrics.of(ctx.vertx()).refused(error);
    }
    ctx.response()
      .setStatusCode(status)
      .putHeader("Content-Type", "application/json; charset=utf-8")
      .putHeader("Cache-Control", "no-store")
      .end(new JsonObject().put("error", error).put("message", message).encode());
  }

  /** The error code and text for a status when the failing code had nothing more specific to say. */
  static void send(RoutingContext ctx, int status) {
    switch (status) {
      case 400 -> send(ctx, 400, "bad_request", "The request is not valid.");
      case 401 -> send(ctx, 401, "unauthenticated", "Log in first.");
      case 403 -> send(ctx, 403, "forbidden", "Cross-site requests are not allowed.");
      case 404 -> send(ctx, 404, "not_found", "There is nothing here.");
      case 405 -> send(ctx, 405, "method_not_allowed", "That method is not allowed here.");
      case 413 -> send(ctx, 413, "too_large", "The request body is too large.");
      case 415 -> send(ctx, 415, "unsupported_media_type", "Send JSON (Content-Type: application/json).");
      case 429 -> send(ctx, 429, "too_fast", "You are sending too fast; wait a moment.");
      case 503 -> send(ctx, 503, "unavailable", "The message broker is unavailable; try again.");
      default -> send(ctx, status >= 400 && status < 600 ? status : 500, "internal", "Something went wrong on our side.");
    }
  }
}
