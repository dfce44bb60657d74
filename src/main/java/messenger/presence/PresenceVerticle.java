package messenger.presence;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import messenger.Addresses;
import messenger.Instance;
import messenger.Settings;
import messenger.broker.Broker;
import messenger.bus.Bus;
import messenger.bus.LoggedOut;
import messenger.bus.PresenceRequests.CloseTabs;
import messenger.bus.PresenceRequests.Membership;
import messenger.bus.PresenceRequests.Online;
import messenger.bus.PresenceRequests.TabClosed;
import messenger.bus.PresenceRequests.TabOpened;
import messenger.bus.PresenceRequests.Typing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Presence and typing across instances. Each instance announces the users with a tab open on it (its
 * {@link LocalTabs}) to the other instances ({@link PresenceChannel}), every heartbeat and at once on every
 * change; every instance keeps everyone's announcements in a {@link Roster} and drops an instance it has not
 * heard from within the expiry time. Roster changes and typing events are republished on the local event bus,
 * where the bridge carries them to this instance's browsers; who holds each name is kept in {@link NameHolders},
 * where the web verticles look it up for every request.
 *
 * <p>Browsers get the whole list once, when they start listening, then only changes ({@code added},
 * {@code removed} and a version one higher than the last). Join and leave notices: every instance computes the
 * same cluster-wide roster and tells only its own browsers about changes to it, so each browser hears of each change once, whatever the number of tabs or
 * instances. A new instance stays quiet (roster updates but no notices) for one heartbeat, by which time
 * every live instance has announced itself, so it never announces people who were already there.
 *
 * <p>While this instance is cut off from the broker nobody expires (it cannot tell a dead instance from its
 * own deafness); after it reconnects it announces itself, asks the others to do the same and gives each a
 * fresh expiry time.
 */
