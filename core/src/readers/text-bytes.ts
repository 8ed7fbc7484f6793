/**
 * CSV text kept as bytes and decoded a piece at a time, so that reading a file never holds the whole
 * decoded text next to the bytes the caller already holds. The encoding is decided up front (byte order
 * marks, UTF-16 without one, strict UTF-8, then Windows-1252, as `decodeText` decides); UTF-16 is re-encoded
 * to UTF-8 once, so every later step works on ASCII-compatible bytes where line breaks, quotes and
 * delimiters are single bytes and can be found with native `indexOf`.
 */
import { countNonAscii, guessUtf16, type TextEncodingName, utf16, windows1252 } from './decode.ts';

export type Charset = 'utf-8' | 'windows-1252';

export interface TextBytes {
  /** The text's bytes, after any byte order mark. */
  readonly bytes: Uint8Array;
  /** How `bytes` decode: UTF-8 (invalid sequences become U+FFFD) or Windows-1252. */
  readonly charset: Charset;
  /** The file's own encoding, for the notes. */
  readonly encoding: TextEncodingName;
  /**
   * Every character decodes from bytes of its own (valid UTF-8, or Windows-1252): a count of characters at
   * the end of a decoded range is a count of bytes, found with `bytesOfLastChars`. Not so where invalid
   * UTF-8 bytes were replaced (the decoder's replacements do not map one to one).
   */
  readonly exact: boolean;
  /** For `workbook.notes`. */
  readonly note: string;
}

/**
 * Bytes decoded per call. Node's TextDecoder turns up to 64 KB into a string about 30× faster per byte
 * than larger inputs (measured on Node 22: 7 MB of CSV in 1 ms as 64 KB pieces, 30–50 ms in one call).
 */
export const PIECE_BYTES = 64 * 1024;

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const strictUtf8 = new TextDecoder('utf-8', { ignoreBOM: true, fatal: true });
let cp1252: TextDecoder | null | undefined;

/** Decides how the bytes decode, without decoding them all at once. */
export function openText(bytes: Uint8Array): TextBytes {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    const body = bytes.subarray(3);
    const valid = isUtf8(body);
    const note = valid
      ? 'Read as UTF-8 text (the file starts with a UTF-8 byte order mark).'
      : 'Read as UTF-8 text (byte order mark); some bytes were not valid UTF-8 and were replaced with \uFFFD.';
    return { bytes: body, charset: 'utf-8', encoding: 'utf-8', note, exact: valid };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return fromUtf16(bytes.subarray(2), 'le', 'Read as UTF-16 text (little-endian byte order mark).');
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return fromUtf16(bytes.subarray(2), 'be', 'Read as UTF-16 text (big-endian byte order mark).');
  }
  const guess = guessUtf16(bytes);
  if (guess) {
    const order = guess === 'le' ? 'little' : 'big';
    return fromUtf16(bytes, guess, `Read as UTF-16 ${order}-endian text (no byte order mark; every other byte is zero).`);
  }
  if (isUtf8(bytes)) return { bytes, charset: 'utf-8', encoding: 'utf-8', note: 'Read as UTF-8 text.', exact: true };
  // Mostly UTF-8 with a few stray bytes (a file edited by two programs): Windows-1252 would garble every
  // accented letter, so keep UTF-8 and replace the stray bytes.
  let nonAscii = 0;
  let replaced = 0;
  forEachPiece({ bytes, charset: 'utf-8' }, (text) => {
    const counts = countNonAscii(text);
    nonAscii += counts.nonAscii;
    replaced += counts.replaced;
  });
  if (nonAscii - replaced > replaced * 4) {
    const note = `Read as UTF-8 text; ${replaced} invalid byte sequence${replaced === 1 ? ' was' : 's were'} replaced with \uFFFD.`;
    return { bytes, charset: 'utf-8', encoding: 'utf-8', note, exact: false };
  }
  return { bytes, charset: 'windows-1252', encoding: 'windows-1252', note: 'Read as Windows-1252 text (not valid UTF-8).', exact: true };
}

/** UTF-16 files are rare and small: decode once, keep UTF-8 bytes. */
function fromUtf16(bytes: Uint8Array, order: 'le' | 'be', note: string): TextBytes {
  // TextEncoder writes valid UTF-8 (a lone surrogate becomes U+FFFD's own bytes).
  const encoded = new TextEncoder().encode(utf16(bytes, order));
  return { bytes: encoded, charset: 'utf-8', encoding: order === 'le' ? 'utf-16le' : 'utf-16be', note, exact: true };
}

/**
 * Strict UTF-8? A piece at a time, cut where a character starts, so that a valid file's pieces are each
 * valid: a piece of ASCII bytes only (most are) is valid as it is; any other piece is decoded strictly
 * (and dropped), and an invalid sequence throws in its piece. Checking for ASCII allocates nothing, where
 * decoding made a string of every piece: as much garbage as the file, for the collector to go through.
 */
function isUtf8(bytes: Uint8Array): boolean {
  try {
    for (let from = 0; from < bytes.length; ) {
      const end = pieceEnd(bytes, 'utf-8', from, PIECE_BYTES);
      if (!isAscii(bytes, from, end)) strictUtf8.decode(bytes.subarray(from, end));
      from = end;
    }
    return true;
  } catch {
    return false;
  }
}

