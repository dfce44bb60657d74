package messenger.rabbit;

import java.lang.management.ManagementFactory;

/** A name for this process, shown in connection names and logs: {@code host/pid}. */
public final class Instance {

  public static final String NAME = ManagementFactory.getRuntimeMXBean().getName().replaceFirst("^(\\d+)@(.*)$", "$2/$1");

  private Instance() {
  }
}
