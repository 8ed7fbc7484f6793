/**
 * The analysis pipeline: choose the sheet → find the header → profile the columns → map them →
 * decide the file kind → extract and validate the lines. Deterministic: the same workbook and options
 * always give the same analysis, whichever door (CLI, API, add-on) it came through.
 */
import { FileReadError } from '../errors.ts';
import { currencyFromText, formatMinor } from '../values/money.ts';
import { withoutNul } from '../values/text.ts';
import {
  bareMonthOrQuarter,
  findFiscalYearInText,
  monthPeriod,
  parseFiscalYear,
  parsePeriod,
  quarterPeriod,
  type Period,
  yearPeriod,
} from '../values/period.ts';
import type { Row, SheetSource, Workbook } from '../workbook.ts';
import { assignLineRoles, directionOfText, type LineRoles } from './dimensions.ts';
import { extractLines, nestedGroupRows, type WidePeriodColumn } from './extract.ts';
import { findHeader, type HeaderCandidate } from './header.ts';
import { cellRef, IssueList } from './issues.ts';
import { detectFileKind, KIND_LABEL, kindWithoutHeader } from './kind.ts';
import { mapColumns, type PeriodColumn } from './mapping.ts';
import { headerPeriodInfo } from './period-columns.ts';
import { cellText, normalizeHeader } from './normalize.ts';
import { matchHeader } from './fields.ts';
import { findOutliers } from './outliers.ts';
import { findPersonalData } from './personal.ts';
import { profileColumns, ratio } from './profile.ts';
import { checkSetValues } from './set-values.ts';
import type { Analysis, AnalyzeOptions, Direction, KindVerdict, SetValues, SheetSummary, WholeFileValue } from './types.ts';

const HEAD_ROWS = 250;
const NOT_DATA_SHEET =
  /\b(instructions?|read ?me|notes?|anleitung|hinweise?|about|cover|lookups?|lists?|settings|config|changelog|glossary|mode d emploi|instrucciones)\b/i;

function headOf(sheet: SheetSource): Row[] {
  const rows: Row[] = [];
  sheet.scan((row) => {
    rows.push(row);
    return rows.length < HEAD_ROWS;
  });
  return rows;
}

interface SheetChoice {
  sheet: SheetSource;
  head: Row[];
  header: HeaderCandidate | null;
  score: number;
}

function scoreSheet(sheet: SheetSource, fysm: number): SheetChoice {
  const head = headOf(sheet);
  const header = head.length > 0 ? findHeader(head, fysm) : null;
  let score = header ? header.score : -100;
  if (NOT_DATA_SHEET.test(sheet.name.replace(/[_-]/g, ' '))) score -= 6;
  if (/budget|plan|fy|forecast|haushalt|presupuesto/i.test(sheet.name)) score += 2;
  if (sheet.hidden) score -= 8;
  return { sheet, head, header, score };
}

function resolveWideColumn(pc: PeriodColumn, fysm: number): WidePeriodColumn {
  const { info } = pc;
  const direction = info.direction;
  if (info.relative !== undefined) {
    const n = info.relative;
    return { col: pc.col, header: pc.header, direction, resolve: (fy) => (fy === null ? null : yearPeriod(fy + n - 1, fysm)) };
  }
  if (info.period) {
    const fixed = info.period;
    return { col: pc.col, header: pc.header, direction, resolve: () => fixed };
  }
  const bare = info.bare;
  const memo = new Map<number, Period>();
  return {
    col: pc.col,
    header: pc.header,
    direction,
    resolve: (fy) => {
      if (fy === null || bare === null) return null;
      let p = memo.get(fy);
      if (!p) {
        if (bare.grain === 'quarter') p = quarterPeriod(fy, bare.quarter, fysm);
        else {
          const month = bare.grain === 'month' ? bare.month : ((fysm - 1 + bare.n - 1) % 12) + 1;
          const year = fysm > 1 && month >= fysm ? fy - 1 : fy;
          p = monthPeriod(year, month, fysm);
        }
        memo.set(fy, p);
      }
      return p;
    },
  };
}

