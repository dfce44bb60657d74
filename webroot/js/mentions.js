/*
 * @name completion in the message box: typing "@" and the start of a name lists who is online (the global
 * list: people are online in Messenger, not in a room); Tab or Enter takes the highlighted name, the arrows
 * move, Escape closes, a click takes one. Keys are caught before the composer sees them, so Enter picks a name
 * rather than sending while the list is open.
 */
import { onlineNames } from './presence.js';

const MAX = 6;
const box = document.getElementById('mention-suggestions');

export function startMentions(input, me) {
  let names = [];
  let chosen = 0;
  let start = -1; // where the "@" being completed is

  const close = () => {
    box.hidden = true;
    names = [];
  };

  const show = () => {
    box.replaceChildren(...names.map((name, i) => {
      const li = document.createElement('li');
      li.textContent = name;
      li.role = 'option';
      li.setAttribute('aria-selected', String(i === chosen));
      li.addEventListener('mousedown', (event) => {
        event.preventDefault(); // the box keeps the focus
        take(name);
      });
      return li;
    }));
    box.hidden = names.length === 0;
  };

  const take = (name) => {
    const caret = input.selectionStart;
    const before = input.value.slice(0, start) + '@' + name + ' ';
    input.value = before + input.value.slice(caret);
    input.setSelectionRange(before.length, before.length);
    close();
    input.dispatchEvent(new Event('input'));
  };

  input.addEventListener('input', () => {
    const caret = input.selectionStart;
    const typed = input.value.slice(0, caret).match(/(^|\s)@([^\s@]{0,32})$/);
    if (!typed) {
      close();
      return;
    }
    start = caret - typed[2].length - 1;
    const prefix = typed[2].toLowerCase();
    const fresh = onlineNames().filter((name) => name !== me && name.toLowerCase().startsWith(prefix)).slice(0, MAX);
    if (fresh.length === 1 && fresh[0].toLowerCase() === prefix) {
      close(); // complete already
      return;
    }
    names = fresh;
    chosen = 0;
    show();
  });

  input.form.addEventListener('keydown', (event) => {
    if (box.hidden || event.target !== input) {
      return;
    }
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      chosen = (chosen + (event.key === 'ArrowDown' ? 1 : names.length - 1)) % names.length;
      show();
    } else if (event.key === 'Tab' || (event.key === 'Enter' && !event.shiftKey)) {
      take(names[chosen]);
    } else if (event.key === 'Escape') {
      close();
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation(); // the composer's Enter must not send
  }, { capture: true });
  input.addEventListener('blur', close);
}
