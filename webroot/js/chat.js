/*
 * The chat page. Messages arrive on the event-bus bridge ("chat.messages") and from /history; each has
 * a global "seq" (its place in the chat log), so every window shows them in the same order, and an "id",
 * so nothing is shown twice. Own messages show at once ("sending…") and are replaced by the server's copy.
 * Text is only ever inserted with textContent: never as HTML.
 */
(function () {
  'use strict';

  var me = document.body.getAttribute('data-user');
  var list = document.getElementById('messages');
  var form = document.getElementById('composer');
  var input = document.getElementById('text');
  var connection = document.getElementById('connection');
  var newMessages = document.getElementById('new-messages');
  var composerError = document.getElementById('composer-error');
  var HISTORY_PAGE = 200;

  var byId = new Map();   // id -> <li>, for every message shown (confirmed or pending)
  var lastSeq = -1;       // highest seq shown; the gap after a reconnect is filled from here
  var eventBus = null;
  var loggingOut = false;
  var openListeners = []; // presence.js: called with the event bus on every (re)connection

  function newId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  function formatTime(ts) {
    return new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  function nearBottom() {
    return list.scrollHeight - list.scrollTop - list.clientHeight < 48;
  }

  function scrollToBottom() {
    list.scrollTop = list.scrollHeight;
    newMessages.hidden = true;
  }

  /** One of eight name colours, the same for a name in every window. */
  function hueOf(name) {
    var hash = 0;
    for (var i = 0; i < name.length; i++) {
      hash = (hash * 31 + name.charCodeAt(i)) | 0;
    }
    return String(Math.abs(hash) % 8);
  }

  function buildItem(id, sender, text) {
    var li = document.createElement('li');
    li.className = 'message ' + (sender === me ? 'mine' : 'theirs');
    li.setAttribute('data-id', id);
    li.setAttribute('data-hue', hueOf(sender));
    var meta = document.createElement('div');
    meta.className = 'meta';
    var who = document.createElement('span');
    who.className = 'sender';
    who.textContent = sender;
    var time = document.createElement('time');
    var state = document.createElement('span');
    state.className = 'state';
    meta.append(who, ' ', time, ' ', state);
    var body = document.createElement('p');
    body.className = 'text';
    body.setAttribute('dir', 'auto');
    body.textContent = text;
    li.append(meta, body);
    return li;
  }

  function setTime(li, ts) {
    var time = li.querySelector('time');
    time.dateTime = new Date(ts).toISOString();
    time.title = new Date(ts).toLocaleString();
    time.textContent = formatTime(ts);
  }

  function setState(li, state, label) {
    li.classList.remove('sending', 'sent', 'failed');
    if (state) {
      li.classList.add(state);
    }
    li.querySelector('.state').textContent = label || '';
  }

  /** Inserts a message from the server at its place by seq; replaces its local echo if there is one. */
  function show(message) {
    var existing = byId.get(message.id);
    if (existing && existing.hasAttribute('data-seq')) {
      return; // already shown
    }
    var stick = nearBottom();
    if (existing) {
      existing.remove();
    }
    var li = buildItem(message.id, message.sender, message.text);
    li.setAttribute('data-seq', String(message.seq));
    setTime(li, message.ts);
    // Confirmed messages are ordered by seq; pending local echoes stay below them.
    var after = null;
    var node = list.lastElementChild;
    while (node) {
      if (node.hasAttribute('data-seq') && Number(node.getAttribute('data-seq')) < message.seq) {
        after = node;
        break;
      }
      node = node.previousElementSibling;
    }
    list.insertBefore(li, after ? after.nextSibling : list.firstChild);
    byId.set(message.id, li);
    lastSeq = Math.max(lastSeq, message.seq);
    if (stick || message.sender === me) {
      scrollToBottom();
    } else {
      newMessages.hidden = false;
    }
  }

  function showPending(id, text) {
    var li = buildItem(id, me, text);
    setTime(li, Date.now());
    setState(li, 'sending', 'sending…');
    list.appendChild(li);
    byId.set(id, li);
    scrollToBottom();
    return li;
  }

  function markFailed(id, text, reason) {
    var li = byId.get(id);
    if (!li || li.hasAttribute('data-seq')) {
      return;
    }
    setState(li, 'failed', 'not sent: ' + reason);
    var retry = document.createElement('button');
    retry.type = 'button';
    retry.className = 'retry';
    retry.textContent = 'Retry';
    retry.addEventListener('click', function () {
      retry.remove();
      setState(li, 'sending', 'sending…');
      post(id, text);
    });
    li.querySelector('.meta').append(' ', retry);
  }

  function post(id, text) {
    fetch('/send', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: id, text: text })
    }).then(function (res) {
      if (res.status === 202) {
        var li = byId.get(id);
        if (li && !li.hasAttribute('data-seq')) {
          setState(li, 'sent', 'sent');
        }
        return;
      }
      if (res.status === 401) {
        window.location.assign('/');
        return;
      }
      return res.json().then(function (error) {
        markFailed(id, text, error.message || ('error ' + res.status));
      }, function () {
        markFailed(id, text, 'error ' + res.status);
      });
    }, function () {
      markFailed(id, text, 'no connection to the server');
    });
  }

  function submit() {
    var text = input.value.trim();
    if (!text) {
      return;
    }
    composerError.hidden = true;
    input.value = '';
    resizeInput();
    input.focus();
    var id = newId();
    showPending(id, text);
    post(id, text);
  }

  /** Loads what this window has not seen: the newest page at first, everything after lastSeq later. */
  function fillFromHistory() {
    var url = lastSeq < 0 ? '/history?limit=' + HISTORY_PAGE : '/history?after=' + lastSeq + '&limit=' + HISTORY_PAGE;
    return fetch(url, { credentials: 'same-origin' }).then(function (res) {
      if (res.status === 401) {
        window.location.assign('/');
        return;
      }
      if (!res.ok) {
        throw new Error('history ' + res.status);
      }
      return res.json().then(function (page) {
        var hadSeq = lastSeq;
        page.messages.forEach(show);
        if (hadSeq >= 0 && page.messages.length === HISTORY_PAGE) {
          return fillFromHistory();
        }
      });
    });
  }

  function setConnection(state, label) {
    connection.setAttribute('data-state', state);
    connection.textContent = label;
  }

  function connect() {
    // WebSocket first: it needs no sticky sessions behind a load balancer; the polling fallbacks do.
    eventBus = new EventBus('/eventbus', { transports: ['websocket', 'xhr-streaming', 'xhr-polling'] });
    eventBus.enableReconnect(true);
    eventBus.onopen = function () {
      // Handlers are dropped on every reconnect: register again, then fetch what was missed meanwhile.
      eventBus.registerHandler('chat.messages', function (error, message) {
        if (!error) {
          show(message.body);
        }
      });
      openListeners.forEach(function (listener) { listener(eventBus); });
      fillFromHistory().then(function () {
        setConnection('open', 'Connected');
      }, function () {
        setConnection('open', 'Connected (history unavailable)');
      });
    };
    eventBus.onclose = function () {
      if (!loggingOut) {
        setConnection('reconnecting', 'Reconnecting…');
      }
    };
  }

  /** A line such as "alice joined", placed after the newest message so far (later messages go below it). */
  function notice(text) {
    var stick = nearBottom();
    var li = document.createElement('li');
    li.className = 'notice';
    li.setAttribute('data-seq', String(lastSeq));
    li.textContent = text;
    list.appendChild(li);
    if (stick) {
      scrollToBottom();
    }
  }

  window.Messenger = {
    onOpen: function (listener) { openListeners.push(listener); },
    notice: notice
  };

  function resizeInput() {
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight, 160) + 'px';
  }

  input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  input.addEventListener('input', resizeInput);
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    submit();
  });
  list.addEventListener('scroll', function () {
    if (nearBottom()) {
      newMessages.hidden = true;
    }
  });
  newMessages.addEventListener('click', scrollToBottom);
  document.getElementById('logout-form').addEventListener('submit', function () {
    loggingOut = true;
    setConnection('closed', 'Logged out');
    if (eventBus) {
      eventBus.close();
    }
  });

  connect();
  input.focus();
}());
