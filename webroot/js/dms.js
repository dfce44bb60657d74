/*
 * Direct messages between people signed in with an account. One is opened with POST /dms {with}: from the
 * "Message" button beside a signed-in person in the online list, or by name in the sidebar's form; the server
 * answers with the conversation ({id, with: {id, name}}), which opens like a room (/chat/<dm id>). The other
 * person hears of it on "chat.dms", which the server writes to their own sockets only, and it appears in their
 * sidebar at once. A name-only login has none of this: the section stays hidden.
 */
import { account } from './page.js';
import { offerMessages } from './presence.js';

const form = document.getElementById('open-dm');
const error = document.getElementById('open-dm-error');

function failed(message) {
  error.textContent = message;
  error.hidden = false;
}

/** Opens the conversation with whom (a name or an account id), or says why it cannot be opened. */
async function open(rooms, whom) {
  error.hidden = true;
  let res;
  try {
    res = await fetch('/dms', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ with: whom }),
    });
  } catch {
    failed('No connection to the server; try again.');
    return false;
  }
  if (res.ok) {
    const dm = await res.json();
    rooms.addDm(dm);
    rooms.open(dm.id);
    return true;
  }
  let message = 'error ' + res.status;
  try {
    message = (await res.json()).message || message;
  } catch {
    // not JSON: the status says it
  }
  failed(message);
  return false;
}

/** The form and the online list's buttons; nothing for a name-only login. */
export function startDms(rooms) {
  if (!account) {
    return;
  }
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (await open(rooms, form.elements.with.value.trim())) {
      form.reset();
    }
  });
  offerMessages((id) => open(rooms, id));
}

/** Listens on a new connection for conversations others open with us. */
export function listenForDms(eventBus, rooms) {
  if (!account) {
    return;
  }
  eventBus.registerHandler('chat.dms', (err, message) => {
    if (!err && message.body.type === 'opened') {
      rooms.addDm(message.body.dm);
    }
  });
}
