/**
 * The columns of a real budget beyond department, category and amount, read as an analyst reads them
 * (DESIGN §2): further dimensions that identify a line (fund, program, division…), code/name twins that
 * are one dimension (`Fund Code` + `Fund Description`), a direction column (Expense/Revenue,
 * Aufwand/Ertrag), a level column whose upper levels are subtotal rows (`Type`: Département / Section /
 * Article), and columns that are no part of a line (row numbers, links, repeats of another column,
 * flags, other figures). Every decision stands on the values of a sample of rows, not on titles alone.
 */
import { parseAmount } from '../values/money.ts';
import { matchHeader } from './fields.ts';
import { cellText, normalizeHeader } from './normalize.ts';
import type { ChosenRole, ColumnMapping } from './mapping.ts';
import { type ColumnProfile, ratio } from './profile.ts';
import { CODE_WORDS, FIGURE_WORDS, NOT_BUDGET_MEASURE } from './synonyms.ts';
import type { CanonicalField, Direction, MappingEntry } from './types.ts';
import type { Row } from '../workbook.ts';

export interface DimensionColumn {
  /** The dimension's name in each line's `dimensions` (`fund`, `account_category`). */
  name: string;
  /** 0-based column shown (the name of a twin). */
  col: number;
  /** 0-based code column of a code/name twin: the line's identity. */
  codeCol: number | undefined;
  /** A record key numbering the rows (`ID`): part of the identity only, never a line's category. */
  rowKey?: boolean | undefined;
  /** A person said this column is a dimension (an override, or remembered): it stays one, never the category. */
  chosen?: boolean | undefined;
  /** Its values are short codes (`6064`, `IN09`): a row without a name is named by its code. */
  codes?: boolean | undefined;
}

/** Fields whose column may have a code twin. */
export type LabelField = 'department' | 'category' | 'project';

export interface LineRoles {
  dimensions: DimensionColumn[];
  /** Code column of a canonical field's code/name twin (the field's column then shows the name). */
  codeCols: Partial<Record<LabelField, number>>;
  /**
   * The direction column and what its values say: those of the sample, and each further value as the
   * lines meet it (null: it says neither, the file's direction applies).
   */
  direction: { col: number; values: Map<string, Direction | null> } | null;
  /** A level column (Type = Département / Section / Article): rows of another level than `leaf` are group rows. */
  level: { col: number; leaf: string } | null;
  /** A column of `code name` labels whose codes nest (`01`, `011`, `0111`…): a row whose code begins the next row's is a group row. */
  nestedCodes: number | null;
}

export const NO_ROLES: LineRoles = { dimensions: [], codeCols: {}, direction: null, level: null, nestedCodes: null };

/** Values of a direction column, folded (lower case, no accents). */
const EXPENSE_WORDS = new Set([
  'expense',
  'expenses',
  'expenditure',
  'expenditures',
  'cost',
  'costs',
  'spending',
  'outflow',
  'outgoing',
  'aufwand',
  'aufwendungen',
  'auszahlung',
  'auszahlungen',
  'ausgabe',
  'ausgaben',
  'kosten',
  'depense',
  'depenses',
  'charge',
  'charges',
  'gasto',
  'gastos',
  'egreso',
  'egresos',
  'despesa',
  'despesas',
  'spesa',
  'spese',
  'uscita',
  'uscite',
  'uitgaven',
  'uitgave',
  'lasten',
  'udgift',
  'udgifter',
  'utgift',
  'utgifter',
  'kostnad',
  'kostnader',
  'vydaje',
  'naklady',
  'wydatki',
  'koszty',
  'e',
]);
const REVENUE_WORDS = new Set([
  'revenue',
  'revenues',
  'income',
  'receipt',
  'receipts',
  'inflow',
  'incoming',
  'ertrag',
  'ertrage',
  'ertraege',
  'erlos',
  'erlose',
  'erloese',
  'einzahlung',
  'einzahlungen',
  'einnahme',
  'einnahmen',
  'recette',
  'recettes',
  'produit',
  'produits',
  'ingreso',
  'ingresos',
  'receita',
  'receitas',
  'entrata',
  'entrate',
  'inkomsten',
  'ontvangsten',
  'baten',
  'opbrengsten',
  'indtaegt',
  'indtaegter',
  'indtægt',
  'indtægter',
  'inntekt',
  'inntekter',
  'intakt',
  'intakter',
  'prijmy',
  'vynosy',
  'dochody',
  'przychody',
  'r',
]);

