package messenger.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * What a test opened (apps, browsers, proxies, sockets), closed after it, last opened first:
 * {@code @RegisterExtension final Cleanup cleanup = new Cleanup();} then {@code cleanup.keep(TestApp.start())}.
 */
public final class Cleanup implements AfterEachCallback {

  private final List<AutoCloseable> resources = new ArrayList<>();

  public <T extends AutoCloseable> T keep(T resource) {
    resources.add(resource);
    return resource;
  }

  /** Closes everything, also when one fails to close; then throws the first failure. */
  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    Exception first = null;
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        }
      }
    }
    resources.clear();
    if (first != null) {
      throw first;
    }
  }
}