export function analyzeWorkbook(workbook: Workbook, options: AnalyzeOptions = {}): Analysis {
  const fysm = options.fiscalYearStartMonth ?? 1;
  if (!Number.isInteger(fysm) || fysm < 1 || fysm > 12) {
    throw new RangeError(`The fiscal-year start month must be a whole number from 1 to 12, not ${fysm}.`);
  }
  const issues = new IssueList();
  const notes = [...workbook.notes];
  // Each door checks the values it is given (and says what is wrong, where); a blank one is not given.
  const given = checkSetValues(options.set ?? {}, 'absent');
  const wrong = given.problems[0];
  if (wrong !== undefined) throw new RangeError(`The value set for ${wrong.field} ${wrong.message}.`);
  const set = given.set;

  // 1. The sheet.
  let choices: SheetChoice[];
  if (options.sheet !== undefined) {
    const named =
      workbook.sheets.find((s) => s.name === options.sheet) ??
      workbook.sheets.find((s) => s.name.toLowerCase() === options.sheet?.toLowerCase());
    if (!named) {
      throw new FileReadError(
        'sheet.not_found',
        workbook.fileName,
        `${workbook.fileName} has no sheet named "${withoutNul(options.sheet)}". Its sheets are: ${workbook.sheets.map((s) => `"${s.name}"`).join(', ')}.`,
      );
    }
    choices = [scoreSheet(named, fysm)];
  } else {
    choices = workbook.sheets.map((s) => scoreSheet(s, fysm));
  }
  let chosen = choices.reduce((a, b) => (b.score > a.score ? b : a), choices[0] as SheetChoice);
  // A sheet whose period columns are the other sheets' names ("Year 1", "Year 2", "Year 3" as columns of
  // "Cumulative") holds their figures side by side: when the sheet chosen is one of them and they cannot be
  // read together as one budget (forms, or tables titled differently), that sheet is read instead.
  const coveredBy = new Map<string, string>();
  const covering = options.sheet === undefined ? sheetsSideBySide(choices, fysm) : new Map<SheetChoice, string[]>();
  for (const [c, covered] of covering) {
    const first = chosen;
    if (!covered.includes(first.sheet.name) || first.header === null) continue;
    const together = moreOfTheBudget(choices, first, first.header).map((x) => x.choice.sheet.name);
    if (covered.every((n) => n === first.sheet.name || together.includes(n))) continue;
    chosen = c;
    break;
  }
  for (const name of covering.get(chosen) ?? []) coveredBy.set(name, chosen.sheet.name);
  const sheets: SheetSummary[] = workbook.sheets.map((s) => {
    const c = choices.find((x) => x.sheet === s);
    const isChosen = c === chosen;
    let reason: string;
    if (options.sheet !== undefined) reason = isChosen ? 'the sheet you asked for' : 'not asked for';
    else if (isChosen && coveredBy.size > 0)
      reason = `it holds the figures of sheets ${listNames(covering.get(c as SheetChoice) ?? [])} side by side, one period column each: the whole budget, of which those sheets are the detail`;
    else if (isChosen) reason = workbook.sheets.length > 1 ? 'it holds the table that looks most like a budget' : 'the only sheet';
    else if (coveredBy.has(s.name))
      reason = `its period is one of the columns of sheet "${coveredBy.get(s.name)}", which holds every period side by side (read there, once)`;
    else if (!c?.header) reason = 'it holds no table';
    else if (NOT_DATA_SHEET.test(s.name.replace(/[_-]/g, ' '))) reason = 'its name says it holds instructions or notes';
    else if (s.hidden) reason = 'it is hidden';
    else reason = 'its table looks less like a budget';
    return { name: s.name, hidden: s.hidden, chosen: isChosen, read: isChosen, reason };
  });
  const sheet = chosen.sheet;
  const header = chosen.header;
  const head = chosen.head;

  const base = (): Analysis => ({
    file: workbook.fileName,
    format: workbook.format,
    sheet: sheet.name,
    sheets,
    headerRow: null,
    headerRows: [],
    headerReason: '',
    layout: 'long',
    fiscalYearStartMonth: fysm,
    fiscalYear: { value: null, source: null },
    currency: { value: options.defaultCurrency ?? 'USD', source: 'default' },
    kind: { kind: 'unknown', confidence: 0, reasons: [] },
    mapping: [],
    ignoredColumns: [],
    lines: [],
    issues: [],
    stats: { rows: 0, lines: 0, total: '0.00', importable: false, errors: 0, warnings: 0 },
    notes,
    set,
    department: null,
    category: null,
    direction: null,
  });

  if (!header || header.score < 1) {
    const a = base();
    issues.add(
      'error',
      'header.not_found',
      `No header row was found in sheet "${sheet.name}" of ${workbook.fileName}: no row has column titles such as Department, Category, Period or Amount above rows of figures. Add a header row, or choose another sheet.`,
    );
    a.kind = kindWithoutHeader(head, `${sheet.name} ${workbook.fileName}`);
    a.issues = issues.finish();
    a.stats.errors = issues.count('error');
    return a;
  }

  // 2. Profile and map the columns.
  const headerEnd = header.rows[header.rows.length - 1] as number;
  header.labels = shownLabels(header, sheet, headerEnd);
  const dataSample = head.slice(headerEnd + 1, headerEnd + 1 + 200);
  const width = Math.max(header.labels.length, ...dataSample.slice(0, 50).map((r) => r.length));
  const profiles = profileColumns(dataSample, width);
  const mapping = mapColumns({
    labels: header.labels,
    headerCells: header.cells,
    profiles,
    fiscalYearStartMonth: fysm,
    overrides: options.mappingOverrides,
    remembered: options.rememberedMappings,
    confirmThreshold: options.confirmThreshold ?? 0.7,
    sample: dataSample,
  });

  const roles = assignLineRoles({
    labels: header.labels,
    profiles,
    sample: dataSample,
    mapping,
    directionSet: set.direction !== undefined,
    wholeSheet: dataSample.length < 200 && head.length < HEAD_ROWS,
  });
  const fixed = fixedLabels(mapping, roles, profiles, header.labels, set);
  const whole: { department: WholeFileValue | null; category: WholeFileValue | null } = {
    department: fixed.department === undefined ? null : { value: fixed.department, source: SET_SOURCE },
    category: fixed.category === undefined ? null : { value: fixed.category, source: SET_SOURCE },
  };

  // 3. Fiscal year and currency named outside the table: title rows, sheet name, file name.
  const titleText = head
    .slice(0, header.rows[0])
    .map((r) => r.map(cellText).filter(Boolean).join(' '))
    .join(' ');
  let fiscalYear: { value: number | null; source: string | null } = { value: null, source: null };
  // A CSV has no sheet name of its own: its one sheet is named after the file, which is said below.
  const textFile = workbook.format === 'csv' || workbook.format === 'tsv';
  const otherSheets = workbook.sheets
    .filter((s) => s !== sheet)
    .map((s) => s.name)
    .join(' ');
  for (const [text, source] of [
    [set.fiscal_year ?? '', SET_SOURCE],
    [titleText, 'the title rows'],
    [textFile ? '' : sheet.name, `the sheet name "${sheet.name}"`],
    [workbook.fileName, `the file name "${workbook.fileName}"`],
    [textFile ? '' : otherSheets, "the names of the workbook's other sheets"],
  ] as const) {
    const fy = text ? (parseFiscalYear(text.trim()) ?? findFiscalYearInText(text)) : null;
    if (fy !== null) {
      fiscalYear = { value: fy, source };
      break;
    }
  }
  // A wide layout's money columns are its period columns: their titles (`Ansatz 2026 (€)`, `Zuschuss_2026_EUR`) name the currency.
  const amountLabel =
    mapping.fields.amount !== undefined
      ? (header.labels[mapping.fields.amount] ?? '')
      : mapping.layout === 'wide'
        ? (header.labels[mapping.periodColumns[0]?.col ?? -1] ?? '')
        : '';
  let currency = { value: options.defaultCurrency ?? 'USD', source: 'default' };
  const headerCurrency = amountLabel ? currencyFromText(amountLabel) : null;
  const titleCurrency = titleText ? currencyFromText(titleText) : null;
  if (set.currency) currency = { value: set.currency, source: SET_SOURCE };
  else if (headerCurrency) currency = { value: headerCurrency, source: `the column title "${amountLabel}"` };
  else if (titleCurrency) currency = { value: titleCurrency, source: 'the title rows' };
  else if (mapping.fields.currency !== undefined)
    currency = { value: currency.value, source: `the "${header.labels[mapping.fields.currency]}" column` };

  // 4. Kind.
  const kind: KindVerdict = detectFileKind({
    labels: header.labels,
    profiles,
    mapping,
    context: `${titleText} ${sheet.name} ${workbook.fileName}`,
    rows: dataSample,
    above: head.slice(0, header.rows[0]),
  });
  const treatAsBudget = kind.kind === 'budget' || options.treatAsBudget === true;
  const extraSheets = options.sheet !== undefined ? [] : moreOfTheBudget(choices, chosen, header);
  for (const extra of extraSheets) {
    const summary = sheets.find((x) => x.name === extra.choice.sheet.name);
    if (summary) {
      summary.read = true;
      summary.reason = `it holds ${extra.why} of the same budget, with the same columns as "${sheet.name}"`;
    }
  }
  if (kind.kind !== 'budget') {
    issues.add(
      'error',
      'kind.mismatch',
      `${workbook.fileName} looks like ${KIND_LABEL[kind.kind]}, not a budget (${kind.reasons.slice(1, 3).join('; ') || 'see the reasons'}). Upload the budget file instead${kind.kind === 'unknown' ? ', or map its columns by hand' : ''}; if this really is a budget, import it with an override and a reason.`,
    );
  }
  for (const p of profiles) {
    const n = p.nonEmpty;
    const label = header.labels[p.col] || `column ${p.col + 1}`;
    const what =
      n === 0 ? null : ratio(p.ssn, n) >= 0.3 ? 'social security numbers' : ratio(p.iban, n) >= 0.3 ? 'bank account numbers (IBANs)' : null;
    if (what === null) continue;
    issues.add(
      'error',
      'pii.detected',
      `Column ${p.col + 1} ("${label}") holds ${what}. Budget Sync never stores personal identifiers: remove the column and upload again.`,
      null,
      p.col + 1,
    );
    // Never carry them into the lines: an owner or notes column of SSNs would be echoed back in every line.
    for (const f of Object.keys(mapping.fields) as (keyof typeof mapping.fields)[]) {
      if (mapping.fields[f] !== p.col) continue;
      delete mapping.fields[f];
      mapping.entries = mapping.entries.filter((e) => !(e.field === f && e.column === p.col + 1));
      mapping.ignored.push({
        column: p.col + 1,
        header: header.labels[p.col] ?? '',
        reason: `it holds ${what}: personal identifiers are never imported`,
      });
    }
  }

  const personal = findPersonalData(header.labels, profiles, mapping);
  if (personal) issues.add('warning', 'pii.detected', personal.message, null, personal.column + 1);

  const analysis = base();
  // A direction column, two amount columns one per side, or period columns naming their side say each line's.
  const columnsSayDirection = roles.direction !== null || mapping.sides !== null || mapping.periodColumns.some((p) => p.info.direction);
  analysis.direction = columnsSayDirection
    ? null
    : wholeDirection(set.direction, textFile ? [] : [sheet.name, ...extraSheets.map((e) => e.choice.sheet.name)]);
  analysis.headerRow = headerEnd + 1;
  analysis.headerRows = header.rows.map((r) => r + 1);
  analysis.headerReason = header.reason;
  analysis.layout = mapping.layout;
  analysis.fiscalYear = fiscalYear;
  analysis.currency = currency;
  analysis.kind = kind;
  analysis.mapping = mapping.entries;
  analysis.ignoredColumns = mapping.ignored;

  // 5. Required fields.
  const need: [keyof typeof mapping.fields, string][] = [
    ['department', 'Department (or Cost Center)'],
    ['category', 'Category (or GL Account)'],
  ];
  if (mapping.layout === 'long') need.push(['amount', 'Amount (or Budget)']);
  let complete = true;
  if (treatAsBudget && fixed.department === undefined && mapping.fields.department === undefined) {
    const firstTitle =
      head
        .slice(0, header.rows[0])
        .map((r) => [...new Set(r.map(cellText).filter(Boolean))].join(' '))
        .find((t) => t !== '') ?? '';
    // Several sheets read: the chosen sheet's name is not the whole budget's.
    const proposed = proposeDepartment(firstTitle, textFile || extraSheets.length > 0 ? null : sheet.name, workbook.fileName);
    if (proposed !== null) {
      fixed.department = proposed.name;
      whole.department = { value: proposed.name, source: proposed.source };
      issues.add(
        'warning',
        'department.proposed',
        `No column says which department this budget belongs to, so it is read as the budget of one unit: "${proposed.name}", taken from ${proposed.source}. Check it, or name the department yourself (in the review's Department field, or --set department=NAME).`,
        headerEnd + 1,
        null,
        'department',
      );
    }
  }
  if (treatAsBudget && fixed.category === undefined && mapping.fields.category === undefined) {
    const proposed = proposeCategory(mapping.fields.amount !== undefined ? amountLabel : '', workbook.fileName);
    if (proposed !== null) {
      fixed.category = proposed.name;
      whole.category = { value: proposed.name, source: proposed.source };
      issues.add(
        'warning',
        'category.proposed',
        `No column says what each line is spent on or earned from, so every line is read under one category: "${proposed.name}", taken from ${proposed.source}. Check it, or name the category yourself (in the review's Category field, or --set category=NAME).`,
        headerEnd + 1,
        null,
        'category',
      );
    }
  }
  analysis.department = whole.department;
  analysis.category = whole.category;
  if (fixed.department !== undefined) notes.push(`Every line is given the department "${fixed.department}".`);
  if (fixed.category !== undefined) notes.push(`Every line is given the category "${fixed.category}".`);
  // Relative years (Year 1, Year 2…) need the first year: the file's, the user's, or this year, to confirm.
  const relative = mapping.periodColumns.filter((p) => p.info.relative !== undefined).map((p) => ({ col: p.col, what: `"${p.header}"` }));
  const fyCol = mapping.fields.fiscal_year;
  const fyProfile = fyCol === undefined ? undefined : profiles[fyCol];
  if (fyCol !== undefined && fyProfile && fyProfile.relativeYears > 0) {
    relative.push({ col: fyCol, what: `the values of "${header.labels[fyCol]}" (${fyProfile.samples.slice(0, 2).join(', ')}…)` });
  }
  if (relative.length > 0 && treatAsBudget) {
    // Year 1 is each row's own fiscal year when a column gives it; else the file's, the user's, or this year.
    const rowsSay = fyCol !== undefined && (fyProfile?.relativeYears ?? 0) === 0;
    if (fiscalYear.value === null && !rowsSay) {
      fiscalYear = { value: currentFiscalYear(fysm), source: 'this year (nothing in the file names the first year)' };
      analysis.fiscalYear = fiscalYear;
    }
    const counted = `The years are counted from the budget's start (${relative
      .slice(0, 3)
      .map((r) => r.what)
      .join(', ')})`;
    // The first year the user gave is the confirmation the warning asks for: then it only says how the years are read.
    if (!rowsSay && fiscalYear.source === SET_SOURCE) {
      issues.add(
        'info',
        'period.relative_year',
        `${counted}: year 1 is ${fiscalYear.value} as you set.`,
        headerEnd + 1,
        (relative[0]?.col ?? 0) + 1,
        'fiscal_year',
      );
    } else {
      const first = rowsSay ? `each row's "${header.labels[fyCol as number]}"` : `FY${fiscalYear.value} (${fiscalYear.source})`;
      issues.add(
        'warning',
        'period.relative_year',
        `${counted}: year 1 is read as ${first}. Confirm the first year${rowsSay ? '' : ", or give it (in the review's Fiscal year field, or --set fiscal_year=YYYY)"}.`,
        headerEnd + 1,
        (relative[0]?.col ?? 0) + 1,
        'fiscal_year',
      );
    }
  }
  // A budget whose year nothing names (no period or year column, months without a year, no one year in the
  // title, sheet or file name) is still read, as an analyst would, proposed with a warning: as the latest of the
  // years those name (`Budget 2025 vs 2024`), or else as this fiscal year's.
  if (treatAsBudget && fiscalYear.value === null && mapping.fields.fiscal_year === undefined) {
    const yearless = yearlessPeriods(mapping, dataSample, fysm);
    if (yearless !== null) {
      const named = [
        ['the title', titleText],
        ['the sheet name', textFile ? '' : sheet.name],
        ['the file name', workbook.fileName],
      ].flatMap(([where, text]) => yearsIn(text as string).map((year) => ({ year, where: where as string })));
      const latest = named.reduce<{ year: number; where: string } | null>((a, b) => (a === null || b.year > a.year ? b : a), null);
      const fy = latest?.year ?? currentFiscalYear(fysm);
      const why =
        latest === null
          ? `no year is named in the title, the sheet name or the file name, so the budget is read as fiscal year ${fy}, the current one`
          : `${listOf([...new Set(named.map((n) => n.where))])} ${new Set(named.map((n) => n.where)).size > 1 ? 'name' : 'names'} several years (${[...new Set(named.map((n) => n.year))].sort().join(', ')}) and none says which is the budget's, so it is read as fiscal year ${fy}, the latest of them`;
      fiscalYear = {
        value: fy,
        source: latest === null ? 'this year (nothing in the file names the year)' : `the latest year ${latest.where} names`,
      };
      analysis.fiscalYear = fiscalYear;
      issues.add(
        'warning',
        'fiscal_year.proposed',
        `${yearless}, and ${why}. Check the year, or give it yourself (in the review's Fiscal year field, or --set fiscal_year=YYYY).`,
        headerEnd + 1,
        null,
        'fiscal_year',
      );
    }
  }
  // What the file lacks to be imported. For a file that is not a budget these are said too (the import
  // is refused for its kind already): a person who would override the kind must see, in the review, every
  // error the import would then still meet — not find them one by one after overriding.
  {
    const anyway = (text: string) =>
      treatAsBudget ? text : `Even imported as a budget anyway (overriding the kind): ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
    for (const [field, what] of need) {
      if (mapping.fields[field] === undefined && fixed[field as 'department' | 'category'] === undefined) {
        complete = false;
        issues.add(
          'error',
          'field.missing',
          anyway(
            `No column for ${what} was found in row ${headerEnd + 1}. The columns are: ${header.labels
              .filter(Boolean)
              .map((l) => `"${l}"`)
              .join(', ')}. Rename the column or map it by hand.`,
          ),
          headerEnd + 1,
          null,
          field,
        );
      }
    }
    const hasPeriodSource =
      mapping.layout === 'wide' ||
      mapping.fields.period !== undefined ||
      mapping.fields.fiscal_year !== undefined ||
      fiscalYear.value !== null;
    if (!hasPeriodSource) {
      complete = false;
      issues.add(
        'error',
        'field.missing',
        anyway(
          "No period was found: there is no Month, Period or Fiscal Year column, and neither the title, the sheet name nor the file name names a fiscal year. Add a Period column, put the fiscal year (e.g. FY2026) in the title, or give it (the review's Fiscal year field, or --set fiscal_year=YYYY).",
        ),
        headerEnd + 1,
        null,
        'period',
      );
    }
    const needsYear = mapping.periodColumns.some((p) => p.info.period === null);
    if (mapping.layout === 'wide' && needsYear && mapping.fields.fiscal_year === undefined && fiscalYear.value === null) {
      complete = false;
      issues.add(
        'error',
        'field.missing',
        anyway(
          `The period columns (${mapping.periodColumns
            .slice(0, 3)
            .map((p) => `"${p.header}"`)
            .join(
              ', ',
            )}…) do not say which year they are in, and no fiscal year was found in the title, sheet name or file name. Put the fiscal year (e.g. FY2026) in the title row, or give it (the review's Fiscal year field, or --set fiscal_year=YYYY).`,
        ),
        headerEnd + 1,
        null,
        'fiscal_year',
      );
    }
  }
  if (mapping.layout === 'wide' && fiscalYear.value !== null && mapping.periodColumns.some((p) => p.info.period === null)) {
    notes.push(`The month columns are read as fiscal year ${fiscalYear.value}, found in ${fiscalYear.source}.`);
    // Without a fiscal year column every row is in that year, so each column's period is known.
    if (mapping.fields.fiscal_year === undefined) {
      for (const e of analysis.mapping) {
        const pc =
          e.method === 'period_header' && e.period === undefined ? mapping.periodColumns.find((p) => p.col === e.column - 1) : undefined;
        if (pc) e.period = resolveWideColumn(pc, fysm).resolve(fiscalYear.value)?.key;
      }
    }
  }

  // 6. Lines.
  if (treatAsBudget && complete) {
    const amountProfile = mapping.fields.amount !== undefined ? profiles[mapping.fields.amount] : undefined;
    const revenueStyle = mapping.sides ? profiles[mapping.sides.revenue]?.numberStyle : undefined;
    const wideStyle = mapping.periodColumns.map((p) => profiles[p.col]?.numberStyle).find((s) => s);
    const periodColumns = dedupeVersions(
      mapping.periodColumns.map((p) => resolveWideColumn(p, fysm)),
      mapping.periodColumns,
      fiscalYear.value,
      analysis,
    );
    const plan = (on: SheetSource, end: number, fy: number | null) => ({
      roles,
      fixed,
      direction: defaultDirection(set.direction, textFile ? null : on.name),
      groupRows: roles.nestedCodes === null ? null : nestedGroupRows(on, roles.nestedCodes, end),
      layout: mapping.layout,
      fields: mapping.fields,
      periodColumns,
      totalColumns: mapping.totalColumns,
      headerEnd: end,
      fiscalYearStartMonth: fysm,
      fiscalYear: fy,
      currency: currency.value,
      numberStyle: amountProfile?.numberStyle ?? revenueStyle ?? wideStyle ?? null,
      labels: header.labels,
      sides: mapping.sides,
    });
    const parts = [{ name: sheet.name, extraction: extractLines(sheet, plan(sheet, headerEnd, fiscalYear.value), issues) }];
    for (const extra of extraSheets) {
      const own = new IssueList();
      const end = extra.choice.header.rows[extra.choice.header.rows.length - 1] as number;
      const fy = findFiscalYearInText(extra.choice.sheet.name) ?? fiscalYear.value;
      parts.push({ name: extra.choice.sheet.name, extraction: extractLines(extra.choice.sheet, plan(extra.choice.sheet, end, fy), own) });
      issues.absorb(own, `Sheet "${extra.choice.sheet.name}": `);
      notes.push(`Sheet "${extra.choice.sheet.name}" is read too: it holds ${extra.why} of the same budget.`);
    }
    let totalMinor = 0n;
    for (const { name, extraction } of parts) {
      for (const i of findOutliers(extraction.amounts)) {
        const line = extraction.lines[i];
        if (!line) continue;
        issues.add(
          'warning',
          'amount.outlier',
          `The amount in ${cellRef(line.sourceRow, line.sourceColumn)}${parts.length > 1 ? ` of sheet "${name}"` : ''} (${line.amount}) is more than 100 times the typical line in this file. Check for a misplaced decimal point or extra zeros.`,
          line.sourceRow,
          line.sourceColumn,
          'amount',
        );
      }
      totalMinor += extraction.totalMinor;
      analysis.stats.rows += extraction.rows;
    }
    analysis.lines = parts.length === 1 ? (parts[0]?.extraction.lines ?? []) : parts.flatMap((p) => p.extraction.lines);
    analysis.stats.lines = analysis.lines.length;
    analysis.stats.total = formatMinor(totalMinor);
    if (analysis.lines.length === 0 && issues.count('error') === 0) {
      issues.add('error', 'file.no_lines', `No budget lines were found below the header in row ${headerEnd + 1}.`, headerEnd + 1, null);
    }
  }

  analysis.issues = issues.finish();
  analysis.stats.errors = issues.count('error');
  analysis.stats.warnings = issues.count('warning');
  analysis.stats.importable = kind.kind === 'budget' && analysis.stats.errors === 0 && analysis.lines.length > 0;
  return analysis;
}

