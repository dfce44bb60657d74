package messenger.rooms;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import messenger.Settings;
import messenger.broker.Broker;
import messenger.bus.ReaderStatus;

/**
 * The log of room events that every instance of one chat shares, read whole at start-up and followed live, so that
 * every instance, one started later included, knows the same rooms.
 */
interface RoomLog {

  /** The one place where the kind of broker decides how rooms are kept. */
  static RoomLog of(Broker broker, Vertx vertx, Settings settings) {
    return switch (broker.kind()) {
      case RABBITMQ -> new RoomStream(vertx, broker, settings);
      case EMBEDDED -> new InMemory();
    };
  }

  /**
   * Starts reading: {@code sink} gets every event in the log, then every new one (this instance's included), in log
   * order. Completes once the log has been read to where it ended at the start, or after a first attempt when the
   * broker is not there (it keeps trying in the background).
   */
  Future<Void> start(Handler<RoomEvent> sink);

  /** Appends an event; completes once the broker confirmed it and this instance has read it back (so it is applied). */
  Future<Void> append(RoomEvent event);

  /** How its reader is doing, for {@code /health}. */
  ReaderStatus status();

  Future<Void> stop();

  /** The embedded try-out broker has no streams: rooms live in this instance and are gone after a restart. */
  final class InMemory implements RoomLog {

    private Handler<RoomEvent> sink;

    @Override
    public Future<Void> start(Handler<RoomEvent> sink) {
      this.sink = sink;
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> append(RoomEvent event) {
      sink.handle(event);
      return Future.succeededFuture();
    }

    @Override
    public ReaderStatus status() {
      return ReaderStatus.inMemory("room log");
    }

    @Override
    public Future<Void> stop() {
      return Future.succeededFuture();
    }
  }
}
