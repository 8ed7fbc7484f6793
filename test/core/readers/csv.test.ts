/** CSV/TSV text → Workbook: encodings, delimiters, quoting, line endings, streaming. */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { readWorkbook } from '@budget-sync/core/readers';
import { corpusBytes } from '../../support/corpus.ts';
import { allRows, encode, latin1, utf16 } from './helpers.ts';

const EUROPEAN = 'Kostenstelle;Betrag\nMünchen;1.234,50\nKöln;-99,00\n';

describe('CSV encodings', () => {
  it('strips a UTF-8 byte order mark and says it read UTF-8', () => {
    const wb = readWorkbook(Uint8Array.of(0xef, 0xbb, 0xbf, ...encode(EUROPEAN)), 'bom.csv');
    expect(allRows(wb.sheets[0])[0]).toEqual(['Kostenstelle', 'Betrag']);
    expect(allRows(wb.sheets[0])[1]).toEqual(['München', '1.234,50']);
    expect(wb.notes.join(' ')).toMatch(/UTF-8.*byte order mark/);
  });

  it('reads UTF-16 little-endian with a byte order mark', () => {
    const wb = readWorkbook(utf16(EUROPEAN, 'le', true), 'u16.csv');
    expect(allRows(wb.sheets[0])).toEqual([
      ['Kostenstelle', 'Betrag'],
      ['München', '1.234,50'],
      ['Köln', '-99,00'],
    ]);
    expect(wb.notes.join(' ')).toMatch(/UTF-16/);
  });

  it('reads UTF-16 big-endian with a byte order mark', () => {
    const wb = readWorkbook(utf16(EUROPEAN, 'be', true), 'u16be.csv');
    expect(allRows(wb.sheets[0])[1]).toEqual(['München', '1.234,50']);
  });

  it('recognizes UTF-16 without a byte order mark from its zero bytes', () => {
    const wb = readWorkbook(utf16(EUROPEAN, 'le', false), 'u16-nobom.csv');
    expect(allRows(wb.sheets[0])[1]).toEqual(['München', '1.234,50']);
    expect(wb.notes.join(' ')).toMatch(/UTF-16 little-endian.*no byte order mark/);
  });

  it('falls back to Windows-1252 for bytes that are not UTF-8, and says so', () => {
    const wb = readWorkbook(latin1(EUROPEAN.replace('-99,00', '\x805')), 'latin.csv');
    const rows = allRows(wb.sheets[0]);
    expect(rows[1]).toEqual(['München', '1.234,50']);
    expect(rows[2]).toEqual(['Köln', '€5']); // 0x80 is the euro sign in Windows-1252
    expect(wb.notes).toContain('Read as Windows-1252 text (not valid UTF-8).');
  });

  it('keeps UTF-8 with one stray Windows-1252 byte as UTF-8 (replacing the byte) rather than garbling every accent', () => {
    const bytes = Uint8Array.of(
      ...encode('Stadt;Betrag\nMünchen;1\nKöln;2\nDüsseldorf;3\nZürich;4\nGenève;5\n'),
      0x4e,
      0xe4,
      0x3b,
      0x36,
      0x0a,
    );
    const wb = readWorkbook(bytes, 'mixed.csv');
    const rows = allRows(wb.sheets[0]);
    expect(rows[1]).toEqual(['München', '1']);
    expect(rows[6]).toEqual(['N\uFFFD', '6']);
    expect(wb.notes).toContain('Read as UTF-8 text; 1 invalid byte sequence was replaced with \uFFFD.');
  });

  it('reads plain UTF-8 as UTF-8', () => {
    const wb = readWorkbook(encode(EUROPEAN), 'utf8.csv');
    expect(allRows(wb.sheets[0])[2]).toEqual(['Köln', '-99,00']);
    expect(wb.notes).toContain('Read as UTF-8 text.');
  });
});