/** A period as a comparable key: `rel1` for Year 1, the period key (`FY2025`, `2026-01`), `m3` for a bare March. */
function periodKeyOf(text: string, fysm: number): string | null {
  const info = headerPeriodInfo(text, fysm);
  if (info === null || !info.isBudget) return null;
  if (info.relative !== undefined) return `rel${info.relative}`;
  if (info.period) return info.period.key;
  const bare = info.bare;
  if (bare === null) return null;
  return bare.grain === 'month' ? `m${bare.month}` : bare.grain === 'quarter' ? `q${bare.quarter}` : `p${bare.n}`;
}

/**
 * Sheets whose period columns are two or more of the other sheets' names (`Year 1`, `Year 2`, `Year 3`, or
 * `2025`, `2026`), each with the names it covers: such a sheet holds those sheets' figures side by side.
 */
function sheetsSideBySide(choices: readonly SheetChoice[], fysm: number): Map<SheetChoice, string[]> {
  const out = new Map<SheetChoice, string[]>();
  const named = choices
    .filter((c) => !c.sheet.hidden)
    .map((c) => ({ c, key: periodKeyOf(c.sheet.name.trim(), fysm) }))
    .filter((x): x is { c: SheetChoice; key: string } => x.key !== null);
  if (named.length < 2) return out;
  for (const c of choices) {
    if (c.header === null || c.header.score < 1 || c.sheet.hidden) continue;
    const keys = new Set(c.header.labels.map((l) => periodKeyOf(l, fysm)).filter((k): k is string => k !== null));
    const covered = named.filter((x) => x.c !== c && keys.has(x.key)).map((x) => x.c.sheet.name);
    if (covered.length >= 2) out.set(c, covered);
  }
  return out;
}

