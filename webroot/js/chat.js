/*
 * The chat page, put together: the bridge brings the messages of the rooms the reader follows
 * ("chat.room.<room>"), changes of the rooms ("chat.rooms": created, topic, archived), who joined or left a room
 * ("chat.members"), presence and typing as they happen; after every
 * (re)connection the page registers again and fills everything the open room missed from /history before it
 * says "Connected" (the other rooms catch up quietly, and their unread counts are asked once). Direct messages
 * ("chat.dms" says when one is opened with the reader) are followed like rooms. Everything a
 * user does goes through HTTP routes (outbox.js, typing.js, rooms.js): the page never sends on the bus.
 */
import { connect, disconnect, onConnect, showConnection } from './bridge.js';
import { input, putBack, startComposer } from './composer.js';
import { listenForDms, startDms } from './dms.js';
import { mentions } from './format.js';
import { History, SessionOver } from './history.js';
import { startMentions } from './mentions.js';
import { MessageList } from './message-list.js';
import { notifyMention, startNotifications } from './notify.js';
import { Outbox } from './outbox.js';
import { me } from './page.js';
import { listenForPresence } from './presence.js';
import { Rooms } from './rooms.js';
import { clearTyping, listenForTyping, reportTyping, stoppedTyping } from './typing.js';
import { Unread } from './unread.js';
import { keepOnSessionEnd, takeKept } from './session.js';
import { charCount } from './text-limit.js';

/**
 * The messages the page holds at most per room (older or newer ones are loaded again on scrolling); the page's
 * address may say fewer (/chat?keep=300), which tests use to see the far end dropped without thousands of messages.
 */
const KEEP = Number(new URLSearchParams(window.location.search).get('keep')) || 3000;

/*
 * One view per room opened since the page loaded: its list, history and outbox, kept while another room is
 * open so that going back is instant and its unsent messages keep going. The open room's list is #messages.
 */
const views = new Map();
const template = document.querySelector('.room-view');
const handlers = new Map(); // room -> the bridge handler of chat.room.<room>
let eventBus = null;

function viewOf(room) {
  let view = views.get(room);
  if (view) {
    return view;
  }
  const box = views.size === 0 ? template : template.cloneNode(true);
  if (box !== template) {
    box.querySelectorAll('[id]').forEach((e) => e.removeAttribute('id')); // the open room's get them
    box.querySelector('.messages').replaceChildren();
    box.querySelector('.new-messages').hidden = true;
    box.hidden = true;
    template.parentNode.insertBefore(box, template);
  }
  const list = new MessageList(box.querySelector('.messages'), {
    newMessages: box.querySelector('.new-messages'),
    me,
    maxMessages: KEEP,
  });
  const history = new History(list, room);
  view = { room, box, list, history, outbox: new Outbox(list, putBack, room) };
  list.newMessages.addEventListener('click', () => {
    if (list.holdsNewest) {
      list.view.toBottom();
      list.newMessages.hidden = true;
      readCurrent();
    } else {
      history.newest().then(() => {
        list.newMessages.hidden = true;
        readCurrent();
      }, () => {});
    }
  });
  views.set(room, view);
  return view;
}

/** Everything shown in the open room counts as read while the tab is visible. */
function readCurrent() {
  const view = views.get(rooms.current);
  if (view && document.visibilityState === 'visible' && view.list.holdsNewest && view.list.lastSeq() >= 0) {
    unread.markRead(rooms.current, view.list.lastSeq());
  }
}

function onMessage(room, message) {
  views.get(room)?.list.show(message);
  if (room === rooms.current) {
    stoppedTyping(message.sender);
  }
  if (room === rooms.current && document.visibilityState === 'visible' && views.get(room)?.list.holdsNewest) {
    unread.markRead(room, message.seq);
  } else {
    unread.add(room, message);
  }
  if (message.sender !== me && mentions(message.text, me)) {
    notifyMention(room, message, () => rooms.open(room));
  }
}

/** A line in room's view, if the page follows the room and has its view. */
function noticeIn(room, text) {
  if (rooms.followed().includes(room)) {
    views.get(room)?.list.notice(text);
  }
}

/** A room was created, changed or archived anywhere: the list is asked again, and the change is told where it belongs. */
async function roomChanged(change) {
  await rooms.refresh();
  if (change.type === 'topic') {
    noticeIn(change.room, change.topic ? `${change.by} set the topic: ${change.topic}` : `${change.by} cleared the topic`);
  } else if (change.type === 'archived') {
    rooms.archived(change.room, change.by);
  }
  followRooms();
}

