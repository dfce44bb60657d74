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
 * A TCP proxy in front of the broker that a test can cut and restore, to see what an app does when its
 * connections die (as in a broker restart or a network failure) without touching the shared broker.
 * While cut, open connections are closed and new ones are closed as soon as they arrive.
 */
public final class TcpProxy implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final NetServer server;
  private final NetClient client;
  private final String targetHost;
  private final int targetPort;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;

  private TcpProxy(String targetHost, int targetPort) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(2000));
    this.server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setTcpNoDelay(true))
      .connectHandler(this::accept);
    server.listen(0).await();
  }

  /** A proxy to the broker the tests use. */
  public static TcpProxy toBroker() {
    URI uri = URI.create(RabbitBroker.uri());
    return new TcpProxy(uri.getHost(), uri.getPort() == -1 ? 5672 : uri.getPort());
  }

  /** The broker URI with this proxy in its place. */
  public String brokerUri() {
    URI uri = URI.create(RabbitBroker.uri());
    return uri.getScheme() + "://" + uri.getRawUserInfo() + "@127.0.0.1:" + server.actualPort() + uri.getRawPath();
  }

  private void accept(NetSocket inbound) {
    if (cut) {
      inbound.close();
      return;
    }
    inbound.pause();
    client.connect(targetPort, targetHost).onSuccess(outbound -> {
      open.add(inbound);
      open.add(outbound);
      inbound.closeHandler(v -> {
        open.remove(inbound);
        outbound.close();
      });
      outbound.closeHandler(v -> {
        open.remove(outbound);
        inbound.close();
      });
      inbound.pipeTo(outbound);
      outbound.pipeTo(inbound);
      inbound.resume();
    }).onFailure(err -> inbound.close());
  }

  /** Closes every connection through the proxy and refuses new ones until {@link #restore()}. */
  public void cut() {
    cut = true;
    open.forEach(NetSocket::close);
  }

  public void restore() {
    cut = false;
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
