package messenger.broker;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks, at start-up, that an external broker is a RabbitMQ with streams (3.9 or newer), so that an old
 * broker is refused with a clear message instead of failing later on every attempt to declare the log.
 * It reads the server properties a broker sends when a connection opens, so it never declares anything.
 */
final class StreamCheck {

  static final String NEEDED = "RabbitMQ 3.9 or newer";
  private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

  private StreamCheck() {
  }

  /**
   * Connects once (blocking) and returns what is wrong with the broker, or null when it has streams.
   * Throws when the broker cannot be reached: the caller decides whether that is fatal.
   */
  static String problemAt(BrokerAddress address) throws Exception {
    return problem(serverPropertiesAt(address));
  }

  /** Connects once (blocking) and returns what the broker says of itself (product, version, …); throws as above. */
  static Map<String, Object> serverPropertiesAt(BrokerAddress address) throws Exception {
    ConnectionFactory factory = address.factory();
    factory.setConnectionTimeout(3000);
    factory.setHandshakeTimeout(3000);
    factory.setAutomaticRecoveryEnabled(false);
    try (Connection connection = factory.newConnection(address.shuffled(), "messenger-version-check")) {
      return connection.getServerProperties();
    }
  }

  /** What is wrong with a broker that sent these server properties, or null when it has streams. */
  static String problem(Map<String, Object> serverProperties) {
    String product = String.valueOf(serverProperties.get("product"));
    String version = String.valueOf(serverProperties.get("version"));
    Matcher m = VERSION.matcher(version);
    boolean hasStreams = "RabbitMQ".equals(product) && m.find()
      && (Integer.parseInt(m.group(1)) > 3 || Integer.parseInt(m.group(1)) == 3 && Integer.parseInt(m.group(2)) >= 9);
    return hasStreams ? null
      : "Messenger needs " + NEEDED + " (it keeps the chat log in a stream), but the broker is " + product + " " + version
        + ". Upgrade the broker, or set rabbitmq.embedded to \"always\" to try Messenger out on its embedded broker.";
  }
}
