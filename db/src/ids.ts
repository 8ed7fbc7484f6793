/**
 * UUIDv7 identifiers made in the application: time-ordered, so 100,000 new lines land at the right-hand
 * end of the primary-key index instead of all over it, and known before the rows are written (the
 * version rows written in the same COPY pass refer to them).
 */
import { randomFillSync } from 'node:crypto';

/** ASCII codes of the two hex digits of each byte. */
const HEX_HI = Uint8Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0').charCodeAt(0));
const HEX_LO = Uint8Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0').charCodeAt(1));
const DASH = 45;
const pool = new Uint8Array(16 * 4096);
let offset = pool.length;
const chars = new Uint16Array(36);

export function uuidv7(now: number = Date.now()): string {
  if (offset + 16 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const b = pool.subarray(offset, offset + 16);
  offset += 16;
  // 48-bit big-endian millisecond timestamp.
  let ts = now;
  for (let i = 5; i >= 0; i--) {
    b[i] = ts % 256;
    ts = Math.floor(ts / 256);
  }
  b[6] = ((b[6] as number) & 0x0f) | 0x70;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  // One flat string from its character codes: built by concatenation, an id was a tree of ~20 string
  // pieces (≈600 bytes), and the million ids of a large import held ~500 MB until they were written.
  let at = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) chars[at++] = DASH;
    const v = b[i] as number;
    chars[at++] = HEX_HI[v] as number;
    chars[at++] = HEX_LO[v] as number;
  }
  return String.fromCharCode.apply(null, chars as unknown as number[]);
}

export function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}
