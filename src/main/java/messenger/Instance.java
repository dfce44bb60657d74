package messenger;

import java.lang.management.ManagementFactory;

/**
 * A name for this process, shown in connection names, logs, {@code /health}, the {@code X-Messenger-Instance}
 * header and the {@code instance} tag of every metric: {@code MESSENGER_INSTANCE} if set, else {@code host/pid}.
 */
public final class Instance {

  public static final String NAME = name(System.getenv("MESSENGER_INSTANCE"));

  private Instance() {
  }

  private static String name(String configured) {
    if (configured != null && !configured.isBlank()) {
      return configured.strip();
    }
    return ManagementFactory.getRuntimeMXBean().getName().replaceFirst("^(\\d+)@(.*)$", "$2/$1");
  }
}