function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim();
}

/** `expense`, `revenue`, or null: what a cell, sheet name or `--set direction` value says. */
export function directionOfText(text: string): Direction | null {
  const words = fold(text)
    .split(/[^\p{L}]+/u)
    .filter((w) => w.length > 1);
  let found: Direction | null = null;
  for (const w of words) {
    const d = EXPENSE_WORDS.has(w) ? 'expense' : REVENUE_WORDS.has(w) ? 'revenue' : null;
    if (d === null) continue;
    if (found !== null && found !== d) return null;
    found = d;
  }
  return found;
}

/** One letter (`E`/`R`) or one word per cell: a direction column's value. */
export function directionOfCell(text: string): Direction | null {
  const f = fold(text);
  if (EXPENSE_WORDS.has(f)) return 'expense';
  if (REVENUE_WORDS.has(f)) return 'revenue';
  return f.length > 1 && f.split(/\s+/).length <= 3 ? directionOfText(f) : null;
}

/** Words that make a header the code or the name of a twin, not its subject (`Fund Code`, `DESCRIPCION SECCION`). */

const NAME_WORDS = new Set([
  'description',
  'descripcion',
  'desc',
  'descr',
  'name',
  'nombre',
  'nom',
  'libelle',
  'label',
  'bezeichnung',
  'denominacion',
  'denominazione',
  'descrizione',
  'designation',
  'naam',
  'omschrijving',
  'navn',
  'benamning',
  'nazev',
  'nazwa',
  'text',
  'title',
]);

function subjectWords(header: string): string[] {
  return normalizeHeader(header)
    .split(' ')
    .filter((w) => w !== '' && !CODE_WORDS.has(w) && !NAME_WORDS.has(w));
}

/** A dimension's name from its column title: `Fund Code` → `fund`, `Department/Agency` → `department_agency`. */
function dimensionName(header: string, fallbackCol: number): string {
  const words = subjectWords(header);
  if (words.length > 0) return words.join('_');
  const all = normalizeHeader(header);
  return all ? all.replace(/ /g, '_') : `column_${fallbackCol + 1}`;
}

interface Column {
  col: number;
  header: string;
  values: string[];
  profile: ColumnProfile;
  /** Short codes (`6064`, `IN09`, `00.1`): no spaces, at most 16 characters. */
  codeLike: boolean;
  textLike: boolean;
}

const URL = /^(?:https?:\/\/|www\.)/i;
const CODE_NAME_CELL = /^(\d[\d.]*)\s+\S/;

function valuesOf(sample: readonly Row[], col: number): string[] {
  return sample.map((r) => cellText(r[col]));
}

function describe(c: Column): string {
  return `"${c.header || `column ${c.col + 1}`}"`;
}

/**
 * How the values of `a` (codes) and `b` (names) correspond on the rows where both are filled: `one-to-one`
 * (each code one name and each name one code), `code-to-name` (each code one name; a name may stand
 * under several codes, as "Basic salaries" under 10000 and 11000), or null. A row with a name and no code
 * breaks the correspondence; a few rows with a code and no name (at most one in five pairs) do not.
 */
function correspondence(a: readonly string[], b: readonly string[]): 'one-to-one' | 'code-to-name' | null {
  const ab = new Map<string, string>();
  const ba = new Map<string, string>();
  let pairs = 0;
  let codeOnly = 0;
  let oneToOne = true;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x === '' || y === '') {
      // A code whose name is missing on a few rows (a line named only by its code) is still the name's code.
      if (x !== '' && y === '') codeOnly++;
      else if (x !== y) return null;
      continue;
    }
    pairs++;
    if ((ab.get(x) ?? y) !== y) return null;
    if ((ba.get(y) ?? x) !== x) oneToOne = false;
    ab.set(x, y);
    ba.set(y, x);
  }
  if (pairs < 2 || codeOnly > pairs * 0.2) return null;
  // Two constant columns say nothing about each other by their values alone.
  return oneToOne && ab.size >= 2 ? 'one-to-one' : 'code-to-name';
}

function oneToOne(a: readonly string[], b: readonly string[]): boolean {
  return correspondence(a, b) === 'one-to-one';
}

/** Short codes: no spaces, a digit, at most 16 characters (`6064`, `IN09`, `00.1`). */
function codeLike(values: readonly string[]): boolean {
  const filled = values.filter((v) => v !== '');
  return filled.length > 0 && filled.filter((v) => v.length <= 16 && !/\s/.test(v) && /\d/.test(v)).length >= filled.length * 0.9;
}

