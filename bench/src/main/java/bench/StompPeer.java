package bench;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * What a RabbitMQ user would pick instead: the broker's Web-STOMP plugin. Receivers subscribe over
 * STOMP-over-WebSocket to a fanout exchange (one auto-delete queue each), senders SEND to it over STOMP.
 */
final class StompPeer implements Peer {

  private static final String CONNECT = "CONNECT\naccept-version:1.2\nhost:/\nlogin:guest\npasscode:guest\nheart-beat:0,0\n\n\0";

  private final int port;
  private final long brokerPid;
  private final String destination;

  StompPeer(int port, long brokerPid, String exchange) {
    this.port = port;
    this.brokerPid = brokerPid;
    this.destination = "/exchange/" + exchange;
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

  @Override
  public Future<Sender> openSender(Clients clients, int index) {
    return connect(clients, frame -> { }).map(ws -> id -> ws.writeTextMessage("SEND\ndestination:" + destination
      + "\ncontent-type:application/json\n\n{\"id\":\"" + id + "\",\"sender\":\"bench-s" + index
      + "\",\"text\":\"" + Peer.TEXT + "\",\"ts\":" + System.currentTimeMillis() + "}\0"));
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
