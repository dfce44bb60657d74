package messenger.browser;

import messenger.testing.TestApp;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.FluentWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.stream.Stream;

/**
 * One person at one headless Chromium (Debian's {@code /usr/bin/chromium}, driven through
 * {@code /usr/bin/chromedriver}, so nothing is downloaded), with a fresh profile and therefore a cookie
 * jar of its own. Several instances are several independent people.
 */
public final class Browser implements AutoCloseable {

  public static final String CHROMIUM = System.getProperty("chromium.binary", "/usr/bin/chromium");
  public static final String CHROMEDRIVER = System.getProperty("chromedriver.binary", "/usr/bin/chromedriver");
  /** Generous: other builds share the machine's two cores. */
  public static final Duration TIMEOUT = Duration.ofSeconds(20);
  public static final Path SCREENSHOTS = Path.of("target", "screenshots");

  public final ChromeDriver driver;
  private final ChromeDriverService service;
  private final Path profile;
  private final String baseUrl;

  private Browser(String baseUrl, int width, int height) {
    this.baseUrl = baseUrl;
    try {
      this.profile = Files.createTempDirectory("messenger-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions()
      .setBinary(CHROMIUM)
      .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    this.service = new ChromeDriverService.Builder()
      .usingDriverExecutable(new File(CHROMEDRIVER))
      .usingAnyFreePort()
      .build();
    try {
      this.driver = new ChromeDriver(service, options);
    } catch (RuntimeException e) {
      service.stop();
      deleteProfile();
      throw e;
    }
    driver.manage().timeouts().pageLoadTimeout(TIMEOUT).scriptTimeout(TIMEOUT);
    resize(width, height);
  }

  /** A browser for the app, 1280 × 900. */
  public static Browser open(TestApp app) {
    return open(app.baseUrl(), 1280, 900);
  }

  public static Browser open(TestApp app, int width, int height) {
    return open(app.baseUrl(), width, height);
  }

  public static Browser open(String baseUrl, int width, int height) {
    requireChromium();
    return new Browser(baseUrl, width, height);
  }

  /** On a developer's machine without Chromium the browser tests are skipped, saying why; in CI they must run. */
  private static void requireChromium() {
    boolean installed = Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER));
    if (!installed && !"true".equals(System.getenv("CI"))) {
      Assumptions.abort("Skipped: browser tests need Chromium and its driver at " + CHROMIUM + " and " + CHROMEDRIVER
        + " (Debian: apt-get install chromium chromium-driver). CI installs them and runs these tests.");
    }
  }

  // ---- navigation ----

  public Browser go(String path) {
    driver.get(baseUrl + path);
    return this;
  }

  /** Opens the login page, submits the name, and waits for the chat page to be connected. */
  public Browser login(String name) {
    submitLogin(name);
    waitFor("the chat page after logging in as " + name, () -> driver.getCurrentUrl().endsWith("/chat"));
    awaitConnected();
    return this;
  }

  /** Opens the login page and submits the name, without waiting for any outcome. */
  public Browser submitLogin(String name) {
    go("/");
    WebElement field = driver.findElement(By.id("name"));
    field.clear();
    field.sendKeys(name);
    field.sendKeys(Keys.ENTER);
    return this;
  }

  public void reload() {
    driver.navigate().refresh();
  }

  public void logout() {
    driver.findElement(By.cssSelector("#logout-form button")).click();
    waitFor("the login page after logging out", () -> driver.findElements(By.id("name")).size() == 1);
  }

  // ---- the chat page ----

  /** The connection indicator's state: connecting, open, reconnecting or closed. */
  public String connectionState() {
    return driver.findElement(By.id("connection")).getDomAttribute("data-state");
  }

  public void awaitConnected() {
    waitFor("the connection indicator to say open", () -> "open".equals(connectionState()));
  }

  public WebElement input() {
    return driver.findElement(By.id("text"));
  }

  /** Types into the message box (Selenium key codes such as {@link Keys#ENTER} included). */
  public Browser type(CharSequence... keys) {
    input().sendKeys(keys);
    return this;
  }

  /** Types the text and presses Enter. */
  public Browser send(String text) {
    return type(text, Keys.ENTER);
  }