function listNames(names: readonly string[]): string {
  return listOf(names.map((n) => `"${n}"`));
}

/** `a`, `a and b`, `a, b and c`. */
function listOf(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The plausible years a title, sheet name or file name mentions (`Budget 2025 vs 2024` → 2025, 2024), in order. */
function yearsIn(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/(?<!\d)(19[9]\d|20\d\d|2100)(?!\d)/g)) out.push(Number(m[1]));
  return out;
}

/** The fiscal year running today (named by the calendar year it ends in). */
function currentFiscalYear(fysm: number): number {
  const now = new Date();
  const year = now.getUTCFullYear();
  return fysm > 1 && now.getUTCMonth() + 1 >= fysm ? year + 1 : year;
}

/**
 * What says the budget's periods have no year, for the `fiscal_year.proposed` warning: no period column at all,
 * period columns that are months or quarters without a year (`Jan`…`Dec`, `Q1`), or a period column whose values
 * are (`Jan`, `Feb`). Null when the periods name their years (or years relative to a first, said elsewhere).
 */
function yearlessPeriods(mapping: ReturnType<typeof mapColumns>, sample: readonly Row[], fysm: number): string | null {
  if (mapping.layout === 'wide') {
    const bare = mapping.periodColumns.filter((p) => p.info.period === null && p.info.relative === undefined);
    if (bare.length === 0) return null;
    return `The period columns (${bare
      .slice(0, 3)
      .map((p) => `"${p.header}"`)
      .join(', ')}${bare.length > 3 ? '…' : ''}) do not say which year they are in`;
  }
  const col = mapping.fields.period;
  if (col === undefined) return 'No column says which year this budget is for: it has no period or year column';
  const values = sample.map((r) => r[col]).filter((v) => cellText(v) !== '');
  const bare = values.filter(
    (v) => parsePeriod(v ?? null, { fiscalYearStartMonth: fysm }) === null && bareMonthOrQuarter(cellText(v)) !== null,
  );
  if (values.length === 0 || bare.length < values.length * 0.5) return null;
  return `The periods in the "${mapping.entries.find((e) => e.field === 'period')?.header ?? 'period'}" column (${[
    ...new Set(bare.map(cellText)),
  ]
    .slice(0, 3)
    .map((v) => `"${v}"`)
    .join(', ')}…) do not say which year they are in`;
}