describe('CSV delimiters', () => {
  it('detects semicolons even when values contain decimal commas', () => {
    const wb = readWorkbook(encode(EUROPEAN), 'eu.csv');
    expect(wb.format).toBe('csv');
    expect(wb.notes).toContain('Columns are separated by semicolons.');
    expect(allRows(wb.sheets[0])[1]).toEqual(['München', '1.234,50']);
  });

  it('detects tabs and reports the format as tsv', () => {
    const wb = readWorkbook(encode('Dept\tAmount, EUR\nSales\t1,5\nOps\t2\n'), 'export.txt');
    expect(wb.format).toBe('tsv');
    expect(wb.notes).toContain('Columns are separated by tabs.');
    expect(allRows(wb.sheets[0])).toEqual([
      ['Dept', 'Amount, EUR'],
      ['Sales', '1,5'],
      ['Ops', '2'],
    ]);
  });

  it('detects vertical bars', () => {
    const wb = readWorkbook(encode('a|b|c\n1|2|3\n4|5|6\n'), 'pipes.csv');
    expect(wb.notes).toContain('Columns are separated by vertical bars (|).');
    expect(allRows(wb.sheets[0])[2]).toEqual(['4', '5', '6']);
  });

  it('looks past the first 64 KB piece for the delimiter when its first 50 lines do not fit in it', () => {
    // 20 lines of 4 KB that hold commas and one semicolon each, then 40 lines with three semicolons: over the
    // first 50 lines semicolons are the more consistent; the first piece alone (16 lines) would say commas.
    const long = `${'x,'.repeat(2_000)}y;z`;
    const text = `${Array.from({ length: 20 }, () => long).join('\n')}\n${'a;b;c;d\n'.repeat(40)}`;
    expect(encode(text).length).toBeGreaterThan(64 * 1024);
    expect(readWorkbook(encode(text), 'long-lines.csv', { maxColumns: 5_000 }).notes).toContain('Columns are separated by semicolons.');
    // Short lines: the first piece holds the 50 lines, and says the same as the whole file.
    const short = `${'a;b;c\n'.repeat(30_000)}`;
    expect(readWorkbook(encode(short), 'short.csv').notes).toContain('Columns are separated by semicolons.');
  });

  it('takes a .tsv name as a tie-breaker between equally consistent delimiters', () => {
    const text = encode('a\tb,c\n1\t2,3\n4\t5,6\n');
    expect(readWorkbook(text, 'x.csv').notes).toContain('Columns are separated by commas.');
    expect(readWorkbook(text, 'x.tsv').notes).toContain('Columns are separated by tabs.');
  });

  it('does not let a .tsv name override text that clearly uses semicolons', () => {
    const wb = readWorkbook(encode(EUROPEAN), 'mislabelled.tsv');
    expect(wb.notes).toContain('Columns are separated by semicolons.');
    expect(wb.format).toBe('csv');
  });

  it('ignores delimiters inside quotes when sniffing', () => {
    const wb = readWorkbook(encode('"a;b;c",d\n"e;f;g",h\n"i;j",k\n'), 'q.csv');
    expect(wb.notes).toContain('Columns are separated by commas.');
    expect(allRows(wb.sheets[0])[2]).toEqual(['i;j', 'k']);
  });

  it('takes the delimiter from an Excel "sep=" first line and does not read that line as a row', () => {
    const wb = readWorkbook(encode('sep=;\r\nName;Amount,EUR\r\nA;1,5\r\n'), 'sep.csv');
    expect(allRows(wb.sheets[0])).toEqual([
      ['Name', 'Amount,EUR'],
      ['A', '1,5'],
    ]);
    expect(wb.notes).toContain('Columns are separated by semicolons.');
    expect(wb.notes.join(' ')).toMatch(/"sep=;" names the column separator/);
  });

  it('reads a single-column file as one column', () => {
    const wb = readWorkbook(encode('Amount\n1\n2\n'), 'one.csv');
    expect(allRows(wb.sheets[0])).toEqual([['Amount'], ['1'], ['2']]);
    expect(wb.notes.join(' ')).toMatch(/one column/);
  });
});

