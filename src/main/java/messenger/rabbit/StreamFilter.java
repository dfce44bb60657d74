package messenger.rabbit;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stream filtering (RabbitMQ 3.13 and later): a message published with the header {@code x-stream-filter-value}
 * (its room) lets the broker skip whole chunks of the chat log that hold no message of the room a consumer asks
 * for ({@code x-stream-filter}). Messages without a value (general's log from before, another client's) still come
 * with {@code x-stream-match-unfiltered}. The filter is a Bloom filter per chunk: a chunk that matches may still
 * hold other rooms' messages, so the reader filters by the {@code room} header all the same. Used where the
 * broker's version says it has it and {@code rabbitmq.streamFilter} is not {@code "off"}; elsewhere the app alone
 * filters, as on RabbitMQ 3.10.
 */
final class StreamFilter {

  /** The publisher's header: the value a chunk's filter is made of. */
  static final String VALUE = "x-stream-filter-value";
  /** The consumer's argument: the values it wants. */
  static final String FILTER = "x-stream-filter";
  /** The consumer's argument: also the chunks of messages published without a value. */
  static final String MATCH_UNFILTERED = "x-stream-match-unfiltered";

  private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

  private StreamFilter() {
  }

  /** Whether a broker that sent these server properties filters streams: RabbitMQ 3.13 or newer. Null: not known, no. */
  static boolean supportedBy(Map<String, Object> serverProperties) {
    if (serverProperties == null || !"RabbitMQ".equals(String.valueOf(serverProperties.get("product")))) {
      return false;
    }
    Matcher m = VERSION.matcher(String.valueOf(serverProperties.get("version")));
    if (!m.find()) {
      return false;
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    return major > 3 || major == 3 && minor >= 13;
  }

  /** Whether to filter: {@code rabbitmq.streamFilter} is not "off" ({@code setting}) and the broker can. */
  static boolean enabled(boolean setting, Map<String, Object> serverProperties) {
    return setting && supportedBy(serverProperties);
  }

  /**
   * A history reader's consumer arguments: from {@code offset}, and with {@code room} (null: every room) the
   * broker's filter when {@code filtered}.
   */
  static Map<String, Object> consumerArguments(long offset, String room, boolean filtered) {
    Map<String, Object> arguments = new HashMap<>();
    arguments.put(StreamEnd.OFFSET, offset);
    if (filtered && room != null) {
      arguments.put(FILTER, room);
      arguments.put(MATCH_UNFILTERED, true);
    }
    return arguments;
  }
}
