package messenger.web;

import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * One system call for the frames a connection gets in one go. Vert.x flushes every write made outside a read of
 * the connection: the fan-out wrote and flushed each message to each bridge socket by itself, one {@code write(2)}
 * per frame. With Netty's {@link FlushConsolidationHandler} at the head of every HTTP connection, such a flush
 * waits for the event loop's current task to end: when the fan-out falls behind and the bus hands it several
 * messages at once, each socket gets their frames in one write (at light load a frame waits for nothing but the
 * rest of its task). Writes during a read are flushed when the read completes, as before.
 *
 * <p>Vert.x has no option for it; its connections' channel is reached through an internal type (Vert.x 5.0's
 * {@code ConnectionBase}). A connection of another type is left as it is; {@code FlushConsolidationTest} fails
 * when that happens, so an upgrade of Vert.x cannot drop this unnoticed.
 */
final class FlushConsolidation {

  static final String HANDLER = "messenger-flush-consolidation";

  private FlushConsolidation() {
  }

  static void install(HttpConnection connection) {
    if (connection instanceof ConnectionBase base) {
      base.channel().pipeline().addFirst(HANDLER,
        new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    }
  }
}
