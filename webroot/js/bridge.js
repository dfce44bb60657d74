/*
 * The connection to the server's event-bus bridge, and the indicator that says how it is. The bridge client
 * reconnects by itself after a drop, but forgets the page's handlers: whoever listens registers again on
 * every (re)connection. The bridge refuses a session that is over, which its client cannot tell from a
 * network failure: after each close the page asks the bridge itself.
 */
import { sessionOver } from './session.js';

const indicator = document.getElementById('connection');
const listeners = [];
let eventBus = null;
let closing = false;
let refusal = null;

// WebSocket first: it needs no sticky sessions behind a load balancer; the HTTP fallbacks do (see the README).
const TRANSPORTS = ['websocket', 'xhr-streaming', 'xhr-polling'];

/**
 * The transports SockJS may use: all of the above, or those of them named in the page's address
 * (/chat?transports=xhr-polling), which tests use to prove each fallback and a person can use to try one.
 */
function transports() {
  const named = new URLSearchParams(window.location.search).get('transports');
  const chosen = named ? named.split(',').filter((name) => TRANSPORTS.includes(name)) : [];
  return chosen.length > 0 ? chosen : TRANSPORTS;
}

/** Calls listener(eventBus) on every (re)connection, in the order the listeners were added. */
export function onConnect(listener) {
  listeners.push(listener);
}

/**
 * state: connecting, open, reconnecting or closed (the page's styles and tests read it). The indicator's
 * data-transport says which SockJS transport the connection uses.
 */
export function showConnection(state, label) {
  indicator.dataset.state = state;
  indicator.textContent = label;
}

export function connect() {
  // The vendored client (a classic script loaded before the modules) defines the global EventBus.
  eventBus = new window.EventBus('/eventbus', { transports: transports() });
  eventBus.enableReconnect(true);
  eventBus.onopen = () => {
    refusal = null;
    indicator.dataset.transport = eventBus.sockJSConn.transport;
    listeners.forEach((listener) => listener(eventBus));
  };
  // The server refuses a connection beyond its limit per session with this error, then closes it.
  const report = eventBus.onerror;
  eventBus.onerror = (error) => {
    if (error.body === 'too_many_sockets') {
      refusal = 'Too many tabs open';
    }
    report(error);
  };
  eventBus.onclose = () => {
    if (!closing) {
      showConnection('reconnecting', refusal ?? 'Reconnecting…');
      checkSession();
    }
  };
}

async function checkSession() {
  try {
    await sessionOver(await fetch('/eventbus/info', { credentials: 'same-origin', cache: 'no-store' }));
  } catch {
    // no answer: the server is away, and the bridge keeps trying
  }
}

/** Closes the connection for good: the user logs out. */
export function disconnect() {
  closing = true;
  showConnection('closed', 'Logged out');
  eventBus?.close();
}
