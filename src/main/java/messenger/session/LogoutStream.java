package messenger.session;

import com.rabbitmq.client.AMQP;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQConsumer;
import io.vertx.rabbitmq.RabbitMQMessage;
import messenger.Settings;
import messenger.broker.Broker;
import messenger.bus.LoggedOut;
import messenger.rabbit.StreamEnd;
import messenger.rabbit.Supervisor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The logout record on RabbitMQ: a small stream {@code <exchange>.logouts} that keeps each logout for the session
 * timeout ({@code x-max-age}), on a connection of its own kept by a {@link Supervisor}. Each instance reads it
 * whole at start-up, then follows it, and resumes after a reconnect from the last offset it saw + 1. One
 * message per logout: {@code {"user", "login", "at"}} (JSON; {@code at} in epoch milliseconds).
 *
 * <p>Why a stream: what a new instance must know is in it, in order, without any instance having to be up to
 * tell it, and the broker drops what has aged out. A logout that the broker did not confirm is published again
 * on the next connection; a copy read twice changes nothing.
 */
final class LogoutStream implements LogoutLog, Supervisor.Supervised {

  private static final Logger log = LoggerFactory.getLogger(LogoutStream.class);
  private static final int PREFETCH = 500;
  /**
   * A stream ages out whole segments (500 MB by default, which a logout record would never fill): small ones,
   * about 10 000 logouts each, let {@code x-max-age} take effect.
   */
  private static final long SEGMENT_BYTES = 1_000_000;
  /** How long a start-up waits to have read the record before it lets requests in (they get 503 until then). */
  private static final long FIRST_READ_MS = 10_000;

  private final Vertx vertx;
  private final RabbitMQClient client;
  private final Supervisor supervisor;
  private final String stream;
  private final JsonObject arguments;
  private final long keepMs;
  private final long confirmTimeoutMs;
  private final AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
    .contentType("application/json")
    .deliveryMode(2)
    .build();
  /** This instance's logouts that the broker has not confirmed yet. */
  private final Set<LoggedOut> unconfirmed = new LinkedHashSet<>();
  private final Promise<Void> firstRead = Promise.promise();
  private Handler<LoggedOut> sink;
  private Runnable caughtUp;
  private RabbitMQConsumer consumer;
  private long lastOffset = -1;
  /** Where the first read ends: the last offset when this instance first connected (-1: empty); null until then. */
  private Long end;

  LogoutStream(Vertx vertx, Broker broker, Settings settings) {
    this.vertx = vertx;
    this.stream = settings.rabbit().logoutStream();
    this.keepMs = settings.http().sessionTimeoutMinutes() * 60_000;
    this.confirmTimeoutMs = settings.rabbit().confirmTimeoutMs();
    this.arguments = new JsonObject()
      .put("x-queue-type", "stream")
      .put("x-max-age", settings.http().sessionTimeoutMinutes() + "m")
      .put("x-stream-max-segment-size-bytes", SEGMENT_BYTES);
    this.client = broker.client(vertx, "logouts", 0);
    this.supervisor = new Supervisor(vertx, client, "Logout record", settings.rabbit().reconnectIntervalMs(), this);
  }

  @Override
  public Future<Void> start(Handler<LoggedOut> sink, Runnable caughtUp) {
    this.sink = sink;
    this.caughtUp = caughtUp;
    return supervisor.start().compose(v -> isRunning()
      ? firstRead.future().timeout(FIRST_READ_MS, TimeUnit.MILLISECONDS).otherwiseEmpty()
      : Future.succeededFuture());
  }

  @Override
  public Future<Void> stop() {
    return supervisor.stop();
  }

  @Override
  public Future<Void> record(LoggedOut logout) {
    unconfirmed.add(logout);
    return publish(logout);
  }

  @Override
  public void connecting() {
    consumer = null;
  }

  @Override
  public Future<?> connected() {
    return declare()
      .compose(v -> StreamEnd.follow(vertx, client, stream, PREFETCH, end, lastOffset))
      .onSuccess(following -> {
        end = following.end();
        RabbitMQConsumer c = following.consumer();
        consumer = c;
        c.handler(this::read);
        log.info("Reading the logout record '{}' from offset {}", stream, lastOffset + 1);
        if (lastOffset >= end) {
          readToEnd();
        }
        long now = System.currentTimeMillis();
        unconfirmed.removeIf(l -> now - l.at() >= keepMs);
        List.copyOf(unconfirmed).forEach(this::publish);
      });
  }

  @Override
  public boolean isRunning() {
    return consumer != null && !consumer.isCancelled() && client.isConnected();
  }

  /**
   * Declared with this instance's session timeout. A stream of this name declared with other arguments (the
   * timeout was changed since) is used as it is rather than refused: the broker would refuse the declaration.
   */
  private Future<Void> declare() {
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

  private Future<Void> publish(LoggedOut logout) {
    if (!client.isConnected()) {
      return Future.failedFuture("the broker is not connected");
    }
    Buffer body = new JsonObject().put("user", logout.user()).put("login", logout.login()).put("at", logout.at()).toBuffer();
    return client.basicPublish("", stream, properties, body)
      .compose(v -> client.waitForConfirms(confirmTimeoutMs))
      .onSuccess(v -> unconfirmed.remove(logout));
  }

  private void read(RabbitMQMessage message) {
    client.basicAck(message.envelope().getDeliveryTag(), false);
    Long offset = StreamEnd.offset(message);
    if (offset == null || offset <= lastOffset) {
      return;
    }
    lastOffset = offset;
    LoggedOut logout = parse(message.body());
    if (logout == null) {
      log.debug("Ignoring a message at offset {} of the logout record that is not a logout", offset);
    } else {
      sink.handle(logout);
    }
    if (offset >= end) {
      readToEnd();
    }
  }

  private void readToEnd() {
    if (caughtUp != null) {
      Runnable done = caughtUp;
      caughtUp = null;
      done.run();
      firstRead.tryComplete();
    }
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
