package messenger.rabbit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.RabbitMQClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a consuming connection alive: a watchdog asks its owner whether it {@link Supervised#isRunning runs}
 * and, when it does not, closes the connection and opens a new one, on which the owner declares what it needs
 * and consumes again ({@link Supervised#connected}). The owner decides what "running" means: connected and
 * consuming at least, and it may add a check of its own (a reader that receives nothing, say).
 *
 * <p>Why not the client's own reconnect: it restarts a consumer with the arguments and the queue name it was
 * first created with (for a stream, the wrong offset), and {@code start()} does not wait for the
 * connection-established callbacks, so a consumer of a server-named queue re-subscribes to the old, deleted
 * queue before the callback has declared the new one, fails with 404 and recovers, if at all, one reconnect
 * later. Here the owner consumes only after it has declared, on every connection.
 */
public final class Supervisor {

  /** What a supervised connection runs. Called on the event loop of the verticle that created the supervisor. */
  public interface Supervised {

    /** Before each connection attempt: forget what belonged to the previous connection. */
    default void connecting() {
    }

    /** On a fresh connection: declare what is needed and start consuming. */
    Future<?> connected();

    /** Connected and consuming; false makes the supervisor connect again. */
    boolean isRunning();
  }

  private static final Logger log = LoggerFactory.getLogger(Supervisor.class);

  private final Vertx vertx;
  private final RabbitMQClient client;
  private final String what;
  private final long intervalMs;
  private final Supervised owner;
  private boolean connecting;
  private boolean stopped;
  private int failedAttempts;
  private long watchdog = -1;

  /**
   * {@code client} must not reconnect by itself (reconnect attempts 0); {@code what} names the connection in
   * the log; the watchdog looks every {@code intervalMs}.
   */
  public Supervisor(Vertx vertx, RabbitMQClient client, String what, long intervalMs, Supervised owner) {
    this.vertx = vertx;
    this.client = client;
    this.what = what;
    this.intervalMs = intervalMs;
    this.owner = owner;
  }

  /** Completes after the first connection attempt, successful or not: it keeps trying in the background. */
  public Future<Void> start() {
    watchdog = vertx.setPeriodic(intervalMs, t -> {
      if (!stopped && !connecting && !owner.isRunning()) {
        if (failedAttempts == 0) {
          log.info("{} is down; reconnecting", what);
        }
        client.stop().eventually(this::connect);
      }
    });
    return connect();
  }

  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(watchdog);
    return client.stop().otherwiseEmpty();
  }

  private Future<Void> connect() {
    if (stopped) {
      return Future.succeededFuture();
    }
    connecting = true;
    owner.connecting();
    return client.start()
      .compose(v -> owner.connected())
      .onSuccess(v -> failedAttempts = 0)
      .onFailure(err -> {
        // Once per outage, not once per attempt.
        if (failedAttempts++ == 0) {
          log.warn("{} unavailable ({}); retrying every {} ms", what, err.getMessage(), intervalMs);
        }
      })
      .onComplete(ar -> connecting = false)
      .<Void>mapEmpty()
      .otherwiseEmpty();
  }
}