/** Whether bytes `from`..`to` are all below 0x80: four at a time (a Uint32Array view needs an aligned start). */
function isAscii(bytes: Uint8Array, from: number, to: number): boolean {
  let i = from;
  while (i < to && ((bytes.byteOffset + i) & 3) !== 0) if ((bytes[i++] as number) >= 0x80) return false;
  const words = (to - i) >> 2;
  if (words > 0) {
    const w = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    let high = 0;
    for (let k = 0; k < words; k++) high |= w[k] as number;
    if ((high & 0x80808080) !== 0) return false;
    i += words * 4;
  }
  for (; i < to; i++) if ((bytes[i] as number) >= 0x80) return false;
  return true;
}

/**
 * Where the last `chars` characters (UTF-16 code units) of an exact text's bytes `from`..`to` begin: every
 * byte in Windows-1252; in UTF-8 every byte that starts a character, two for a 4-byte character. Null when
 * the count does not end on a character's start (a pair of surrogates cut in two), or `from` comes first.
 */
export function bytesOfLastChars(text: Pick<TextBytes, 'bytes' | 'charset'>, from: number, to: number, chars: number): number | null {
  if (text.charset === 'windows-1252') return to - chars >= from ? to - chars : null;
  const bytes = text.bytes;
  let p = to;
  let n = 0;
  while (n < chars) {
    if (p <= from) return null;
    const b = bytes[--p] as number;
    if ((b & 0xc0) !== 0x80) n += b >= 0xf0 ? 2 : 1;
  }
  return n === chars ? p : null;
}

/**
 * Where a piece starting at `from` should end: after the last line break within `size` bytes, else (a very
 * long line) before the byte that starts the character at `from + size`, so that no character is split.
 */
export function pieceEnd(bytes: Uint8Array, charset: Charset, from: number, size: number): number {
  const limit = from + size;
  if (limit >= bytes.length) return bytes.length;
  // Searched in the piece's second half only: an unbounded lastIndexOf would run back to the file's start.
  const half = from + (size >> 1);
  const lf = bytes.subarray(half, limit).lastIndexOf(10);
  if (lf >= 0) return half + lf + 1;
  let end = limit;
  // At most three continuation bytes follow a lead byte (more only in invalid text).
  if (charset === 'utf-8') for (let k = 0; k < 3 && ((bytes[end] as number) & 0xc0) === 0x80; k++) end--;
  return end;
}

/** Decodes bytes `from`..`to` (whole characters), a piece at a time when the range is long. */
export function decodeRange(text: Pick<TextBytes, 'bytes' | 'charset'>, from: number, to: number): string {
  if (to - from <= PIECE_BYTES) return decodePiece(text.charset, text.bytes.subarray(from, to));
  const parts: string[] = [];
  forEachPiece({ bytes: text.bytes.subarray(from, to), charset: text.charset }, (piece) => void parts.push(piece));
  return parts.join('');
}

/** Decodes the text a piece at a time, until `take` returns false. */
function forEachPiece(text: Pick<TextBytes, 'bytes' | 'charset'>, take: (piece: string) => boolean | undefined): void {
  for (let from = 0; from < text.bytes.length; ) {
    const end = pieceEnd(text.bytes, text.charset, from, PIECE_BYTES);
    if (take(decodePiece(text.charset, text.bytes.subarray(from, end))) === false) return;
    from = end;
  }
}

function decodePiece(charset: Charset, bytes: Uint8Array): string {
  if (charset === 'utf-8') return utf8.decode(bytes);
  if (cp1252 === undefined) {
    try {
      cp1252 = new TextDecoder('windows-1252');
    } catch {
      cp1252 = null; // runtimes whose TextDecoder only knows UTF-8/UTF-16
    }
  }
  return cp1252 ? cp1252.decode(bytes) : windows1252(bytes);
}

/**
 * Length in UTF-16 code units (JavaScript string length) of bytes `from`..`to`: every byte in
 * Windows-1252; in UTF-8 every byte that starts a character, plus one for each 4-byte character.
 */
export function charLength(text: Pick<TextBytes, 'bytes' | 'charset'>, from: number, to: number): number {
  if (text.charset === 'windows-1252') return to - from;
  const bytes = text.bytes;
  let n = 0;
  for (let i = from; i < to; i++) {
    const b = bytes[i] as number;
    if ((b & 0xc0) !== 0x80) n += b >= 0xf0 ? 2 : 1;
  }
  return n;
}

/** True when the text holds nothing but white space (what `text.trim() === ''` says of the decoded text). */
export function isBlankText(text: TextBytes): boolean {
  const bytes = text.bytes;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === 0x20 || (b >= 0x09 && b <= 0x0d)) continue;
    if (b < 0x80) return false;
    // Non-ASCII white space (no-break space, ideographic space…) is rare: decode from here to decide.
    let blank = true;
    forEachPiece({ bytes: bytes.subarray(i), charset: text.charset }, (piece) => {
      blank = piece.trim() === '';
      return blank;
    });
    return blank;
  }
  return true;
}
