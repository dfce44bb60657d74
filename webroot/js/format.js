/*
 * Light formatting of a message's text, built as DOM nodes (never HTML): http(s) links, `inline code`,
 * fenced ``` blocks, **bold**, _italic_ and @mentions of the reader. A tiny parser of our own: a marker
 * without its closing twin stays text, and so does every marker inside bold, italic or code (no nesting),
 * so that whatever someone types is shown as typed when it is not exactly one of these forms. Links are made
 * only from text starting with http:// or https:// that the URL parser accepts with that scheme, so
 * javascript: and data: never become links.
 */

const FENCE = '```';
const NAME_CHAR = /[\p{L}\p{N}_.-]/u;
const WORD_CHAR = /[\p{L}\p{N}]/u;
// What ends a URL at its tail rather than belonging to it ("see https://x.org/a." ends with the dot).
const TRAILING = /[.,;:!?'")\]}>]+$/;

const isWordChar = (c) => c !== undefined && WORD_CHAR.test(c);

/** Whether text mentions name as @name (case-insensitive, not as the start of a longer name). */
export function mentions(text, name) {
  if (!name) {
    return false;
  }
  const lower = text.toLowerCase();
  const wanted = '@' + name.toLowerCase();
  for (let at = lower.indexOf(wanted); at >= 0; at = lower.indexOf(wanted, at + 1)) {
    if (mentionAt(text, at, name)) {
      return true;
    }
  }
  return false;
}

/** The length of "@name" when the mention of name starts at i, else 0. */
function mentionAt(text, i, name) {
  if (!name || text[i] !== '@' || (i > 0 && NAME_CHAR.test(text[i - 1]))) {
    return 0;
  }
  const end = i + 1 + name.length;
  if (text.slice(i + 1, end).toLowerCase() !== name.toLowerCase()) {
    return 0;
  }
  // "@bob." at a sentence's end is bob; "@bobby" is not.
  const next = text[end];
  return next === undefined || !NAME_CHAR.test(next) || (next === '.' && !NAME_CHAR.test(text[end + 1] ?? ' '))
    ? end - i : 0;
}

function element(tag, text, className) {
  const e = document.createElement(tag);
  e.textContent = text;
  if (className) {
    e.className = className;
  }
  return e;
}

/** A link when url is an http(s) URL the browser parses as such, else null. */
function link(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return null;
  }
  const a = element('a', url);
  a.href = parsed.href;
  a.rel = 'noopener noreferrer nofollow';
  a.target = '_blank';
  return a;
}

/** The nodes of text outside code fences: links, inline code, bold, italic, mentions of me, plain text. */
function inline(text, me) {
  const nodes = [];
  let plain = '';
  const flush = () => {
    if (plain) {
      nodes.push(document.createTextNode(plain));
      plain = '';
    }
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const rest = text.slice(i);
    if (c === '`') {
      const close = text.indexOf('`', i + 1);
      if (close > i + 1) {
        flush();
        nodes.push(element('code', text.slice(i + 1, close)));
        i = close + 1;
        continue;
      }
    } else if (rest.startsWith('**')) {
      const close = text.indexOf('**', i + 2);
      const inner = close > i + 2 ? text.slice(i + 2, close) : '';
      if (inner.trim() && inner === inner.trim()) {
        flush();
        nodes.push(element('strong', inner));
        i = close + 2;
        continue;
      }
    } else if (c === '_' && !isWordChar(text[i - 1])) {
      // _italic_ only between word boundaries, so that snake_case_names stay as they are.
      let close = text.indexOf('_', i + 1);
      while (close > 0 && isWordChar(text[close + 1])) {
        close = text.indexOf('_', close + 1);
      }
      const inner = close > i + 1 ? text.slice(i + 1, close) : '';
      if (inner.trim() && inner === inner.trim() && !inner.includes('\n')) {
        flush();
        nodes.push(element('em', inner));
        i = close + 1;
        continue;
      }
    } else if ((rest.startsWith('http://') || rest.startsWith('https://')) && !isWordChar(text[i - 1])) {
      const url = rest.match(/^\S+/)[0].replace(TRAILING, '');
      const a = link(url);
      if (a) {
        flush();
        nodes.push(a);
        i += url.length;
        continue;
      }
    } else if (c === '@') {
      const length = mentionAt(text, i, me);
      if (length) {
        flush();
        nodes.push(element('mark', text.slice(i, i + length), 'mention'));
        i += length;
        continue;
      }
    }
    plain += c;
    i++;
  }
  flush();
  return nodes;
}

/**
 * A DocumentFragment showing text: fenced blocks (``` on both ends; a first line after the opening fence that is
 * one word is taken as its language and left out) as <pre><code>, the rest through inline().
 */
export function formatText(text, me) {
  const fragment = document.createDocumentFragment();
  let from = 0;
  for (;;) {
    const open = text.indexOf(FENCE, from);
    const close = open < 0 ? -1 : text.indexOf(FENCE, open + FENCE.length);
    if (close < 0) {
      fragment.append(...inline(text.slice(from), me));
      return fragment;
    }
    fragment.append(...inline(text.slice(from, open).replace(/\n$/, ''), me));
    let code = text.slice(open + FENCE.length, close);
    const firstLine = code.match(/^([\w+-]*)\n/);
    if (firstLine) {
      code = code.slice(firstLine[0].length);
    }
    const pre = document.createElement('pre');
    pre.append(element('code', code.replace(/\n$/, '')));
    fragment.append(pre);
    from = close + FENCE.length;
    if (text[from] === '\n') {
      from++;
    }
  }
}
