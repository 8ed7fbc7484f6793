/**
 * The sidebar: checks the active sheet as soon as it opens (locally, in Apps Script, with core), lets
 * the user fix the mapping, asks the API for the diff, imports, and lists recent imports with revert.
 * One model, re-rendered whole after each change (the sidebar is small); every server call goes through
 * `run`, which shows progress and turns a failed Outcome into a notice.
 */
import type { AddonError, Field, IssueView, Outcome, SetField } from '../shared/contract.ts';
import { byId, h, replaceChildren } from './dom.ts';
import { plural, seconds } from './format.ts';
import { type Actions, FLOW_STEPS, type ImportChoices, type SidebarModel } from './model.ts';
import { call } from './server.ts';
import { checkSection, columnsSection } from './view-check.ts';
import { historySection } from './view-history.ts';
import { issuesSection } from './view-issues.ts';
import { importBlocker, importSection, resultBanner, reviewSection } from './view-review.ts';

const model: SidebarModel = {
  boot: null,
  check: null,
  diff: null,
  result: null,
  history: null,
  historyError: null,
  busy: null,
  notice: null,
  choices: { mode: 'merge', acceptWarnings: false, overrideKind: false, reason: '', set: {} },
  confirmRevert: null,
  focusImport: null,
  setErrors: {},
  comparedSet: {},
};

let ticker: number | undefined;

/** Runs one server call with progress shown; answers its value, or null after showing why it failed. */
async function run<T>(label: string, step: number | null, work: () => Promise<Outcome<T>>): Promise<T | null> {
  model.busy = { label, step, startedAt: Date.now() };
  model.notice = null;
  render();
  ticker = window.setInterval(renderProgress, 1000);
  try {
    const answer = await work();
    if (!answer.ok) {
      showError(answer.error);
      return null;
    }
    return answer.value;
  } catch (e) {
    // google.script.run's own failure: the server function threw past its Outcome, or the call was cut off.
    showError({ code: 'bridge.failed', message: e instanceof Error ? e.message : String(e) });
    return null;
  } finally {
    window.clearInterval(ticker);
    model.busy = null;
    render();
  }
}

function showError(error: AddonError): void {
  model.notice = { kind: 'error', text: error.message };
  // A refused value of the review's fields is also shown at its field.
  if (error.fields) model.setErrors = { ...error.fields };
}

/** The Import button and its reason follow what is typed, without a re-render stealing the focus. */
function refreshImportButton(): void {
  const blocker = importBlocker(model);
  const button = document.getElementById('import') as HTMLButtonElement | null;
  if (button) button.disabled = model.busy !== null || blocker !== null;
  const why = document.getElementById('import-blocker');
  if (why) {
    why.textContent = blocker ?? '';
    why.classList.toggle('hidden', blocker === null);
  }
}

function progress(): HTMLElement | null {
  const busy = model.busy;
  if (!busy) return null;
  const elapsed = Date.now() - busy.startedAt;
  const stepText = busy.step === null ? '' : `Step ${busy.step} of ${FLOW_STEPS.length} · `;
  const bar =
    busy.step === null
      ? h('div', { class: 'bar indeterminate' })
      : h('div', { class: 'bar', style: `width:${Math.round(((busy.step - 0.5) / FLOW_STEPS.length) * 100)}%` });
  return h(
    'div',
    { class: 'progress', id: 'progress', role: 'progressbar' },
    h('div', { class: 'track' }, bar),
    h('div', { class: 'label' }, `${stepText}${busy.label}`, elapsed >= 1000 ? ` ${seconds(elapsed)}` : ''),
  );
}

function renderProgress(): void {
  const current = document.getElementById('progress');
  const next = progress();
  if (current && next) current.replaceWith(next);
}

function notice(): HTMLElement | null {
  const n = model.notice;
  if (!n) return null;
  return h(
    'div',
    {
      class: `banner ${n.kind === 'ok' ? 'ok' : n.kind === 'info' ? 'info' : 'error'}`,
      id: 'notice',
      role: n.kind === 'error' ? 'alert' : 'status',
    },
    n.text,
  );
}

function connectBanner(): HTMLElement | null {
  if (model.boot === null || model.boot.configured) return null;
  return h(
    'div',
    { class: 'banner info', id: 'connect-banner' },
    h('strong', {}, 'Not connected yet'),
    h('span', {}, 'The sheet is checked right here. To compare and import, enter the API address and your key in '),
    h('button', { type: 'button', class: 'link', onclick: () => actions.openSettings() }, 'Settings'),
    '.',
  );
}

function render(): void {
  const check = model.check;
  replaceChildren(
    byId('app'),
    progress(),
    notice(),
    connectBanner(),
    check ? checkSection(check, model, actions) : model.busy ? null : h('p', { class: 'gray' }, 'Open a sheet and click “Check again”.'),
    check ? columnsSection(check, model, actions) : null,
    check ? issuesSection(check, model, actions) : null,
    model.result ? h('section', { id: 'result-section' }, resultBanner(model.result, actions)) : null,
    check ? reviewSection(model, actions) : null,
    importSection(model, actions),
    historySection(model, actions),
  );
}

/** A new check makes the diff stale: the user compares again before importing. */
function setCheck(check: SidebarModel['check']): void {
  model.check = check;
  model.diff = null;
}

async function loadHistory(): Promise<void> {
  if (model.boot?.configured !== true) return;
  const answer = await call('listRecentImports').catch(
    (e: unknown): Outcome<never> => ({ ok: false, error: { code: 'bridge.failed', message: String(e) } }),
  );
  if (answer.ok) {
    model.history = answer.value;
    model.historyError = null;
  } else {
    model.historyError = answer.error;
    model.history = model.history ?? [];
  }
  render();
}