function averageLength(values: readonly string[]): number {
  const filled = values.filter((v) => v !== '');
  return filled.length === 0 ? 0 : filled.reduce((sum, v) => sum + v.length, 0) / filled.length;
}

export interface RolesInput {
  labels: readonly string[];
  profiles: readonly ColumnProfile[];
  /** Data rows under the header (the same sample the profiles were made of). */
  sample: readonly Row[];
  mapping: ColumnMapping;
  /** The user gave the direction (`--set direction=…`): no column is read for it. */
  directionSet: boolean;
  /** The sample is every data row of the sheet (a small file): a column with one value there classifies nothing. */
  wholeSheet: boolean;
}

/**
 * Decides the role of every column the field mapping left over (and takes a name column's place for a
 * field whose column is a code), updating `mapping` (entries, ignored, fields) with reasons.
 */
export function assignLineRoles(input: RolesInput): LineRoles {
  const { labels, profiles, sample, mapping } = input;
  const fieldCols = new Map<number, CanonicalField>();
  for (const [f, c] of Object.entries(mapping.fields) as [CanonicalField, number][]) fieldCols.set(c, f);
  const free = new Set(mapping.unknownColumns);
  const notesCol = mapping.fields.notes;
  const ignore = (c: Column, reason: string) => {
    mapping.ignored = mapping.ignored.filter((i) => i.column !== c.col + 1);
    mapping.ignored.push({ column: c.col + 1, header: c.header, reason });
  };
  const column = (col: number): Column => {
    const values = valuesOf(sample, col);
    const profile = profiles[col] as ColumnProfile;
    return {
      col,
      header: labels[col] ?? '',
      values,
      profile,
      codeLike: codeLike(values),
      textLike: ratio(profile.text, profile.nonEmpty) >= 0.5,
    };
  };

  // 1. What each left-over column holds.
  const candidates: Column[] = [];
  const rowKeys: DimensionColumn[] = [];
  const names = new Set<string>();
  let direction: LineRoles['direction'] = null;
  const chosenDimensions = new Map<number, ChosenRole>();
  for (const chosen of mapping.chosenRoles) {
    const c = column(chosen.col);
    if (chosen.role === 'dimension') {
      chosenDimensions.set(c.col, chosen);
      candidates.push(c);
      continue;
    }
    const said = chosenSaid(chosen, c, 'the direction');
    if (input.directionSet) {
      ignore(c, `${said}, but the direction you set applies to every line`);
      continue;
    }
    const values = new Map<string, Direction | null>();
    for (const v of c.values) if (v !== '' && !values.has(v)) values.set(v, directionOfCell(v));
    const neither = [...values].filter(([, d]) => d === null).map(([v]) => `"${v}"`);
    direction = { col: c.col, values };
    mapping.entries.push(
      chosenEntry(
        c,
        'direction',
        chosen,
        neither.length === 0
          ? said
          : `${said}; ${neither.slice(0, 3).join(', ')} say${neither.length === 1 ? 's' : ''} neither expense nor revenue: those rows take the file's direction`,
      ),
    );
  }
  const amountValues = mapping.fields.amount !== undefined ? valuesOf(sample, mapping.fields.amount) : null;
  const periodLike = [mapping.fields.period, mapping.fields.fiscal_year].filter((c): c is number => c !== undefined);
  const factors = amountFactors(sample, [...free], mapping.fields.amount);
  for (const col of [...free].sort((a, b) => a - b)) {
    const p = profiles[col];
    if (!p || p.nonEmpty === 0 || (input.wholeSheet && p.distinct <= 1)) continue;
    const c = column(col);
    // A column titled as a field the user mapped to another column: the user chose not to read it.
    if (displaced(c.header, mapping)) continue;
    const n = p.nonEmpty - p.formulaErrors;
    const words = normalizeHeader(c.header).split(' ');
    const nonEmpty = c.values.filter((v) => v !== '');
    if (nonEmpty.filter((v) => URL.test(v)).length >= nonEmpty.length * 0.5) {
      ignore(c, `${describe(c)} holds links to the source, not part of a budget line`);
      continue;
    }
    if (amountValues && c.values.every((v, i) => v === amountValues[i])) {
      ignore(c, `${describe(c)} repeats the amount column on every row: the same money, read once`);
      continue;
    }
    if (isPercentColumn(c, words, n)) {
      ignore(c, PERCENT_REASON(c.header || `column ${c.col + 1}`));
      continue;
    }
    if (mapping.sides && ratio(p.numeric, n) >= 0.9 && netOfSides(sample, col, mapping.sides, profiles)) {
      const [expense, revenue] = [labels[mapping.sides.expense], labels[mapping.sides.revenue]];
      ignore(
        c,
        `${describe(c)} is the difference between "${revenue}" and "${expense}" on every row (the net of the two sides): not a budget figure of its own`,
      );
      continue;
    }
    const amountTitle = mapping.fields.amount !== undefined ? (labels[mapping.fields.amount] ?? '') : '';
    if (amountTitle !== '' && ratio(p.numeric, n) >= 0.8 && numberedCopyOf(c.header, amountTitle)) {
      ignore(
        c,
        `${describe(c)} holds a second set of figures beside "${amountTitle}" (the same title, numbered): nothing says which year or version it is, so "${amountTitle}" is read as the budget and this one is left out`,
      );
      continue;
    }
    const repeated = periodLike.find((pc) => oneToOne(c.values, valuesOf(sample, pc)));
    if (repeated !== undefined) {
      ignore(c, `${describe(c)} says the same as the "${labels[repeated]}" column (the period), written another way`);
      continue;
    }
    if (!input.directionSet && direction === null && p.distinct <= 6) {
      const dirs = new Map<string, Direction>();
      let hits = 0;
      for (const v of nonEmpty) {
        const d = directionOfCell(v);
        if (d === null) continue;
        hits++;
        dirs.set(v, d);
      }
      if (hits >= nonEmpty.length * 0.9 && hits > 0) {
        direction = { col, values: dirs };
        const sides = [...new Set(dirs.values())];
        mapping.entries.push(
          entry(
            c,
            'direction',
            `its values say whether a line spends or brings money in (${[...dirs.keys()].slice(0, 4).join(', ')}): read as the direction (${sides.join(' and ')})`,
          ),
        );
        continue;
      }
    }
    const factor = factors.get(col);
    if (factor !== undefined) {
      ignore(
        c,
        `${describe(c)} × "${labels[factor]}" = the amount on every row: a quantity and a unit price, not budget figures of their own`,
      );
      continue;
    }
    if (ratio(p.numeric, n) >= 0.9 && numbersRows(c)) {
      const name = unique(dimensionName(c.header, c.col), names);
      rowKeys.push({ name, col, codeCol: undefined, rowKey: true });
      mapping.entries.push({
        ...entry(
          c,
          'dimension',
          `${describe(c)} numbers the rows (a record key): kept in each line's identity, so that rows repeating the same labels stay separate positions of the budget`,
        ),
        dimension: name,
      });
      continue;
    }
    if (ratio(p.numeric, n) >= 0.9) {
      const role = numericRole(c, words, n);
      if (role !== null) {
        ignore(c, role);
        continue;
      }
    }
    if (ratio(p.yesNo, n) >= 0.8) {
      ignore(c, `${describe(c)} is a yes/no flag, not a budget classification`);
      continue;
    }
    candidates.push(c);
  }
  // The columns a person called dimensions came first: all in column order now, as the lines' dimensions list them.
  candidates.sort((a, b) => a.col - b.col);
  // A description whose values repeat across rows classifies them (a dimension), a free note does not; in a
  // table of amounts by period each row is one item, and its description tells two items apart.
  if (notesCol !== undefined) {
    const c = column(notesCol);
    const filled = c.values.filter((v) => v !== '');
    if (mapping.layout === 'wide' || (filled.length >= 5 && new Set(filled).size <= filled.length * 0.8)) {
      delete mapping.fields.notes;
      mapping.entries = mapping.entries.filter((e) => !(e.field === 'notes' && e.column === notesCol + 1));
      fieldCols.delete(notesCol);
      candidates.push(c);
      candidates.sort((a, b) => a.col - b.col);
    }
  }

  // 2. Code/name twins: a code column and a name column whose values correspond one to one.
  const codeCols: LineRoles['codeCols'] = {};
  const twinOf = new Map<number, number>(); // name col → code col
  const used = new Set<number>();
  const labelFields: LabelField[] = ['department', 'category', 'project'];
  const pool: Column[] = [...candidates];
  for (const f of labelFields) {
    const col = mapping.fields[f];
    if (col !== undefined && !pool.some((c) => c.col === col)) pool.push(column(col));
  }
  if (notesCol !== undefined && mapping.fields.notes !== undefined) pool.push(column(notesCol));
  pool.sort((a, b) => a.col - b.col);
  // Two columns a person gave the same dimension are its code and its name, whatever their values say.
  const byName = new Map<string, Column[]>();
  for (const c of candidates) {
    const chosen = chosenDimensions.get(c.col);
    if (chosen === undefined) continue;
    const name = chosen.name ?? dimensionName(c.header, c.col);
    byName.set(name, [...(byName.get(name) ?? []), c]);
  }
  for (const group of byName.values()) {
    if (group.length !== 2) continue;
    const [a, b] = group as [Column, Column];
    const code = a.codeLike !== b.codeLike ? (a.codeLike ? a : b) : averageLength(a.values) <= averageLength(b.values) ? a : b;
    const name = code === a ? b : a;
    used.add(a.col);
    used.add(b.col);
    twinOf.set(name.col, code.col);
  }
  for (const code of pool) {
    if (!code.codeLike || used.has(code.col)) continue;
    let best: Column | null = null;
    let bestScore = 0;
    for (const name of pool) {
      if (name === code || used.has(name.col) || name.codeLike || !name.textLike) continue;
      // Two columns already read as two fields (a project code beside a department) are not one twin.
      if (fieldCols.has(code.col) && fieldCols.has(name.col) && fieldCols.get(code.col) !== 'notes' && fieldCols.get(name.col) !== 'notes')
        continue;
      // A column a person called a dimension is not a field's code or name.
      if ((chosenDimensions.has(code.col) && fieldCols.has(name.col)) || (chosenDimensions.has(name.col) && fieldCols.has(code.col)))
        continue;
      if (averageLength(name.values) <= averageLength(code.values)) continue;
      const sharesSubject = subjectWords(code.header).some((w) => subjectWords(name.header).includes(w));
      const distance = Math.abs(name.col - code.col);
      if (!sharesSubject && distance > 1) continue;
      // One to one by the values alone; a code that determines its name also when the titles share their subject.
      const fit = correspondence(code.values, name.values);
      if (fit === null || (fit === 'code-to-name' && !sharesSubject)) continue;
      const score = (sharesSubject ? 10 : 0) - distance;
      if (best === null || score > bestScore) {
        best = name;
        bestScore = score;
      }
    }
    if (best === null) continue;
    used.add(code.col);
    used.add(best.col);
    twinOf.set(best.col, code.col);
  }

  // 3. Fields whose column is the code of a twin take the name column; the code identifies the line.
  for (const f of labelFields) {
    const col = mapping.fields[f];
    if (col === undefined) continue;
    const asCode = [...twinOf].find(([, codeCol]) => codeCol === col);
    const asName = twinOf.get(col);
    if (asCode) {
      const [nameCol] = asCode;
      mapping.fields[f] = nameCol;
      if (mapping.fields.notes === nameCol) {
        delete mapping.fields.notes;
        mapping.entries = mapping.entries.filter((e) => !(e.field === 'notes' && e.column === nameCol + 1));
      }
      codeCols[f] = col;
      const e = mapping.entries.find((x) => x.field === f && x.column === col + 1);
      if (e) {
        e.role = 'code';
        e.reason = `${e.reason}; its codes identify the lines, and "${labels[nameCol]}" beside it names them (one name for each code)`;
      }
      mapping.entries.push({
        ...entry(column(nameCol), f, `"${labels[nameCol]}" names the codes of "${labels[col]}" (one name for each code): it shows ${f}`),
        field: f,
      });
    } else if (asName !== undefined) {
      codeCols[f] = asName;
      mapping.entries.push({
        ...entry(
          column(asName),
          f,
          `"${labels[asName]}" holds the codes of "${labels[col]}" (one code for each name): they identify the lines`,
        ),
        field: f,
        role: 'code',
      });
    }
  }

  // A description that names a code column is that dimension's name, not a note.
  if (notesCol !== undefined && mapping.fields.notes === notesCol && twinOf.has(notesCol)) {
    delete mapping.fields.notes;
    mapping.entries = mapping.entries.filter((e) => !(e.field === 'notes' && e.column === notesCol + 1));
    candidates.push(column(notesCol));
    candidates.sort((a, b) => a.col - b.col);
  }

  // 4. Everything else that classifies the rows is a dimension (a twin's code column goes with its name).
  const dimensions: DimensionColumn[] = [...rowKeys];
  const taken = new Set<number>([...Object.values(mapping.fields), ...rowKeys.map((k) => k.col)]);
  for (const f of labelFields) if (codeCols[f] !== undefined) taken.add(codeCols[f] as number);
  const twinCodes = new Set(twinOf.values());
  for (const c of candidates) {
    if (taken.has(c.col) || twinCodes.has(c.col)) continue;
    const codeCol = twinOf.get(c.col);
    const chosen = chosenDimensions.get(c.col);
    const chosenCode = codeCol === undefined ? undefined : chosenDimensions.get(codeCol);
    const given = chosen?.name ?? chosenCode?.name ?? null;
    const name = unique(given ?? dimensionName(codeCol !== undefined ? (labels[codeCol] ?? '') : c.header, c.col), names);
    dimensions.push({ name, col: c.col, codeCol, codes: c.codeLike, ...(chosen || chosenCode ? { chosen: true } : {}) });
    taken.add(c.col);
    if (codeCol !== undefined) {
      taken.add(codeCol);
      const codes = `"${labels[codeCol]}" holds the codes of "${c.header}" (one code for each name): they identify the lines`;
      const code = column(codeCol);
      mapping.entries.push({
        ...(chosenCode
          ? chosenEntry(code, 'dimension', chosenCode, `${chosenSaid(chosenCode, code, `the dimension "${name}"`)}; ${codes}`)
          : entry(code, 'dimension', codes)),
        dimension: name,
        role: 'code',
      });
    }
    mapping.entries.push({
      ...(chosen
        ? chosenEntry(c, 'dimension', chosen, `${chosenSaid(chosen, c, `the dimension "${name}"`)}, part of each line's identity`)
        : entry(
            c,
            'dimension',
            `${describe(c)} classifies the lines (${c.profile.distinct} distinct values in the rows sampled): kept as the dimension "${name}", part of each line's identity`,
          )),
      dimension: name,
    });
  }

  // 5. Hierarchy: a level column, or nested codes in a label column.
  const level = findLevel(candidates);
  if (level) {
    const c = candidates.find((x) => x.col === level.col) as Column;
    const e = mapping.entries.find((x) => x.column === c.col + 1 && x.field === 'dimension');
    if (e)
      e.reason = `${describe(c)} gives each row's level; rows of the level "${level.leaf}" are the budget lines, the others (${level.others.join(', ')}) are group rows that add them up`;
  }
  const labelCols = [...dimensions.map((d) => d.col), mapping.fields.category, mapping.fields.department].filter(
    (c): c is number => c !== undefined,
  );
  const nestedCodes = labelCols.find((col) => hasNestedCodes(valuesOf(sample, col))) ?? null;

  const claimed = new Set<number>([...taken, ...(direction ? [direction.col] : [])]);
  mapping.ignored = mapping.ignored.filter(
    (i) => !claimed.has(i.column - 1) || i.reason.startsWith('you ') || i.reason.startsWith('ignored,'),
  );
  // Fields and dimensions in column order; the code columns of twins after them.
  mapping.entries.sort((a, b) => (a.role === 'code' ? 1 : 0) - (b.role === 'code' ? 1 : 0) || a.column - b.column);
  return { dimensions, codeCols, direction, level: level ? { col: level.col, leaf: level.leaf } : null, nestedCodes };
}

