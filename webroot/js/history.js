/*
 * The conversation's history, from GET /history: the newest page at first; after every (re)connection the
 * whole gap since the last message shown, page by page, however long the absence was; older pages when the
 * reader scrolls to the top, and newer ones when the list dropped its newest end and the reader scrolls to
 * the bottom. Messages that also arrive live are shown once (same id). A page refused for a moment (429,
 * 503) is asked again after the server's Retry-After.
 */
import { sessionOver } from './session.js';

const PAGE = 200;
const ATTEMPTS = 5;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class SessionOver extends Error {}

/** One page, {messages, complete, expired}; throws SessionOver, or an Error when the server cannot answer. */
async function page(room, query) {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`/history?${query ? query + '&' : ''}limit=${PAGE}&room=${room}`, { credentials: 'same-origin', cache: 'no-store' });
    if (await sessionOver(res)) {
      throw new SessionOver();
    }
    if (res.ok) {
      return res.json();
    }
    if ((res.status !== 429 && res.status !== 503) || attempt === ATTEMPTS) {
      throw new Error('history ' + res.status);
    }
    await sleep(1000 * Number(res.headers.get('Retry-After') || 1));
  }
}

const startOf = (page) => (page.complete ? (page.expired ? 'expired' : 'beginning') : null);

export class History {
  /** list: the room's MessageList; room: whose history (a valid room name, safe in a query). */
  constructor(list, room = 'general') {
    this.list = list;
    this.room = room;
    this.loading = null; // the page being loaded, one at a time
    list.onScrollTo.top = () => this.older();
    list.onScrollTo.bottom = () => this.newer();
  }

  /**
   * Runs load() unless a page is being loaded already; returns its promise. A load that went well is followed
   * by fill(): a scroll to an end that came while another page was loading is not lost.
   */
  once(load) {
    if (!this.loading) {
      this.loading = load().then(() => this.fill()).finally(() => {
        this.loading = null;
      });
    }
    return this.loading;
  }

  /**
   * Brings the list up to date after a (re)connection: the newest page for an empty list, else every page
   * after the last message shown. progress(n) is called with the number of messages caught up so far once it
   * takes more than one page.
   */
  async catchUp(progress) {
    await this.loading?.catch(() => {});
    return this.once(async () => {
      if (this.list.lastSeq() < 0) {
        await this.loadNewest();
        return;
      }
      if (!this.list.holdsNewest) {
        return; // the reader is back in the past: newer pages come as they scroll down
      }
      // Paged on from each page's last message: live messages shown meanwhile may be newer than the gap.
      let after = this.list.lastSeq();
      let caughtUp = 0;
      for (;;) {
        const next = await page(this.room, `after=${after}`);
        if (next.expired) {
          this.list.markGap(after);
        }
        next.messages.forEach((message) => this.list.show(message));
        caughtUp += next.messages.length;
        if (next.messages.length < PAGE) {
          return;
        }
        after = next.messages[next.messages.length - 1].seq;
        progress(caughtUp);
      }
    });
  }

  /** Replaces the list's messages with the newest page (a jump to the present). */
  newest() {
    return this.once(() => this.loadNewest());
  }

  async loadNewest() {
    const newest = await page(this.room, '');
    this.list.clear();
    newest.messages.forEach((message) => this.list.show(message));
    this.list.setStart(startOf(newest));
    this.list.view.toBottom();
  }

  /** The page before the oldest message shown, unless the list starts at the beginning of the log. */
  older() {
    if (this.list.start || this.list.lastSeq() < 0) {
      return this.loading;
    }
    return this.once(async () => {
      const before = this.list.firstSeq();
      const previous = await page(this.room, `before=${before}`);
      if (this.list.firstSeq() === before) { // not replaced by a jump to the newest meanwhile
        this.list.showOlder(previous.messages, startOf(previous));
      }
    }).catch((e) => console.warn('older messages not loaded', e)); // scrolling up again asks again
  }

  /** The page after the newest message shown, when the list dropped its newest end. */
  newer() {
    if (this.list.holdsNewest) {
      return this.loading;
    }
    return this.once(async () => {
      const next = await page(this.room, `after=${this.list.lastSeq()}`);
      this.list.holdsNewest = true; // for show(); false again below unless this page reached the newest
      next.messages.forEach((message) => this.list.show(message));
      if (next.messages.length === PAGE) {
        this.list.holdsNewest = false;
      } else {
        // Live messages are shown from now on; those that came while this page was on its way are on the next.
        const last = next.messages.length > 0 ? next.messages[next.messages.length - 1].seq : this.list.lastSeq();
        (await page(this.room, `after=${last}`)).messages.forEach((message) => this.list.show(message));
      }
    }).catch((e) => console.warn('newer messages not loaded', e)); // scrolling down again asks again
  }

  /**
   * The next page, once the load that calls this is over, while the view is still within a screen of an end
   * that is not loaded: a list too short to scroll cannot be scrolled, and a page that came in while the
   * reader stayed at the bottom may not have moved the view at all (as much dropped above as added below).
   */
  fill() {
    setTimeout(() => {
      if (this.list.view.nearTop()) {
        this.older();
      } else if (this.list.view.nearBottom()) {
        this.newer();
      }
    });
  }
}