const actions: Actions = {
  async recheck() {
    model.result = null;
    const check = await run('Checking the sheet…', 1, () => call('validateActiveSheet'));
    if (check) setCheck(check);
    render();
  },
  async override(header: string, field: Field | null | 'auto') {
    const check = await run(`Mapping “${header}”…`, 1, () => call('rememberOverride', header, field));
    if (check) setCheck(check);
    render();
  },
  async selectIssue(issue: IssueView) {
    const sheetId = model.check?.sheet.sheetId;
    if (sheetId === undefined || issue.row === null) return;
    // Quick and silent: no progress bar for a selection.
    const answer = await call('selectCell', sheetId, issue.row, issue.column);
    if (!answer.ok) {
      showError(answer.error);
      render();
    }
  },
  async highlight() {
    const result = await run('Highlighting the issue cells…', null, () => call('highlightIssues'));
    if (result) {
      model.notice = { kind: 'info', text: result.message };
      if (model.boot) model.boot.highlighted = result.cells > 0;
    }
    render();
  },
  async clearHighlights() {
    const result = await run('Clearing the highlights…', null, () => call('clearHighlights'));
    if (result) {
      model.notice = { kind: 'info', text: result.message };
      if (model.boot) model.boot.highlighted = false;
    }
    render();
  },
  async writeReport() {
    const result = await run('Writing the report sheet…', null, () => call('writeIssueReport'));
    if (result) model.notice = { kind: 'info', text: result.message };
    render();
  },
  async compare() {
    model.result = null;
    const rows = model.check ? ` ${plural(model.check.sheet.rows, 'row')}` : '';
    // The review's values once it has asked for them; before, those kept for the sheet apply.
    const set = model.diff !== null || Object.keys(model.choices.set).length > 0 ? { ...model.choices.set } : undefined;
    const diff = await run(`Sending${rows} to Budget Sync and comparing with the stored budget…`, 2, () =>
      call('getDiff', set === undefined ? {} : { set }),
    );
    if (diff) {
      model.diff = diff;
      model.choices.acceptWarnings = false;
      model.setErrors = {};
      // Each field shows what the comparison read (the value given, normalized, or the proposal); a
      // default shown (the currency's, the direction's) is not a value given until it is changed.
      model.comparedSet = {};
      for (const f of diff.fields) {
        if (f.assumed) {
          delete model.choices.set[f.field];
          continue;
        }
        model.choices.set[f.field] = f.value;
        model.comparedSet[f.field] = f.value;
      }
    }
    render();
  },
  choose(patch: Partial<ImportChoices>, rerender: boolean) {
    Object.assign(model.choices, patch);
    if (rerender) render();
    else refreshImportButton();
  },
  setValue(field: SetField, value: string) {
    // Back to the default shown: nothing given (given, it would outrank what a column or title says).
    const shown = model.diff?.fields.find((f) => f.field === field);
    if (shown?.assumed && value.trim().toLowerCase() === shown.value.toLowerCase()) delete model.choices.set[field];
    else model.choices.set[field] = value;
    refreshImportButton();
  },
  async submit() {
    const diff = model.diff;
    if (!diff) return;
    const c = model.choices;
    const result = await run(`Importing ${plural(diff.lines, 'line')} (${c.mode})…`, 3, () =>
      call('submitImport', {
        mode: c.mode,
        acceptWarnings: c.acceptWarnings,
        ...(c.overrideKind && diff.kind.kind !== 'budget' ? { overrideKind: true, reason: c.reason } : {}),
        set: { ...c.set },
        expectedFingerprint: diff.fingerprint,
      }),
    );
    if (result) {
      model.result = result;
      model.diff = null;
      model.focusImport = result.importId;
      model.choices = { ...model.choices, acceptWarnings: false, overrideKind: false, reason: '' };
      await loadHistory();
      // Mapping overrides are now the API's memory: the check shows them as remembered.
      const check = await call('validateActiveSheet');
      if (check.ok) model.check = check.value;
    }
    render();
  },
  showInHistory(importId: string) {
    model.focusImport = importId;
    render();
    document.querySelector(`[data-import="${importId}"]`)?.scrollIntoView({ behavior: 'smooth', block: 'center' });
  },
  askRevert(importId: string | null) {
    model.confirmRevert = importId;
    render();
  },
  async revert(importId: string) {
    model.confirmRevert = null;
    const result = await run('Reverting the import…', null, () => call('revertImport', importId));
    if (result) {
      model.notice = { kind: 'ok', text: result.message };
      model.result = null;
      await loadHistory();
    }
    render();
  },
  async refreshHistory() {
    model.history = null;
    render();
    await loadHistory();
  },
  openSettings() {
    void call('showSettings');
  },
};

/** Settings are saved in their own dialog; coming back to the sidebar picks them up. */
async function refreshConnection(): Promise<void> {
  if (model.boot === null || model.boot.configured || model.busy !== null) return;
  const answer = await call('getSidebarState');
  if (!answer.ok || !answer.value.configured) return;
  model.boot = answer.value;
  render();
  await loadHistory();
}

async function start(): Promise<void> {
  byId('open-settings').addEventListener('click', () => actions.openSettings());
  window.addEventListener('focus', () => void refreshConnection());
  const boot = await run('Opening…', null, () => call('getSidebarState'));
  if (boot) {
    model.boot = boot;
    model.choices.set = { ...boot.set };
  }
  await actions.recheck();
  await loadHistory();
}

void start();
