/**
 * CSV/TSV bytes → a streamed SheetSource. The sheet keeps the file's bytes (a view, no copy) and decodes
 * them a 64 KB piece at a time while it scans (text-bytes.ts): the whole decoded text is never held, and a
 * scan holds one piece's rows at a time. Rows come from papaparse's own parser, carrying a partial last
 * row from one piece into the next as papaparse's streamers do; a scan of the first rows reads one piece.
 */
import Papa from 'papaparse';
import type { CellValue, RowVisitor, SheetSource, Workbook } from '../workbook.ts';
import { withoutNul } from '../values/text.ts';
import { looksBinary } from './decode.ts';
import { type Limits, SUPPORTED, extensionOf, fail, formatCount, formatSize, quoted, stem } from './options.ts';
import { bytesOfLastChars, charLength, decodeRange, isBlankText, openText, PIECE_BYTES, pieceEnd, type TextBytes } from './text-bytes.ts';
import { DELIMITER_NAMES, type Delimiter, type Newline, findLongQuotedField, measureLines, sniff, sniffDelimiter } from './text-shape.ts';

/** Bytes of the text's start that the checks and the delimiter sniffing look at (text-shape.ts samples at most 1 MB). */
const SAMPLE_BYTES = 1024 * 1024;

export function readCsv(bytes: Uint8Array, fileName: string, limits: Limits, notes: string[] = []): Workbook {
  const opened = openText(bytes);
  notes.push(opened.note);
  const start = decodeRange(opened, 0, pieceEnd(opened.bytes, opened.charset, 0, PIECE_BYTES));
  // Excel's "sep=;" first line names the delimiter and is not data (Excel does not show it either).
  const sep = /^sep=([,;\t|])(\r\n|\n|\r|$)/i.exec(start.slice(0, 16));
  const declared = (sep?.[1] ?? null) as Delimiter | null;
  const text: TextBytes = sep ? { ...opened, bytes: opened.bytes.subarray(sep[0].length) } : opened;
  const head = sep ? start.slice(sep[0].length) : start;
  if (sep) notes.push(`The first line "${sep[0].trim()}" names the column separator; it is not part of the data.`);
  if (isBlankText(text)) {
    fail('file.empty', fileName, `${quoted(fileName)} is empty: it contains no rows.`);
  }
  if (looksBinary(head)) {
    fail('file.unreadable', fileName, `${quoted(fileName)} does not look like a spreadsheet or CSV file. ${SUPPORTED}`);
  }
  const markup = markupKind(head);
  if (markup) {
    fail(
      'file.unsupported',
      fileName,
      `${quoted(fileName)} is ${markup === 'xml' ? 'an XML' : 'a web page (HTML)'} file, not a workbook or CSV, even if Excel opens it. Open it in Excel, save it as .xlsx, and upload that. ${SUPPORTED}`,
    );
  }

  const chars = (from: number, to: number) => charLength(text, from, to);
  const firstQuote = text.bytes.indexOf(34);
  const hasQuotes = firstQuote >= 0;
  const shape = measureLines(text.bytes, limits.maxLineChars, chars);
  if (shape.tooLong) {
    const { line, start, length } = shape.tooLong;
    const exact = !hasQuotes || firstQuote >= start;
    const where = exact ? `Row ${formatCount(line)}` : `Line ${formatCount(line)}`;
    fail(
      'file.line_too_long',
      fileName,
      `${where} of ${quoted(fileName)} is ${formatSize(length)} long with no line breaks; is this really a CSV file? (The limit is ${formatSize(limits.maxLineChars)} per line.)`,
      { row: exact ? line : null },
    );
  }
  if (!hasQuotes && shape.lines > limits.maxRows) tooManyRows(fileName, limits, shape.lines);

  const ext = extensionOf(fileName);
  const hint: Delimiter | null = ext === 'tsv' || ext === 'tab' ? '\t' : null;
  // The first piece is sample enough when the lines the sniffing looks at all end in it (nearly always).
  const fromHead = declared === null ? sniff(head, hint) : null;
  const sniffed =
    declared ??
    (fromHead?.complete || text.bytes.length <= PIECE_BYTES
      ? (fromHead?.delimiter ?? null)
      : sniffDelimiter(decodeRange(text, 0, pieceEnd(text.bytes, text.charset, 0, SAMPLE_BYTES)), hint));
  const delimiter: Delimiter = sniffed ?? hint ?? ',';
  notes.push(sniffed ? `Columns are separated by ${DELIMITER_NAMES[sniffed]}.` : 'No column separator found: each line is one column.');
  if (hasQuotes) refuseLongQuotedField(text, delimiter, shape.newline, fileName, limits.maxCellChars);

  return {
    fileName: withoutNul(fileName),
    format: delimiter === '\t' ? 'tsv' : 'csv',
    sheets: [new CsvSheet(withoutNul(stem(fileName)), text, delimiter, shape.newline, fileName, limits, notes)],
    notes,
  };
}

