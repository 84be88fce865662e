// auth.js: the optional bearer token for servers without anonymous access.
// It lives in sessionStorage (gone with the tab) and goes only to this
// origin: the style's glyph server never sees it.

const key = 'landplan.token';

/** token is the token the user entered in this tab, or "". */
export function token() {
  return sessionStorage.getItem(key) ?? '';
}

/** setToken keeps tok for this tab ("" forgets it). */
export function setToken(tok) {
  if (tok) sessionStorage.setItem(key, tok);
  else sessionStorage.removeItem(key);
}

/** authHeaders are the headers for a request to this origin. */
export function authHeaders() {
  const tok = token();
  return tok ? { Authorization: `Bearer ${tok}` } : {};
}

/** sameOrigin says whether url points at this server. */
export function sameOrigin(url) {
  try {
    return new URL(url, location.href).origin === location.origin;
  } catch {
    return false;
  }
}
