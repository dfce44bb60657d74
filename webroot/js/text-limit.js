/*
 * A text field that stops at the server's limit, counted the way the server counts (Rules.textLength and
 * Rules.nameProblem): characters, that is code points, so an emoji is one, of the text without the white
 * space around it (Java's String.strip). A maxlength attribute counts UTF-16 units instead, and so would
 * refuse text the server accepts: 1000 emoji would fill a box meant for 2000 characters.
 */

// What Java's Character.isWhitespace calls white space: the Unicode space separators except the no-break
// ones, the line and paragraph separators, and the controls \t to \r and \x1C to \x1F.
const SPACE = /^(?![\u00A0\u2007\u202F])[\p{Zs}\u2028\u2029\t-\r\x1C-\x1F]$/u;

/** The text without the white space around it, as Java's String.strip() gives it. */
export function strip(text) {
  let start = 0;
  let end = text.length;
  while (start < end && SPACE.test(text[start])) {
    start++;
  }
  while (end > start && SPACE.test(text[end - 1])) {
    end--;
  }
  return text.slice(start, end);
}

/** The length the server checks: code points after stripping. */
export function charCount(text) {
  return Array.from(strip(text)).length;
}

const isHighSurrogate = (unit) => unit >= 0xD800 && unit <= 0xDBFF;
const isLowSurrogate = (unit) => unit >= 0xDC00 && unit <= 0xDFFF;

/**
 * An edit turned {@code before} into {@code after}, which is over the limit: the value that keeps as much of
 * what the edit inserted as fits, and where the caret goes (after what was kept). Like maxlength, it cuts the
 * inserted text, never what was there; and it never splits a character.
 */
export function fit(before, after, max) {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) {
    start++;
  }
  let tail = 0;
  while (tail < before.length - start && tail < after.length - start
    && before[before.length - 1 - tail] === after[after.length - 1 - tail]) {
    tail++;
  }
  if (start > 0 && isHighSurrogate(after.charCodeAt(start - 1))) {
    start--; // the edit began inside a surrogate pair: take the whole character
  }
  if (tail > 0 && isLowSurrogate(after.charCodeAt(after.length - tail))) {
    tail--;
  }
  const head = after.slice(0, start);
  const foot = after.slice(after.length - tail);
  const inserted = Array.from(after.slice(start, after.length - tail));
  // The count only grows with what is kept, so the most that fits is found by halving.
  let keep = 0;
  let over = inserted.length + 1;
  while (over - keep > 1) {
    const middle = (keep + over) >> 1;
    if (charCount(head + inserted.slice(0, middle).join('') + foot) <= max) {
      keep = middle;
    } else {
      over = middle;
    }
  }
  const kept = inserted.slice(0, keep).join('');
  return { value: head + kept + foot, caret: head.length + kept.length };
}

/** Makes the field stop at max characters (as counted above), whatever the way the text came in. */
export function limitLength(field, max) {
  // The text before the edit under way, to tell what the edit inserted. Taken before each edit where the
  // browser says one is coming (not for scripted edits, nor within a composition), and after each edit.
  let before = field.value;
  field.addEventListener('beforeinput', (event) => {
    if (!event.isComposing) {
      before = field.value;
    }
  });
  field.addEventListener('compositionstart', () => {
    before = field.value;
  });
  const enforce = () => {
    if (charCount(field.value) > max) {
      const { value, caret } = fit(before, field.value, max);
      field.value = value;
      field.setSelectionRange(caret, caret);
    }
    before = field.value;
  };
  field.addEventListener('input', (event) => {
    if (!event.isComposing) { // while an input method composes, its text is not final yet
      enforce();
    }
  });
  field.addEventListener('compositionend', enforce);
}