function refuseLongQuotedField(text: TextBytes, delimiter: Delimiter, newline: Newline, fileName: string, maxCellChars: number): void {
  const long = findLongQuotedField(text.bytes, delimiter, maxCellChars, (from, to) => charLength(text, from, to));
  if (!long) return;
  // The row holding the quote: count the rows of the text before it (plus a character, so that a row
  // ending right before the quote is not counted as the quote's row).
  let row = 0;
  Papa.parse<string[]>(`${decodeRange(text, 0, long.start)}x`, {
    delimiter,
    newline,
    skipEmptyLines: false,
    chunkSize: PIECE_BYTES,
    step: () => void row++,
  });
  const message = long.closed
    ? `Row ${formatCount(row)} of ${quoted(fileName)} has a quoted cell of ${formatCount(long.length)} characters; the limit is ${formatCount(maxCellChars)} characters per cell.`
    : `Row ${formatCount(row)} of ${quoted(fileName)} opens a quote (") that is never closed, so the rest of the file (${formatCount(long.length)} characters) would be one cell. Check the quotes on that row.`;
  fail('file.line_too_long', fileName, message, { row });
}

/** XML or HTML text, which Excel opens but which is not CSV (e.g. an "xls" exported as a web page). */
export function markupKind(text: string): 'xml' | 'html' | null {
  const m = /^\s*<(\?xml|!doctype html|html|table)\b/i.exec(text.slice(0, 256));
  return m ? (m[1]?.toLowerCase() === '?xml' ? 'xml' : 'html') : null;
}

function tooManyRows(fileName: string, limits: Limits, rows: number | null): never {
  return fail(
    'file.too_many_rows',
    fileName,
    `${quoted(fileName)} has ${rows === null ? `more than ${formatCount(limits.maxRows)}` : formatCount(rows)} rows; the limit is ${formatCount(limits.maxRows)}. Split it into smaller files.`,
    { row: limits.maxRows + 1 },
  );
}

/** What papaparse's Parser returns for one piece (its typings say `any`). */
interface PieceResult {
  data: string[][];
  errors: { code: string; row?: number }[];
  meta: { cursor: number };
}

class CsvSheet implements SheetSource {
  readonly name: string;
  readonly hidden = false;
  readonly rowCount = undefined;
  readonly #text: TextBytes;
  readonly #delimiter: Delimiter;
  readonly #newline: Newline;
  readonly #fileName: string;
  readonly #limits: Limits;
  readonly #notes: string[];
  #warnedQuote = false;

  constructor(name: string, text: TextBytes, delimiter: Delimiter, newline: Newline, fileName: string, limits: Limits, notes: string[]) {
    this.name = name;
    this.#text = text;
    this.#delimiter = delimiter;
    this.#newline = newline;
    this.#fileName = fileName;
    this.#limits = limits;
    this.#notes = notes;
  }

