/**
 * CSV for spreadsheets, safe against formula injection: a text cell that begins with = + - @, a tab or a
 * carriage return would be run as a formula by Excel, LibreOffice or Sheets, so it is prefixed with a
 * single quote (OWASP's advice). Plain decimal numbers (our money columns, "-120.50") are left as they
 * are: they cannot start a formula, and quoting them would turn numbers into text.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

export function csvCell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(cells: ReadonlyArray<string | number | null | undefined>): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
