/*
 * The end of a session, as the page sees it. The server answers 401 when the session is over (logged out here
 * or elsewhere, expired, or the server's key changed) and 403 "name_taken" when its name is now online in
 * another session. Then the page goes back to the login form, which says why, and keeps what was not sent yet
 * in this tab's sessionStorage: after the next login it is back in the message box.
 */
const KEPT = 'messenger.unsent';
const sources = [];
let leaving = false;

/** source() returns the texts it holds that the server does not have yet; asked when the session ends. */
export function keepOnSessionEnd(source) {
  sources.push(source);
}

/** Resolves true, and leaves for the login form, when the response says that the session is over. */
export async function sessionOver(res) {
  if (res.status === 401) {
    leave('session');
    return true;
  }
  if (res.status === 403) {
    const body = await res.clone().json().catch(() => ({}));
    if (body.error === 'name_taken') {
      leave('name_taken');
      return true;
    }
  }
  return false;
}

function leave(why) {
  if (leaving) {
    return;
  }
  leaving = true;
  const texts = sources.flatMap((source) => source()).map((text) => text.trim()).filter((text) => text);
  if (texts.length > 0) {
    sessionStorage.setItem(KEPT, texts.join('\n'));
  }
  window.location.assign('/?ended=' + why);
}

/** What was kept when the last session ended, once; null when nothing was. */
export function takeKept() {
  const kept = sessionStorage.getItem(KEPT);
  sessionStorage.removeItem(KEPT);
  return kept;
}
