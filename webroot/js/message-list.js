/*
 * One conversation as the page shows it: a list object per chat log, so that a page with several logs holds
 * one each. Messages from the server carry a "seq" (their place in the log), so every window shows them in
 * the same order, and an "id", so nothing is shown twice. Own messages show at once, before the server has
 * them, and keep their place (new messages come below them) until the server's copy replaces them or they
 * are dismissed. The list holds a window of the log, at most maxMessages: when it grows past that, the end
 * far from the reader is dropped, and history.js loads it again when the reader scrolls there. Day
 * separators stand above the first item of each day. Text only ever becomes DOM nodes (format.js): never HTML.
 */
import { atEveryMidnight, dayKey, dayLabel } from './days.js';
import { formatText } from './format.js';
import { ScrollView } from './scroll-view.js';

const formatTime = (ts) => new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** One of eight name colours, the same for a name in every window. */
function hueOf(name) {
  let hash = 0;
  for (let i = 0; i < name.length; i++) {
    hash = (hash * 31 + name.charCodeAt(i)) | 0;
  }
  return String(Math.abs(hash) % 8);
}

const hasSeq = (item) => item.dataset.seq !== undefined;
const seqOf = (item) => Number(item.dataset.seq);
const isDated = (item) => item.dataset.ts !== undefined;
const isConfirmedMessage = (item) => item.classList.contains('message') && hasSeq(item);

/** The first item from start (itself included) upwards that passes test, or null. */
function up(start, test) {
  for (let e = start; e; e = e.previousElementSibling) {
    if (test(e)) {
      return e;
    }
  }
  return null;
}

/** The same, downwards. */
function down(start, test) {
  for (let e = start; e; e = e.nextElementSibling) {
    if (test(e)) {
      return e;
    }
  }
  return null;
}

function line(className, text) {
  const li = document.createElement('li');
  li.className = className;
  li.textContent = text;
  return li;
}

export const EDGE_TEXT = {
  beginning: 'Beginning of the conversation',
  expired: 'Older messages are no longer kept',
};

export class MessageList {
  /**
   * element: the <ol>, which scrolls; newMessages: the "New messages ↓" button; me: who is logged in;
   * maxMessages: the window's size.
   */
  constructor(element, { newMessages, me, maxMessages }) {
    this.element = element;
    this.newMessages = newMessages;
    this.me = me;
    this.maxMessages = maxMessages;
    this.view = new ScrollView(element, isDated);
    this.byId = new Map(); // id -> <li>, for every message shown (confirmed or not)
    this.count = 0;        // confirmed messages shown
    this.start = null;     // what is above the oldest message shown: 'beginning', 'expired', or not known
    this.holdsNewest = true; // false once the newest end was dropped: live messages are not shown then
    this.onScrollTo = { top: () => {}, bottom: () => {} };
    element.addEventListener('scroll', () => this.scrolled());
    atEveryMidnight(() => element.querySelectorAll(':scope > li.day').forEach((day) => {
      day.textContent = dayLabel(Number(day.dataset.at));
    }));
  }

  /** The highest seq shown, or -1. */
  lastSeq() {
    const last = up(this.element.lastElementChild, isConfirmedMessage);
    return last ? seqOf(last) : -1;
  }

  /** The lowest seq shown, or -1. */
  firstSeq() {
    const first = down(this.element.firstElementChild, isConfirmedMessage);
    return first ? seqOf(first) : -1;
  }

  // ---- messages from the server ----

  /**
   * A message from the server, live or from a page after the newest shown: put at its place by seq, replacing
   * its local echo; dropped when the list does not hold the newest messages (it is loaded on scrolling down).
   */
  show(message) {
    const existing = this.byId.get(message.id);
    if (existing && hasSeq(existing)) {
      return;
    }
    if (!this.holdsNewest && message.seq > this.lastSeq()) {
      this.newMessages.hidden = false;
      return;
    }
    const own = message.sender === this.me;
    this.view.keepPlace(() => {
      const li = this.build(message.id, message.sender, message.text, message.ts, message.senderId);
      li.dataset.seq = String(message.seq);
      if (existing && this.fitsAt(existing, message.seq)) {
        existing.replaceWith(li);
      } else {
        this.removeItem(existing);
        this.placeBySeq(li, message.seq);
      }
      this.added(li);
      this.trim();
    });
    if (own) {
      this.view.toBottom();
    }
    if (!this.view.stuck) {
      this.newMessages.hidden = false;
    }
  }

