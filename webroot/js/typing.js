/*
 * Who is typing in the open room. Others' "chat.typing" events ({user, room}) show "alice is typing…" for a
 * few seconds, or until a message from her arrives, she leaves or another room is opened. While this user
 * types, POST /typing {room} at most once per the server's interval (it drops anything more frequent anyway).
 */
import { isDm, me, typingIntervalMs } from './page.js';

const SHOWN_MS = 5000;
const line = document.getElementById('typing');
const typing = new Map(); // name -> the timer that takes it off the line
let lastSent = 0;

function showTyping() {
  const names = Array.from(typing.keys());
  if (names.length === 0) {
    line.textContent = '';
  } else if (names.length === 1) {
    line.textContent = `${names[0]} is typing…`;
  } else if (names.length === 2) {
    line.textContent = `${names[0]} and ${names[1]} are typing…`;
  } else {
    line.textContent = `${names.length} people are typing…`;
  }
}

/** Takes the name off the typing line: its message arrived, or it left. */
export function stoppedTyping(name) {
  if (typing.has(name)) {
    clearTimeout(typing.get(name));
    typing.delete(name);
    showTyping();
  }
}

function startedTyping(name) {
  if (name === me) {
    return;
  }
  clearTimeout(typing.get(name));
  typing.set(name, setTimeout(() => stoppedTyping(name), SHOWN_MS));
  showTyping();
}

/** Empties the line: another room is open. */
export function clearTyping() {
  typing.forEach((timer) => clearTimeout(timer));
  typing.clear();
  showTyping();
}

/** Listens on a new connection; room() is the open room. */
export function listenForTyping(eventBus, room) {
  eventBus.registerHandler('chat.typing', (error, message) => {
    if (!error && (message.body.room ?? 'general') === room()) {
      startedTyping(message.body.user);
    }
  });
}

/** Tells the server when this user types in the field, in the room open (room()). */
export function reportTyping(field, room) {
  let lastRoom = null;
  field.addEventListener('input', () => {
    const now = Date.now();
    if (isDm(room())) {
      return; // chat.typing reaches everyone: typing in a direct message is nobody else's business
    }
    if (field.value.trim() && (now - lastSent >= typingIntervalMs || room() !== lastRoom)) {
      lastSent = now;
      lastRoom = room();
      fetch('/typing', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ room: lastRoom }),
      }).catch(() => { /* best effort */ });
    }
  });
}