/**
 * Other sheets holding more of the same budget: the same column titles as the chosen sheet, and a name
 * that says the other side (Recettes beside Dépenses) or another year (2025 beside 2026). A sheet that
 * repeats or summarises the chosen one (Cumulative, Summary, a copy) says neither, so the same money is
 * never read twice.
 */
function moreOfTheBudget(
  choices: readonly SheetChoice[],
  chosen: SheetChoice,
  header: HeaderCandidate,
): { choice: SheetChoice & { header: HeaderCandidate }; why: string }[] {
  const titles = (h: HeaderCandidate) => h.labels.map(normalizeHeader).join('|');
  const mine = titles(header);
  const out: { choice: SheetChoice & { header: HeaderCandidate }; why: string }[] = [];
  for (const c of choices) {
    if (c === chosen || c.sheet.hidden || c.header === null || c.header.score < 1 || titles(c.header) !== mine) continue;
    const [d1, d2] = [directionOfText(chosen.sheet.name), directionOfText(c.sheet.name)];
    const [y1, y2] = [findFiscalYearInText(chosen.sheet.name), findFiscalYearInText(c.sheet.name)];
    const why = d1 && d2 && d1 !== d2 ? `the ${d2} side` : y1 !== null && y2 !== null && y1 !== y2 ? `fiscal year ${y2}` : null;
    if (why !== null) out.push({ choice: c as SheetChoice & { header: HeaderCandidate }, why });
  }
  return out;
}

