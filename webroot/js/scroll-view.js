/*
 * Where the reader is in a scrolling list. At the bottom, the view sticks there: through new messages,
 * through a window resize or a phone's rotation, through the message box growing. Scrolled up, a change
 * anywhere in the list leaves the message being read where it is on the screen (older messages put above
 * it, far ones dropped): the view never jumps.
 */
const NEAR_PX = 48;

export class ScrollView {
  /** isAnchor(item): whether the item stays through changes (a separator may be moved, so it cannot anchor). */
  constructor(scroller, isAnchor = () => true) {
    this.scroller = scroller;
    this.isAnchor = isAnchor;
    this.following = true; // at the bottom: follow what comes
    this.seen = this.geometry();
    // The browser's own scroll anchoring would move the view a second time after keepPlace did.
    scroller.style.overflowAnchor = 'none';
    scroller.addEventListener('scroll', () => this.noticeScroll());
    // A resize does not scroll: without this, the newest message slips out of view below.
    new ResizeObserver(() => {
      if (this.stuck) {
        this.toBottom();
      }
    }).observe(scroller);
  }

  /**
   * Whether the view is at the bottom and follows what comes. A scroll the browser has not reported yet (its
   * event comes with the next frame) counts already: a message arriving in between must not undo it.
   */
  get stuck() {
    this.noticeScroll();
    return this.following;
  }

  /**
   * Only the reader's move of the view decides whether it follows. A scroll event can arrive a frame late, after
   * a resize has already grown the distance to the bottom; if it reports the view where toBottom() put it, it
   * says nothing new. And when the list itself changed size since the last look, a move of the view may be the
   * browser's: a layout that shortens the scroll range pulls the view up with it (a rotation can lay the page out
   * more than once before the next frame), so a view that followed goes on following (the resize observer puts it
   * back at the bottom). Content that grows or shrinks does not count: the reader may scroll while it does.
   */
  noticeScroll() {
    const now = this.geometry();
    if (now.top !== this.seen.top) {
      const resized = now.width !== this.seen.width || now.height !== this.seen.height;
      if (!(this.following && resized)) {
        this.following = this.distanceFromBottom() < NEAR_PX;
      }
      this.seen = now;
    }
  }

  /** Where the view is, and the size of the list's box. */
  geometry() {
    return { top: this.scroller.scrollTop, width: this.scroller.clientWidth, height: this.scroller.clientHeight };
  }

  distanceFromBottom() {
    return this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight;
  }

  /** Within a screen of the top (also when the list does not fill the screen). */
  nearTop() {
    return this.scroller.scrollTop < this.scroller.clientHeight;
  }

  nearBottom() {
    return this.distanceFromBottom() < this.scroller.clientHeight;
  }

  toBottom() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.seen = this.geometry();
    this.following = true;
  }

  /** The first item at least partly in view that can anchor: the one the reader is looking at. */
  anchor() {
    const top = this.scroller.getBoundingClientRect().top;
    for (const item of this.scroller.children) {
      if (this.isAnchor(item) && item.getBoundingClientRect().bottom > top) {
        return item;
      }
    }
    return null;
  }

  /**
   * Runs change() (which adds or removes items) and keeps the reader's place: at the bottom, the view stays at
   * the bottom; else the item in view stays where it was on the screen. Returns what change() returned.
   */
  keepPlace(change) {
    if (this.stuck) {
      const result = change();
      this.toBottom();
      return result;
    }
    const anchor = this.anchor();
    const before = anchor?.getBoundingClientRect().top;
    const result = change();
    if (anchor?.isConnected) {
      this.scroller.scrollTop += anchor.getBoundingClientRect().top - before;
    }
    return result;
  }
}