export const PERCENT_REASON = (label: string): string =>
  `"${label}" holds percentages (each line's share of the total, or its change), not an amount and not a classification of the lines`;

/** Title words of a column of percentages: shares of a total or changes from another year. */
const PERCENT_WORDS = new Set([
  'percent',
  'pct',
  'percentage',
  'share',
  'proportion',
  'anteil',
  'prozent',
  'quote',
  'part',
  'pourcentage',
  'porcentaje',
  'porcentual',
  'variacion',
  'variation',
  'veranderung',
  'percentuale',
  'quota',
  'aandeel',
  'procent',
  'andel',
  'udzial',
  'podil',
]);

/**
 * A column of percentages: most values written with `%` (`12.5%`, `3,5 %`), or a percentage title (`%`,
 * `Anteil`, `part`, `variación`) over small numbers (`0.125`, `41.7`), never money.
 */
/** A title that names a percentage (`%`, `Anteil`, `part`, `variación`). */
export function percentTitle(words: readonly string[]): boolean {
  return words.some((w) => PERCENT_WORDS.has(w));
}

function isPercentColumn(c: Column, words: readonly string[], n: number): boolean {
  const p = c.profile;
  if (n > 0 && ratio(p.percent, n) >= 0.5) return true;
  if (!percentTitle(words) || n === 0 || ratio(p.numeric, n) < 0.8) return false;
  return c.values.every((v) => v === '' || Number.isNaN(Number(v.replace(',', '.'))) || Math.abs(Number(v.replace(',', '.'))) <= 100);
}