/** Where a value the user gave came from, as the analysis says it (`fiscalYear.source`, `currency.source`…). */
const SET_SOURCE = 'what you set';

/** Direction of lines whose row does not say: what the user set, else what the sheet's name says (`Recettes`), else expense. */
function defaultDirection(set: SetValues['direction'], sheetName: string | null): Direction {
  const fromSet = set === undefined ? null : set.trim().toLowerCase() === 'revenue' ? 'revenue' : directionOfText(set);
  return fromSet ?? (sheetName === null ? null : directionOfText(sheetName)) ?? 'expense';
}

/**
 * The direction of every line when no column gives it (`Analysis.direction`): what the user set, else what
 * the names of the sheets read say (none for a text file), else expense by default; null when the sheets
 * read say different directions (each sheet's lines take its own).
 */
function wholeDirection(set: SetValues['direction'], sheetNames: readonly string[]): WholeFileValue | null {
  if (set !== undefined) return { value: defaultDirection(set, null), source: SET_SOURCE };
  const each = sheetNames.map((name) => defaultDirection(undefined, name));
  if (new Set(each).size > 1) return null;
  const said = sheetNames.filter((name) => directionOfText(name) !== null);
  if (said.length === 0) return { value: 'expense', source: 'default' };
  return {
    value: each[0] ?? 'expense',
    source: said.length === 1 ? `the sheet name "${said[0]}"` : `the sheet names ${said.map((n) => `"${n}"`).join(', ')}`,
  };
}

