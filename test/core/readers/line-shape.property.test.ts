/**
 * measureLines counts a text without carriage returns four bytes at a time and looks only at lines longer
 * than the limit (issue 12: the CSV analysis' speed). A shortcut, never a second opinion: for any text it
 * gives what the line-by-line loop gave — the lines, and the first line over the limit with its number.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countByte, type LineShape, measureLines, type Newline } from '../../../core/src/readers/text-shape.ts';

/** The line-by-line loop measureLines used for every text (it still does for texts with a carriage return). */
function lineByLine(bytes: Uint8Array, maxLineChars: number, charLength: (from: number, to: number) => number): LineShape {
  const length = bytes.length;
  let nextLf = bytes.indexOf(10);
  let nextCr = bytes.indexOf(13);
  const newline: Newline = nextCr < 0 ? '\n' : nextLf < 0 ? '\r' : nextLf === nextCr + 1 ? '\r\n' : nextLf < nextCr ? '\n' : '\r';
  let start = 0;
  let line = 1;
  for (;;) {
    const lf = nextLf < 0 ? Infinity : nextLf;
    const cr = nextCr < 0 ? Infinity : nextCr;
    const brk = Math.min(lf, cr);
    const end = brk === Infinity ? length : brk;
    if (end - start > maxLineChars) {
      const chars = charLength(start, end);
      if (chars > maxLineChars) return { newline, lines: line, tooLong: { line, start, length: chars } };
    }
    if (brk === Infinity) break;
    start = brk === cr && lf === cr + 1 ? brk + 2 : brk + 1;
    if (start >= length) break;
    line++;
    if (nextLf >= 0 && nextLf < start) nextLf = bytes.indexOf(10, start);
    if (nextCr >= 0 && nextCr < start) nextCr = bytes.indexOf(13, start);
  }
  return { newline, lines: length === 0 ? 0 : line, tooLong: null };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Characters of a UTF-8 text's byte range, as the reader counts them. */
const charsOf = (bytes: Uint8Array) => (from: number, to: number) => [...decoder.decode(bytes.subarray(from, to))].length;

/** Texts of short and long lines, with multi-byte characters, with or without a final line break. */
const texts = fc
  .array(fc.oneof(fc.constantFrom('\n', '\n', 'a', 'é', '€', ',', 'x'.repeat(40), '😀'), fc.string({ maxLength: 30 })), { maxLength: 120 })
  .map((parts) => parts.join('').replace(/\r/g, ''));

describe('measureLines without carriage returns', () => {
  it('gives what the line-by-line loop gave, at any limit and any offset into the buffer', () => {
    fc.assert(
      fc.property(texts, fc.integer({ min: 1, max: 80 }), fc.integer({ min: 0, max: 7 }), (text, limit, offset) => {
        // The bytes at an unaligned offset of a larger buffer, as a Node Buffer from its pool can be.
        const own = encoder.encode(text);
        const padded = new Uint8Array(own.length + offset);
        padded.set(own, offset);
        const bytes = padded.subarray(offset);
        expect(measureLines(bytes, limit, charsOf(bytes))).toEqual(lineByLine(bytes, limit, charsOf(bytes)));
      }),
      { numRuns: 3000 },
    );
  });

  it('counts a byte exactly, four at a time, at every alignment', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 3 }),
        (raw, value, offset) => {
          const padded = new Uint8Array(raw.length + offset);
          padded.set(raw, offset);
          const bytes = padded.subarray(offset);
          for (const end of [0, bytes.length >> 1, bytes.length]) {
            expect(countByte(bytes, value, end)).toBe(bytes.subarray(0, end).filter((b) => b === value).length);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