  /** Every message shown, top to bottom, read in one round trip. */
  public List<Message> messages() {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) js(
      "return Array.from(document.querySelectorAll('#messages > li.message')).map(function (li) {"
        + " return { id: li.getAttribute('data-id'), seq: li.getAttribute('data-seq'),"
        + " sender: li.querySelector('.sender').textContent, text: li.querySelector('.text').textContent,"
        + " time: li.querySelector('time').textContent, classes: li.className,"
        + " state: li.querySelector('.state').textContent }; });");
    return rows.stream().map(Message::of).toList();
  }

  /** Waits until a message with exactly this text is shown (confirmed by the server) and returns it. */
  public Message awaitMessage(String text) {
    return waitFor(() -> "a confirmed message \"" + abbreviate(text) + "\"; shown: " + shown(), TIMEOUT,
      () -> messages().stream().filter(m -> m.text().equals(text) && m.confirmed()).findFirst().orElse(null));
  }

  /** Waits until the messages' texts are exactly these, in this order. */
  public void awaitTexts(List<String> texts) {
    waitFor(() -> "the messages " + texts + "; shown: " + shown(), TIMEOUT, () -> texts().equals(texts));
  }

  /** The messages shown, with their state, for failure messages. */
  private String shown() {
    try {
      return messages().stream()
        .map(m -> abbreviate(m.text()) + (m.confirmed() ? " #" + m.seq() : " [" + m.state() + "]")).toList().toString();
    } catch (RuntimeException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  /**
   * The shown texts of the elements a CSS selector finds, read in one go: lists such as the online list are redrawn
   * on every change, so elements found first and read one by one may be gone by the time they are read.
   */
  @SuppressWarnings("unchecked")
  public List<String> textsOf(String selector) {
    return (List<String>) js("return Array.from(document.querySelectorAll(arguments[0]), function (e) { return e.innerText.trim(); });", selector);
  }

  /** The names in the online list, top to bottom. */
  public List<String> online() {
    return textsOf("#online li .name");
  }

  /** The texts of the messages shown, top to bottom. */
  public List<String> texts() {
    return messages().stream().map(Message::text).toList();
  }

  // ---- general ----

  public Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Polls until the condition gives a non-null, non-false value; fails with the description otherwise. */
  public <T> T waitFor(String what, Supplier<T> condition) {
    return waitFor(what, TIMEOUT, condition);
  }

  public <T> T waitFor(String what, Duration timeout, Supplier<T> condition) {
    return waitFor(() -> what, timeout, condition);
  }

  /** As above, with a description computed when the wait fails (it can then tell what was there instead). */
  public <T> T waitFor(Supplier<String> what, Duration timeout, Supplier<T> condition) {
    Function<WebDriver, T> check = d -> condition.get();
    return new FluentWait<WebDriver>(driver)
      .withTimeout(timeout)
      .pollingEvery(Duration.ofMillis(100))
      .withMessage(() -> "waiting for " + what.get())
      .until(check);
  }

  /** True when a JavaScript dialog (alert, confirm, prompt) is open. */
  public boolean dialogOpen() {
    try {
      driver.switchTo().alert();
      return true;
    } catch (NoAlertPresentException e) {
      return false;
    }
  }

  /** Console messages at SEVERE level since the last call (JavaScript errors, CSP violations). */
  public List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
      .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
      .map(LogEntry::getMessage)
      .toList();
  }

  /**
   * Sets the viewport to exactly this size (a headless window cannot be narrower than 500 px, so this
   * emulates the device's screen; below 600 px as a mobile one, with touch-sized viewport semantics).
   */
  public void resize(int width, int height) {
    driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
      "width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 600));
  }

  /** Saves a PNG of the viewport under target/screenshots/ and returns its path. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.copy(((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(), file,
        StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } catch (RuntimeException e) {
      // the browser is gone already
    } finally {
      service.stop();
      deleteProfile();
    }
  }

  private void deleteProfile() {
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: it is a temp directory
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "…";
  }

  /** One message as the page shows it. */
  public record Message(String id, Long seq, String sender, String text, String time, boolean mine,
                        String classes, String state) {

    static Message of(Map<String, Object> row) {
      Object seq = row.get("seq");
      String classes = (String) row.get("classes");
      return new Message((String) row.get("id"), seq == null ? null : Long.valueOf(seq.toString()),
        (String) row.get("sender"), (String) row.get("text"), (String) row.get("time"),
        List.of(classes.split("\\s+")).contains("mine"), classes, (String) row.get("state"));
    }

    /** Shown from the server's copy (it has a seq), not only as a local echo. */
    public boolean confirmed() {
      return seq != null;
    }

    public boolean hasClass(String name) {
      return List.of(classes.split("\\s+")).contains(name);
    }
  }
}
