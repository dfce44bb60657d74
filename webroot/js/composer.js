/*
 * The message box: Enter sends, Shift+Enter adds a line, the box grows with its text, and it stops at the
 * server's limit (data-max-length, rendered from the server's settings), with a counter once the text nears
 * it. Sending clears it and keeps the focus: the outbox holds the text until the server accepted it, and a
 * message it could not send comes back here on Edit.
 */
import { charCount, limitLength } from './text-limit.js';

const MAX_HEIGHT_PX = 160;
const COUNTER_FROM = 0.9; // of the limit
const form = document.getElementById('composer');
const counter = document.getElementById('counter');
export const input = document.getElementById('text');
const max = Number(input.dataset.maxLength);

function resize() {
  input.style.height = 'auto';
  input.style.height = Math.min(input.scrollHeight, MAX_HEIGHT_PX) + 'px';
}

function count() {
  const n = charCount(input.value);
  counter.hidden = n < max * COUNTER_FROM;
  counter.textContent = `${n} / ${max}`;
  counter.classList.toggle('full', n >= max);
}

/** Puts a text back into the box (before what is there), as far as it fits. */
export function putBack(text) {
  input.focus();
  input.setSelectionRange(0, 0);
  const before = input.value;
  input.value = text + (before ? '\n' + before : '');
  input.dispatchEvent(new Event('input')); // the limit, the height and the counter follow
}

/** Starts the box; send(text) is called with each message written. */
export function startComposer(send) {
  limitLength(input, max);
  input.addEventListener('input', () => {
    resize();
    count();
  });
  const submit = () => {
    const text = input.value.trim();
    if (!text) {
      return;
    }
    input.value = '';
    resize();
    count();
    input.focus();
    send(text);
  };
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  input.focus();
}
