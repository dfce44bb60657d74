package messenger.session;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQClient;
import messenger.Settings;
import messenger.broker.Broker;
import messenger.bus.LoggedOut;
import messenger.bus.ReaderStatus;
import messenger.rabbit.FollowedStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The logout record on RabbitMQ: a small stream {@code <exchange>.logouts} that keeps each logout for the session
 * timeout ({@code x-max-age}), {@link FollowedStream followed} on a connection of its own: each instance reads it
 * whole at start-up, then follows it. One message per logout: {@code {"user", "login", "at"}} (JSON; {@code at} in
 * epoch milliseconds).
 *
 * <p>Why a stream: what a new instance must know is in it, in order, without any instance having to be up to
 * tell it, and the broker drops what has aged out. A logout that the broker did not confirm is published again
 * on the next connection; a copy read twice changes nothing.
 */
final class LogoutStream implements LogoutLog, FollowedStream.Reader {

  private static final Logger log = LoggerFactory.getLogger(LogoutStream.class);
  private static final int PREFETCH = 500;
  /**
   * A stream ages out whole segments (500 MB by default, which a logout record would never fill): small ones,
   * about 10 000 logouts each, let {@code x-max-age} take effect.
   */
  private static final long SEGMENT_BYTES = 1_000_000;

  private final String stream;
  private final JsonObject arguments;
  private final long keepMs;
  private final FollowedStream followed;
  /** This instance's logouts that the broker has not confirmed yet. */
  private final Set<LoggedOut> unconfirmed = new LinkedHashSet<>();
  private Handler<LoggedOut> sink;
  private Runnable onCaughtUp;

  LogoutStream(Vertx vertx, Broker broker, Settings settings) {
    this.stream = settings.rabbit().logoutStream();
    this.keepMs = settings.http().sessionTimeoutMinutes() * 60_000;
    this.arguments = new JsonObject()
      .put("x-queue-type", "stream")
      .put("x-max-age", settings.http().sessionTimeoutMinutes() + "m")
      .put("x-stream-max-segment-size-bytes", SEGMENT_BYTES);
    this.followed = new FollowedStream(vertx, broker, settings.rabbit(), "logouts", "logout record", stream, PREFETCH,
      this::declare);
  }

  @Override
  public Future<Void> start(Handler<LoggedOut> sink, Runnable caughtUp) {
    this.sink = sink;
    this.onCaughtUp = caughtUp;
    return followed.start(this);
  }

  @Override
  public Future<Void> stop() {
    return followed.stop();
  }

  @Override
  public Future<Void> record(LoggedOut logout) {
    unconfirmed.add(logout);
    return publish(logout);
  }

  @Override
  public ReaderStatus status() {
    return followed.status();
  }

  @Override
  public void subscribed() {
    long now = System.currentTimeMillis();
    unconfirmed.removeIf(l -> now - l.at() >= keepMs);
    List.copyOf(unconfirmed).forEach(this::publish);
  }

  @Override
  public void caughtUp() {
    onCaughtUp.run();
  }

  /**
   * Declared with this instance's session timeout. A stream of this name declared with other arguments (the
   * timeout was changed since) is used as it is rather than refused: the broker would refuse the declaration.
   */
  private Future<Void> declare(RabbitMQClient client) {
    return client.queueDeclare(stream, true, false, false, arguments).<Void>mapEmpty().recover(err -> {
      if (!inequivalent(err)) {
        return Future.failedFuture(err);
      }
      log.warn("The logout record '{}' exists with other arguments than {} (was http.sessionTimeoutMinutes changed?); "
        + "using it as it is. Delete it, or change its max-age with a policy.", stream, arguments.encode());
      return Future.succeededFuture();
    });
  }

  private static boolean inequivalent(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (String.valueOf(t.getMessage()).contains("inequivalent arg")) {
        return true;
      }
    }
    return false;
  }

  /** Its login is its id: the reader must read it back (or it is stalled). */
  private Future<Void> publish(LoggedOut logout) {
    Buffer body = new JsonObject().put("user", logout.user()).put("login", logout.login()).put("at", logout.at()).toBuffer();
    return followed.publish(logout.login(), body).onSuccess(v -> unconfirmed.remove(logout));
  }

  @Override
  public String read(long offset, Buffer body) {
    LoggedOut logout = parse(body);
    if (logout == null) {
      log.debug("Ignoring a message at offset {} of the logout record that is not a logout", offset);
      return null;
    }
    sink.handle(logout);
    return logout.login();
  }

  /** The logout a message carries, or null. */
  private static LoggedOut parse(Buffer body) {
    try {
      JsonObject json = body.toJsonObject();
      if (json.getValue("user") instanceof String user && json.getValue("login") instanceof String login
        && json.getValue("at") instanceof Number at) {
        return new LoggedOut(user, login, at.longValue());
      }
    } catch (RuntimeException notJson) {
      // anyone may publish to the stream: what is not a logout is skipped
    }
    return null;
  }
}
