/**
 * The upload flow: analyse an upload (or the same file again with changed mappings or values) into a
 * review, then import it on confirmation. The file travels inside the review form (base64), so the server
 * keeps nothing between the two steps and any instance can answer either. Analysis, diff and import are
 * the API's own workflow (routes/excel/excel.workflow.ts), with `console` as the history's source. The
 * values the file lacks (`set.*` fields: a department for one unit's budget, the first year…) are checked
 * as every door checks them (core's checkSetValues); a confirmation whose values differ from those the
 * preview showed shows the preview again instead of importing what nobody saw.
 */
import { checkSetValues, isFileReadError, mappingChoiceOf, SETTABLE_FIELDS, type SettableField, type SetValues } from '@budget-sync/core';
import type { MappingMemory } from '@budget-sync/db';
import { importSpreadsheetFor, previewSpreadsheet, type Spreadsheet, spreadsheetOf } from '../../routes/excel/excel.workflow.ts';
import type { ServiceMetrics } from '../../metrics/latency.ts';
import { departmentsOf } from '../../middleware/auth.ts';
import { type ConsoleContext, type Form, formOf, hasScope } from '../context.ts';
import { consolePage, type Notice } from '../layout.ts';
import {
  ASSUMED_PREFIX,
  type ColumnChoice,
  type GivenValues,
  type UploadedFile,
  REVIEWED_PREFIX,
  reviewPage,
  SET_PREFIX,
  uploadForm,
} from './upload.views.ts';

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: string): Uint8Array | null {
  try {
    return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

/** The file of the request: a fresh upload, or the bytes the review form carried back. */
function fileOf(form: Form): { name: string; bytes: Uint8Array } | Promise<{ name: string; bytes: Uint8Array }> | null {
  const upload = form.file('file');
  if (upload) return upload.arrayBuffer().then((b) => ({ name: upload.name || 'upload', bytes: new Uint8Array(b) }));
  const data = form.text('fileData');
  const bytes = data ? fromBase64(data) : null;
  if (!bytes || bytes.length === 0) return null;
  return { name: form.text('fileName')?.trim() || 'upload', bytes };
}

/** The per-column choices of the review form, and the overrides they make (header → field, null = ignore). */
function choicesOf(form: Form): { choices: Map<number, ColumnChoice>; overrides: MappingMemory } {
  const choices = new Map<number, ColumnChoice>();
  const overrides: MappingMemory = {};
  for (const name of form.names()) {
    const m = /^map\.(\d{1,4})$/.exec(name);
    if (!m) continue;
    const column = Number(m[1]);
    const value = form.text(name) ?? '';
    const header = form.text(`header.${column}`);
    if (value === '' || header === undefined) continue;
    if (value === 'ignore') {
      choices.set(column, 'ignore');
      overrides[header] = null;
    } else {
      const choice = mappingChoiceOf(value);
      if (choice === null) continue;
      choices.set(column, choice);
      overrides[header] = choice;
    }
  }
  return { choices, overrides };
}

/**
 * The review's values for what the file lacks, as typed (a blank field: not given), checked as every door
 * checks them. A default the review showed (the currency's, the direction's) and left as it was is not a
 * value given: given, it would outrank what a column or a title of the file says.
 */
function givenOf(form: Form): GivenValues {
  const typed: Partial<Record<SettableField, string>> = {};
  for (const field of SETTABLE_FIELDS) {
    const v = form.text(`${SET_PREFIX}${field}`);
    if (v === undefined) continue;
    const assumed = form.text(`${ASSUMED_PREFIX}${field}`);
    if (assumed !== undefined && sameValue(field, v, assumed)) continue;
    typed[field] = v;
  }
  const { set, problems } = checkSetValues(typed, 'absent');
  const errors: Partial<Record<SettableField, string>> = {};
  for (const p of problems) errors[p.field] = p.message;
  return { typed, set, errors };
}

/** Two values of a field that the analysis would take alike (`eur` and `EUR`). */
function sameValue(field: SettableField, a: string, b: string): boolean {
  const one = checkSetValues({ [field]: a }, 'absent').set[field];
  return one !== undefined && one === checkSetValues({ [field]: b }, 'absent').set[field];
}

/** Whether a field's value changed since the preview: the values each field of the review started with. */
function changedSincePreview(form: Form, given: GivenValues): boolean {
  for (const field of SETTABLE_FIELDS) {
    const shown = form.text(`${REVIEWED_PREFIX}${field}`);
    if (shown === undefined) continue;
    const before = checkSetValues({ [field]: shown }, 'absent').set[field] ?? '';
    if (before !== (given.set[field] ?? '')) return true;
  }
  return false;
}

async function spreadsheetFrom(
  c: ConsoleContext,
  file: { name: string; bytes: Uint8Array },
  sheet: string | undefined,
  overrides: MappingMemory,
  set: SetValues,
): Promise<Spreadsheet> {
  const upload = new File([file.bytes as Uint8Array<ArrayBuffer>], file.name);
  return spreadsheetOf({}, { file: upload, sheet, mappingOverrides: overrides, set }, c.var.analyzer);
}

function uploadPage(c: ConsoleContext, status: 200 | 400 | 413 | 422, notices: Notice[] = []) {
  return c.html(
    consolePage(c, { title: 'Upload', nav: 'upload', notices }, uploadForm(c, { canImport: hasScope(c, 'imports:write') })).value,
    status,
  );
}

export function showUpload(c: ConsoleContext) {
  return uploadPage(c, 200);
}

interface ReviewState {
  mode: 'merge' | 'replace';
  overrideReason: string;
  notices: Notice[];
  /** 200, or 422 when a value of the form was refused. */
  status?: 200 | 422;
}

/** Analyses the file with the chosen mappings and shows the review; an unreadable file goes back to the upload form. */
async function review(c: ConsoleContext, metrics: ServiceMetrics, form: Form, state: ReviewState) {
  const pending = fileOf(form);
  if (pending === null) return uploadPage(c, 400, [{ kind: 'error', text: 'Choose a file to upload first.' }]);
  const file = await pending;
  const sheetName = form.text('sheet')?.trim() || undefined;
  const { choices, overrides } = choicesOf(form);
  // A refused value is left out of the analysis and shown at its field; the others apply.
  const given = givenOf(form);
  const db = await c.var.database();
  let preview: Awaited<ReturnType<typeof previewSpreadsheet>>;
  try {
    const sheet = await spreadsheetFrom(c, file, sheetName, overrides, given.set);
    preview = await previewSpreadsheet(db, c.var.auth.orgId, sheet, c.var.config, {
      actor: c.var.auth.name,
      source: 'console',
      departments: departmentsOf(c.var.auth),
    });
  } catch (e) {
    if (!isFileReadError(e)) throw e;
    metrics.unreadableUploads++;
    // The reader's message names the file (and the row) itself; say it once.
    const named = e.message.includes(file.name);
    const where = !named && e.row !== null && e.row !== undefined ? ` (row ${e.row})` : '';
    return uploadPage(c, e.code === 'file.too_large' || e.code === 'file.too_many_rows' || e.code === 'file.too_complex' ? 413 : 422, [
      { kind: 'error', text: named ? `Cannot read the file: ${e.message}` : `${file.name} cannot be read${where}: ${e.message}` },
    ]);
  }
  const uploaded: UploadedFile = { name: file.name, base64: toBase64(file.bytes), sheet: sheetName };
  const content = reviewPage(c, {
    file: uploaded,
    preview,
    choices,
    given,
    canImport: hasScope(c, 'imports:write'),
    mode: state.mode,
    overrideReason: state.overrideReason,
  });
  const refused = Object.keys(given.errors).length > 0;
  const title = `${refused ? 'Error: ' : ''}Review ${file.name}`;
  return c.html(consolePage(c, { title, nav: 'upload', notices: state.notices }, content).value, refused ? 422 : (state.status ?? 200));
}

export function analyzeUpload(metrics: ServiceMetrics) {
  return async (c: ConsoleContext) => {
    const form = await formOf(c);
    return review(c, metrics, form, {
      mode: form.text('mode') === 'replace' ? 'replace' : 'merge',
      overrideReason: form.text('reason') ?? '',
      notices: [],
    });
  };
}

export function confirmImport(metrics: ServiceMetrics) {
  return async (c: ConsoleContext) => {
    const form = await formOf(c);
    const mode = form.text('mode') === 'replace' ? 'replace' : 'merge';
    const overrideKind = form.text('overrideKind') === 'true';
    const reason = form.text('reason')?.trim() ?? '';
    if (overrideKind && reason === '') {
      return review(c, metrics, form, {
        mode,
        overrideReason: reason,
        notices: [{ kind: 'error', text: 'Say why this file should be imported as a budget: the reason is recorded in the history.' }],
      });
    }
    const given = givenOf(form);
    if (Object.keys(given.errors).length > 0 || changedSincePreview(form, given)) {
      return review(c, metrics, form, {
        mode,
        overrideReason: reason,
        notices: [
          Object.keys(given.errors).length > 0
            ? { kind: 'error', text: 'Nothing was imported: correct the value marked below, update the preview, then import.' }
            : {
                kind: 'warn',
                text: 'Nothing was imported yet: the values changed since the preview. Here is the preview with them; check it, then import.',
              },
        ],
      });
    }
    const pending = fileOf(form);
    if (pending === null) return uploadPage(c, 400, [{ kind: 'error', text: 'The file was lost on the way; upload it again.' }]);
    const file = await pending;
    const { overrides } = choicesOf(form);
    const db = await c.var.database();
    const sheet = await spreadsheetFrom(c, file, form.text('sheet')?.trim() || undefined, overrides, given.set);
    const result = await importSpreadsheetFor(db, c.var.auth.orgId, sheet, c.var.config, {
      mode,
      acceptWarnings: form.text('acceptWarnings') === 'true',
      overrideKindReason: overrideKind ? reason : undefined,
      actor: c.var.auth.name,
      source: 'console',
      departments: departmentsOf(c.var.auth),
    });
    return c.redirect(`/history/${result.importId}?notice=${result.status}`, 303);
  };
}
