/*
 * Desktop notifications for mentions while the tab is hidden. The browser's permission is asked only when the
 * reader clicks "Notify me of mentions" (never on load: browsers and readers both dislike that); the button
 * shows while the answer is still open.
 */
const button = document.getElementById('notify-me');
const supported = 'Notification' in window;

function showButton() {
  button.hidden = !supported || Notification.permission !== 'default';
}

export function startNotifications() {
  showButton();
  button.addEventListener('click', async () => {
    try {
      await Notification.requestPermission();
    } finally {
      showButton();
    }
  });
}

/** Whether the reader cannot see the page now. */
export const away = () => document.visibilityState !== 'visible' || !document.hasFocus();

/** Says "sender mentioned you in #room" when the tab is hidden; open() is called when it is clicked. */
export function notifyMention(room, message, open) {
  if (!supported || Notification.permission !== 'granted' || !away()) {
    return;
  }
  const notification = new Notification(`${message.sender} mentioned you in #${room}`, {
    body: message.text.slice(0, 200),
    tag: message.id, // one notification per message, however many tabs show it
  });
  notification.onclick = () => {
    window.focus();
    open();
    notification.close();
  };
}
