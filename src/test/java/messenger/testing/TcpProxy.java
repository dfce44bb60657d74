package messenger.testing;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy between the app and the broker, to cut connections or make the broker unreachable without
 * touching the real broker (which other tests share).
 */
public final class TcpProxy implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final String targetHost;
  private final int targetPort;
  public final int port = TestApp.freePort();
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private final NetClient client;
  private NetServer server;

  private TcpProxy(String targetHost, int targetPort) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
  }

  /** A proxy to the test broker; listening when {@code up}, else refusing connections like a stopped broker. */
  public static TcpProxy toBroker(boolean up) {
    URI uri = URI.create(RabbitBroker.uri());
    TcpProxy proxy = new TcpProxy(uri.getHost(), uri.getPort() == -1 ? 5672 : uri.getPort());
    if (up) {
      proxy.up();
    }
    return proxy;
  }

  /** The broker URI as seen through this proxy. */
  public String uri() {
    URI broker = URI.create(RabbitBroker.uri());
    return broker.getScheme() + "://" + broker.getRawUserInfo() + "@localhost:" + port + (broker.getRawPath() == null ? "" : broker.getRawPath());
  }

  public synchronized void up() {
    if (server == null) {
      server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true).setHost("127.0.0.1"))
        .connectHandler(this::proxy);
      server.listen(port, "127.0.0.1").await();
    }
  }

  /** Stops listening and drops every connection: the broker is gone. */
  public synchronized void down() {
    if (server != null) {
      server.close().await();
      server = null;
    }
    cut();
  }

  /** Drops every connection but keeps listening: a network hiccup. */
  public void cut() {
    sockets.forEach(NetSocket::close);
    sockets.clear();
  }

  private void proxy(NetSocket inbound) {
    inbound.pause();
    client.connect(targetPort, targetHost).onComplete(ar -> {
      if (ar.failed()) {
        inbound.close();
        return;
      }
      NetSocket outbound = ar.result();
      sockets.add(inbound);
      sockets.add(outbound);
      inbound.closeHandler(v -> outbound.close());
      outbound.closeHandler(v -> inbound.close());
      inbound.handler(outbound::write);
      outbound.handler(inbound::write);
      inbound.resume();
    });
  }

  @Override
  public void close() {
    down();
    vertx.close().await();
  }
}
