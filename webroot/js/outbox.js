/*
 * Sending messages. Each shows at once as "sending…" and goes to POST /send with an id of its own; they go one
 * at a time, in the order they were written, so that the log holds them in that order (two requests in flight
 * may reach the broker in either order). A refusal for the moment waits and sends again, with the same id, so
 * that the server stores it once however often it was tried: 429 after the server's Retry-After, 503 or no
 * answer when the connection is back (or after a growing pause). Later messages wait behind it. A refusal
 * of the message itself (400 and the like) would be refused again: it is marked failed, and its writer can
 * take it back into the message box or dismiss it. The text is kept until the server accepted it.
 */
import { keepOnSessionEnd, sessionOver } from './session.js';

const MAX_PAUSE_MS = 8_000; // between tries while the server answers 503 or nothing

function newId() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The server's own words for a refusal ({"error", "message"}), else the status. */
async function reason(res) {
  try {
    return (await res.json()).message || 'error ' + res.status;
  } catch {
    return 'error ' + res.status;
  }
}

export class Outbox {
  /**
   * list: the conversation's MessageList; edit(text): puts a message's text back into the message box; room:
   * where its messages go.
   */
  constructor(list, edit, room = 'general') {
    this.list = list;
    this.room = room;
    this.edit = edit;
    this.queue = [];          // {id, text}, oldest first: the first is being sent or waits to be sent again
    this.failed = new Map();  // id -> text, refused for good, until edited or dismissed
    this.sending = false;
    this.wake = () => {};     // ends the current pause early
    keepOnSessionEnd(() => [...this.queue.map((m) => m.text), ...this.failed.values()]);
  }

  send(text) {
    const message = { id: newId(), text };
    this.queue.push(message);
    this.list.showPending(message.id, text);
    this.pump();
  }

  /** The connection to the server is back: a message waiting for it goes now. */
  connected() {
    this.wake();
  }

  async pump() {
    if (this.sending) {
      return;
    }
    this.sending = true;
    let pauseMs = 1000;
    while (this.queue.length > 0) {
      const message = this.queue[0];
      this.list.markSending(message.id);
      const outcome = await this.post(message);
      if (outcome === 'stop') {
        break; // the session is over: the page leaves, keeping the texts
      }
      if (outcome === 'done') {
        pauseMs = 1000;
        continue;
      }
      // Not now: wait, then try the first in line again (it may have been dismissed meanwhile).
      this.list.markUnsent(message.id, 'waiting', `not sent yet: ${outcome.why} Sending again…`, this.actions(message));
      await new Promise((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, outcome.afterMs ?? pauseMs);
      });
      this.wake = () => {};
      pauseMs = Math.min(pauseMs * 2, MAX_PAUSE_MS);
    }
    this.sending = false;
  }

  /** 'done' (accepted, or refused for good), 'stop', or {why, afterMs}: try again later. */
  async post(message) {
    let res;
    try {
      res = await fetch('/send', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ ...message, room: this.room }),
      });
    } catch {
      return { why: 'no connection to the server.' };
    }
    if (res.status === 202) {
      this.queue.shift();
      this.list.markSent(message.id);
      return 'done';
    }
    if (await sessionOver(res)) {
      return 'stop';
    }
    if (res.status === 429) {
      return { why: await reason(res), afterMs: 1000 * Number(res.headers.get('Retry-After') || 1) };
    }
    if (res.status === 503 || res.status >= 500) {
      return { why: await reason(res) };
    }
    this.queue.shift();
    this.failed.set(message.id, message.text);
    this.list.markUnsent(message.id, 'failed', 'not sent: ' + await reason(res), this.actions(message));
    return 'done';
  }

  /** The Edit and Dismiss buttons of an unsent message. */
  actions(message) {
    const takeBack = () => {
      const waitedFor = this.queue[0]?.id === message.id;
      this.queue = this.queue.filter((m) => m.id !== message.id);
      this.failed.delete(message.id);
      this.list.remove(message.id);
      if (waitedFor) {
        this.wake(); // the next in line goes on
      }
    };
    return {
      edit: () => {
        takeBack();
        this.edit(message.text);
      },
      dismiss: takeBack,
    };
  }
}
