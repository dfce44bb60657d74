package bench;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;

/**
 * What a RabbitMQ user would pick instead: the broker's Web-STOMP plugin. Receivers subscribe over
 * STOMP-over-WebSocket to a fanout exchange (one auto-delete queue each), senders SEND to it over STOMP.
 * A confirmed sender asks for a RECEIPT per SEND; RabbitMQ's STOMP adapter sends it after the broker's
 * publisher confirm, so it is the counterpart of Messenger's 202.
 */
final class StompPeer implements Peer {

  private static final String CONNECT = "CONNECT\naccept-version:1.2\nhost:/\nlogin:guest\npasscode:guest\nheart-beat:0,0\n\n\0";

  private final int port;
  private final long brokerPid;
  private final String exchange;
  private final String destination;
  private final int maxSenders;

  StompPeer(int port, long brokerPid, String exchange, int maxSenders) {
    this.port = port;
    this.brokerPid = brokerPid;
    this.exchange = exchange;
    this.destination = "/exchange/" + exchange;
    this.maxSenders = maxSenders;
  }

  @Override
  public JsonObject spec() {
    return new JsonObject().put("name", name()).put("port", port).put("pid", brokerPid).put("exchange", exchange)
      .put("maxSenders", maxSenders);
  }

  @Override
  public int maxSenders() {
    return maxSenders;
  }

  @Override
  public String name() {
    return "web-stomp";
  }

  @Override
  public long serverPid() {
    return brokerPid;
  }

  @Override
  public Future<WebSocket> openReceiver(Clients clients, int index, Handler<Buffer> frames) {
    return connect(clients, frames).compose(ws ->
      ws.writeTextMessage("SUBSCRIBE\nid:0\ndestination:" + destination + "\nack:auto\n\n\0").map(ws));
  }

  /**
   * Web-STOMP closes a WebSocket that sent nothing for 60 s (its idle timeout; status 1000), which a
   * receiver never does by itself: an EOL, STOMP's heart-beat, every few seconds keeps it open, as the
   * heart-beats of a browser's STOMP client do.
   */
  @Override
  public String keepAlive() {
    return "\n";
  }

  @Override
  public Future<Sender> openSender(Clients clients, int index, boolean confirmed) {
    Map<String, Promise<Void>> awaitingReceipt = new HashMap<>();
    return connect(clients, frame -> receipts(frame, awaitingReceipt)).map(ws -> {
      ws.closeHandler(v -> {
        awaitingReceipt.values().forEach(p -> p.tryFail("Web-STOMP sender closed"));
        awaitingReceipt.clear();
      });
      return id -> send(ws, index, id, confirmed, awaitingReceipt);
    });
  }

  private Future<Void> send(WebSocket ws, int index, String id, boolean confirmed, Map<String, Promise<Void>> awaitingReceipt) {
    String frame = "SEND\ndestination:" + destination + "\ncontent-type:application/json\n"
      + (confirmed ? "persistent:true\nreceipt:" + id + "\n" : "")
      + "\n{\"id\":\"" + id + "\",\"sender\":\"bench-s" + index + "\",\"text\":\"" + Peer.TEXT
      + "\",\"ts\":" + System.currentTimeMillis() + "}\0";
    if (!confirmed) {
      return ws.writeTextMessage(frame);
    }
    Promise<Void> receipt = Promise.promise();
    awaitingReceipt.put(id, receipt);
    ws.writeTextMessage(frame).onFailure(err -> {
      awaitingReceipt.remove(id);
      receipt.tryFail(err);
    });
    return receipt.future();
  }

  /** Completes the sends a RECEIPT frame names; an ERROR frame fails every send still waiting. */
  private static void receipts(Buffer frame, Map<String, Promise<Void>> awaitingReceipt) {
    String text = frame.toString();
    if (text.startsWith("ERROR")) {
      Bench.log("Web-STOMP sender got %s", text.replace('\n', ' '));
      awaitingReceipt.values().forEach(p -> p.tryFail(text));
      awaitingReceipt.clear();
      return;
    }
    for (int i = text.indexOf("receipt-id:"); i >= 0; i = text.indexOf("receipt-id:", i + 1)) {
      int end = text.indexOf('\n', i);
      Promise<Void> receipt = awaitingReceipt.remove(text.substring(i + "receipt-id:".length(), end < 0 ? text.length() : end));
      if (receipt != null) {
        receipt.complete();
      }
    }
  }

  /** Opens a STOMP session; completes on CONNECTED, then passes every later frame on. */
  private Future<WebSocket> connect(Clients clients, Handler<Buffer> frames) {
    WebSocketConnectOptions options = new WebSocketConnectOptions()
      .setHost("127.0.0.1").setPort(port).setURI("/ws").addSubProtocol("v12.stomp");
    return clients.ws().connect(options).compose(ws -> {
      Promise<WebSocket> connected = Promise.promise();
      ws.handler(frame -> {
        if (connected.future().isComplete()) {
          frames.handle(frame);
        } else if (frame.toString().startsWith("CONNECTED")) {
          connected.complete(ws);
        } else {
          connected.fail("STOMP refused: " + frame);
        }
      });
      ws.closeHandler(v -> connected.tryFail("closed before CONNECTED"));
      ws.writeTextMessage(CONNECT);
      return connected.future();
    });
  }
}
