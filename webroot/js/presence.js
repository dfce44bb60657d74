/*
 * Who is online. The list comes on "chat.presence": the server sends the whole list with its version as soon as
 * the page listens (on every (re)connection), then on every change only the change: the names added to and
 * removed from the list, the next version, and the names that joined or left, which become notices in the
 * conversation (none while a new server instance learns who is there). Names only go in textContent. Both
 * carry "accounts", the account id of each (added) name held by someone signed in: the list marks them (✓)
 * and, for a reader signed in too, offers a "Message" button that opens a direct message (dms.js).
 */
import { account, me } from './page.js';

const onlineList = document.getElementById('online');
const onlineCount = document.getElementById('online-count');
let version = -1; // of the list shown; older events are ignored
let online = [];
let accounts = new Map(); // name -> account id, for the signed-in people online
let message = null; // opens a direct message with an account id (dms.js), for a signed-in reader

/** Offers a "Message" button beside every other signed-in person; open(accountId) opens the conversation. */
export function offerMessages(open) {
  message = open;
  showOnline(online);
}

/** Who is online now, as last shown (mentions.js completes @names from it). */
export const onlineNames = () => online;

function showOnline(names) {
  onlineList.replaceChildren(...names.map((name) => {
    const li = document.createElement('li');
    const label = document.createElement('span');
    label.className = 'name';
    label.textContent = name;
    li.append(label);
    if (name === me) {
      li.className = 'me';
    }
    const id = accounts.get(name);
    if (id) {
      const badge = document.createElement('span');
      badge.className = 'verified';
      badge.title = 'Signed in with an account';
      badge.textContent = '✓';
      li.append(' ', badge);
      if (message && account && id !== account) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'secondary message';
        button.textContent = 'Message';
        button.ariaLabel = `Message ${name}`;
        button.addEventListener('click', () => message(id));
        li.append(button);
      }
    }
    return li;
  }));
  onlineCount.textContent = `(${names.length})`;
}

/** Listens on a new connection; notice(text) says who joined or left, left(name) is called for who leaves. */
export function listenForPresence(eventBus, notice, left) {
  version = -1; // a new connection may be to another instance, whose versions are its own
  online = [];
  accounts = new Map();
  eventBus.registerHandler('chat.presence', (error, message) => {
    if (error) {
      return;
    }
    const event = message.body;
    // Not about oneself: whether a page hears of its own arrival depends on how fast it registered.
    event.joined.filter((name) => name !== me).forEach((name) => notice(`${name} joined`));
    event.left.filter((name) => name !== me).forEach((name) => notice(`${name} left`));
    event.left.forEach(left);
    if (event.version <= version) {
      return; // the list shown has it already
    }
    if (event.online) {
      online = event.online;
      accounts = new Map(Object.entries(event.accounts ?? {}));
    } else if (version < 0) {
      return; // a change before the whole list, which includes it
    } else {
      const removed = new Set(event.removed);
      event.removed.forEach((name) => accounts.delete(name));
      Object.entries(event.accounts ?? {}).forEach(([name, id]) => accounts.set(name, id));
      online = online.filter((name) => !removed.has(name)).concat(event.added.filter((name) => !online.includes(name)));
      online.sort(); // code-unit order, as the server sorts it
    }
    version = event.version;
    showOnline(online);
  });
}
