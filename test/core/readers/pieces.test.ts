/**
 * CSV text decoded a 64 KB piece at a time (core/src/readers/text-bytes.ts): pieces never split a
 * character, a row or a quoted cell spanning a piece boundary reads as if the text were parsed whole,
 * and lengths in characters are counted from the bytes.
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { readWorkbook } from '@budget-sync/core/readers';
import { charLength, decodeRange, openText, PIECE_BYTES, pieceEnd } from '../../../core/src/readers/text-bytes.ts';
import { allRows, encode, latin1, utf16 } from './helpers.ts';

/** Rows of text with multi-byte characters (2, 3 and 4 bytes in UTF-8), quotes and line breaks in cells. */
function tricky(rows: number): string {
  const lines = ['Abteilung,Kategorie,Notiz,Betrag'];
  for (let i = 0; i < rows; i++) {
    const note = i % 7 === 0 ? `"Zeile ${i}, mit ""Zitat""\nund Umbruch €"` : `Größe ${'ü'.repeat(i % 13)}😀${i}`;
    lines.push(`Département ${i % 5},Catégorie ${i % 3},${note},${i}.50`);
  }
  return `${lines.join('\n')}\n`;
}

describe('CSV pieces', () => {
  it('never cuts a piece inside a UTF-8 character, even in a line longer than a piece', () => {
    const bytes = encode(`${'€😀ä'.repeat(40_000)}\n${'x'.repeat(10)}`);
    let pieces = 0;
    for (let from = 0; from < bytes.length; pieces++) {
      const end = pieceEnd(bytes, 'utf-8', from, PIECE_BYTES);
      expect(end).toBeGreaterThan(from);
      expect(end - from).toBeLessThanOrEqual(PIECE_BYTES);
      if (end < bytes.length) expect((bytes[end] as number) & 0xc0).not.toBe(0x80);
      from = end;
    }
    expect(pieces).toBeGreaterThan(5);
    const text = openText(bytes);
    expect(decodeRange(text, 0, bytes.length)).toBe(new TextDecoder().decode(bytes));
    expect(charLength(text, 0, bytes.length)).toBe(new TextDecoder().decode(bytes).length);
  });

  it('reads rows and quoted multi-line cells across piece boundaries as papaparse reads the whole text', () => {
    const text = tricky(12_000);
    expect(encode(text).length).toBeGreaterThan(8 * PIECE_BYTES);
    const expected = Papa.parse<string[]>(text, { delimiter: ',', skipEmptyLines: true }).data;
    const rows = allRows(readWorkbook(encode(text), 'tricky.csv').sheets[0]);
    expect(rows).toHaveLength(expected.length);
    expect(JSON.stringify(rows)).toBe(JSON.stringify(expected));
  });

  it('gives the same rows from UTF-16 (re-encoded once) and CRLF line breaks', () => {
    const text = tricky(3_000);
    const expected = allRows(readWorkbook(encode(text), 'a.csv').sheets[0]);
    expect(allRows(readWorkbook(utf16(text, 'le', true), 'b.csv').sheets[0])).toEqual(expected);
    const crlf = allRows(readWorkbook(encode(text.replace(/\n/g, '\r\n')), 'c.csv').sheets[0]);
    // Line breaks inside quoted cells stay as written.
    expect(JSON.stringify(crlf).replace(/\\r\\n/g, '\\n')).toBe(JSON.stringify(expected));
  });

  it('carries a row over from its bytes, or as text where invalid UTF-8 bytes were replaced, with the same rows', () => {
    // A valid file is exact: each unfinished row is read again from its bytes with the next piece.
    const text = tricky(9_000);
    expect(openText(encode(text)).exact).toBe(true);
    const expected = Papa.parse<string[]>(text, { delimiter: ',', skipEmptyLines: true }).data;
    // Mostly UTF-8 with stray bytes (0xff cannot start a character), replaced with U+FFFD: carried as text.
    const good = encode(text);
    const stray = new Uint8Array(good.length + 200);
    let at = 0;
    let strays = 0;
    for (let i = 0; i < good.length; i++) {
      stray[at++] = good[i] as number;
      if (good[i] === 10 && i % 997 === 0 && strays < 200) {
        stray[at++] = 0xff;
        strays++;
      }
    }
    const bytes = stray.subarray(0, at);
    expect(openText(bytes)).toMatchObject({ charset: 'utf-8', exact: false });
    const decoded = new TextDecoder().decode(bytes);
    const rows = allRows(readWorkbook(bytes, 'stray.csv').sheets[0]);
    expect(JSON.stringify(rows)).toBe(JSON.stringify(Papa.parse<string[]>(decoded, { delimiter: ',', skipEmptyLines: true }).data));
    expect(JSON.stringify(allRows(readWorkbook(good, 'good.csv').sheets[0]))).toBe(JSON.stringify(expected));
  });

  it('reads a quoted cell longer than several pieces, and the rows after it', () => {
    const long = `"${'Zeile mit € und ""Zitat""\n'.repeat(12_000)}"`;
    const text = `a,b,c\n1,${long},3\n${'x,ü,2\n'.repeat(30_000)}`;
    expect(encode(long).length).toBeGreaterThan(4 * PIECE_BYTES);
    const expected = Papa.parse<string[]>(text, { delimiter: ',', skipEmptyLines: true }).data;
    const rows = allRows(readWorkbook(encode(text), 'long-cell.csv', { maxCellChars: 1_000_000 }).sheets[0]);
    expect(rows).toHaveLength(expected.length);
    expect(JSON.stringify(rows)).toBe(JSON.stringify(expected));
  });

  it('decodes Windows-1252 pieces, counting one character per byte', () => {
    const line = 'M\xfcnchen;Reise;\x80 5\n';
    const bytes = latin1(`Stadt;Art;Betrag\n${line.repeat(20_000)}`);
    const text = openText(bytes);
    expect(text.charset).toBe('windows-1252');
    expect(charLength(text, 0, bytes.length)).toBe(bytes.length);
    const rows = allRows(readWorkbook(bytes, 'cp.csv').sheets[0]);
    expect(rows).toHaveLength(20_001);
    expect(rows[20_000]).toEqual(['München', 'Reise', '€ 5']);
  });

  it('measures a too-long line in characters, not bytes', () => {
    // 600,000 three-byte characters: 1.8 MB of bytes, under the 1 MB-character limit… until 1.2 M characters.
    expect(allRows(readWorkbook(encode(`a\n${'€'.repeat(600_000)}\n`), 'ok.csv', { maxCellChars: 1_000_000 }).sheets[0])).toHaveLength(2);
    expect(() => readWorkbook(encode(`a\n${'€'.repeat(1_200_000)}\n`), 'long.csv')).toThrow(/Row 2 of "long\.csv" is 1\.1 MB long/);
  });

  it('finds no rows in text that is only non-ASCII white space', () => {
    expect(() => readWorkbook(encode('\u00a0\u3000\n\u00a0\n'), 'blank.csv')).toThrow(/is empty/);
  });
});
