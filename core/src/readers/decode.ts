/**
 * Bytes → text for CSV/TSV: byte order marks, UTF-16 without a BOM, strict UTF-8, then Windows-1252.
 * `decodeText` decodes a sample at once (format sniffing); the CSV reader decides the same way over the
 * whole file without decoding it at once (text-bytes.ts), with the helpers exported here.
 * Uses only TextDecoder (Node, Workers, browsers); Windows-1252 has a hand-written fallback for runtimes
 * whose TextDecoder only knows UTF-8/UTF-16.
 */

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
  /** For `workbook.notes`. */
  note: string;
}

/**
 * @param partial the bytes are a prefix of the file: an incomplete character at the end is not an error.
 */
export function decodeText(bytes: Uint8Array, partial = false): DecodedText {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    const body = bytes.subarray(3);
    const strict = tryUtf8(body, partial);
    if (strict !== null)
      return { text: strict, encoding: 'utf-8', note: 'Read as UTF-8 text (the file starts with a UTF-8 byte order mark).' };
    return {
      text: new TextDecoder('utf-8').decode(body),
      encoding: 'utf-8',
      note: 'Read as UTF-8 text (byte order mark); some bytes were not valid UTF-8 and were replaced with \uFFFD.',
    };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: utf16(bytes.subarray(2), 'le'), encoding: 'utf-16le', note: 'Read as UTF-16 text (little-endian byte order mark).' };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: utf16(bytes.subarray(2), 'be'), encoding: 'utf-16be', note: 'Read as UTF-16 text (big-endian byte order mark).' };
  }
  const guess = guessUtf16(bytes);
  if (guess) {
    return {
      text: utf16(bytes, guess),
      encoding: guess === 'le' ? 'utf-16le' : 'utf-16be',
      note: `Read as UTF-16 ${guess === 'le' ? 'little' : 'big'}-endian text (no byte order mark; every other byte is zero).`,
    };
  }
  const strict = tryUtf8(bytes, partial);
  if (strict !== null) return { text: strict, encoding: 'utf-8', note: 'Read as UTF-8 text.' };
  // Mostly UTF-8 with a few stray bytes (a file edited by two programs): Windows-1252 would garble every
  // accented letter, so keep UTF-8 and replace the stray bytes.
  const lenient = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes, { stream: partial });
  const { nonAscii, replaced } = countNonAscii(lenient);
  if (nonAscii - replaced > replaced * 4) {
    return {
      text: lenient,
      encoding: 'utf-8',
      note: `Read as UTF-8 text; ${replaced} invalid byte sequence${replaced === 1 ? ' was' : 's were'} replaced with \uFFFD.`,
    };
  }
  return { text: windows1252(bytes), encoding: 'windows-1252', note: 'Read as Windows-1252 text (not valid UTF-8).' };
}

export function countNonAscii(text: string): { nonAscii: number; replaced: number } {
  let nonAscii = 0;
  let replaced = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) {
      nonAscii++;
      if (c === 0xfffd) replaced++;
    }
  }
  return { nonAscii, replaced };
}

function tryUtf8(bytes: Uint8Array, partial: boolean): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes, { stream: partial });
  } catch {
    return null;
  }
}

/** UTF-16 without a BOM: in the first KB, zero bytes sit at nearly every odd (LE) or even (BE) position. */
export function guessUtf16(bytes: Uint8Array): 'le' | 'be' | null {
  const n = Math.min(bytes.length, 1024) & ~1;
  if (n < 4) return null;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) even++;
    if (bytes[i + 1] === 0) odd++;
  }
  const pairs = n / 2;
  if (odd >= pairs * 0.4 && even <= pairs * 0.05) return 'le';
  if (even >= pairs * 0.4 && odd <= pairs * 0.05) return 'be';
  return null;
}

export function utf16(bytes: Uint8Array, order: 'le' | 'be'): string {
  try {
    return new TextDecoder(order === 'le' ? 'utf-16le' : 'utf-16be', { ignoreBOM: true }).decode(bytes);
  } catch {
    // Runtimes without a utf-16be decoder: swap the bytes into a copy and decode as LE.
    const swapped = bytes.slice(0, bytes.length & ~1);
    if (order === 'be') {
      for (let i = 0; i < swapped.length; i += 2) {
        const a = swapped[i] ?? 0;
        swapped[i] = swapped[i + 1] ?? 0;
        swapped[i + 1] = a;
      }
    }
    return new TextDecoder('utf-16le', { ignoreBOM: true }).decode(swapped);
  }
}

/** The 0x80–0x9F block of Windows-1252 (the rest equals Latin-1); undefined bytes map to the C1 control. */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019,
  0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

export function windows1252(bytes: Uint8Array): string {
  try {
    return new TextDecoder('windows-1252').decode(bytes);
  } catch {
    const parts: string[] = [];
    const chunk = new Uint16Array(8192);
    for (let start = 0; start < bytes.length; start += chunk.length) {
      const end = Math.min(bytes.length, start + chunk.length);
      for (let i = start; i < end; i++) {
        const b = bytes[i] ?? 0;
        chunk[i - start] = b >= 0x80 && b < 0xa0 ? (CP1252_HIGH[b - 0x80] ?? b) : b;
      }
      parts.push(String.fromCharCode(...chunk.subarray(0, end - start)));
    }
    return parts.join('');
  }
}

/**
 * True when the text is not text: more than 5% control characters (other than tab, CR, LF, FF) or
 * replacement characters in the first 64K characters — what decoding random bytes or a binary file gives.
 */
export function looksBinary(text: string): boolean {
  const n = Math.min(text.length, 65536);
  if (n === 0) return false;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || (c >= 0x7f && c < 0xa0) || c === 0xfffd) bad++;
  }
  return bad > n * 0.05;
}
