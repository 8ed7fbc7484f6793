/**
 * Console sessions live on the server (db: console-sessions.ts); the `bs_session` cookie holds only the
 * session's random token, no key material. Signing out, revoking the session's API key and the expiry
 * each end the session for every copy of the cookie. This file has the cookie's name and lifetime, and
 * the WebCrypto helpers for the CSRF token (the same code runs on Node and Workers).
 */
export const SESSION_COOKIE = 'bs_session';
/** Sessions end after this long, whatever happens. */
export const SESSION_TTL_S = 12 * 3600;

function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function randomToken(bytes = 32): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** Constant-time comparison of two tokens. */
export function sameToken(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