describe('CSV rows and cells', () => {
  it('keeps quoted delimiters, doubled quotes and line breaks inside one cell; CRLF leaves no \\r behind', () => {
    const text = 'Name,Note,Amount\r\n"Smith, J.","said ""hi""\r\nthen left",12\r\nDoe,,"1,234.50"\r\n';
    const rows = allRows(readWorkbook(encode(text), 'q.csv').sheets[0]);
    expect(rows).toEqual([
      ['Name', 'Note', 'Amount'],
      ['Smith, J.', 'said "hi"\r\nthen left', '12'],
      ['Doe', null, '1,234.50'],
    ]);
  });

  it('reads old Mac line endings (CR only)', () => {
    const rows = allRows(readWorkbook(encode('a,b\r1,2\r3,4'), 'mac.csv').sheets[0]);
    expect(rows).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('keeps every value as the text written (typing is the analysis job) and empty fields as null', () => {
    const rows = allRows(readWorkbook(encode('id,amount,flag,date\n007,1e3,TRUE,2026-01-01\n,, ,\n'), 'raw.csv').sheets[0]);
    expect(rows[1]).toEqual(['007', '1e3', 'TRUE', '2026-01-01']);
    expect(rows[2]).toEqual([null, null, ' ', null]);
  });

  it('visits a blank line as [] and adds no row for the final line break', () => {
    const rows = allRows(readWorkbook(encode('a,b\n\n1,2\n,\n'), 'blank.csv').sheets[0]);
    expect(rows).toEqual([['a', 'b'], [], ['1', '2'], []]);
  });

  it('names the sheet after the file, without directory or extension, and leaves rowCount unknown', () => {
    const wb = readWorkbook(encode('a\n1\n'), 'uploads/2026/budget-q1.csv');
    expect(wb.sheets).toHaveLength(1);
    expect(wb.sheets[0]?.name).toBe('budget-q1');
    expect(wb.sheets[0]?.rowCount).toBeUndefined();
    expect(wb.sheets[0]?.hidden).toBe(false);
  });

  it('notes an unclosed quote and reads the rest of the file into that cell', () => {
    const wb = readWorkbook(encode('a,b\n"oops,1\n2,3\n'), 'quote.csv');
    const rows = allRows(wb.sheets[0]);
    expect(rows[1]).toEqual(['oops,1\n2,3\n']);
    expect(wb.notes.join(' ')).toMatch(/Row 2 opens a quote/);
  });

  it('reads every corpus CSV with a header row and the same column count on each data row', () => {
    for (const file of ['budget-long-basic.csv', 'budget-european.csv', 'payroll-jan.csv', 'budget-typos.csv']) {
      const rows = allRows(readWorkbook(corpusBytes(file), file).sheets[0]);
      const width = rows[0]?.length ?? 0;
      expect(width, file).toBeGreaterThanOrEqual(4);
      for (const row of rows.slice(1)) expect(row.length, file).toBe(width);
    }
  });
});

describe('CSV streaming', () => {
  const ROWS = 200_000;
  const header = 'Department,Category,Month,Amount,Owner,Code,Note,Flag\n';
  const big = encode(
    header +
      Array.from(
        { length: ROWS },
        (_, i) => `Dept ${i % 17},Cat ${i % 5},2026-${String((i % 12) + 1).padStart(2, '0')},${i}.50,o${i},C${i},"n, ${i}",Y\n`,
      ).join(''),
  );
  const wb = readWorkbook(big, 'big.csv');

  it('visits exactly 10 rows when the visitor stops after 10, much faster than a full scan', () => {
    const sheet = wb.sheets[0];
    let visits = 0;
    const t0 = performance.now();
    sheet?.scan((_row, i) => {
      visits++;
      return i < 9;
    });
    const partial = performance.now() - t0;
    expect(visits).toBe(10);

    let total = 0;
    let last: readonly unknown[] = [];
    const t1 = performance.now();
    sheet?.scan((row) => {
      total++;
      last = row;
    });
    const full = performance.now() - t1;
    expect(total).toBe(ROWS + 1);
    expect(last).toEqual(['Dept 11', 'Cat 4', '2026-08', '199999.50', 'o199999', 'C199999', 'n, 199999', 'Y']);
    expect(partial).toBeLessThan(full / 3);
  });

  it('gives, across parse chunks, the same rows as parsing the whole text with papaparse at once', () => {
    const text = new TextDecoder().decode(big);
    expect(text.length).toBeGreaterThan(3 * 1024 * 1024); // several 1 MiB chunks
    const expected = Papa.parse<string[]>(text, { delimiter: ',', skipEmptyLines: true }).data;
    const rows = allRows(wb.sheets[0]);
    expect(rows).toHaveLength(expected.length);
    expect(JSON.stringify(rows)).toBe(JSON.stringify(expected)); // (no empty fields, so null never appears)
  });
});
