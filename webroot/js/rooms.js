/*
 * The rooms as the reader sees them: the sidebar with the rooms they joined (general always first) and their
 * unread counts, the rooms they could join, creating one, and which room is open. Joining is the reader's own
 * choice, kept in localStorage under their name (the server has public rooms, no members). The open room is
 * in the address, /chat/<room>, so a reload, a bookmark and the back button open it again (pushState and
 * popstate). On a phone the sidebar slides over the conversation from the "Rooms" button. A person signed in
 * with an account also has their direct messages there (GET /dms: the server keeps them), opened like rooms at
 * /chat/<dm id>; dms.js opens new ones.
 *
 * The room header shows the topic; anyone may change it (Edit topic), its creator may archive the room. Joining
 * and leaving by a click is told to the server (POST /rooms/<room>/join, /leave), which tells the others in the
 * room; a join or leave that another tab made comes as a storage event and is not told again. An archived room
 * leaves the sidebar of every page, and a page that has it open goes to general and says why.
 */
import { account, isDm, me } from './page.js';
import { label } from './unread.js';

export const GENERAL = 'general';
const NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;

const $ = (id) => document.getElementById(id);
const joinedList = $('room-list');
const otherList = $('other-rooms');
const browser = $('room-browser');
const createForm = $('create-room');
const createError = $('create-room-error');
const toggle = $('rooms-toggle');
const toggleCount = $('rooms-toggle-count');
const title = $('room-title');
const topicLine = $('room-topic-line');
const joinButton = $('join-room');
const missing = $('room-missing');
const editTopic = $('edit-topic');
const archiveButton = $('archive-room');
const topicForm = $('topic-form');
const topicInput = $('topic-input');
const roomError = $('room-error');
const dmSection = $('dms');
const dmList = $('dm-list');

/** The room an address names: /chat is general's, /chat/<room> that room's; null for anything else. */
export function roomOfPath(path) {
  if (path === '/chat' || path === '/chat/') {
    return GENERAL;
  }
  const m = path.match(/^\/chat\/([^/]+)$/);
  return m && (NAME.test(m[1]) || isDm(m[1])) ? m[1] : null;
}

const pathOf = (room) => (room === GENERAL ? '/chat' : '/chat/' + room);

