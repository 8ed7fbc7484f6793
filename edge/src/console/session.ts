/**
 * Console sessions, kept in the browser: the cookie holds the API key, the session's CSRF token and its
 * expiry, sealed with AES-256-GCM under a key derived from the session secret. The key is therefore
 * never in the cookie in clear, and a cookie cannot be forged or altered without the secret. Every
 * request opens the cookie and authenticates the key again, so revoking the key ends its sessions at
 * once. WebCrypto only: the same code runs on Node and Workers.
 */
import { MIN_SESSION_SECRET_LENGTH } from './options.ts';

export const SESSION_COOKIE = 'bs_session';
/** Sessions end after this long, whatever happens. */
export const SESSION_TTL_S = 12 * 3600;

export interface SessionPayload {
  /** The API key the person signed in with. */
  key: string;
  /** The CSRF token bound to this session (the `bs_csrf` cookie must hold the same). */
  csrf: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

const AAD = new TextEncoder().encode('budget-sync console session v1');

function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    const s = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
    return Uint8Array.from(s, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

export function randomToken(bytes = 32): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** Seals and opens session cookies with one secret. */
export class SessionSealer {
  private readonly key: Promise<CryptoKey>;

  constructor(secret: string) {
    if (secret.length < MIN_SESSION_SECRET_LENGTH) {
      throw new Error(`The console session secret must have at least ${MIN_SESSION_SECRET_LENGTH} characters.`);
    }
    // A SHA-256 of the secret is a uniformly distributed AES key whatever the secret's alphabet.
    this.key = crypto.subtle
      .digest('SHA-256', new TextEncoder().encode(`budget-sync console:${secret}`))
      .then((raw) => crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']));
  }

  async seal(payload: SessionPayload): Promise<string> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const plain = new TextEncoder().encode(JSON.stringify(payload));
    const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: AAD }, await this.key, plain));
    const out = new Uint8Array(iv.length + sealed.length);
    out.set(iv);
    out.set(sealed, iv.length);
    return toBase64Url(out);
  }

  /** The payload of a cookie this sealer made and that has not expired; null for anything else. */
  async open(cookie: string | undefined, nowS = Math.floor(Date.now() / 1000)): Promise<SessionPayload | null> {
    if (cookie === undefined || cookie.length > 4096) return null;
    const bytes = fromBase64Url(cookie);
    if (bytes === null || bytes.length < 12 + 16) return null;
    let plain: ArrayBuffer;
    try {
      plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: bytes.subarray(0, 12), additionalData: AAD },
        await this.key,
        bytes.subarray(12),
      );
    } catch {
      return null;
    }
    try {
      const p = JSON.parse(new TextDecoder().decode(plain)) as Partial<SessionPayload>;
      if (typeof p.key !== 'string' || typeof p.csrf !== 'string' || typeof p.exp !== 'number') return null;
      if (p.exp <= nowS) return null;
      return { key: p.key, csrf: p.csrf, exp: p.exp };
    } catch {
      return null;
    }
  }
}

/** Constant-time comparison of two tokens. */
export function sameToken(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
