package messenger.rabbit;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import messenger.chat.ChatMessage;

/**
 * The chat log as this instance reads it: every message published to the exchange, once, in log order,
 * each with its {@code seq}. The implementation decides where {@code seq} comes from and how reading
 * resumes after a broker or connection failure.
 */
interface ChatLog {

  /** Starts reading in the background (also when the broker is down: it keeps trying). */
  Future<Void> start(Handler<ChatMessage> sink);

  Future<Void> stop();

  /** Connected and consuming. */
  boolean isRunning();
}