/** Whether the column holds revenue − expense (or expense − revenue) on every sampled row with figures. */
function netOfSides(
  sample: readonly Row[],
  col: number,
  sides: { expense: number; revenue: number },
  profiles: readonly ColumnProfile[],
): boolean {
  const figure = (r: Row, c: number) => {
    const a = parseAmount(r[c], profiles[c]?.numberStyle ?? undefined);
    return a.ok ? a.minor : a.reason === 'empty' ? 0n : null;
  };
  let rows = 0;
  let sign = 0n;
  for (const r of sample) {
    const [net, expense, revenue] = [figure(r, col), figure(r, sides.expense), figure(r, sides.revenue)];
    if (net === null || expense === null || revenue === null || (net === 0n && expense === 0n && revenue === 0n)) continue;
    const d = revenue - expense;
    const s = net === d ? 1n : net === -d ? -1n : 0n;
    if (s === 0n || (sign !== 0n && s !== sign)) return false;
    sign = s;
    rows++;
  }
  return rows >= 2;
}

/** `budget2`, `Budget 2`, `Betrag_2` beside `budget`: the amount column's title with a number after it. */
function numberedCopyOf(title: string, amountTitle: string): boolean {
  const stem = (t: string) => normalizeHeader(t).replace(/\s*\d{1,2}$/, '');
  const own = normalizeHeader(title);
  return own !== normalizeHeader(amountTitle) && /\d$/.test(own) && stem(title) !== '' && stem(title) === stem(amountTitle);
}

