/*
 * Who is online and who is typing, on the chat page (loaded after chat.js, on its event bus).
 * The list comes on "chat.presence": the server sends the current list as soon as the page listens (on every
 * (re)connection), then an event on every change, each carrying the whole list, a version and the names that
 * joined or left (shown as notices in the conversation).
 * Typing: at most one POST /typing every 3 s while the user types; others' "chat.typing" events show
 * "alice is typing…" for a few seconds, or until a message from her arrives. Names only ever go in textContent.
 */
(function () {
  'use strict';

  var me = document.body.getAttribute('data-user');
  var onlineList = document.getElementById('online');
  var onlineCount = document.getElementById('online-count');
  var typingLine = document.getElementById('typing');
  var input = document.getElementById('text');
  var TYPING_SHOWN_MS = 5000;
  var TYPING_EVERY_MS = 3000;

  var version = -1;          // of the list shown; older events and replies are ignored
  var typing = new Map();    // name -> timer that removes them from the typing line
  var lastTypingSent = 0;

  function showOnline(names) {
    onlineList.replaceChildren.apply(onlineList, names.map(function (name) {
      var li = document.createElement('li');
      li.textContent = name;
      if (name === me) {
        li.className = 'me';
      }
      return li;
    }));
    onlineCount.textContent = '(' + names.length + ')';
  }

  function apply(roster) {
    if (roster.version > version) {
      version = roster.version;
      showOnline(roster.online);
    }
  }

  function showTyping() {
    var names = Array.from(typing.keys());
    if (names.length === 0) {
      typingLine.textContent = '';
    } else if (names.length === 1) {
      typingLine.textContent = names[0] + ' is typing…';
    } else if (names.length === 2) {
      typingLine.textContent = names[0] + ' and ' + names[1] + ' are typing…';
    } else {
      typingLine.textContent = names.length + ' people are typing…';
    }
  }

  function stopTyping(name) {
    if (typing.has(name)) {
      clearTimeout(typing.get(name));
      typing.delete(name);
      showTyping();
    }
  }

  function startTyping(name) {
    if (name === me) {
      return;
    }
    clearTimeout(typing.get(name));
    typing.set(name, setTimeout(function () { stopTyping(name); }, TYPING_SHOWN_MS));
    showTyping();
  }

  window.Messenger.onOpen(function (eventBus) {
    // A new connection may be to another instance, whose versions are its own: start over.
    version = -1;
    eventBus.registerHandler('chat.presence', function (error, message) {
      if (error) {
        return;
      }
      var event = message.body;
      // Not about oneself: whether a page hears of its own arrival depends on how fast it registered.
      event.joined.forEach(function (name) {
        if (name !== me) {
          window.Messenger.notice(name + ' joined');
        }
      });
      event.left.forEach(function (name) {
        if (name !== me) {
          window.Messenger.notice(name + ' left');
        }
        stopTyping(name);
      });
      apply(event);
    });
    eventBus.registerHandler('chat.typing', function (error, message) {
      if (!error) {
        startTyping(message.body.user);
      }
    });
    eventBus.registerHandler('chat.messages', function (error, message) {
      if (!error) {
        stopTyping(message.body.sender);
      }
    });
  });

  input.addEventListener('input', function () {
    var now = Date.now();
    if (input.value.trim() && now - lastTypingSent >= TYPING_EVERY_MS) {
      lastTypingSent = now;
      fetch('/typing', { method: 'POST', credentials: 'same-origin' }).catch(function () { /* best effort */ });
    }
  });
}());
