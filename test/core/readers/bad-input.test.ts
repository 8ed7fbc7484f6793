/**
 * Input that cannot be read: each case must throw a FileReadError with the right code and a message that
 * names the file, without unpacking what it refuses (speed is measured by the benchmarks, not here).
 */
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readWorkbook } from '@budget-sync/core/readers';
import { corpusBytes } from '../../support/corpus.ts';
import { CFB, allRows, deflatedPart, encode, expectFileError, lyingZipBomb, makeWorkbook, makeZip, seededBytes } from './helpers.ts';

const realXlsx = corpusBytes('budget-wide-fy2026.xlsx');

describe('damaged and hostile workbooks', () => {
  it('refuses a truncated xlsx (the first half of a real one) as truncated or damaged', () => {
    const err = expectFileError(() => readWorkbook(realXlsx.subarray(0, realXlsx.length >> 1), 'half.xlsx'), 'file.unreadable');
    expect(err.message).toMatch(/"half\.xlsx".*truncated or damaged.*save it again from Excel/i);
    expect(err.file).toBe('half.xlsx');
  });

  it('refuses an xlsx with bytes missing from the middle (directory points at the wrong places)', () => {
    const cut = new Uint8Array(realXlsx.length - 1000);
    cut.set(realXlsx.subarray(0, 5000));
    cut.set(realXlsx.subarray(6000), 5000);
    const err = expectFileError(() => readWorkbook(cut, 'holed.xlsx'), 'file.unreadable');
    expect(err.message).toContain('"holed.xlsx"');
  });

  it('refuses a tiny zip whose directory declares gigabytes, before unpacking', () => {
    const part = { name: 'xl/worksheets/sheet1.xml', data: new Uint8Array(64), uncompressedSize: 0xfffffff0 };
    const bomb = makeZip([part, { ...part, name: 'xl/worksheets/sheet2.xml' }]);
    expect(bomb.length).toBeLessThan(1024);
    const err = expectFileError(() => readWorkbook(bomb, 'bomb.xlsx'), 'file.zip_bomb');
    expect(err.message).toMatch(/"bomb\.xlsx" declares 8 GB uncompressed from a \d+ bytes file.*refused before unpacking/);
  });

  it('refuses a real deflate of 200 MB of zeros by its compression ratio, before unpacking', () => {
    const zeros = deflateRawSync(new Uint8Array(200 * 1024 * 1024));
    const zip = makeZip([
      deflatedPart('[Content_Types].xml', encode('<Types/>')),
      { name: 'xl/worksheets/sheet1.xml', data: new Uint8Array(zeros), uncompressedSize: 200 * 1024 * 1024 },
    ]);
    const err = expectFileError(() => readWorkbook(zip, 'zeros.xlsx'), 'file.zip_bomb');
    expect(err.message).toMatch(/"zeros\.xlsx" declares 200 MB uncompressed from a \d+ KB file.*sheet1\.xml.*refused before unpacking/);
  });

  it('refuses a zip bomb whose headers lie about its size, stopping the inflate at the declared size', () => {
    // 64 MB of zeros inside, 900 kB declared in both headers: no check of the declared sizes can see it.
    const bomb = lyingZipBomb(64 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(100 * 1024);
    const err = expectFileError(() => readWorkbook(bomb, 'liar-bomb.xlsx'), 'file.zip_bomb');
    expect(err.message).toMatch(
      /"liar-bomb\.xlsx" is a zip bomb: its part xl\/worksheets\/sheet1\.xml unpacks to more than the 879 KB its headers declare/,
    );
  });

  it('refuses a zip with more parts than any workbook has', () => {
    const parts = Array.from({ length: 10_001 }, (_, i) => ({
      name: `p${i}`,
      data: new Uint8Array(0),
      uncompressedSize: 0,
      method: 0 as const,
    }));
    const err = expectFileError(() => readWorkbook(makeZip(parts), 'many.xlsx'), 'file.zip_bomb');
    expect(err.message).toMatch(/10,001 parts/);
  });

  it('refuses a zip whose local header claims a different size than its directory', () => {
    const zip = makeZip([deflatedPart('xl/workbook.xml', encode('<workbook/>'))]);
    new DataView(zip.buffer).setUint32(22, 0x7fffffff, true); // local header: 2 GB
    expectFileError(() => readWorkbook(zip, 'liar.xlsx'), 'file.unreadable');
  });

  it('refuses a password-protected workbook (an OLE container with an EncryptedPackage) and says to remove the password', () => {
    const cfb = CFB.utils.cfb_new();
    CFB.utils.cfb_add(cfb, 'EncryptionInfo', Uint8Array.of(4, 0, 4, 0, 0x40, 0, 0, 0));
    CFB.utils.cfb_add(cfb, 'EncryptedPackage', seededBytes(4096, 7));
    const bytes = new Uint8Array(CFB.write(cfb, { type: 'array' }));
    const err = expectFileError(() => readWorkbook(bytes, 'secret.xlsx'), 'file.encrypted');
    expect(err.message).toMatch(/"secret\.xlsx" is password-protected\. Remove the password/);
  });

  it('refuses a sheet that reaches column XFD (16,384 columns), naming the sheet', () => {
    const bytes = makeWorkbook([
      {
        name: 'Budget',
        rows: [
          ['Dept', 'Jan'],
          ['Sales', 1],
        ],
        cells: { XFD1: { t: 's', v: 'far away' } },
        ref: 'A1:XFD2',
      },
    ]);
    const err = expectFileError(() => readWorkbook(bytes, 'wide.xlsx'), 'file.too_many_columns');
    expect(err.message).toMatch(/Sheet "Budget" in "wide\.xlsx" uses 16,384 columns \(up to column XFD\); the limit is 1,000/);
  });

  it('refuses a sheet with more rows than maxRows', () => {
    const bytes = makeWorkbook([{ name: 'Long', rows: Array.from({ length: 20 }, (_, i) => [i]) }]);
    const err = expectFileError(() => readWorkbook(bytes, 'long.xlsx', { maxRows: 10 }), 'file.too_many_rows');
    expect(err.message).toMatch(/Sheet "Long" in "long\.xlsx" has more than 10 rows/);
    expect(allRows(readWorkbook(bytes, 'long.xlsx', { maxRows: 20 }).sheets[0])).toHaveLength(20);
  });

  it('refuses a zip that is not a workbook (an OpenDocument file) as unsupported', () => {
    const ods = makeZip([
      deflatedPart('mimetype', encode('application/vnd.oasis.opendocument.spreadsheet')),
      deflatedPart('content.xml', encode('<x/>')),
    ]);
    const err = expectFileError(() => readWorkbook(ods, 'budget.ods'), 'file.unsupported');
    expect(err.message).toMatch(/"budget\.ods" is an OpenDocument file/);
  });

  it('wraps a SheetJS failure on a broken workbook part into a readable message without internals', () => {
    const broken = makeZip([deflatedPart('[Content_Types].xml', encode('<Types>')), deflatedPart('xl/workbook.xml', encode('<<<not xml'))]);
    const err = expectFileError(() => readWorkbook(broken, 'broken.xlsx'), 'file.unreadable');
    expect(err.message).toMatch(/"broken\.xlsx" could not be read as an Excel workbook/);
  });
});

describe('files that are not spreadsheets', () => {
  it('refuses a 0-byte file as empty', () => {
    const err = expectFileError(() => readWorkbook(new Uint8Array(0), 'nothing.csv'), 'file.empty');
    expect(err.message).toContain('"nothing.csv" is empty');
  });

  it('refuses text with only a BOM and blank lines as empty', () => {
    expectFileError(() => readWorkbook(Uint8Array.of(0xef, 0xbb, 0xbf, 0x0d, 0x0a, 0x20), 'blank.csv'), 'file.empty');
  });

  it('refuses binary garbage (fixed-seed random bytes) as unreadable and lists the supported formats', () => {
    const garbage = seededBytes(64 * 1024, 42);
    expect([garbage[0], garbage[1]]).not.toEqual([0x50, 0x4b]);
    const err = expectFileError(() => readWorkbook(garbage, 'data.bin'), 'file.unreadable');
    expect(err.message).toMatch(/"data\.bin" does not look like a spreadsheet or CSV file.*\.xlsx.*\.csv/);
  });

  it('refuses a file of NUL bytes as unreadable', () => {
    expectFileError(() => readWorkbook(new Uint8Array(4096), 'zeros.csv'), 'file.unreadable');
  });

  it('refuses a PDF as unsupported, saying what it is', () => {
    const err = expectFileError(() => readWorkbook(encode('%PDF-1.7\n...'), 'budget.pdf'), 'file.unsupported');
    expect(err.message).toMatch(/"budget\.pdf" is a PDF document/);
  });

  it('refuses an HTML page saved as .xls as unsupported, telling how to convert it', () => {
    const err = expectFileError(
      () => readWorkbook(encode('<html><table><tr><td>1</td></tr></table></html>'), 'report.xls'),
      'file.unsupported',
    );
    expect(err.message).toMatch(/"report\.xls" is a web page.*save it as \.xlsx/);
  });

  it('refuses a file over maxBytes as too large', () => {
    const err = expectFileError(() => readWorkbook(encode('a,b\n1,2\n'), 'big.csv', { maxBytes: 4 }), 'file.too_large');
    expect(err.message).toMatch(/"big\.csv" is 8 bytes; the limit is 4 bytes/);
  });
});

describe('CSV limits', () => {
  it('refuses a 100 MB CSV with no line breaks within a second or two, naming row 1', () => {
    const bytes = new Uint8Array(100 * 1024 * 1024).fill(0x61);
    const err = expectFileError(() => readWorkbook(bytes, 'one-line.csv'), 'file.line_too_long');
    expect(err.message).toBe(
      'Row 1 of "one-line.csv" is 100 MB long with no line breaks; is this really a CSV file? (The limit is 1 MB per line.)',
    );
    expect(err.row).toBe(1);
  });

  it('names the right row when a long line comes after short ones', () => {
    const text = `a,b\n1,2\n${'x'.repeat(2 * 1024 * 1024)}\n3,4\n`;
    const err = expectFileError(() => readWorkbook(encode(text), 'late.csv'), 'file.line_too_long');
    expect(err.row).toBe(3);
    expect(err.message).toMatch(/^Row 3 of "late\.csv" is 2 MB long/);
  });

  it('refuses an unquoted field longer than maxCellChars while scanning, with its row and column', () => {
    const text = `a,b\n1,${'y'.repeat(40_000)}\n`;
    const wb = readWorkbook(encode(text), 'cell.csv');
    const err = expectFileError(() => allRows(wb.sheets[0]), 'file.line_too_long');
    expect([err.row, err.column]).toEqual([2, 2]);
    expect(err.message).toMatch(/Row 2, column 2 of "cell\.csv" holds 40,000 characters; the limit is 32,767/);
  });

  it('refuses a quoted field longer than maxCellChars when reading, counting rows as the parser does', () => {
    const text = `a,b\n"x\ny",1\n\n2,"${'y\n'.repeat(20_000)}"\n`;
    const err = expectFileError(() => readWorkbook(encode(text), 'quoted-cell.csv'), 'file.line_too_long');
    expect(err.row).toBe(4);
    expect(err.message).toMatch(/^Row 4 of "quoted-cell\.csv" has a quoted cell of 40,000 characters/);
  });

  it('refuses a quote that is never closed before 100 MB of rows, quickly and naming its row', () => {
    const bytes = encode(`a,b\n1,2\n"oops,3\n${'abc,def\n'.repeat(13_107_200)}`);
    const err = expectFileError(() => readWorkbook(bytes, 'unclosed.csv'), 'file.line_too_long');
    expect(err.row).toBe(3);
    expect(err.message).toMatch(/^Row 3 of "unclosed\.csv" opens a quote \("\) that is never closed/);
  });

  it('refuses a row with more fields than maxColumns, with the row', () => {
    const text = `a,b\n${Array.from({ length: 1500 }, (_, i) => i).join(',')}\n`;
    const wb = readWorkbook(encode(text), 'fields.csv');
    const err = expectFileError(() => allRows(wb.sheets[0]), 'file.too_many_columns');
    expect(err.row).toBe(2);
    expect(err.message).toMatch(/Row 2 of "fields\.csv" has 1,500 columns; the limit is 1,000/);
  });

  it('refuses more rows than maxRows: when reading when lines can be counted, else while scanning', () => {
    const plain = encode('a\n1\n2\n3\n4\n');
    expectFileError(() => readWorkbook(plain, 'rows.csv', { maxRows: 4 }), 'file.too_many_rows');
    expect(allRows(readWorkbook(plain, 'rows.csv', { maxRows: 5 }).sheets[0])).toHaveLength(5);
    const quoted = readWorkbook(encode('a\n"1"\n2\n3\n4\n'), 'quoted.csv', { maxRows: 4 });
    const err = expectFileError(() => allRows(quoted.sheets[0]), 'file.too_many_rows');
    expect(err.message).toMatch(/"quoted\.csv" has more than 4 rows/);
  });
});
