/**
 * Bearer secrets the server hands out (API keys, console session tokens): random 256-bit tokens of which
 * only a SHA-256 is stored, looked up by that hash and compared in constant time.
 */
import * as crypto from 'node:crypto';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes as base64url: 43 characters. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * SHA-256 of `text` as hex. Every API request hashes its key (the key cache is keyed by the hash, so no
 * presented secret is kept): the one-shot crypto.hash (Node 21.7+) is about twice as fast as a Hash object;
 * where it is missing (Workers' node:crypto) the Hash object does the same.
 */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

export function sha256Hex(text: string): string {
  return oneShot ? oneShot('sha256', text, 'hex') : createHash('sha256').update(text).digest('hex');
}

/** Constant-time comparison of two hex digests (the lookup is by hash; this guards the final check). */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
