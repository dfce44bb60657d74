package messenger.web;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An API error: {@code {"error": "<code>", "message": "<human text>"}} with a fitting status. Handlers throw it
 * or fail the request with it; the router's one failure handler ({@link #respond}) writes it, and gives every
 * other failure (vertx-web's {@link HttpException}s, a bare status such as the body limit's 413, a bug) the
 * standard code for its status. vertx-web's {@code HttpException} is final, hence this class.
 */
final class ApiError extends RuntimeException {

  private static final Logger log = LoggerFactory.getLogger(ApiError.class);

  final int status;
  final String error;

  ApiError(int status, String error, String message) {
    super(message, null, false, false);
    this.status = status;
    this.error = error;
  }

  /** Fails the request with this error. */
  static void send(RoutingContext ctx, int status, String error, String message) {
    ctx.fail(new ApiError(status, error, message));
  }

  /** The error a failed request is answered with. */
  static ApiError of(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiError error) {
      return error;
    }
    return standard(failure instanceof HttpException http ? http.getStatusCode() : ctx.statusCode());
  }

  /** The error code and text for a status when the failing code had nothing more specific to say. */
  static ApiError standard(int status) {
    return switch (status) {
      case 400 -> new ApiError(400, "bad_request", "The request is not valid.");
      case 401 -> new ApiError(401, "unauthenticated", "Log in first.");
      case 403 -> new ApiError(403, "forbidden", "Cross-site requests are not allowed.");
      case 404 -> new ApiError(404, "not_found", "There is nothing here.");
      case 405 -> new ApiError(405, "method_not_allowed", "That method is not allowed here.");
      case 413 -> new ApiError(413, "too_large", "The request body is too large.");
      case 415 -> new ApiError(415, "unsupported_media_type", "Send JSON (Content-Type: application/json).");
      case 429 -> new ApiError(429, "too_fast", "You are sending too fast; wait a moment.");
      case 503 -> new ApiError(503, "unavailable", "The message broker is unavailable; try again.");
      default -> new ApiError(status >= 400 && status < 600 ? status : 500, "internal", "Something went wrong on our side.");
    };
  }

  /** The router's failure handler (and its 404 and 405 handler): answers with the JSON error. */
  static void respond(RoutingContext ctx) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return;
    }
    ApiError error = of(ctx);
    if (error.status == 500 && ctx.failure() != null) {
      log.error("Unexpected failure of {} {}", ctx.request().method(), ctx.normalizedPath(), ctx.failure());
    }
    ctx.response().setStatusCode(error.status).putHeader("Cache-Control", "no-store");
    ctx.json(new JsonObject().put("error", error.error).put("message", error.getMessage()));
  }
}
