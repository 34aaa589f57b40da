package io.odoosidecar.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console as a person uses it, in headless Chromium: one method per thing done or read, over
 * any console (the fake daemon's or the real one's) given its base URL and a login. Screenshots are
 * saved as PNG into the folder named by the system property {@code console.screenshots}, when set.
 */
public final class ConsoleBrowser implements AutoCloseable {
  /** Debian's chromedriver (package {@code chromium-driver}). */
  public static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  /** Debian's Chromium (package {@code chromium}). */
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final String base;
  private final String login;
  private final String password;
  private final WebDriver driver;
  private final WebDriverWait wait;

  /** What the explain page answered. */
  public record Verdict(String fires, String why, String watched, List<String> comparedValues) {}

  /** Opens a headless Chromium for the console at {@code base} (no trailing slash). */
  public ConsoleBrowser(String base, String login, String password) {
    this.base = base;
    this.login = login;
    this.password = password;
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,900");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .build();
    this.driver = new ChromeDriver(service, options);
    this.wait = new WebDriverWait(driver, WAIT);
  }

  /** Whether a chromedriver is installed where these tests look for it. */
  public static boolean available() {
    return Files.isExecutable(DRIVER);
  }

  /** The browser, for what this class does not offer. */
  public WebDriver driver() {
    return driver;
  }

  // ------------------------------------------------------------------ pages

  /** Logs in through the login page and lands on the overview. */
  public ConsoleBrowser login() {
    open("/login");
    submitLogin(login, password);
    if (driver.getCurrentUrl().contains("/login")) {
      throw new IllegalStateException("the login was refused: " + loginError());
    }
    return this;
  }

  /** Tries a login with other credentials; returns the login page's error. */
  public String loginRefused(String otherLogin, String otherPassword) {
    open("/login");
    submitLogin(otherLogin, otherPassword);
    return loginError();
  }

  private void submitLogin(String user, String secret) {
    driver.findElement(By.id("login")).clear();
    driver.findElement(By.id("login")).sendKeys(user);
    driver.findElement(By.id("password")).sendKeys(secret);
    submit(driver.findElement(By.id("submit")));
  }

  private String loginError() {
    return textOf(By.id("login-error")).orElse("");
  }

  /** Logs out. */
  public ConsoleBrowser logout() {
    submit(driver.findElement(By.id("logout")));
    return this;
  }

  /** Opens the overview. */
  public ConsoleBrowser overview() {
    return open("/");
  }

  /** The overview's count of dead letters. */
  public long deadCount() {
    overview();
    return Long.parseLong(driver.findElement(By.id("events-dead")).getText().trim());
  }

  /** Opens the rules page. */
  public ConsoleBrowser rules() {
    return open("/rules");
  }

  /** The last error shown for a rule on the rules page. */
  public String lastError(String rule) {
    return rule(rule).findElement(By.cssSelector(".last-error")).getText().trim();
  }

  /** How many times the rules page says a rule fired. */
  public long fired(String rule) {
    return Long.parseLong(rule(rule).findElement(By.cssSelector(".fired")).getText().trim());
  }

  /** Whether the rules page shows a rule paused. */
  public boolean paused(String rule) {
    return rule(rule).findElement(By.cssSelector(".badge.state")).getText().trim().equals("paused");
  }

  /** Pauses a rule with its switch; returns the notice. */
  public String pause(String rule) {
    return flip(rule, "Pause");
  }

  /** Resumes a rule with its switch; returns the notice. */
  public String resume(String rule) {
    return flip(rule, "Resume");
  }

  private String flip(String rule, String label) {
    rules();
    WebElement button = rule(rule).findElement(By.cssSelector("button.switch"));
    if (!button.getText().trim().equals(label)) {
      throw new IllegalStateException("the switch of '" + rule + "' says " + button.getText());
    }
    submit(button);
    return notice();
  }

  /** Follows a rule's link to its dead letters; returns their event ids. */
  public List<Long> deadLettersOf(String rule) {
    rules();
    click(rule(rule).findElement(By.cssSelector("a.dead-letters")));
    return deadLetterIds();
  }

  /** Opens every dead letter. */
  public ConsoleBrowser deadLetters() {
    return open("/dead-letters");
  }

  /** The event ids of the dead letters listed on the page shown. */
  public List<Long> deadLetterIds() {
    return driver.findElements(By.cssSelector("#dead-letters tbody tr")).stream()
        .map(row -> Long.parseLong(row.getDomAttribute("id").substring("dead-".length())))
        .toList();
  }

  /** Opens a dead letter's traceback on the page shown and returns it. */
  public String traceback(long id) {
    WebElement row = driver.findElement(By.id("dead-" + id));
    row.findElement(By.cssSelector("details.traceback summary")).click();
    WebElement pre = row.findElement(By.cssSelector("details.traceback pre"));
    wait.until(ExpectedConditions.visibilityOf(pre));
    return pre.getText();
  }

  /** Replays one dead letter with its own button on the page shown; returns the notice. */
  public String replay(long id) {
    submit(driver.findElement(By.id("dead-" + id)).findElement(By.cssSelector("button.replay")));
    return notice();
  }

