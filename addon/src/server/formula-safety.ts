/**
 * Formula-injection guard for everything the add-on writes into the spreadsheet (notes, the issue
 * report). Issue messages quote cell text, and cell text is whatever someone typed or imported: written
 * back as is, "=IMPORTXML(…)" would run as a formula in every collaborator's sheet. A leading apostrophe
 * is how Sheets itself marks "this is text", so the reader sees the text unchanged.
 */

/** `=`, `+`, `-`, `@`, tab and CR (OWASP's list), and the full-width forms some input methods type. */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}
