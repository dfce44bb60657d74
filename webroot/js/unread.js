/*
 * What is unread, per room. The last seq read in each room is kept in localStorage under the user's name, so
 * that every tab and every reload agrees (a tab that reads a room tells the others through the storage event),
 * and whatever instance served the page: seq is the log's own number. A count is the number of messages with
 * a seq above the last read: those that arrive live for the rooms the page follows, and after a (re)connection
 * at most one page per room from /history?after=<last read> — never the whole log. Mentions of the reader are
 * counted apart. The tab's title carries the total: "(3) Messenger".
 */
import { mentions } from './format.js';
import { isDm } from './page.js';

export const PAGE = 100; // counts stop here ("99+"): enough to say "a lot"
const TITLE = 'Messenger';

export class Unread {
  /** me: the reader; onChange(): the counts changed. */
  constructor(me, onChange) {
    this.me = me;
    this.key = 'messenger.read.' + me;
    this.onChange = onChange;
    this.lastRead = this.load();
    this.unseen = new Map(); // room -> Map(seq -> mentions me)
    window.addEventListener('storage', (event) => {
      if (event.key === this.key) {
        this.lastRead = this.load();
        this.unseen.forEach((seqs, room) => this.prune(room));
        this.changed();
      }
    });
  }

  load() {
    try {
      const read = JSON.parse(localStorage.getItem(this.key) || '{}');
      return read && typeof read === 'object' ? read : {};
    } catch {
      return {};
    }
  }

  /** The last seq read in room: -1 for none, undefined when this reader never saw the room. */
  readUpTo(room) {
    const seq = this.lastRead[room];
    return typeof seq === 'number' ? seq : undefined;
  }

  /** Everything up to seq in room has been read (here or in another tab: the highest wins). */
  markRead(room, seq) {
    const fresh = this.load(); // another tab may have read further meanwhile
    // Stored also when it is -1 (an empty room): a room never seen would start at its newest message.
    if (typeof fresh[room] !== 'number' || seq > fresh[room]) {
      fresh[room] = seq;
      try {
        localStorage.setItem(this.key, JSON.stringify(fresh));
      } catch {
        // storage full or refused: the counts stay right for this page
      }
    }
    this.lastRead = fresh;
    this.prune(room);
    this.changed();
  }

  /** A message of room that the reader has not seen (it is in another room, or the tab is hidden). */
  add(room, message) {
    if (message.seq <= (this.readUpTo(room) ?? -1) || message.sender === this.me) {
      return;
    }
    if (!this.unseen.has(room)) {
      this.unseen.set(room, new Map());
    }
    this.unseen.get(room).set(message.seq, mentions(message.text, this.me));
    this.changed();
  }

  /**
   * Counts room from the server: the messages after the last read (one page at most). A room never seen
   * starts at its newest message: joining a room does not make its past unread. A direct message never seen is
   * all unread: it was opened with the reader, who has not read a word of it.
   */
  async fetch(room) {
    const after = this.readUpTo(room) ?? (isDm(room) ? -1 : undefined);
    // after=-1 is no seq: for a room read while empty, its newest page is all there is to count.
    const query = after === undefined ? 'limit=1' : `${after >= 0 ? `after=${after}&` : ''}limit=${PAGE}`;
    const res = await fetch(`/history?${query}&room=${room}`, { credentials: 'same-origin', cache: 'no-store' });
    if (!res.ok) {
      return;
    }
    const page = await res.json();
    if (after === undefined) {
      this.markRead(room, page.messages.length ? page.messages[page.messages.length - 1].seq : -1);
      return;
    }
    page.messages.forEach((message) => this.add(room, message));
  }

  /** Forgets a room left (its last read stays, should the reader come back). */
  forget(room) {
    this.unseen.delete(room);
    this.changed();
  }

  prune(room) {
    const seqs = this.unseen.get(room);
    const read = this.readUpTo(room) ?? -1;
    seqs?.forEach((mention, seq) => {
      if (seq <= read) {
        seqs.delete(seq);
      }
    });
  }

  /** {count, mentions} of room. */
  of(room) {
    const seqs = this.unseen.get(room);
    if (!seqs) {
      return { count: 0, mentions: 0 };
    }
    let mentioned = 0;
    seqs.forEach((mention) => {
      mentioned += mention ? 1 : 0;
    });
    return { count: seqs.size, mentions: mentioned };
  }

  total(rooms) {
    return rooms.reduce((sum, room) => sum + this.of(room).count, 0);
  }

  changed() {
    this.onChange();
  }

  /** The tab's title for the rooms followed. */
  showTotal(rooms) {
    const total = this.total(rooms);
    document.title = total > 0 ? `(${label(total)}) ${TITLE}` : TITLE;
  }
}

/** How a count is written: 99+ past what one page counts. */
export const label = (n) => (n >= PAGE ? `${PAGE - 1}+` : String(n));
