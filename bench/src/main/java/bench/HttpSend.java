package bench;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;

import java.util.function.Consumer;

/** POST {"text","id"} (and "room" when given) and expect 202, as the chat page does. */
final class HttpSend {

  private HttpSend() {
  }

  static Future<Void> post(HttpClient http, int port, String uri, String id, Consumer<HttpClientRequest> headers) {
    return post(http, port, uri, id, null, headers);
  }

  static Future<Void> post(HttpClient http, int port, String uri, String id, String room, Consumer<HttpClientRequest> headers) {
    String body = "{\"text\":\"" + Peer.TEXT + "\",\"id\":\"" + id + "\"" + (room == null ? "" : ",\"room\":\"" + room + "\"") + "}";
    return http.request(HttpMethod.POST, port, "127.0.0.1", uri)
      .compose(req -> {
        headers.accept(req.putHeader("Content-Type", "application/json"));
        return req.send(body);
      })
      .compose(resp -> resp.body().compose(b -> resp.statusCode() == 202 ? Future.<Void>succeededFuture()
        : Future.failedFuture("send answered " + resp.statusCode() + " " + b)));
  }
}