function displaced(header: string, mapping: ColumnMapping): boolean {
  const best = matchHeader(normalizeHeader(header))[0];
  if (best?.method !== 'synonym') return false;
  return mapping.entries.some((e) => e.field === best.field && (e.method === 'override' || e.method === 'remembered'));
}

function unique(name: string, names: Set<string>): string {
  let out = name;
  for (let i = 2; names.has(out); i++) out = `${name}_${i}`;
  names.add(out);
  return out;
}

function entry(c: Column, field: MappingEntry['field'], reason: string): MappingEntry {
  return { field, column: c.col + 1, header: c.header, confidence: 0.9, method: 'values', reason, needsConfirmation: false };
}

/** The entry of a column a person mapped: as sure as their word. */
function chosenEntry(c: Column, field: MappingEntry['field'], chosen: ChosenRole, reason: string): MappingEntry {
  return { field, column: c.col + 1, header: c.header, confidence: 1, method: chosen.method, reason, needsConfirmation: false };
}

/** `you mapped "Fonds" to the dimension "fund"`, or the same remembered from an earlier import. */
function chosenSaid(chosen: ChosenRole, c: Column, what: string): string {
  return chosen.method === 'override'
    ? `you mapped ${describe(c)} to ${what}`
    : `remembered: ${describe(c)} was mapped to ${what} in an earlier import`;
}

