package messenger.presence;

import messenger.chat.Names;
import messenger.identity.Account;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who holds each online name, as this instance's roster says, readable from any thread: the web verticles check
 * the session of every request against it (a stale session must not speak under a name that another login now
 * holds) without a round trip to {@link PresenceVerticle}, which replaces the whole snapshot whenever its roster
 * changes. A name is held by every online name a reader could take it for ({@link Names.Look}): "ALICE" and
 * "аlice" with a Cyrillic а are held while "alice" is online.
 *
 * <p>A signed-in person's name is theirs ({@link Account}): when a name, or a look-alike, is online both under an
 * account and under name-only logins, the account holds it, and the name-only sessions lose it. Two logins of one
 * account (two browsers) share the name.
 */
public final class NameHolders {

  /**
   * An online name as it is written, with the logins under which it is online (usually one) and, when it is held
   * by a signed-in person, their account id (else null).
   */
  public record Holder(String name, Set<String> logins, String account) {

    /** True when {@code login} may use this name: one of its logins, or one of the holding account's. */
    boolean admits(String login) {
      return account != null ? account.equals(Account.idOfLogin(login)) : logins.contains(login);
    }
  }

  /** Each holder under its name and under both parts of its look (an account's first); whether any is an account's. */
  private record Snapshot(Map<String, Holder> byName, Map<String, Holder> byLook, Map<String, Holder> byLookAnyCase,
                          boolean accounts) {
  }

  private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), Map.of(), false);
  /** Each online name's look, computed once while it stays online; used by {@link #replace} only (one thread). */
  private Map<String, Names.Look> looks = new HashMap<>();

  /** The holder of {@code name} or of a name that looks like it, or null when the name is free. */
  public Holder holder(String name) {
    Snapshot now = snapshot;
    Holder exact = now.byName().get(name); // the usual case, and no look to compute
    if (exact != null && (exact.account() != null || !now.accounts())) {
      return exact;
    }
    Names.Look look = Names.look(name);
    Holder written = now.byLook().get(look.asWritten());
    Holder anyCase = now.byLookAnyCase().get(look.anyCase());
    // A look-alike held by an account outranks the name itself held without one.
    for (Holder holder : new Holder[]{written, anyCase}) {
      if (holder != null && holder.account() != null) {
        return holder;
      }
    }
    return exact != null ? exact : written != null ? written : anyCase;
  }

  /** The account id of whoever is online under exactly {@code name} when they signed in, else null (no look computed). */
  public String accountOf(String name) {
    Holder exact = snapshot.byName().get(name);
    return exact == null ? null : exact.account();
  }

  /** The online name held by the signed-in person {@code account}, or null when they are not online. */
  public Holder ofAccount(String account) {
    if (account == null) {
      return null;
    }
    for (Holder holder : snapshot.byName().values()) {
      if (account.equals(holder.account())) {
        return holder;
      }
    }
    return null;
  }

  /** True when {@code name} is online under other logins only: the session of {@code login} lost it. */
  public boolean takenFrom(String name, String login) {
    Holder holder = holder(name);
    if (holder == null || holder.admits(login)) {
      return false;
    }
    // A signed-in person's session never loses its name to a name-only one (until the roster shows the account).
    return holder.account() != null || Account.idOfLogin(login) == null;
  }

  /** The roster's names (name → logins) replace what was known. */
  void replace(Map<String, Set<String>> holders) {
    Map<String, Names.Look> nextLooks = new HashMap<>();
    Map<String, Holder> byName = new HashMap<>();
    Map<String, Holder> byLook = new HashMap<>();
    Map<String, Holder> byLookAnyCase = new HashMap<>();
    boolean[] accounts = {false};
    holders.forEach((name, logins) -> {
      // Of several accounts online under one name (two sign-ins at once), the same one on every instance.
      String account = logins.stream().map(Account::idOfLogin).filter(Objects::nonNull).min(String::compareTo).orElse(null);
      Holder holder = new Holder(name, Set.copyOf(logins), account);
      accounts[0] |= account != null;
      Names.Look look = looks.containsKey(name) ? looks.get(name) : Names.look(name);
      nextLooks.put(name, look);
      byName.put(name, holder);
      byLook.merge(look.asWritten(), holder, NameHolders::outranking);
      byLookAnyCase.merge(look.anyCase(), holder, NameHolders::outranking);
    });
    looks = nextLooks;
    snapshot = new Snapshot(Map.copyOf(byName), Map.copyOf(byLook), Map.copyOf(byLookAnyCase), accounts[0]);
  }

  /**
   * Of two holders of one look, the one that keeps it: an account's over a name-only one; of two accounts, the
   * smaller id; else the first seen (as before accounts).
   */
  private static Holder outranking(Holder first, Holder second) {
    if (first.account() == null) {
      return second.account() != null ? second : first;
    }
    return second.account() != null && second.account().compareTo(first.account()) < 0 ? second : first;
  }
}
