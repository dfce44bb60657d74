package messenger.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy between the app and the broker, to cut connections or make the broker unreachable without
 * touching the real broker (which other tests share); or between a browser and the app.
 */
public final class TcpProxy implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final String targetHost;
  private final int targetPort;
  public final int port = TestApp.freePort();
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  /** Each socket's event loop: pausing and resuming a socket happens there. */
  private final Map<NetSocket, Context> contexts = new ConcurrentHashMap<>();
  /** The sockets to the target: pausing them holds what the target sends, and nothing else. */
  private final Set<NetSocket> toTarget = ConcurrentHashMap.newKeySet();
  private volatile boolean stalled;
  private volatile boolean refusing;
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

  /** A proxy to the app, listening: a browser that goes through it can be cut off from the app alone. */
  public static TcpProxy toApp(TestApp app) {
    TcpProxy proxy = new TcpProxy("127.0.0.1", app.port);
    proxy.up();
    return proxy;
  }

  /** The broker URI as seen through this proxy. */
  public String uri() {
    URI broker = URI.create(RabbitBroker.uri());
    return broker.getScheme() + "://" + broker.getRawUserInfo() + "@localhost:" + port + (broker.getRawPath() == null ? "" : broker.getRawPath());
  }

  public synchronized void up() {
    refusing = false;
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

  /**
   * Closes every new connection at once and keeps those it carries: whatever connection is lost now cannot come back
   * until {@link #up()}, while the others go on.
   */
  public void refuseNew() {
    refusing = true;
  }

  /** The local ports of the connections this proxy opened to its target: the peer ports the target sees. */
  public Set<Integer> targetSidePorts() {
    return sockets.stream().map(socket -> socket.localAddress().port()).filter(p -> p != port)
      .collect(java.util.stream.Collectors.toSet());
  }

  /** Drops every connection but keeps listening: a network hiccup. */
  public void cut() {
    sockets.forEach(NetSocket::close);
    sockets.clear();
    contexts.clear();
  }

  /** Holds every byte in both directions, connections open: a broker that stopped answering. */
  public void stall() {
    stalled = true;
    onEverySocket(NetSocket::pause);
  }

  /** Holds every byte the target sends, connections open; what is sent to it still goes: its answers are late. */
  public void holdAnswers() {
    List<Future<Void>> done = new ArrayList<>();
    contexts.forEach((socket, context) -> {
      if (toTarget.contains(socket)) {
        Promise<Void> promise = Promise.promise();
        context.runOnContext(v -> {
          socket.pause();
          promise.complete();
        });
        done.add(promise.future());
      }
    });
    Future.all(done).await();
  }

  /** Passes bytes on again, what was held first. */
  public void resume() {
    stalled = false;
    onEverySocket(NetSocket::resume);
  }

  private void onEverySocket(java.util.function.Consumer<NetSocket> action) {
    List<Future<Void>> done = new ArrayList<>();
    contexts.forEach((socket, context) -> {
      Promise<Void> promise = Promise.promise();
      context.runOnContext(v -> {
        action.accept(socket);
        promise.complete();
      });
      done.add(promise.future());
    });
    Future.all(done).await();
  }

  private void proxy(NetSocket inbound) {
    if (refusing) {
      inbound.close();
      return;
    }
    inbound.pause();
    client.connect(targetPort, targetHost).onComplete(ar -> {
      if (ar.failed()) {
        inbound.close();
        return;
      }
      NetSocket outbound = ar.result();
      sockets.add(inbound);
      sockets.add(outbound);
      toTarget.add(outbound);
      contexts.put(inbound, Vertx.currentContext());
      contexts.put(outbound, Vertx.currentContext());
      inbound.closeHandler(v -> {
        outbound.close();
        contexts.remove(inbound);
      });
      outbound.closeHandler(v -> {
        inbound.close();
        contexts.remove(outbound);
        toTarget.remove(outbound);
      });
      inbound.handler(outbound::write);
      outbound.handler(inbound::write);
      if (stalled) {
        outbound.pause();
      } else {
        inbound.resume();
      }
    });
  }

  @Override
  public void close() {
    down();
    vertx.close().await();
  }
}