/**
 * The department and category of every line when the file has no column for them: what the user set;
 * for the category, else the most detailed dimension (the one with most distinct values).
 */
function fixedLabels(
  mapping: ReturnType<typeof mapColumns>,
  roles: LineRoles,
  profiles: ReturnType<typeof profileColumns>,
  labels: readonly string[],
  set: NonNullable<AnalyzeOptions['set']>,
): { department?: string; category?: string } {
  const fixed: { department?: string; category?: string } = {};
  if (set.department?.trim()) {
    if (mapping.fields.department === undefined) fixed.department = set.department.trim();
  }
  if (mapping.fields.category !== undefined) return fixed;
  if (set.category?.trim()) {
    fixed.category = set.category.trim();
    return fixed;
  }
  let best = -1;
  for (let i = 0; i < roles.dimensions.length; i++) {
    const d = roles.dimensions[i];
    const b = best < 0 ? undefined : roles.dimensions[best];
    // People's names are never a budget category (and a list of them is personal data, found later).
    const people = ratio(profiles[d?.col ?? -1]?.personName ?? 0, profiles[d?.col ?? -1]?.nonEmpty ?? 0) >= 0.6;
    if (d && !d.rowKey && !d.chosen && !people && (b === undefined || (profiles[d.col]?.distinct ?? 0) >= (profiles[b.col]?.distinct ?? 0)))
      best = i;
  }
  const chosen = roles.dimensions[best];
  const projectCol = mapping.fields.project;
  const titledProject = mapping.entries.some((e) => e.field === 'project' && e.column === (projectCol ?? -2) + 1 && e.method === 'synonym');
  if (chosen === undefined && projectCol !== undefined && titledProject) {
    // The programme is the only label of the lines (`Programme, Budget 2026`): it says what each line is for.
    delete mapping.fields.project;
    mapping.fields.category = projectCol;
    if (roles.codeCols.project !== undefined) {
      roles.codeCols.category = roles.codeCols.project;
      delete roles.codeCols.project;
    }
    for (const e of mapping.entries) {
      if (e.field !== 'project') continue;
      e.field = 'category';
      if (e.role !== 'code')
        e.reason = `${e.reason}; no column is titled as a category or account, and "${labels[projectCol] || `column ${projectCol + 1}`}" is the only column that names the lines, so it says what each line is for`;
    }
    return fixed;
  }
  if (chosen === undefined) return fixed;
  roles.dimensions.splice(best, 1);
  mapping.fields.category = chosen.col;
  if (chosen.codeCol !== undefined) roles.codeCols.category = chosen.codeCol;
  for (const e of mapping.entries) {
    if (e.field !== 'dimension' || e.dimension !== chosen.name) continue;
    e.field = 'category';
    e.dimension = undefined;
    if (e.role !== 'code') {
      e.reason = `no column is titled as a category or account; "${labels[chosen.col] || `column ${chosen.col + 1}`}" is the most detailed label column (${profiles[chosen.col]?.distinct ?? 0} distinct values in the rows sampled), so it names the lines`;
      e.confidence = 0.75;
    }
  }
  return fixed;
}

