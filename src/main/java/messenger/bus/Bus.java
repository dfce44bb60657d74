package messenger.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;

/**
 * How this process's verticles talk on the event bus: typed requests and events ({@link Message} records),
 * always local. Each instance reads the broker itself and answers its own requests, so a clustered event bus
 * must never carry them: {@link #LOCAL} keeps every send in the process, and the one codec carries a record
 * by reference (records are immutable) and refuses to serialise one.
 *
 * <p>The browser-facing {@code chat.*} addresses carry JSON instead: the bridge encodes it for the page.
 */
public final class Bus {

  /** Implemented by every record sent between verticles. */
  public interface Message {
  }

  /** Delivery within this process only. Shared: copy it ({@code new DeliveryOptions(LOCAL)}) to change anything. */
  public static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  static final String CODEC = "messenger.local";

  private Bus() {
  }

  /** Lets the event bus carry {@link Message}s; once per Vert.x instance, before any verticle sends one. */
  public static void install(Vertx vertx) {
    vertx.eventBus()
      .unregisterCodec(CODEC)
      .registerCodec(new LocalCodec())
      .codecSelector(body -> body instanceof Message ? CODEC : null);
  }

  /** Hands the record itself to a local consumer; a remote one can never get it. */
  static final class LocalCodec implements MessageCodec<Message, Message> {

    @Override
    public void encodeToWire(Buffer buffer, Message message) {
      throw new IllegalStateException(message.getClass().getSimpleName() + " is local to this process: send it with Bus.LOCAL");
    }

    @Override
    public Message decodeFromWire(int pos, Buffer buffer) {
      throw new IllegalStateException("local messages never travel on the wire");
    }

    @Override
    public Message transform(Message message) {
      return message;
    }

    @Override
    public String name() {
      return CODEC;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
