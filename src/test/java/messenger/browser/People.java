package messenger.browser;

import messenger.testing.TestApp;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The browsers of one test, one per person, each with a profile (and cookies) of its own; closed after
 * each test. {@code @RegisterExtension final People people = new People(() -> app);}
 */
public final class People implements AfterEachCallback {

  private final Supplier<TestApp> app;
  private final List<Browser> browsers = new ArrayList<>();

  public People(Supplier<TestApp> app) {
    this.app = app;
  }

  /** A browser that is not logged in yet, at 1280 × 900. */
  public Browser open() {
    return keep(Browser.open(app.get()));
  }

  public Browser open(int width, int height) {
    return keep(Browser.open(app.get(), width, height));
  }

  /** A person who logged in with {@code name}. */
  public Browser login(String name) {
    return open().login(name);
  }

  private Browser keep(Browser browser) {
    browsers.add(browser);
    return browser;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    browsers.forEach(Browser::close);
    browsers.clear();
  }
}
