package messenger.testing;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookieStore;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One person using the HTTP API, with a cookie jar of their own, like a browser. */
public final class User {

  public final String name;
  private final String baseUrl;
  private final CookieManager cookies;
  private final HttpClient http;

  public User(String baseUrl, String name) {
    this(baseUrl, name, HttpClient.Version.HTTP_2);
  }

  /**
   * With HTTP/1.1 the client opens a connection per request in flight, as browsers behind a proxy do; over HTTP/2
   * (the JDK client upgrades) it refuses requests beyond the server's 100 concurrent streams, which a load with
   * slow answers reaches.
   */
  public User(String baseUrl, String name, HttpClient.Version version) {
    this.baseUrl = baseUrl;
    this.name = name;
    this.cookies = new CookieManager(new LoopbackIsSecure(new CookieManager().getCookieStore()), null);
    this.http = HttpClient.newBuilder().version(version).cookieHandler(cookies).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private User(String baseUrl, User same) {
    this.baseUrl = baseUrl;
    this.name = same.name;
    this.cookies = same.cookies;
    this.http = same.http;
  }

  /** The same person (same cookies, so the same session) talking to another server, e.g. another instance. */
  public User via(String otherBaseUrl) {
    return new User(otherBaseUrl, this);
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

  /** POST /send with {"text", "id", "room"}; id may be null. */
  public HttpResponse<String> send(String text, String id, String room) {
    JsonObject body = new JsonObject().put("text", text).put("room", room);
    if (id != null) {
      body.put("id", id);
    }
    return post("/send", "application/json", body.encode());
  }

  /** POST /rooms with {"name", "topic"}; topic may be null. */
  public HttpResponse<String> createRoom(String name, String topic) {
    JsonObject body = new JsonObject().put("name", name);
    if (topic != null) {
      body.put("topic", topic);
    }
    return post("/rooms", "application/json", body.encode());
  }

  /** PUT /rooms/<room>/topic with {"topic"}. */
  public HttpResponse<String> setTopic(String room, String topic) {
    return put("/rooms/" + room + "/topic", "application/json", new JsonObject().put("topic", topic).encode());
  }

  /** POST /rooms/<room>/archive. */
  public HttpResponse<String> archiveRoom(String room) {
    return post("/rooms/" + room + "/archive", "application/json", "");
  }

  public HttpResponse<String> put(String path, String contentType, String body) {
    return request(HttpRequest.newBuilder(URI.create(baseUrl + path))
      .header("Origin", baseUrl)
      .header("Content-Type", contentType)
      .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** The names in GET /rooms, in its order. */
  public List<String> rooms() {
    HttpResponse<String> res = get("/rooms");
    if (res.statusCode() != 200) {
      throw new IllegalStateException("rooms: " + res.statusCode() + " " + res.body());
    }
    return new JsonObject(res.body()).getJsonArray("rooms").stream().map(r -> ((JsonObject) r).getString("name")).toList();
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

  /** GET of any URL (another site's too, such as the sign-in provider's), with this person's cookies. */
  public HttpResponse<String> getUrl(String url) {
    return request(HttpRequest.newBuilder(URI.create(url)).GET());
  }

  /** A form posted to any URL, as a page of that URL's site posts it. */
  public HttpResponse<String> postFormTo(String url, String form) {
    URI uri = URI.create(url);
    return request(HttpRequest.newBuilder(uri)
      .header("Origin", uri.getScheme() + "://" + uri.getAuthority())
      .header("Content-Type", "application/x-www-form-urlencoded")
      .POST(HttpRequest.BodyPublishers.ofString(form)));
  }

  /**
   * Signs in through the provider's login form as a browser would (the test provider is {@link Keycloak}): starts
   * at {@code GET /login/oidc}, fills the provider's form, and brings its answer back to the app. Returns the last
   * answer: the app's (303 to /chat when it worked), or the provider's page when it refused the password.
   */
  public HttpResponse<String> signIn(String username, String password) {
    HttpResponse<String> started = get("/login/oidc");
    if (started.statusCode() != 302) {
      return started;
    }
    HttpResponse<String> form = getUrl(started.headers().firstValue("Location").orElseThrow());
    String action = Keycloak.loginFormAction(form.body());
    if (action == null) {
      throw new IllegalStateException("no login form in the provider's answer: " + form.statusCode() + " " + form.body());
    }
    HttpResponse<String> posted = postFormTo(action, Keycloak.loginForm(username, password));
    return posted.statusCode() == 302 ? getUrl(posted.headers().firstValue("Location").orElseThrow()) : posted;
  }

  public HttpResponse<String> request(HttpRequest.Builder builder) {
    return request(builder, HttpResponse.BodyHandlers.ofString());
  }

  /** A request whose answer is read as it comes (a long response, e.g. a stream). */
  public HttpResponse<java.io.InputStream> stream(HttpRequest.Builder builder) {
    return request(builder, HttpResponse.BodyHandlers.ofInputStream());
  }

  private <T> HttpResponse<T> request(HttpRequest.Builder builder, HttpResponse.BodyHandler<T> body) {
    try {
      return http.send(builder.timeout(Duration.ofSeconds(15)).build(), body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** GET /history with the given query, as a list of messages. */
  public List<JsonObject> history(String query) {
    return messages(historyPage(query));
  }

  /** GET /history with the given query: the whole answer, {@code {"messages","complete","expired"}}; 200 or it throws. */
  public JsonObject historyPage(String query) {
    HttpResponse<String> res = get("/history" + query);
    if (res.statusCode() != 200) {
      throw new IllegalStateException("history: " + res.statusCode() + " " + res.body());
    }
    return new JsonObject(res.body());
  }

  /** The messages of a history page. */
  public static List<JsonObject> messages(JsonObject page) {
    return page.getJsonArray("messages").stream().map(m -> (JsonObject) m).toList();
  }

  /** A confirmed message reaches the history an instant after its 202: wait for it (10 s at most). */
  public void awaitInHistory(String text) {
    await("'" + text + "' in the history").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
      .untilAsserted(() -> assertThat(history("?limit=200")).extracting(m -> m.getString("text")).contains(text));
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

  /**
   * Browsers count http://localhost and http://127.0.0.1 as secure, so they send {@code Secure} cookies there (the
   * sign-in provider's, SameSite=None, are); the JDK's cookie manager never sends them over http. So cookies of a
   * loopback host are kept without the flag.
   */
  private record LoopbackIsSecure(CookieStore store) implements CookieStore {

    @Override
    public void add(URI uri, HttpCookie cookie) {
      if (uri != null && ("localhost".equals(uri.getHost()) || "127.0.0.1".equals(uri.getHost()))) {
        cookie.setSecure(false);
      }
      store.add(uri, cookie);
    }

    @Override
    public List<HttpCookie> get(URI uri) {
      return store.get(uri);
    }

    @Override
    public List<HttpCookie> getCookies() {
      return store.getCookies();
    }

    @Override
    public List<URI> getURIs() {
      return store.getURIs();
    }

    @Override
    public boolean remove(URI uri, HttpCookie cookie) {
      return store.remove(uri, cookie);
    }

    @Override
    public boolean removeAll() {
      return store.removeAll();
    }
  }
}
