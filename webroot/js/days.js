/*
 * Days, as the conversation's separators name them: "Today", "Yesterday", a weekday within the last week,
 * else the date (with the year when it is not this year). All in the reader's own time zone.
 */

/** A key that is equal for two timestamps of the same local day. */
export function dayKey(ts) {
  const d = new Date(ts);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

const startOfDay = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate());

/** What the separator above the messages of ts's day says, seen at now. */
export function dayLabel(ts, now = Date.now()) {
  const day = startOfDay(new Date(ts));
  const today = startOfDay(new Date(now));
  const daysAgo = Math.round((today - day) / 86_400_000); // rounded: a day with a DST change is 23 or 25 h
  if (daysAgo === 0) {
    return 'Today';
  }
  if (daysAgo === 1) {
    return 'Yesterday';
  }
  if (daysAgo > 1 && daysAgo < 7) {
    return day.toLocaleDateString([], { weekday: 'long' });
  }
  const sameYear = day.getFullYear() === today.getFullYear();
  return day.toLocaleDateString([], sameYear
    ? { weekday: 'long', day: 'numeric', month: 'long' }
    : { day: 'numeric', month: 'long', year: 'numeric' });
}

/** Calls relabel() at every local midnight, when "Today" becomes "Yesterday". */
export function atEveryMidnight(relabel) {
  const now = new Date();
  const next = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  setTimeout(() => {
    relabel();
    atEveryMidnight(relabel);
  }, next - now + 1000);
}