/**
 * Why a column of numbers is no part of a line, or null when it classifies the lines (codes): row numbers,
 * years, flags, another figure (actuals, quantities, prices).
 */
/** Pairs of number columns whose product is the amount on every sampled row (quantity × unit price): column → its partner. */
function amountFactors(sample: readonly Row[], cols: readonly number[], amountCol: number | undefined): Map<number, number> {
  const out = new Map<number, number>();
  if (amountCol === undefined) return out;
  const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN);
  for (const a of cols) {
    for (const b of cols) {
      if (b <= a || out.has(a) || out.has(b)) continue;
      let rows = 0;
      let ok = true;
      let onlyOnes = true; // × 1 on every row says nothing: a flag beside a copy of the amount
      for (const r of sample) {
        const [x, y, total] = [num(r[a]), num(r[b]), num(r[amountCol])];
        if (Number.isNaN(total)) continue;
        rows++;
        if (x !== 1 && y !== 1) onlyOnes = false;
        if (Number.isNaN(x) || Number.isNaN(y) || Math.abs(x * y - total) > 0.005 * Math.max(1, Math.abs(total))) {
          ok = false;
          break;
        }
      }
      if (ok && rows >= 3 && !onlyOnes) {
        out.set(a, b);
        out.set(b, a);
      }
    }
  }
  return out;
}

