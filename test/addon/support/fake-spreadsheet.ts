/**
 * A spreadsheet model for the SpreadsheetApp stand-in: sheets of values with their display text,
 * backgrounds and notes, the active sheet and selection, and a record of every cell write that Sheets
 * would have parsed as a formula (or a number/operator) instead of keeping the text — the formula-injection
 * tests assert that list stays empty.
 */
import { strict } from './strict.ts';

export type Cell = string | number | boolean | Date;

export interface SheetInit {
  name: string;
  values: Cell[][];
  /** What getDisplayValues() shows; by default the value as text (dates as yyyy-mm-dd). */
  display?: string[][];
}

/** The realm the add-on runs in: Dates it receives must be its own Dates (core checks `instanceof Date`). */
export interface Realm {
  Date: DateConstructor;
}

const WHITE = '#ffffff';
/** How Sheets treats a typed/written string: these first characters make it a formula or a number. */
const PARSED_START = /^[=+\-@]/;

export function columnLetter(col: number): string {
  let n = col;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

function parseA1(a1: string): { r: number; c: number; h: number; w: number } {
  const m = /^([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?$/i.exec(a1);
  if (!m) throw new Error(`stand-in: cannot parse A1 notation "${a1}"`);
  const c = columnNumber(m[1] as string);
  const r = Number(m[2]);
  const c2 = m[3] ? columnNumber(m[3]) : c;
  const r2 = m[4] ? Number(m[4]) : r;
  return { r: Math.min(r, r2), c: Math.min(c, c2), h: Math.abs(r2 - r) + 1, w: Math.abs(c2 - c) + 1 };
}

const key = (r: number, c: number) => `${r}:${c}`;

function defaultDisplay(v: Cell | undefined): string {
  if (v === undefined || v === '') return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v);
}

export interface ParsedWrite {
  sheet: string;
  a1: string;
  text: string;
}

export class FakeSheet {
  readonly id: number;
  name: string;
  values: Cell[][];
  display: string[][] | null;
  readonly backgrounds = new Map<string, string>();
  readonly notes = new Map<string, string>();
  readonly bold = new Set<string>();
  frozenRows = 0;

  readonly book: FakeSpreadsheet;

  constructor(book: FakeSpreadsheet, id: number, init: SheetInit) {
    this.book = book;
    this.id = id;
    this.name = init.name;
    this.values = init.values.map((r) => [...r]);
    this.display = init.display ? init.display.map((r) => [...r]) : null;
  }

  get lastRow(): number {
    for (let r = this.values.length; r > 0; r--) if ((this.values[r - 1] ?? []).some((v) => v !== '')) return r;
    return 0;
  }

  get lastColumn(): number {
    let w = 0;
    for (const row of this.values) {
      for (let c = row.length; c > w; c--) {
        if (row[c - 1] !== '' && row[c - 1] !== undefined) {
          w = c;
          break;
        }
      }
    }
    return w;
  }

  value(r: number, c: number): Cell {
    return this.values[r - 1]?.[c - 1] ?? '';
  }

  displayText(r: number, c: number): string {
    const shown = this.display?.[r - 1]?.[c - 1];
    return shown !== undefined ? shown : defaultDisplay(this.values[r - 1]?.[c - 1]);
  }

  write(r: number, c: number, value: Cell): void {
    let text = value;
    if (typeof value === 'string') {
      if (value.startsWith("'")) text = value.slice(1);
      else if (PARSED_START.test(value)) this.book.parsedWrites.push({ sheet: this.name, a1: `${columnLetter(c)}${r}`, text: value });
    }
    while (this.values.length < r) this.values.push([]);
    const row = this.values[r - 1] as Cell[];
    while (row.length < c) row.push('');
    row[c - 1] = text;
    if (this.display) {
      while (this.display.length < r) this.display.push([]);
      const d = this.display[r - 1] as string[];
      while (d.length < c) d.push('');
      d[c - 1] = defaultDisplay(text);
    }
  }

  clear(): void {
    this.values = [];
    this.display = null;
    this.backgrounds.clear();
    this.notes.clear();
    this.bold.clear();
  }

  background(r: number, c: number): string {
    return this.backgrounds.get(key(r, c)) ?? WHITE;
  }

  note(r: number, c: number): string {
    return this.notes.get(key(r, c)) ?? '';
  }

  setBackground(r: number, c: number, color: string | null): void {
    if (color === null || color === '' || color.toLowerCase() === WHITE) this.backgrounds.delete(key(r, c));
    else this.backgrounds.set(key(r, c), color.toLowerCase());
  }

  setNote(r: number, c: number, note: string | null): void {
    if (note === null || note === '') this.notes.delete(key(r, c));
    else this.notes.set(key(r, c), note);
  }
}

export class FakeSpreadsheet {
  readonly sheets: FakeSheet[] = [];
  readonly parsedWrites: ParsedWrite[] = [];
  active: FakeSheet;
  /** The selection: sheet, A1. */
  selection: { sheet: string; a1: string } | null = null;
  #nextId = 0;

  readonly id: string;
  readonly name: string;
  readonly realm: Realm;

  constructor(id: string, name: string, sheets: SheetInit[], realm: Realm) {
    this.id = id;
    this.name = name;
    this.realm = realm;
    for (const s of sheets) this.addSheet(s);
    this.active = this.sheets[0] as FakeSheet;
  }

  addSheet(init: SheetInit): FakeSheet {
    const sheet = new FakeSheet(this, this.#nextId === 0 ? 0 : 100_000 + this.#nextId * 7919, init);
    this.#nextId++;
    this.sheets.push(sheet);
    return sheet;
  }

  sheet(name: string): FakeSheet {
    const s = this.sheets.find((x) => x.name === name);
    if (!s) throw new Error(`no sheet "${name}"`);
    return s;
  }

  activate(name: string): void {
    this.active = this.sheet(name);
  }

  // ---- Apps Script objects ---------------------------------------------------------------------

  api(): GoogleAppsScript.Spreadsheet.Spreadsheet {
    return strict('Spreadsheet', {
      getId: () => this.id,
      getName: () => this.name,
      getActiveSheet: () => this.sheetApi(this.active),
      getSheets: () => this.sheets.map((s) => this.sheetApi(s)),
      getSheetByName: (name: string) => {
        const s = this.sheets.find((x) => x.name === name);
        return s ? this.sheetApi(s) : null;
      },
      insertSheet: (name: string) => {
        if (this.sheets.some((x) => x.name === name)) throw new Error(`A sheet with the name "${name}" already exists.`);
        const s = this.addSheet({ name, values: [] });
        this.active = s;
        return this.sheetApi(s);
      },
    }) as unknown as GoogleAppsScript.Spreadsheet.Spreadsheet;
  }

  sheetApi(sheet: FakeSheet): GoogleAppsScript.Spreadsheet.Sheet {
    const getRange = (...args: unknown[]) => {
      if (typeof args[0] === 'string') {
        const p = parseA1(args[0]);
        return this.rangeApi(sheet, p.r, p.c, p.h, p.w);
      }
      const [r, c, h = 1, w = 1] = args as number[];
      return this.rangeApi(sheet, r as number, c as number, h, w);
    };
    return strict(`Sheet "${sheet.name}"`, {
      getName: () => sheet.name,
      getSheetId: () => sheet.id,
      getLastRow: () => sheet.lastRow,
      getLastColumn: () => sheet.lastColumn,
      getRange,
      getDataRange: () => this.rangeApi(sheet, 1, 1, Math.max(1, sheet.lastRow), Math.max(1, sheet.lastColumn)),
      getRangeList: (a1s: string[]) => {
        const ranges = a1s.map((a) => getRange(a));
        const list = strict('RangeList', {
          getRanges: () => ranges,
          setBackground: (color: string | null) => {
            for (const r of ranges) r.setBackground(color);
            return list;
          },
        });
        return list;
      },
      activate: () => {
        this.active = sheet;
        return this.sheetApi(sheet);
      },
      clear: () => {
        sheet.clear();
        return this.sheetApi(sheet);
      },
      setFrozenRows: (n: number) => {
        sheet.frozenRows = n;
      },
    }) as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }

  rangeApi(sheet: FakeSheet, r0: number, c0: number, h: number, w: number): GoogleAppsScript.Spreadsheet.Range {
    if (!(r0 >= 1 && c0 >= 1 && h >= 1 && w >= 1))
      throw new Error(
        `stand-in: bad range ${r0},${c0},${h},${w} (Sheets: "The coordinates of the range are outside the dimensions of the sheet.")`,
      );
    const grid = <T>(cell: (r: number, c: number) => T): T[][] =>
      Array.from({ length: h }, (_, i) => Array.from({ length: w }, (_, j) => cell(r0 + i, c0 + j)));
    const each = (f: (r: number, c: number) => void) => {
      for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) f(r0 + i, c0 + j);
    };
    const a1 = h === 1 && w === 1 ? `${columnLetter(c0)}${r0}` : `${columnLetter(c0)}${r0}:${columnLetter(c0 + w - 1)}${r0 + h - 1}`;
    const realmValue = (v: Cell): unknown => (v instanceof Date ? new this.realm.Date(v.getTime()) : v);
    const range: Record<string, unknown> = {
      getA1Notation: () => a1,
      getRow: () => r0,
      getColumn: () => c0,
      getNumRows: () => h,
      getNumColumns: () => w,
      getValues: () => grid((r, c) => realmValue(sheet.value(r, c))),
      getDisplayValues: () => grid((r, c) => sheet.displayText(r, c)),
      getBackgrounds: () => grid((r, c) => sheet.background(r, c)),
      getNotes: () => grid((r, c) => sheet.note(r, c)),
      getBackground: () => sheet.background(r0, c0),
      getNote: () => sheet.note(r0, c0),
      setBackground: (color: string | null) => {
        each((r, c) => sheet.setBackground(r, c, color));
        return proxy;
      },
      setNote: (note: string | null) => {
        each((r, c) => sheet.setNote(r, c, note));
        return proxy;
      },
      setValues: (values: Cell[][]) => {
        if (values.length !== h || values.some((row) => row.length !== w)) {
          throw new Error(`The number of rows or columns in the data does not match the range (${h}×${w}).`);
        }
        for (const [i, row] of values.entries()) {
          for (const [j, v] of row.entries()) sheet.write(r0 + i, c0 + j, v);
        }
        return proxy;
      },
      setFontWeight: (weight: string | null) => {
        each((r, c) => (weight === 'bold' ? sheet.bold.add(key(r, c)) : sheet.bold.delete(key(r, c))));
        return proxy;
      },
      activate: () => {
        this.active = sheet;
        this.selection = { sheet: sheet.name, a1 };
        return proxy;
      },
    };
    const proxy = strict(`Range ${sheet.name}!${a1}`, range) as unknown as GoogleAppsScript.Spreadsheet.Range;
    return proxy;
  }
}
