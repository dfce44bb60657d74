/* What the server rendered into the chat page for its scripts: who is logged in, and the server's own settings. */
const data = document.body.dataset;

/** The logged-in user's name. */
export const me = data.user;

/** Their account id when they signed in with an account (who may have direct messages), else null. */
export const account = data.account || null;

/** What a direct message's id looks like (dm. and 22 characters of base64url): never a room's name. */
export const DM_ID = /^dm\.[A-Za-z0-9_-]{22}$/;

export const isDm = (room) => DM_ID.test(room);

/** The server takes at most one typing event per user per this many milliseconds. */
export const typingIntervalMs = Number(data.typingIntervalMs);