/** Whole numbers counting up by one from row to row: 1, 2, 3… */
function numbersRows(c: Column): boolean {
  const nums = c.values.filter((v) => v !== '').map(Number);
  if (nums.length < 3 || !nums.every((x) => Number.isInteger(x))) return false;
  let steps = 0;
  for (let i = 1; i < nums.length; i++) if ((nums[i] as number) - (nums[i - 1] as number) === 1) steps++;
  return steps >= (nums.length - 1) * 0.9;
}

function numericRole(c: Column, words: readonly string[], n: number): string | null {
  const nums = c.values.filter((v) => v !== '').map(Number);
  const integers = nums.every((x) => Number.isInteger(x));
  if (integers && nums.every((x) => x === 0 || x === 1) && new Set(nums).size === 2)
    return `${describe(c)} is a 0/1 flag, not a budget figure`;
  if (words.some((w) => NOT_BUDGET_MEASURE.has(w))) {
    return `${describe(c)} holds ${words.filter((w) => NOT_BUDGET_MEASURE.has(w)).join(' ')} figures, not the budget (plan) amounts`;
  }
  // A count or a price beside the amount (`Headcount`, `FTE`, `Qty`) is a figure, even when its small
  // integers repeat like codes.
  if (words.some((w) => FIGURE_WORDS.has(w))) return `${describe(c)} holds quantities or prices, not the budget amount of the line`;
  // A column titled as a code (`Account Code`, `capitolo_num`) identifies, whatever its numbers look like.
  if (words.some((w) => CODE_WORDS.has(w))) return null;
  if (integers) {
    // Codes: a fixed width, or few values repeated over the rows.
    const widths = new Set(c.values.filter((v) => v !== '').map((v) => v.replace(/^-/, '').length));
    if (widths.size === 1 || c.profile.distinct <= Math.max(3, n * 0.5)) return null;
  }
  return `${describe(c)} holds other figures (not the budget amount of the line)`;
}

interface Level {
  col: number;
  leaf: string;
  others: string[];
}

/** A level column: few values, the most common one on single rows and runs, each other value never on two rows in a row. */
function findLevel(candidates: readonly Column[]): Level | null {
  for (const c of candidates) {
    const filled = c.values.filter((v) => v !== '');
    if (!c.textLike || filled.length < 10 || c.profile.distinct > 6 || c.profile.distinct < 2) continue;
    // Level names are short words (Article, Section, Chapitre), not notes.
    if (!filled.every((v) => v.length <= 24 && /^[\p{L} .'-]+$/u.test(v))) continue;
    const counts = new Map<string, number>();
    for (const v of filled) counts.set(v, (counts.get(v) ?? 0) + 1);
    const [leaf, leafCount] = [...counts].sort((a, b) => b[1] - a[1])[0] as [string, number];
    if (leafCount < filled.length * 0.5) continue;
    let isolated = true;
    let groupRows = 0;
    for (let i = 0; i < c.values.length; i++) {
      const v = c.values[i] as string;
      if (v === '' || v === leaf) continue;
      groupRows++;
      if (c.values[i + 1] === v) isolated = false;
    }
    if (isolated && groupRows >= 2) return { col: c.col, leaf, others: [...counts.keys()].filter((v) => v !== leaf) };
  }
  return null;
}

/** `code name` labels (`01 Dronningen`, `0111 Statsydelse`) where some row's code begins the next row's, longer code. */
function hasNestedCodes(values: readonly string[]): boolean {
  let coded = 0;
  let nested = 0;
  let filled = 0;
  let previous: string | null = null;
  for (const v of values) {
    if (v === '') continue;
    filled++;
    const m = CODE_NAME_CELL.exec(v);
    const code = m ? (m[1] as string) : null;
    if (code !== null) coded++;
    if (code !== null && previous !== null && code.length > previous.length && code.startsWith(previous)) nested++;
    previous = code;
  }
  return filled >= 3 && coded >= filled * 0.8 && nested >= 1;
}

/** The leading code of a `code name` label, or null. */
export function leadingCode(text: string): string | null {
  const m = CODE_NAME_CELL.exec(text.trim());
  return m ? (m[1] as string) : null;
}