/** Follows exactly the rooms the page shows or counts. */
function followRooms() {
  if (!eventBus) {
    return;
  }
  const wanted = new Set(rooms.followed());
  handlers.forEach((handler, room) => {
    if (!wanted.has(room)) {
      eventBus.unregisterHandler('chat.room.' + room, handler);
      handlers.delete(room);
    }
  });
  wanted.forEach((room) => {
    if (!handlers.has(room)) {
      const handler = (error, message) => {
        if (!error) {
          onMessage(room, message.body);
        }
      };
      eventBus.registerHandler('chat.room.' + room, handler);
      handlers.set(room, handler);
    }
  });
}

const progress = (n) => showConnection('catching-up', `Catching up… ${n} messages`);

/** The open room's view is brought up to date (the others catch up quietly). */
async function catchUp(view, report = () => {}) {
  await view.history.catchUp(report);
  if (view.room === rooms.current) {
    readCurrent();
  }
}

/** Shows the view of room (none: the room does not exist). */
function showView(room) {
  views.forEach((view) => {
    const shown = view.room === room;
    view.box.hidden = !shown;
    for (const [e, id] of [[view.list.element, 'messages'], [view.list.newMessages, 'new-messages']]) {
      if (shown) {
        e.id = id;
      } else {
        e.removeAttribute('id');
      }
    }
  });
}

let rooms = null;
const unread = new Unread(me, () => rooms?.render());
rooms = new Rooms(me, unread, {
  opened(room, known) {
    input.disabled = !known;
    clearTyping();
    if (!known) {
      showView(null);
    } else {
      const view = viewOf(room);
      showView(room);
      followRooms();
      if (eventBus) {
        catchUp(view).catch(() => {});
      }
      readCurrent();
    }
  },
  joined(room) {
    followRooms();
    unread.fetch(room).catch(() => {});
  },
  left(room) {
    followRooms();
    unread.forget(room);
  },
});

onConnect(async (bus) => {
  eventBus = bus;
  handlers.clear(); // the bridge client forgot them with the old connection
  bus.registerHandler('chat.rooms', (error, message) => {
    if (!error) {
      roomChanged(message.body ?? {}).catch(() => {});
    }
  });
  // Who joined or left a room, for the others in it (a person's own tabs say nothing: they know).
  bus.registerHandler('chat.members', (error, message) => {
    const event = error ? null : message.body;
    if (event && event.user !== me) {
      noticeIn(event.room, `${event.user} ${event.joined ? 'joined' : 'left'} #${event.room}`);
    }
  });
  listenForDms(bus, rooms);
  listenForPresence(bus, (text) => views.get(rooms.current)?.list.notice(text), stoppedTyping);
  listenForTyping(bus, () => rooms.current);
  showConnection('catching-up', 'Catching up…');
  try {
    await rooms.refresh();
    followRooms();
    const current = rooms.exists(rooms.current) ? views.get(rooms.current) : null;
    if (current) {
      await catchUp(current, progress);
    }
    showConnection('open', 'Connected');
  } catch (e) {
    if (!(e instanceof SessionOver)) {
      showConnection('open', 'Connected (history unavailable)');
    }
  }
  views.forEach((view) => {
    view.outbox.connected();
    if (view.room !== rooms.current && rooms.exists(view.room)) {
      catchUp(view).catch(() => {});
    }
  });
  rooms.followed().forEach((room) => unread.fetch(room).catch(() => {}));
});

viewOf(rooms.current); // shown at once; hidden again should the room turn out not to exist
showView(rooms.current);
document.addEventListener('visibilitychange', readCurrent);
window.addEventListener('focus', readCurrent);

document.getElementById('logout-form').addEventListener('submit', disconnect);

/** Puts back what was not sent when the last session ended (before typing is reported: this is not typing). */
function restoreKept() {
  const kept = takeKept();
  if (kept) {
    input.value = kept;
    if (charCount(kept) <= Number(input.dataset.maxLength)) {
      input.dispatchEvent(new Event('input')); // the box fits its text; over the limit, the composer would cut it
    }
  }
}

startComposer((text) => {
  const view = views.get(rooms.current);
  if (!view) {
    putBack(text); // no such room (the box is disabled)
    return;
  }
  if (view.list.holdsNewest) {
    view.outbox.send(text);
  } else {
    // One's own message goes below the newest messages: go there first.
    view.history.newest().finally(() => view.outbox.send(text));
  }
});
startMentions(input, me);
startDms(rooms);
startNotifications();
restoreKept();
keepOnSessionEnd(() => [input.value]);
reportTyping(input, () => rooms.current);
connect();