  /** A page of messages older than the oldest shown (ascending); start says what is above it, if known. */
  showOlder(messages, start) {
    this.view.keepPlace(() => {
      const first = down(this.element.firstElementChild, isDated); // a separator above it may move
      for (const message of messages) {
        if (!this.byId.has(message.id)) {
          const li = this.build(message.id, message.sender, message.text, message.ts, message.senderId);
          li.dataset.seq = String(message.seq);
          this.element.insertBefore(li, first);
          this.added(li);
        }
      }
      this.setStart(start);
      this.trim();
    });
  }

  /** Drops every message from the server (a jump to the newest follows); own unsent ones stay. */
  clear() {
    this.element.querySelectorAll(':scope > li').forEach((item) => {
      if (!item.classList.contains('message') || hasSeq(item)) {
        this.removeItem(item);
      }
    });
    this.start = null;
    this.holdsNewest = true;
  }

  /** Says what is above the oldest message shown: 'beginning' or 'expired' (a marker at the top), or null. */
  setStart(start) {
    this.start = start;
    this.element.querySelector(':scope > li.edge')?.remove();
    if (start && this.count > 0) {
      const edge = line('edge', EDGE_TEXT[start]);
      edge.dataset.edge = start;
      this.element.prepend(edge);
    }
  }

  /** Messages after seq were dropped by the log before this page could read them: say so where they were. */
  markGap(seq) {
    const gap = line('gap', EDGE_TEXT.expired);
    gap.dataset.seq = String(seq);
    this.view.keepPlace(() => this.placeBySeq(gap, seq));
  }

  /** A line such as "alice joined", after the newest message so far (later messages go below it). */
  notice(text) {
    if (!this.holdsNewest) {
      return;
    }
    const li = line('notice', text);
    li.dataset.seq = String(this.lastSeq());
    li.dataset.ts = String(Date.now());
    this.view.keepPlace(() => {
      this.placeBySeq(li, this.lastSeq());
      this.placeDay(li);
      this.placeDay(down(li.nextElementSibling, isDated));
    });
  }

  // ---- own messages before the server has them ----

  /** Shows an own message at once, as "sending…", at the bottom. */
  showPending(id, text) {
    const li = this.build(id, this.me, text, Date.now());
    this.setState(li, 'sending', 'sending…');
    this.element.append(li);
    this.added(li);
    this.view.toBottom();
  }

  /** The element of an own message that the server has not delivered yet (a delivered one has a seq). */
  pending(id) {
    const li = this.byId.get(id);
    return li && !hasSeq(li) ? li : null;
  }

  markSending(id) {
    this.mark(id, 'sending', 'sending…');
  }

  markSent(id) {
    this.mark(id, 'sent', 'sent');
  }

  /**
   * Not sent (yet): state 'waiting' (it is sent again by itself) or 'failed' (it never will be as it is), with
   * the reason, and the buttons Edit (back into the message box) and Dismiss.
   */
  markUnsent(id, state, label, { edit, dismiss }) {
    const li = this.mark(id, state, label);
    if (li && !li.querySelector('.actions')) {
      const actions = document.createElement('span');
      actions.className = 'actions';
      actions.append(this.button('Edit', 'edit', edit), this.button('Dismiss', 'dismiss', dismiss));
      li.querySelector('.meta').append(actions);
    }
  }

  /** Takes an own message off the list (dismissed, or taken back into the message box). */
  remove(id) {
    this.view.keepPlace(() => this.removeItem(this.pending(id)));
  }

  // ---- inside ----

  build(id, sender, text, ts, senderId) {
    const li = document.createElement('li');
    li.className = 'message ' + (sender === this.me ? 'mine' : 'theirs');
    li.dataset.id = id;
    li.dataset.hue = hueOf(sender);
    li.dataset.ts = String(ts);
    const meta = document.createElement('div');
    meta.className = 'meta';
    const who = document.createElement('span');
    who.className = 'sender';
    who.textContent = sender;
    const time = document.createElement('time');
    time.dateTime = new Date(ts).toISOString();
    time.title = new Date(ts).toLocaleString();
    time.textContent = formatTime(ts);
    const state = document.createElement('span');
    state.className = 'state';
    meta.append(who, ' ', time, ' ', state);
    if (senderId) { // a signed-in person: the name is their account's
      const badge = document.createElement('span');
      badge.className = 'verified';
      badge.title = 'Signed in with an account';
      badge.textContent = '✓';
      who.after(badge);
    }
    const body = document.createElement('p');
    body.className = 'text';
    body.dir = 'auto';
    body.append(formatText(text, this.me)); // DOM nodes, never HTML
    li.append(meta, body);
    return li;
  }