export class Rooms {
  /**
   * me: the reader; unread: their Unread; hooks: {opened(room, known), joined(room), left(room)}, told when the
   * open room changes and when a room starts or stops being followed.
   */
  constructor(me, unread, hooks) {
    this.key = 'messenger.rooms.' + me;
    this.unread = unread;
    this.hooks = hooks;
    this.known = new Map(); // name -> {name, topic, createdBy}, as GET /rooms said
    this.dms = new Map(); // id -> {id, with: {id, name}, createdAt}, as GET /dms and chat.dms said
    this.loaded = false;
    this.joined = this.loadJoined();
    this.current = roomOfPath(window.location.pathname) ?? (document.body.dataset.room || GENERAL);
    window.addEventListener('storage', (event) => {
      if (event.key === this.key) { // joined or left in another tab
        const before = new Set(this.joined);
        this.joined = this.loadJoined();
        this.joined.filter((r) => !before.has(r)).forEach((r) => this.hooks.joined(r));
        [...before].filter((r) => !this.joined.includes(r)).forEach((r) => this.hooks.left(r));
        this.render();
      }
    });
    window.addEventListener('popstate', () => this.open(roomOfPath(window.location.pathname) ?? GENERAL, false));
    toggle.addEventListener('click', () => this.showSidebar(!document.body.classList.contains('rooms-open')));
    joinButton.addEventListener('click', () => this.join(this.current, true));
    editTopic.addEventListener('click', () => this.editTopic());
    $('topic-cancel').addEventListener('click', () => this.closeTopicForm());
    topicForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.saveTopic();
    });
    archiveButton.addEventListener('click', () => this.archive());
    createForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.create();
    });
  }

  loadJoined() {
    let stored = [];
    try {
      stored = JSON.parse(localStorage.getItem(this.key) || '[]');
    } catch {
      // unreadable: general only
    }
    const names = Array.isArray(stored) ? stored.filter((r) => typeof r === 'string' && NAME.test(r)) : [];
    return [GENERAL, ...new Set(names.filter((r) => r !== GENERAL))];
  }

  saveJoined() {
    try {
      localStorage.setItem(this.key, JSON.stringify(this.joined));
    } catch {
      // kept for this page only
    }
  }

  /** Whether the server listed room (a room archived since, or never created, is not), or it is one of our DMs. */
  exists(room) {
    return this.known.has(room) || this.dms.has(room);
  }

  /** The rooms whose messages the page follows live: the joined ones, every DM and the open one (once known to exist). */
  followed() {
    const rooms = new Set([...this.joined, ...this.dms.keys()]);
    if (this.exists(this.current)) {
      rooms.add(this.current);
    }
    return [...rooms].filter((room) => !this.loaded || this.exists(room));
  }

  /** Asks the server for the rooms (at start, on every reconnection and when a room is created anywhere). */
  async refresh() {
    const ask = (path) => fetch(path, { credentials: 'same-origin', cache: 'no-store' });
    const [res, dmRes] = await Promise.all([ask('/rooms'), account ? ask('/dms') : null]);
    if (!res.ok || (dmRes && !dmRes.ok)) {
      return;
    }
    const { rooms } = await res.json();
    const dms = dmRes ? (await dmRes.json()).dms : [];
    const wasLoaded = this.loaded;
    const before = new Set([...this.known.keys(), ...this.dms.keys()]);
    this.known = new Map(rooms.map((room) => [room.name, room]));
    this.dms = new Map(dms.map((dm) => [dm.id, dm]));
    this.loaded = true;
    if (!wasLoaded || (!before.has(this.current) && this.exists(this.current))) {
      this.open(this.current, false); // the open room's existence is known now
    }
    this.render();
  }

  /** A direct message opened (by us, or with us on chat.dms): shown and followed from now on. */
  addDm(dm) {
    if (this.dms.has(dm.id)) {
      return;
    }
    this.dms.set(dm.id, dm);
    this.hooks.joined(dm.id);
    if (dm.id === this.current && this.loaded) {
      this.open(dm.id, false); // its address was open before the page knew it
    } else {
      this.render();
    }
  }

  /** Joins room; told: a person's own click, which the others in the room hear of. */
  join(room, told = false) {
    if (!this.joined.includes(room)) {
      this.joined.push(room);
      this.saveJoined();
      this.hooks.joined(room);
      if (told) {
        tell(room, 'join');
      }
    }
    this.render();
  }

  leave(room, told = true) {
    if (room === GENERAL || !this.joined.includes(room)) {
      return;
    }
    this.joined = this.joined.filter((r) => r !== room);
    this.saveJoined();
    this.hooks.left(room);
    if (told) {
      tell(room, 'leave');
    }
    this.render();
  }

  /**
   * The room was archived (by): it leaves the joined rooms; a page that has it open goes to general and says why.
   * Every tab hears of it itself: none tells the others.
   */
  archived(room, by) {
    this.leave(room, false);
    if (this.current === room) {
      this.open(GENERAL);
      missing.textContent = `#${room} was archived by ${by}: it takes no new messages. You are in #general now.`;
      missing.hidden = false;
    }
  }

  editTopic() {
    topicInput.value = this.known.get(this.current)?.topic ?? '';
    topicForm.hidden = false;
    roomError.hidden = true;
    topicInput.focus();
  }

  closeTopicForm() {
    topicForm.hidden = true;
    roomError.hidden = true;
  }

  async saveTopic() {
    const room = this.current;
    const res = await request('PUT', `/rooms/${room}/topic`, { topic: topicInput.value.trim() });
    if (res && res.ok) {
      this.closeTopicForm();
      await this.refresh();
    } else {
      await this.refused(res);
    }
  }

  async archive() {
    const room = this.current;
    if (!window.confirm(`Archive #${room}? It leaves everyone's list and takes no new messages; its history stays.`)) {
      return;
    }
    roomError.hidden = true;
    const res = await request('POST', `/rooms/${room}/archive`);
    if (!res || !res.ok) {
      await this.refused(res); // on success the room log's event moves every page, this one too
    }
  }

  /** Shows why the server refused a change of the open room, as it words it. */
  async refused(res) {
    let message = res ? 'error ' + res.status : 'No connection to the server; try again.';
    try {
      message = (await res.json()).message || message;
    } catch {
      // not JSON: the status says it
    }
    roomError.textContent = message;
    roomError.hidden = false;
  }

  /** Says why an address names no listed room: it never existed, or it was archived. */
  async explainMissing(room) {
    const res = await request('GET', `/rooms/${room}`);
    if (res && res.ok && this.current === room && !this.known.has(room)) {
      const info = await res.json();
      if (info.archived) {
        missing.textContent = `#${room} was archived by ${info.archivedBy}: it takes no new messages.`;
      }
    }
  }

  /** Opens room; push: whether it is a new entry in the browser's history (not for back/forward). */
  open(room, push = true) {
    const changed = room !== this.current;
    this.current = room;
    if (push && window.location.pathname !== pathOf(room)) {
      // The query stays: it holds the page's own options (?transports=, ?keep=).
      window.history.pushState({ room }, '', pathOf(room) + window.location.search);
    }
    const known = this.exists(room);
    const dm = this.dms.get(room);
    title.textContent = isDm(room) ? (dm ? dm.with.name : 'Direct message') : '#' + room;
    topicLine.textContent = dm ? 'Direct message: only the two of you can open it'
      : this.known.get(room)?.topic ?? '';
    document.body.dataset.room = room;
    missing.hidden = known || !this.loaded;
    missing.textContent = known || !this.loaded ? ''
      : isDm(room) ? 'There is no such conversation, or you are not in it.' : `There is no room called “${room}”.`;
    if (!known && this.loaded) {
      this.explainMissing(room).catch(() => {});
    }
    topicForm.hidden = true;
    roomError.hidden = true;
    this.showSidebar(false);
    if (this.loaded) {
      this.hooks.opened(room, known, changed);
    }
    this.render();
  }

  async create() {
    const body = { name: createForm.elements.name.value.trim(), topic: createForm.elements.topic.value.trim() };
    createError.hidden = true;
    let res;
    try {
      res = await fetch('/rooms', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch {
      this.createFailed('No connection to the server; try again.');
      return;
    }
    if (res.status === 201) {
      createForm.reset();
      browser.open = false;
      await this.refresh();
      this.join(body.name, true);
      this.open(body.name);
      return;
    }
    let message = 'error ' + res.status;
    try {
      message = (await res.json()).message || message;
    } catch {
      // not JSON: the status says it
    }
    this.createFailed(message);
  }

  createFailed(message) {
    createError.textContent = message;
    createError.hidden = false;
  }

  showSidebar(open) {
    document.body.classList.toggle('rooms-open', open);
    toggle.setAttribute('aria-expanded', String(open));
  }

  /** Draws the sidebar, the Join button and the unread total again. */
  render() {
    // A joined room no longer listed (archived while this browser was away) is not shown.
    const shown = this.loaded ? this.joined.filter((room) => this.known.has(room)) : this.joined;
    joinedList.replaceChildren(...shown.map((room) => this.joinedItem(room)));
    const others = [...this.known.keys()].filter((r) => !this.joined.includes(r));
    otherList.replaceChildren(...others.map((room) => this.otherItem(room)));
    joinButton.hidden = this.joined.includes(this.current) || !this.known.has(this.current);
    const open = this.known.get(this.current);
    if (open) {
      topicLine.textContent = open.topic;
      topicLine.title = open.topic;
    }
    editTopic.hidden = !open || this.current === GENERAL;
    archiveButton.hidden = !open || this.current === GENERAL || open.createdBy !== me;
    dmSection.hidden = !account;
    dmList.replaceChildren(...[...this.dms.keys()].map((id) => this.joinedItem(id)));
    const counted = [...this.joined, ...this.dms.keys()];
    const total = this.unread.total(counted);
    toggleCount.hidden = total === 0;
    toggleCount.textContent = label(total);
    this.unread.showTotal(counted);
  }

  link(room) {
    const a = document.createElement('a');
    a.href = pathOf(room);
    a.className = 'room-link';
    a.dataset.room = room;
    a.textContent = isDm(room) ? this.dms.get(room)?.with.name ?? room : '#' + room;
    a.addEventListener('click', (event) => {
      if (event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
        event.preventDefault();
        this.open(room);
      }
    });
    return a;
  }

  joinedItem(room) {
    const li = document.createElement('li');
    li.dataset.room = room;
    const a = this.link(room);
    if (room === this.current) {
      li.classList.add('current');
      a.setAttribute('aria-current', 'page');
    }
    const { count, mentions } = this.unread.of(room);
    li.classList.toggle('has-unread', count > 0);
    if (mentions > 0) {
      const badge = document.createElement('span');
      badge.className = 'mentions';
      badge.title = `${mentions} mentioning you`;
      badge.textContent = '@' + label(mentions);
      a.append(badge);
    }
    if (count > 0) {
      const badge = document.createElement('span');
      badge.className = 'unread';
      badge.title = `${count} unread`;
      badge.textContent = label(count);
      a.append(badge);
    }
    li.append(a);
    if (room !== GENERAL && !isDm(room)) {
      const leave = document.createElement('button');
      leave.type = 'button';
      leave.className = 'leave';
      leave.textContent = '×';
      leave.title = leave.ariaLabel = `Leave #${room}`;
      leave.addEventListener('click', () => this.leave(room));
      li.append(leave);
    }
    return li;
  }

  otherItem(room) {
    const li = document.createElement('li');
    li.dataset.room = room;
    const a = this.link(room);
    const topic = this.known.get(room).topic;
    if (topic) {
      a.title = topic;
    }
    const join = document.createElement('button');
    join.type = 'button';
    join.className = 'secondary join';
    join.textContent = 'Join';
    join.ariaLabel = `Join #${room}`;
    join.addEventListener('click', () => this.join(room, true));
    li.append(a, join);
    return li;
  }
}

/** A JSON request of the page's own; null when the server could not be reached. */
async function request(method, path, body) {
  try {
    return await fetch(path, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return null;
  }
}

/** Tells the server this person joined or left room (best effort: a notice for the others, nothing more). */
function tell(room, what) {
  request('POST', `/rooms/${room}/${what}`).catch(() => {});
}
