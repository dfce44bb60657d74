package messenger.session;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import messenger.Settings;
import messenger.broker.Broker;
import messenger.bus.LoggedOut;
import messenger.bus.ReaderStatus;

/**
 * The record of logouts that every instance of one chat shares, so that a session that logged out on one
 * instance is refused by all of them, those started later included. It holds what a session can outlive: the
 * logouts of the last session timeout.
 */
interface LogoutLog {

  /** The one place where the kind of broker decides how logouts are kept. */
  static LogoutLog of(Broker broker, Vertx vertx, Settings settings) {
    return switch (broker.kind()) {
      case RABBITMQ -> new LogoutStream(vertx, broker, settings);
      case EMBEDDED -> new InMemory();
    };
  }

  /**
   * Starts reading: {@code sink} gets every logout in the record, then every new one (on any instance, this one
   * included); {@code caughtUp} runs once every logout recorded before the start has been read. Completes after
   * the first attempt, successful or not (it keeps trying in the background).
   */
  Future<Void> start(Handler<LoggedOut> sink, Runnable caughtUp);

  /** Records a logout for every instance; completes once the broker has it. */
  Future<Void> record(LoggedOut logout);

  /** How its reader is doing, for {@code /health}. */
  ReaderStatus status();

  Future<Void> stop();

  /**
   * The embedded try-out broker serves one instance and has no streams: this process's memory is the whole
   * record. It is lost on a restart, while the cookies it refuses may stay valid (see the README).
   */
  final class InMemory implements LogoutLog {

    @Override
    public Future<Void> start(Handler<LoggedOut> sink, Runnable caughtUp) {
      caughtUp.run();
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> record(LoggedOut logout) {
      return Future.succeededFuture();
    }

    @Override
    public ReaderStatus status() {
      return ReaderStatus.inMemory("logout record");
    }

    @Override
    public Future<Void> stop() {
      return Future.succeededFuture();
    }
  }
}
