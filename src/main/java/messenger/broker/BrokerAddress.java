package messenger.broker;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.ConnectionFactory;
import io.vertx.rabbitmq.RabbitMQOptions;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a broker is and how to log in: the one place that reads an AMQP URI ({@code rabbitmq.uri},
 * {@code RABBITMQ_URI}, the embedded broker's). A cluster is named by several hosts in one URI,
 * {@code amqp://user:password@host1:5672,host2:5672,host3:5672/vhost}; a connection tries them in a random order
 * each time it connects. A URI that does not parse, or that lacks a host, stops start-up: it never falls back to
 * another broker or to other credentials.
 *
 * <p>Connections are configured with user, password, virtual host and the node list, never with the URI itself:
 * vertx-rabbitmq-client ignores the address list whenever a URI is set, and {@link URI} reads a list of hosts as
 * no host at all, so the client would quietly connect to localhost as guest.
 */
public final class BrokerAddress {

  private static final Pattern FORM = Pattern.compile("(amqps?)://([^/?#]*)(.*)", Pattern.DOTALL);
  private static final String EXPECTED = "expected amqp://user:password@host:port/vhost, or for a cluster "
    + "amqp://user:password@host1:port,host2:port,host3:port/vhost";

  private final boolean tls;
  private final String user;
  private final String password;
  private final String virtualHost;
  private final List<Address> nodes;

  private BrokerAddress(boolean tls, String user, String password, String virtualHost, List<Address> nodes) {
    this.tls = tls;
    this.user = user;
    this.password = password;
    this.virtualHost = virtualHost;
    this.nodes = List.copyOf(nodes);
  }

  public static BrokerAddress parse(String uri) {
    String text = uri == null ? "" : uri.strip();
    Matcher form = FORM.matcher(text);
    if (!form.matches()) {
      throw invalid(text, EXPECTED);
    }
    String scheme = form.group(1);
    String authority = form.group(2);
    String rest = form.group(3);
    int at = authority.lastIndexOf('@');
    String userInfo = at < 0 ? null : authority.substring(0, at);
    String hosts = authority.substring(at + 1);
    boolean tls = "amqps".equals(scheme);

    List<Address> nodes = new ArrayList<>();
    URI first = null;
    for (String host : hosts.split(",", -1)) {
      // Each node read as a URI of its own, so that every part is checked as the standard says.
      URI single = parseOne(text, host.strip(), scheme + "://" + (userInfo == null ? "" : userInfo + "@") + host.strip() + rest);
      if (single.getHost() == null || single.getHost().isEmpty()) {
        throw invalid(text, "\"" + host.strip() + "\" is not a host (" + EXPECTED + ")");
      }
      if (single.getRawQuery() != null || single.getRawFragment() != null) {
        throw invalid(text, "query parameters and fragments are not supported");
      }
      int port = single.getPort() > 0 ? single.getPort() : tls ? ConnectionFactory.DEFAULT_AMQP_OVER_SSL_PORT
        : ConnectionFactory.DEFAULT_AMQP_PORT;
      nodes.add(new Address(single.getHost().replaceAll("^\\[|]$", ""), port));
      first = first == null ? single : first;
    }

    String user = ConnectionFactory.DEFAULT_USER;
    String password = ConnectionFactory.DEFAULT_PASS;
    if (first.getUserInfo() != null) {
      String[] parts = first.getUserInfo().split(":", 2);
      user = parts[0];
      password = parts.length > 1 ? parts[1] : "";
    }
    // As the RabbitMQ Java client reads it: no path is the default "/", "/" is "", "/%2f" is "/".
    String virtualHost = ConnectionFactory.DEFAULT_VHOST;
    if (first.getRawPath() != null && !first.getRawPath().isEmpty()) {
      if (first.getRawPath().indexOf('/', 1) >= 0) {
        throw invalid(text, "the virtual host must be one path segment (write \"/\" as %2f)");
      }
      virtualHost = first.getPath().substring(1);
    }
    return new BrokerAddress(tls, user, password, virtualHost, nodes);
  }

  private static URI parseOne(String whole, String host, String single) {
    try {
      return new URI(single);
    } catch (URISyntaxException e) {
      throw invalid(whole, "at \"" + host + "\": " + e.getReason() + " (" + EXPECTED + ")");
    }
  }

  /** Names the setting but never repeats the URI: it may hold a password. */
  private static IllegalArgumentException invalid(String uri, String why) {
    return new IllegalArgumentException("rabbitmq.uri (or RABBITMQ_URI) is not a valid AMQP URI: " + why
      + (uri.isEmpty() ? " (it is empty)" : ""));
  }

  /** The nodes, in the order written. */
  public List<Address> nodes() {
    return nodes;
  }

  public String user() {
    return user;
  }

  public String virtualHost() {
    return virtualHost;
  }

  /**
   * Options for the Vert.x client's connections. Every connection attempt tries the nodes in a new random order,
   * so the instances' connections spread over a cluster and a reconnection does not always try the same node
   * first (the RabbitMQ Java client tries a list in the order given).
   */
  public RabbitMQOptions options() {
    RabbitMQOptions options = new RabbitMQOptions() {
      @Override
      public List<Address> getAddresses() {
        return shuffled();
      }
    };
    return options.setUser(user).setPassword(password).setVirtualHost(virtualHost).setSsl(tls);
  }

  /** For a plain RabbitMQ Java client connection: pass {@link #shuffled()} to {@code newConnection}. */
  public ConnectionFactory factory() throws NoSuchAlgorithmException {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUsername(user);
    factory.setPassword(password);
    factory.setVirtualHost(virtualHost);
    if (tls) {
      factory.useSslProtocol(javax.net.ssl.SSLContext.getDefault());
    }
    return factory;
  }

  /** The nodes in a random order. */
  public List<Address> shuffled() {
    List<Address> order = new ArrayList<>(nodes);
    Collections.shuffle(order);
    return order;
  }

  /** The nodes, without the credentials: safe to log. */
  @Override
  public String toString() {
    return String.join(",", nodes.stream().map(Address::toString).toList());
  }
}