public class PresenceVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(PresenceVerticle.class);

  private final String id = Instance.NAME + "/" + UUID.randomUUID().toString().substring(0, 8);
  private final Settings settings;
  private final Settings.Presence presence;
  private final Broker broker;
  private final NameHolders names;
  private PresenceChannel channel;
  private Roster roster;
  private LocalTabs tabs;
  private TypingThrottle typing;
  private final MembershipNotices memberships = new MembershipNotices();
  /** How long tab changes wait to be re-evaluated together: well under what a person notices. */
  static final long COALESCE_MS = 50;

  private Map<String, String> announced = Map.of();
  /** The timer of a pending re-evaluation of tab changes; -1 when none is pending. */
  private long coalescing = -1;
  private long version;
  /** The roster revision that {@link #names} shows. */
  private long namesRevision = -1;
  /** When notices may start: one heartbeat after the first connection. 0 until connected. */
  private long quietUntil;
  /**
   * Connected, with the queue consumed and everyone's expiry time renewed. Only then may others expire: in
   * the moments between connecting and consuming, everyone would look silent for the length of the outage.
   */
  private boolean listening;

  /** {@code names}: kept up to date here, read by the web verticles. */
  public PresenceVerticle(Settings settings, Broker broker, NameHolders names) {
    this.settings = settings;
    this.presence = settings.presence();
    this.broker = broker;
    this.names = names;
  }

  @Override
  public Future<?> start() {
    roster = new Roster(id, presence.expiryMs());
    tabs = new LocalTabs(presence.leaveGraceMs());
    typing = new TypingThrottle(presence.typingIntervalMs());
    channel = new PresenceChannel(vertx, broker, settings, id, this::receive, this::connected);

    EventBus bus = vertx.eventBus();
    bus.<TabOpened>localConsumer(Addresses.TAB_OPENED, msg -> {
      tabs.open(msg.body().tab(), msg.body().user(), msg.body().login());
      localChangedSoon();
    });
    bus.<TabClosed>localConsumer(Addresses.TAB_CLOSED, msg -> {
      if (tabs.close(msg.body().tab(), System.currentTimeMillis())) {
        vertx.setTimer(presence.leaveGraceMs() + 1, t -> localChanged());
      }
      localChangedSoon();
    });
    // Every instance hears of every logout from its own LogoutVerticle, which reads the record of all of them.
    bus.<LoggedOut>localConsumer(Addresses.LOGOUT, msg -> logout(msg.body().user(), msg.body().login()));
    bus.<Void>localConsumer(Addresses.ONLINE, msg -> msg.reply(online()));
    bus.<Typing>localConsumer(Addresses.TYPING, msg -> typing(msg.body()));
    bus.<Membership>localConsumer(Addresses.MEMBERSHIP, msg -> membership(msg.body()));

    vertx.setPeriodic(presence.heartbeatMs(), t -> announce(false));
    vertx.setPeriodic(Math.max(100, Math.min(1000, presence.heartbeatMs() / 4)), t -> tick());
    channel.start();
    return Future.succeededFuture();
  }

  /** Says goodbye, so that the others drop this instance's users after the leave grace rather than the expiry time. */
  @Override
  public Future<?> stop() {
    return channel.publish(new PresenceMessage.Bye(id)).otherwiseEmpty().eventually(channel::stop);
  }

  /** On every (re)connection, once this instance hears the others again. */
  private void connected() {
    long now = System.currentTimeMillis();
    if (quietUntil == 0) {
      quietUntil = now + presence.heartbeatMs();
    }
    roster.touchAll(now);
    listening = true;
    announce(true);
  }

  private void tick() {
    long now = System.currentTimeMillis();
    typing.prune(now);
    memberships.prune(now);
    if (tabs.graceEnded(now)) {
      localChanged(); // every other change of the tabs is evaluated when it happens; this costs the number of users
    }
    if (listening && channel.isRunning()) {
      Roster.Change expired = roster.expire(now);
      if (!expired.isEmpty()) {
        log.info("An instance was not heard from for {} ms: {} left", presence.expiryMs(), expired.left());
      }
      changed(expired);
    } else if (listening) {
      listening = false;
      log.warn("Presence lost the broker: nobody expires until it is back");
    }
  }

  private void receive(PresenceMessage message) {
    long now = System.currentTimeMillis();
    if (message instanceof PresenceMessage.State state) {
      changed(roster.update(state.instance(), state.users(), now));
      if (state.hello()) {
        announce(false); // a newcomer: let it learn the roster now rather than at our next heartbeat
      }
    } else if (message instanceof PresenceMessage.Bye bye) {
      roster.retire(bye.instance(), now, presence.leaveGraceMs()); // its users leave at the next tick after the grace
    } else if (message instanceof PresenceMessage.Typing typed) {
      vertx.eventBus().publish(Addresses.CHAT_TYPING, typingEvent(typed.user(), typed.room()), Bus.LOCAL);
    } else if (message instanceof PresenceMessage.Membership member && memberships.heard(member.user(), member.room(), member.joined())) {
      vertx.eventBus().publish(Addresses.CHAT_MEMBERS, membershipEvent(member.user(), member.room(), member.joined()), Bus.LOCAL);
    }
  }

  private void logout(String user, String login) {
    List<String> sockets = tabs.logout(user, login);
    if (!sockets.isEmpty()) {
      vertx.eventBus().publish(Addresses.CLOSE_TABS, new CloseTabs(sockets), Bus.LOCAL);
    }
    changed(roster.end(login, System.currentTimeMillis()));
    localChanged();
  }

  /**
   * Tabs opened or closed: re-evaluated within {@link #COALESCE_MS}, once for all that came meanwhile. Each
   * re-evaluation costs the number of users here (the users, the roster, the name holders, the announcement to
   * the other instances), so one per tab would cost a square of the users when many connect at once.
   */
  private void localChangedSoon() {
    if (coalescing < 0) {
      coalescing = vertx.setTimer(COALESCE_MS, t -> {
        coalescing = -1;
        localChanged();
      });
    }
  }

  /** Re-evaluates this instance's users; on a change, updates the roster and tells the others at once. */
  private void localChanged() {
    Map<String, String> users = tabs.users(System.currentTimeMillis());
    if (!users.equals(announced)) {
      announced = users;
      changed(roster.update(id, users, System.currentTimeMillis()));
      announce(false);
    }
  }

  private void announce(boolean hello) {
    channel.publish(new PresenceMessage.State(id, announced, hello));
  }

  private void changed(Roster.Change change) {
    if (roster.revision() != namesRevision) {
      namesRevision = roster.revision();
      names.replace(roster.holders());
    }
    if (change.isEmpty()) {
      return;
    }
    version++;
    boolean quiet = quietUntil == 0 || System.currentTimeMillis() < quietUntil;
    // Each instance tells its own browsers: a clustered event bus must never carry a second copy. Only the change:
    // the whole list to every browser at every login would cost the chat a square of its users; a page gets the
    // whole list once, when it starts listening (BridgeSockets), and applies each change to it.
    vertx.eventBus().publish(Addresses.CHAT_PRESENCE, new JsonObject().put("version", version)
      .put("added", new JsonArray(change.joined()))
      .put("removed", new JsonArray(change.left()))
      .put("joined", new JsonArray(quiet ? List.of() : change.joined()))
      .put("left", new JsonArray(quiet ? List.of() : change.left()))
      .put("accounts", accounts(change.joined())), Bus.LOCAL);
  }

  /** Throttled per user and room: typing in one room says nothing about another. */
  private void typing(Typing typed) {
    if (typed.user() == null || !typing.pass(typed.user() + '\n' + typed.room(), System.currentTimeMillis())) {
      return;
    }
    vertx.eventBus().publish(Addresses.CHAT_TYPING, typingEvent(typed.user(), typed.room()), Bus.LOCAL);
    channel.publish(new PresenceMessage.Typing(id, typed.user(), typed.room()));
  }

  /**
   * Joined or left a room: told to this instance's browsers and to the other instances, unless it repeats the last
   * notice about that person and room or the person asks too often ({@link MembershipNotices}).
   */
  private void membership(Membership member) {
    if (member.user() == null || !memberships.asked(member.user(), member.room(), member.joined(), System.currentTimeMillis())) {
      return;
    }
    vertx.eventBus().publish(Addresses.CHAT_MEMBERS, membershipEvent(member.user(), member.room(), member.joined()), Bus.LOCAL);
    channel.publish(new PresenceMessage.Membership(id, member.user(), member.room(), member.joined()));
  }

  /** The chat.members payload: {"room", "user", "joined"}. */
  private static JsonObject membershipEvent(String user, String room, boolean joined) {
    return new JsonObject().put("room", room).put("user", user).put("joined", joined);
  }

  /** The chat.typing payload: {"user", "room"}. */
  private static JsonObject typingEvent(String user, String room) {
    return new JsonObject().put("user", user).put("room", room);
  }

  private Online online() {
    List<String> online = List.copyOf(roster.online());
    return new Online(online, version, accounts(online));
  }

  /** The account id of each of these names that someone signed in holds (a page offers direct messages to them). */
  private JsonObject accounts(java.util.Collection<String> online) {
    JsonObject accounts = new JsonObject();
    for (String name : online) {
      String account = names.accountOf(name);
      if (account != null) {
        accounts.put(name, account);
      }
    }
    return accounts;
  }
}
