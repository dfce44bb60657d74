package messenger.testing;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** One person using the HTTP API, with a cookie jar of their own, like a browser. */
public final class User {

  public final String name;
  private final String baseUrl;
  private final CookieManager cookies = new CookieManager();
  private final HttpClient http;

  public User(String baseUrl, String name) {
    this.baseUrl = baseUrl;
    this.name = name;
    this.http = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(5)).build();
  }

  static User login(TestApp app, String name) {
    User user = new User(app.baseUrl(), name);
    HttpResponse<String> res = user.login();
    if (res.statusCode() != 303) {
      throw new IllegalStateException("login of " + name + " failed: " + res.statusCode() + " " + res.body());
    }
    return user;
  }

  public HttpResponse<String> login() {
    return postForm("/login", "name=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
  }

  /** POST /send with {"text", "id"}; id may be null. */
  public HttpResponse<String> send(String text, String id) {
    JsonObject body = new JsonObject().put("text", text);
    if (id != null) {
      body.put("id", id);
    }
    return post("/send", "application/json", body.encode());
  }

  public HttpResponse<String> send(String text) {
    return send(text, null);
  }

  public HttpResponse<String> postForm(String path, String form) {
    return post(path, "application/x-www-form-urlencoded", form);
  }

  public HttpResponse<String> post(String path, String contentType, String body) {
    return request(HttpRequest.newBuilder(URI.create(baseUrl + path))
      .header("Origin", baseUrl)
      .header("Content-Type", contentType)
      .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  public HttpResponse<String> get(String path) {
    return request(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
  }

  public HttpResponse<String> request(HttpRequest.Builder builder) {
    try {
      return http.send(builder.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** GET /history with the given query, as a list of messages. */
  public List<JsonObject> history(String query) {
    HttpResponse<String> res = get("/history" + query);
    if (res.statusCode() != 200) {
      throw new IllegalStateException("history: " + res.statusCode() + " " + res.body());
    }
    return new JsonObject(res.body()).getJsonArray("messages").stream().map(m -> (JsonObject) m).toList();
  }

  /** A confirmed message reaches the history an instant after its 202: wait for it (10 s at most). */
  public void awaitInHistory(String text) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (history("?limit=200").stream().noneMatch(m -> text.equals(m.getString("text")))) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("'" + text + "' did not reach the history within 10 s");
      }
      TestApp.sleep(20);
    }
  }

  /** The Cookie header a browser would send. */
  public String cookieHeader() {
    return cookies.getCookieStore().getCookies().stream()
      .map(HttpCookie::toString)
      .collect(Collectors.joining("; "));
  }

  public String baseUrl() {
    return baseUrl;
  }
}