  /** Ticks dead letters on the page shown and discards them, confirming; returns the notice. */
  public String discard(List<Long> ids) {
    for (long id : ids) {
      driver.findElement(By.id("dead-" + id)).findElement(By.name("id")).click();
    }
    submit(driver.findElement(By.id("discard-selected")));
    submit(driver.findElement(By.id("confirm-discard")));
    return notice();
  }

  /** Reloads the dead letters until {@code id} is no longer one of them. */
  public ConsoleBrowser awaitNoDeadLetter(long id, Duration timeout) {
    new WebDriverWait(driver, timeout)
        .until(
            d -> {
              deadLetters();
              return !deadLetterIds().contains(id);
            });
    return this;
  }

  /** Opens a rule's runs. */
  public ConsoleBrowser runs(String rule) {
    rules();
    click(rule(rule).findElement(By.cssSelector("a.runs")));
    return this;
  }

  /** The results of the runs shown, newest first. */
  public List<String> runResults() {
    return driver.findElements(By.cssSelector("article.run")).stream()
        .map(run -> run.getDomAttribute("data-result"))
        .toList();
  }

  /** Reloads a rule's runs until the newest has {@code result}. */
  public ConsoleBrowser awaitNewestRun(String rule, String result, Duration timeout) {
    runs(rule);
    new WebDriverWait(driver, timeout)
        .until(
            d -> {
              driver.navigate().refresh();
              List<String> results = runResults();
              return !results.isEmpty() && results.get(0).equals(result);
            });
    return this;
  }

  /** Asks the explain page about a rule and a record. */
  public Verdict explain(String rule, long recordId) {
    open("/explain");
    new Select(driver.findElement(By.id("rule"))).selectByValue(rule);
    WebElement record = driver.findElement(By.id("record"));
    record.clear();
    record.sendKeys(String.valueOf(recordId));
    submit(driver.findElement(By.id("explain")));
    Optional<String> error = textOf(By.id("explain-error"));
    if (error.isPresent()) {
      throw new IllegalStateException("the explain page answered: " + error.get());
    }
    return new Verdict(
        driver.findElement(By.id("fires")).getText(),
        driver.findElement(By.id("why")).getText(),
        driver.findElement(By.id("watched")).getText(),
        driver.findElements(By.cssSelector("code.compared")).stream()
            .map(WebElement::getText)
            .toList());
  }

  /** The notice of the page shown, or empty. */
  public String notice() {
    return textOf(By.id("notice")).orElse("");
  }

  /** The page shown's heading. */
  public String heading() {
    return driver.findElement(By.tagName("h1")).getText();
  }

  /**
   * Saves the page shown as {@code <name>.png} (the whole page's height) into the folder of the
   * system property {@code console.screenshots}; does nothing when it is not set. Returns the file.
   */
  public Optional<Path> screenshot(String name) {
    String folder = System.getProperty("console.screenshots", "");
    if (folder.isBlank()) {
      return Optional.empty();
    }
    Object height =
        ((JavascriptExecutor) driver).executeScript("return document.documentElement.scrollHeight");
    Dimension before = driver.manage().window().getSize();
    int full = Math.min(4000, Math.max(before.getHeight(), ((Number) height).intValue() + 140));
    driver.manage().window().setSize(new Dimension(before.getWidth(), full));
    try {
      Path dir = Path.of(folder);
      Files.createDirectories(dir);
      Path file = dir.resolve(name + ".png");
      Files.write(file, ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
      return Optional.of(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the screenshot " + name, e);
    } finally {
      driver.manage().window().setSize(before);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }

  // ------------------------------------------------------------------ helpers

  private ConsoleBrowser open(String path) {
    driver.get(base + path);
    wait.until(d -> d.findElements(By.tagName("h1")).size() == 1);
    return this;
  }

  private WebElement rule(String name) {
    return driver.findElements(By.cssSelector("#rules tbody tr")).stream()
        .filter(row -> name.equals(row.getDomAttribute("data-rule")))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException("no rule '" + name + "' on the page"));
  }

  /** Clicks what sends the browser to another page, and waits for that page. */
  private void submit(WebElement element) {
    WebElement page = driver.findElement(By.tagName("html"));
    element.click();
    wait.until(d -> gone(page));
    wait.until(d -> d.findElements(By.tagName("h1")).size() == 1);
  }

  /**
   * Whether the page's element left the document. Chromium answers a node of a page navigated away
   * from mid-call with an inspector error rather than a stale reference: that is gone as well.
   */
  private static boolean gone(WebElement page) {
    try {
      page.isEnabled();
      return false;
    } catch (org.openqa.selenium.StaleElementReferenceException e) {
      return true;
    } catch (org.openqa.selenium.WebDriverException e) {
      if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
        return true;
      }
      throw e;
    }
  }

  private void click(WebElement link) {
    submit(link);
  }

  private Optional<String> textOf(By by) {
    List<WebElement> found = driver.findElements(by);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0).getText().trim());
  }
}
