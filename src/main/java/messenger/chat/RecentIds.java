package messenger.chat;

import java.util.LinkedHashSet;
import java.util.Iterator;

/** The last {@code capacity} ids seen, oldest forgotten first. Not thread-safe. */
public final class RecentIds {

  private final int capacity;
  private final LinkedHashSet<String> ids = new LinkedHashSet<>();

  public RecentIds(int capacity) {
    this.capacity = capacity;
  }

  /** Records the id; answers false when it was already among the recent ones. */
  public boolean add(String id) {
    if (!ids.add(id)) {
      return false;
    }
    if (ids.size() > capacity) {
      Iterator<String> oldest = ids.iterator();
      oldest.next();
      oldest.remove();
    }
    return true;
  }

  public boolean contains(String id) {
    return ids.contains(id);
  }
}
