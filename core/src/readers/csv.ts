/**
 * CSV/TSV text → a streamed SheetSource. The decoded text is kept; rows are produced by papaparse's `step`
 * only while the visitor asks for them, so a scan of the first rows is cheap and a full scan never holds
 * more than one parse chunk of rows.
 */
import Papa from 'papaparse';
import type { CellValue, RowVisitor, SheetSource, Workbook } from '../workbook.ts';
import { decodeText, looksBinary } from './decode.ts';
import { type Limits, SUPPORTED, extensionOf, fail, formatCount, formatSize, quoted, stem } from './options.ts';
import { DELIMITER_NAMES, type Delimiter, type Newline, findLongQuotedField, measureLines, sniffDelimiter } from './text-shape.ts';

/** Characters handed to papaparse at a time (its "fast mode" splits a whole chunk into lines). */
const CHUNK_CHARS = 1024 * 1024;

export function readCsv(bytes: Uint8Array, fileName: string, limits: Limits, notes: string[] = []): Workbook {
  const decoded = decodeText(bytes);
  notes.push(decoded.note);
  // Excel's "sep=;" first line names the delimiter and is not data (Excel does not show it either).
  const sep = /^sep=([,;\t|])(\r\n|\n|\r|$)/i.exec(decoded.text.slice(0, 16));
  const declared = (sep?.[1] ?? null) as Delimiter | null;
  const text = sep ? decoded.text.slice(sep[0].length) : decoded.text;
  if (sep) notes.push(`The first line "${sep[0].trim()}" names the column separator; it is not part of the data.`);
  if (text.trim() === '') {
    fail('file.empty', fileName, `${quoted(fileName)} is empty: it contains no rows.`);
  }
  if (looksBinary(text)) {
    fail('file.unreadable', fileName, `${quoted(fileName)} does not look like a spreadsheet or CSV file. ${SUPPORTED}`);
  }
  const markup = markupKind(text);
  if (markup) {
    fail(
      'file.unsupported',
      fileName,
      `${quoted(fileName)} is ${markup === 'xml' ? 'an XML' : 'a web page (HTML)'} file, not a workbook or CSV, even if Excel opens it. Open it in Excel, save it as .xlsx, and upload that. ${SUPPORTED}`,
    );
  }

  const hasQuotes = text.includes('"');
  const shape = measureLines(text, limits.maxLineChars);
  if (shape.tooLong) {
    const { line, start, length } = shape.tooLong;
    const exact = !text.slice(0, start).includes('"');
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
  const sniffed = declared ?? sniffDelimiter(text, hint);
  const delimiter: Delimiter = sniffed ?? hint ?? ',';
  notes.push(sniffed ? `Columns are separated by ${DELIMITER_NAMES[sniffed]}.` : 'No column separator found: each line is one column.');
  if (hasQuotes) refuseLongQuotedField(text, delimiter, shape.newline, fileName, limits.maxCellChars);

  return {
    fileName,
    format: delimiter === '\t' ? 'tsv' : 'csv',
    sheets: [new CsvSheet(stem(fileName), text, delimiter, shape.newline, fileName, limits, notes)],
    notes,
  };
}

function refuseLongQuotedField(text: string, delimiter: Delimiter, newline: Newline, fileName: string, maxCellChars: number): void {
  const long = findLongQuotedField(text, delimiter, maxCellChars);
  if (!long) return;
  // The row holding the quote: count the rows of the text before it (plus a character, so that a row
  // ending right before the quote is not counted as the quote's row).
  let row = 0;
  Papa.parse<string[]>(`${text.slice(0, long.start)}x`, {
    delimiter,
    newline,
    skipEmptyLines: false,
    chunkSize: CHUNK_CHARS,
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

class CsvSheet implements SheetSource {
  readonly name: string;
  readonly hidden = false;
  readonly rowCount = undefined;
  readonly #text: string;
  readonly #delimiter: Delimiter;
  readonly #newline: Newline;
  readonly #fileName: string;
  readonly #limits: Limits;
  readonly #notes: string[];
  #warnedQuote = false;

  constructor(name: string, text: string, delimiter: Delimiter, newline: Newline, fileName: string, limits: Limits, notes: string[]) {
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
    const endsWithBreak = text.endsWith('\n') || text.endsWith('\r');
    const { maxRows, maxColumns, maxCellChars } = this.#limits;
    const fileName = this.#fileName;
    let rowIndex = 0;
    let done = false;
    Papa.parse<string[]>(text, {
      delimiter: this.#delimiter,
      newline: this.#newline,
      quoteChar: '"',
      escapeChar: '"',
      header: false,
      dynamicTyping: false,
      skipEmptyLines: false,
      chunkSize: CHUNK_CHARS,
      step: (result, parser) => {
        if (done) return;
        const fields = result.data;
        // The empty "row" papaparse reports after a final line break is not a row.
        if (endsWithBreak && result.meta.cursor >= text.length && fields.length === 1 && fields[0] === '') return;
        const row = rowIndex + 1;
        const unclosed = result.errors.some((e) => e.code === 'MissingQuotes');
        if (row > maxRows) tooManyRows(fileName, this.#limits, null);
        if (fields.length > maxColumns) {
          fail(
            'file.too_many_columns',
            fileName,
            `Row ${formatCount(row)} of ${quoted(fileName)} has ${formatCount(fields.length)} columns; the limit is ${formatCount(maxColumns)}.`,
            { row },
          );
        }
        const cells: CellValue[] = [];
        if (!(fields.length === 1 && fields[0] === '')) {
          for (let c = 0; c < fields.length; c++) {
            const field = fields[c] ?? '';
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
            cells.push(field === '' ? null : field);
          }
          if (cells.every((v) => v === null)) cells.length = 0;
        }
        if (unclosed && !this.#warnedQuote) {
          this.#warnedQuote = true;
          this.#notes.push(`Row ${formatCount(row)} opens a quote (") that is never closed; the rest of the file was read as one cell.`);
        }
        rowIndex++;
        if (visit(cells, row - 1) === false) {
          done = true;
          parser.abort();
        }
      },
    });
  }

  displayText(): string | undefined {
    return undefined;
  }
}