  scan(visit: RowVisitor): void {
    const text = this.#text;
    const length = text.bytes.length;
    const parser = new Papa.Parser({ delimiter: this.#delimiter, newline: this.#newline, quoteChar: '"', escapeChar: '"' });
    // The row papaparse left unfinished at a piece's end is read again with the next piece: from its bytes,
    // when the text is exact (the next piece then starts where it starts: no string is copied to join
    // them), else carried over as text.
    let partial = '';
    let carried = 0;
    let rowIndex = 0;
    for (let from = 0; from < length; ) {
      // A row longer than half a piece (quoted cells with line breaks) is carried over whole: read at least
      // as much again next time, so that re-parsing the carried part stays linear in the row's length.
      const size = Math.max(PIECE_BYTES, partial.length * 2, carried * 2);
      const end = pieceEnd(text.bytes, text.charset, from, size);
      const last = end >= length;
      const input = partial === '' ? decodeRange(text, from, end) : partial + decodeRange(text, from, end);
      // Not the last piece: papaparse leaves its last (maybe incomplete) row for the next piece.
      const result: PieceResult = parser.parse(input, 0, !last);
      const rows = result.data;
      let n = rows.length;
      // The empty "row" papaparse reports after a final line break is not a row.
      if (last && n > 0 && isEmptyRow(rows[n - 1] as string[]) && endsWithBreak(input)) n--;
      const unclosed = last ? (result.errors.find((e) => e.code === 'MissingQuotes')?.row ?? -1) : -1;
      for (let i = 0; i < n; i++) {
        const cells = this.#cells(rows[i] as string[], rowIndex + 1, i === unclosed);
        if (visit(cells, rowIndex++) === false) return;
      }
      if (last) break;
      const rest = input.length - result.meta.cursor;
      const restStart = partial === '' && text.exact ? bytesOfLastChars(text, from, end, rest) : null;
      if (restStart !== null) {
        carried = end - restStart;
        // Nothing consumed from the piece at all: read on from where it ended, as the text would be carried.
        if (restStart > from) {
          from = restStart;
          continue;
        }
      }
      carried = 0;
      partial = input.slice(result.meta.cursor);
      from = end;
    }
  }

  /** Checks one parsed row against the limits and turns it into cells, in place: `''` → null, a blank row → []. */
  #cells(fields: string[], row: number, unclosed: boolean): CellValue[] {
    const { maxRows, maxColumns, maxCellChars } = this.#limits;
    const fileName = this.#fileName;
    if (row > maxRows) tooManyRows(fileName, this.#limits, null);
    if (fields.length > maxColumns) {
      fail(
        'file.too_many_columns',
        fileName,
        `Row ${formatCount(row)} of ${quoted(fileName)} has ${formatCount(fields.length)} columns; the limit is ${formatCount(maxColumns)}.`,
        { row },
      );
    }
    const cells: CellValue[] = fields;
    let blank = true;
    for (let c = 0; c < fields.length; c++) {
      const field = fields[c] as string;
      if (field.length > maxCellChars) {
        const why = unclosed
          ? `it opens a quote (") that is never closed, so the rest of the file ran into one cell`
          : `the limit is ${formatCount(maxCellChars)} characters per cell`;
        fail(
          'file.line_too_long',
          fileName,
          `Row ${formatCount(row)}, column ${c + 1} of ${quoted(fileName)} holds ${formatCount(field.length)} characters; ${why}.`,
          { row, column: c + 1 },
        );
      }
      if (field === '') cells[c] = null;
      else blank = false;
    }
    if (blank) cells.length = 0;
    if (unclosed && !this.#warnedQuote) {
      this.#warnedQuote = true;
      this.#notes.push(`Row ${formatCount(row)} opens a quote (") that is never closed; the rest of the file was read as one cell.`);
    }
    return cells;
  }

  displayText(): string | undefined {
    return undefined;
  }
}

function isEmptyRow(fields: string[]): boolean {
  return fields.length === 1 && fields[0] === '';
}

function endsWithBreak(text: string): boolean {
  const c = text.charCodeAt(text.length - 1);
  return c === 10 || c === 13;
}