/** Generic sheet and file names say nothing about the unit whose budget it is. */
const GENERIC_NAME =
  /^(?:sheet|feuil|hoja|tabelle|blad|foglio|planilha|ark|arkusz|list)\s*\d*$|^(?:data|export|budget|summary|detail|table)\d*$/i;

/** A department for a file that has no department column: its title, else its sheet's name, else its file name. */
function proposeDepartment(title: string, sheetName: string | null, fileName: string): { name: string; source: string } | null {
  const clean = (t: string) => t.replace(/\s+/g, ' ').trim().slice(0, 80);
  const firstTitle = clean(title);
  if (firstTitle !== '' && /\p{L}/u.test(firstTitle)) return { name: firstTitle, source: 'the title above the table' };
  if (sheetName && !GENERIC_NAME.test(sheetName.trim())) return { name: clean(sheetName), source: `the sheet name "${sheetName}"` };
  const stem = clean(fileName.replace(/\.[a-z0-9]+$/i, '').replace(/[_]+/g, ' '));
  return stem === '' ? null : { name: stem, source: `the file name "${fileName}"` };
}

/**
 * A category for a file with one figure per period and no label column (`Month, BudgetSales`): the
 * amount column's title says what the figure is when it is more than a budget word; else the file name.
 */
function proposeCategory(amountLabel: string, fileName: string): { name: string; source: string } | null {
  const title = amountLabel.replace(/\s+/g, ' ').trim().slice(0, 80);
  const generic = matchHeader(normalizeHeader(title)).some((m) => m.field === 'amount' && m.method === 'synonym');
  if (title !== '' && /\p{L}/u.test(title) && !generic) return { name: title, source: `the amount column's title "${amountLabel}"` };
  const stem = fileName
    .replace(/\.[a-z0-9]+$/i, '')
    .replace(/[_]+/g, ' ')
    .trim()
    .slice(0, 80);
  return stem === '' ? null : { name: stem, source: `the file name "${fileName}"` };
}

/**
 * A date header cell is titled as the sheet shows it ("Jan-26"), not as an ISO date, so that the same
 * sheet read as xlsx, as CSV text or as Google Sheets values gives the same column titles.
 */
function shownLabels(header: HeaderCandidate, sheet: SheetSource, headerEnd: number): string[] {
  return header.labels.map((label, c) => {
    const cell = header.cells[c];
    if (!(cell instanceof Date)) return label;
    const shown = sheet.displayText(headerEnd, c)?.trim();
    const iso = cellText(cell);
    if (!shown || shown === iso) return label;
    if (label === iso) return shown;
    return label.endsWith(` ${iso}`) ? `${label.slice(0, label.length - iso.length)}${shown}` : label;
  });
}

/** Two columns for the same period (e.g. "FY2026 Proposed" and "FY2026 Adopted"): the later budget version wins. */
function dedupeVersions(columns: WidePeriodColumn[], sources: PeriodColumn[], fy: number | null, analysis: Analysis): WidePeriodColumn[] {
  const byKey = new Map<string, number>();
  const keep: WidePeriodColumn[] = [];
  columns.forEach((c, i) => {
    // Two sides of one period (`Ansatz 2024 Ertrag`, `Ansatz 2024 Aufwand`) are two columns of the budget, not two versions.
    const key = `${c.resolve(fy)?.key ?? `col${c.col}`}${c.direction ? ` (${c.direction})` : ''}`;
    const at = byKey.get(key);
    if (at === undefined) {
      byKey.set(key, keep.length);
      keep.push(c);
      return;
    }
    const prev = keep[at] as WidePeriodColumn;
    const prevRank = sources.find((s) => s.col === prev.col)?.info.rank ?? 0;
    const rank = sources[i]?.info.rank ?? 0;
    const [winner, loser] = rank > prevRank ? [c, prev] : [prev, c];
    keep[at] = winner;
    analysis.ignoredColumns.push({
      column: loser.col + 1,
      header: loser.header,
      reason: `"${winner.header}" holds a later budget version for the same period (${key})`,
    });
  });
  return keep;
}