  button(label, className, action) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = className;
    button.textContent = label;
    button.addEventListener('click', action);
    return button;
  }

  setState(li, state, label) {
    li.classList.remove('sending', 'sent', 'waiting', 'failed');
    li.classList.add(state);
    li.querySelector('.state').textContent = label;
    if (state === 'sending' || state === 'sent') {
      li.querySelector('.actions')?.remove();
    }
  }

  mark(id, state, label) {
    const li = this.pending(id);
    if (li) {
      this.setState(li, state, label);
    }
    return li;
  }

  /** Whether the item may hold this seq where it is: the items with seqs around it are below and above it. */
  fitsAt(item, seq) {
    const before = up(item.previousElementSibling, hasSeq);
    const after = down(item.nextElementSibling, hasSeq);
    return (!before || seqOf(before) <= seq) && (!after || seqOf(after) > seq);
  }

  /**
   * Before the first item with a higher seq that follows the last one with a lower or equal seq, or at the
   * end: own unsent messages (no seq) keep their place, newer messages go below them.
   */
  placeBySeq(li, seq) {
    let before = null;
    for (let e = this.element.lastElementChild; e; e = e.previousElementSibling) {
      if (hasSeq(e)) {
        if (seqOf(e) > seq) {
          before = e;
        } else {
          break;
        }
      }
    }
    this.element.insertBefore(li, before);
  }

  /** Bookkeeping for a message just put into the list. */
  added(li) {
    this.byId.set(li.dataset.id, li);
    if (hasSeq(li)) {
      this.count++;
    }
    this.placeDay(li);
    this.placeDay(down(li.nextElementSibling, isDated));
  }

  removeItem(item) {
    if (item) {
      const next = down(item.nextElementSibling, isDated);
      this.forget(item);
      this.placeDay(next);
    }
  }

  /** Takes the item out, leaving the day separators as they are. */
  forget(item) {
    item.remove();
    if (item.classList.contains('message')) {
      this.byId.delete(item.dataset.id);
      if (hasSeq(item)) {
        this.count--;
      }
    }
  }

  /**
   * Puts the day separator above item right: one when the dated item before it is of another day (or there is
   * none), none otherwise. item null: no separator is left below the last dated item.
   */
  placeDay(item) {
    let previous = item ? item.previousElementSibling : this.element.lastElementChild;
    while (previous && !isDated(previous)) {
      const above = previous.previousElementSibling;
      if (previous.classList.contains('day')) {
        previous.remove();
      }
      previous = above;
    }
    const ts = Number(item?.dataset.ts);
    if (item && (!previous || dayKey(Number(previous.dataset.ts)) !== dayKey(ts))) {
      const day = line('day', dayLabel(ts));
      day.dataset.at = String(ts); // separators are no dated items themselves
      item.before(day);
    }
  }

  /** Keeps at most maxMessages: drops the end far from what the reader looks at. */
  trim() {
    const excess = this.count - this.maxMessages;
    if (excess <= 0) {
      return;
    }
    const { scrollTop, scrollHeight, clientHeight } = this.element;
    const readingTheTop = !this.view.stuck && scrollTop < (scrollHeight - clientHeight) / 2;
    if (readingTheTop) {
      this.dropNewest(excess);
    } else {
      this.dropOldest(excess);
    }
  }

  /** Drops the n oldest messages and what stands between them. */
  dropOldest(n) {
    for (let dropped = 0, e = this.element.firstElementChild; e && dropped < n;) {
      const next = e.nextElementSibling;
      if (isConfirmedMessage(e)) {
        dropped++;
      }
      if (!e.classList.contains('message') || hasSeq(e)) {
        this.forget(e);
      }
      e = next;
    }
    // Lines that stood between the dropped messages and the rest go too.
    const isLine = (e) => ['notice', 'gap', 'day'].some((name) => e.classList.contains(name));
    while (this.element.firstElementChild && isLine(this.element.firstElementChild)) {
      this.forget(this.element.firstElementChild);
    }
    this.placeDay(this.element.firstElementChild);
    this.start = null;
  }

  /** Drops the n newest messages from the server, and the lines among them; own unsent ones stay. */
  dropNewest(n) {
    let last = null;
    for (let dropped = 0, e = this.element.lastElementChild; e && dropped < n;) {
      const above = e.previousElementSibling;
      if (isConfirmedMessage(e)) {
        dropped++;
      }
      if (!e.classList.contains('message') || hasSeq(e)) {
        this.forget(e);
      } else {
        last = e;
      }
      e = above;
    }
    this.placeDay(last);
    this.placeDay(null);
    this.holdsNewest = false;
  }

  scrolled() {
    if (this.view.stuck && this.holdsNewest) {
      this.newMessages.hidden = true;
    }
    if (this.view.nearTop()) {
      this.onScrollTo.top();
    }
    if (this.view.nearBottom()) {
      this.onScrollTo.bottom();
    }
  }
}
