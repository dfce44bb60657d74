package messenger.identity;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import messenger.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * One OpenID Connect provider, found by discovery in the background: start-up never waits for it, and a provider
 * that does not answer (or answers nonsense) is asked again every {@code discoveryRetryMs} until it does. Until
 * then {@link #auth()} is null and the login page says that this way of signing in is unavailable.
 *
 * <p>Each HTTP verticle has its own, on its own event loop (the provider's HTTP client belongs to it).
 */
public final class OidcProvider {

  private static final Logger log = LoggerFactory.getLogger(OidcProvider.class);

  private final Vertx vertx;
  private final Settings.Oidc settings;
  private volatile OAuth2Auth auth;
  private long retryTimer = -1;
  private boolean stopped;
  private String lastProblem;

  public OidcProvider(Vertx vertx, Settings.Oidc settings) {
    this.vertx = vertx;
    this.settings = settings;
  }

  public Settings.Oidc settings() {
    return settings;
  }

  /** Starts discovering; returns at once. */
  public void start() {
    discover();
  }

  public void stop() {
    stopped = true;
    vertx.cancelTimer(retryTimer);
  }

  /** The provider once discovered, else null. */
  public OAuth2Auth auth() {
    return auth;
  }

  private void discover() {
    if (stopped) {
      return;
    }
    int timeout = (int) Math.min(Integer.MAX_VALUE, settings.discoveryTimeoutMs());
    OAuth2Options options = new OAuth2Options()
      .setSite(settings.issuer())
      .setClientId(settings.clientId())
      .setClientSecret(settings.clientSecret())
      .setHttpClientOptions(new HttpClientOptions().setConnectTimeout(timeout)
        .setIdleTimeout(timeout).setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
    // The discovery's own client has no overall time limit: a provider that accepts and never answers would
    // otherwise keep this pending for good.
    OpenIDConnectAuth.discover(vertx, options)
      .timeout(settings.discoveryTimeoutMs(), TimeUnit.MILLISECONDS)
      .compose(found -> Future.succeededFuture(found.missingKeyHandler(kid -> found.jWKSet()))) // keys rotate
      .onSuccess(found -> {
        auth = found;
        lastProblem = null;
        log.info("OpenID Connect provider {} found at {}", settings.name(), settings.issuer());
      })
      .onFailure(err -> {
        String problem = String.valueOf(err.getMessage());
        if (!problem.equals(lastProblem)) { // once per kind of failure, not every retry
          log.warn("OpenID Connect provider {} not found at {} ({}); asking again every {} ms",
            settings.name(), settings.issuer(), problem, settings.discoveryRetryMs());
        }
        lastProblem = problem;
        if (!stopped) {
          retryTimer = vertx.setTimer(Math.max(100, settings.discoveryRetryMs()), t -> discover());
        }
      });
  }
}
