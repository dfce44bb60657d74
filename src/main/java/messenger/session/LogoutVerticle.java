package messenger.session;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import messenger.Addresses;
import messenger.Settings;
import messenger.broker.Broker;
import messenger.bus.Bus;
import messenger.bus.LoggedOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Ends sessions on every instance. A logout here is added to {@link EndedLogins} at once (this process refuses
 * the session from then on), written to the {@link LogoutLog} that every instance reads, and answered once the
 * broker has it. Every logout read from the record is added as well: another instance's, and at start-up every
 * one that ended within the session timeout. Each logout that happens while this process runs, on any instance,
 * is announced on the local bus ({@code messenger.logout}): presence closes that login's tabs here and
 * RabbitVerticle drops the user's publisher.
 */
public class LogoutVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(LogoutVerticle.class);

  private final Settings settings;
  private final Broker broker;
  private final EndedLogins ended;
  private LogoutLog record;

  /** {@code ended}: kept here, read by the web verticles. */
  public LogoutVerticle(Settings settings, Broker broker, EndedLogins ended) {
    this.settings = settings;
    this.broker = broker;
    this.ended = ended;
  }

  /** Completes once the record has been read, or after a first attempt when the broker is not there. */
  @Override
  public Future<?> start() {
    record = LogoutLog.of(broker, vertx, settings);
    vertx.eventBus().<LoggedOut>localConsumer(Addresses.END_SESSION, this::end);
    vertx.eventBus().<Void>localConsumer(Addresses.LOGOUTS_STATUS, msg -> msg.reply(record.status(), Bus.LOCAL));
    vertx.setPeriodic(60_000, t -> ended.forgetExpired(System.currentTimeMillis()));
    return record.start(this::read, () -> {
      ended.completed();
      log.info("Sessions are checked against {} logouts of the last {} minutes", ended.size(),
        settings.http().sessionTimeoutMinutes());
    });
  }

  @Override
  public Future<?> stop() {
    return record.stop();
  }

  private void end(Message<LoggedOut> request) {
    LoggedOut logout = request.body();
    add(logout, true);
    record.record(logout)
      .timeout(settings.rabbit().confirmTimeoutMs(), TimeUnit.MILLISECONDS)
      .onFailure(err -> log.warn("A logout is not in the shared record yet ({}); it is recorded once the broker is back",
        err.getMessage()))
      .onComplete(ar -> request.reply(null));
  }

  /** Until the record has been read to its end, what is read ended before this process started: nothing here to close. */
  private void read(LoggedOut logout) {
    add(logout, ended.isComplete());
  }

  private void add(LoggedOut logout, boolean announce) {
    if (ended.add(logout.login(), logout.at(), System.currentTimeMillis()) && announce) {
      vertx.eventBus().publish(Addresses.LOGOUT, logout, Bus.LOCAL);
    }
  }
}
