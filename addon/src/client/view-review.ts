/**
 * The API's side: compare with the stored budget (new / changed / removed / unchanged), then import
 * (merge or replace, accepting warnings, overriding the kind with a reason), and the result, which
 * links to the import in the history list.
 */
import type { DiffLineView, DiffView, ImportResultView, SetFieldView, TransferView } from '../shared/contract.ts';
import { h } from './dom.ts';
import { money, plural, seconds, size } from './format.ts';
import type { Actions, SidebarModel } from './model.ts';
import { issueChips, issueList } from './view-issues.ts';

export function transferLine(t: TransferView): string {
  const how = t.gzip ? `${size(t.jsonChars)} of data sent as ${size(t.sentBytes)} gzip` : `${size(t.sentBytes)} sent`;
  return `${plural(t.rows, 'row')}: ${how}, answered in ${seconds(t.elapsedMs)}.`;
}

function lines(title: string, list: DiffLineView[], total: number, id: string): HTMLElement | null {
  if (total === 0) return null;
  return h(
    'details',
    { id },
    h('summary', {}, `${title} (${total.toLocaleString('en-US')})`),
    h(
      'ul',
      { class: 'lines' },
      ...list.map((l) => h('li', {}, l.label, ' ', h('span', { class: 'detail' }, l.detail))),
      total > list.length ? h('li', { class: 'detail' }, `… and ${(total - list.length).toLocaleString('en-US')} more`) : null,
    ),
  );
}

function tiles(diff: DiffView): HTMLElement {
  const tile = (cls: string, n: number, label: string) =>
    h('div', { class: `tile ${cls}` }, h('b', {}, n.toLocaleString('en-US')), h('span', {}, label));
  return h(
    'div',
    { class: 'tiles', id: 'diff-counts' },
    tile('inserted', diff.counts.inserted, 'new'),
    tile('updated', diff.counts.updated, 'changed'),
    tile('removed', diff.counts.removed, 'removed'),
    tile('unchanged', diff.counts.unchanged, 'unchanged'),
  );
}

export function reviewSection(model: SidebarModel, actions: Actions): HTMLElement {
  const { diff } = model;
  const configured = model.boot?.configured === true;
  const busy = model.busy !== null;
  const compare = h(
    'button',
    { type: 'button', class: diff ? '' : 'action', id: 'compare', disabled: busy || !configured, onclick: () => actions.compare() },
    diff ? 'Compare again' : 'Compare with stored budget',
  );
  if (!diff) {
    return h(
      'section',
      { id: 'review-section' },
      h('h2', {}, 'Changes'),
      h(
        'p',
        { class: 'gray small' },
        configured
          ? 'Budget Sync checks the sheet again and shows what an import would change.'
          : 'Connect to Budget Sync in Settings to compare and import.',
      ),
      configured
        ? compare
        : h('button', { type: 'button', class: 'action', id: 'connect', onclick: () => actions.openSettings() }, 'Open settings'),
    );
  }
  const serverIssues = diff.issueCounts.error + diff.issueCounts.warning;
  return h(
    'section',
    { id: 'review-section' },
    h('div', { class: 'row block' }, h('h2', { style: 'margin:0' }, 'Changes'), h('span', { class: 'spacer' }), compare),
    tiles(diff),
    diff.fields.length > 0 ? valuesBlock(diff.fields, model, actions) : null,
    lines('New lines', diff.inserted, diff.counts.inserted, 'diff-inserted'),
    lines('Changed lines', diff.updated, diff.counts.updated, 'diff-updated'),
    lines('Removed lines', diff.removed, diff.counts.removed, 'diff-removed'),
    h(
      'p',
      { class: 'gray small' },
      `${diff.lines.toLocaleString('en-US')} lines, ${money(diff.total)} ${diff.currency}. ${transferLine(diff.transfer)}`,
    ),
    serverIssues > 0 ? serverCheck(diff, model, actions) : null,
  );
}

/**
 * The values the sheet does not give (a department for one unit's budget, the first of relative years…):
 * one labelled input each, prefilled with what the comparison read (the proposal, or the value given),
 * its warning or error tied to it, and a refused value's message at its field.
 */
function valuesBlock(fields: SetFieldView[], model: SidebarModel, actions: Actions): HTMLElement {
  const busy = model.busy !== null;
  return h(
    'div',
    { id: 'set-values', class: 'block' },
    h('h3', { class: 'small', style: 'margin:8px 0 4px' }, 'Values the sheet does not give'),
    ...fields.map((f) => valueField(f, model, actions, busy)),
    h(
      'p',
      { class: 'gray small', style: 'margin:0' },
      'They apply to every line; those you give are kept with this sheet. Change one, then compare again.',
    ),
  );
}

const SEVERITY_WORD = { error: 'Error', warning: 'Warning', info: 'Info' } as const;

function valueField(f: SetFieldView, model: SidebarModel, actions: Actions, busy: boolean): HTMLElement {
  const id = `set-${f.field}`;
  const error = model.setErrors[f.field];
  const said = f.issue !== null || f.note !== null;
  const describedBy = [error ? `${id}-error` : '', said ? `${id}-note` : ''].filter(Boolean).join(' ');
  const value = model.choices.set[f.field] ?? f.value;
  const common = {
    id,
    disabled: busy,
    'aria-describedby': describedBy || null,
    'aria-invalid': error ? 'true' : null,
  };
  const control =
    f.field === 'direction'
      ? h(
          'select',
          { ...common, onchange: (e: Event) => actions.setValue(f.field, (e.target as HTMLSelectElement).value) },
          // A direction given can be taken back: the default (or what the sheet says) applies again.
          f.assumed ? null : h('option', { value: '', selected: value === '' }, 'Not set: the default, or what the sheet says'),
          h('option', { value: 'expense', selected: value === 'expense' }, 'Expense'),
          h('option', { value: 'revenue', selected: value === 'revenue' }, 'Revenue'),
        )
      : h('input', {
          ...common,
          type: 'text',
          value,
          maxlength: f.field === 'fiscal_year' ? 6 : f.field === 'currency' ? 12 : 200,
          autocomplete: 'off',
          spellcheck: f.field === 'fiscal_year' || f.field === 'currency' ? 'false' : null,
          autocapitalize: f.field === 'currency' ? 'characters' : null,
          oninput: (e: Event) => actions.setValue(f.field, (e.target as HTMLInputElement).value),
        });
  return h(
    'div',
    { class: 'field', 'data-set-field': f.field },
    h('label', { for: id }, h('span', {}, f.label)),
    control,
    error ? h('p', { id: `${id}-error`, class: 'small field-error', style: 'margin:2px 0 0' }, error) : null,
    f.issue
      ? h(
          'p',
          { id: `${id}-note`, class: 'small gray', style: 'margin:2px 0 0' },
          h('span', { class: `dot ${f.issue.severity}` }),
          ` ${SEVERITY_WORD[f.issue.severity]}: ${f.issue.message}`,
        )
      : f.note !== null
        ? h('p', { id: `${id}-note`, class: 'small gray', style: 'margin:2px 0 0' }, f.note)
        : null,
  );
}

/** A field whose value differs from the one the shown diff was made with. */
export function valuesChanged(model: SidebarModel): boolean {
  const fields = model.diff?.fields ?? [];
  return fields.some((f) => (model.choices.set[f.field] ?? '').trim() !== (model.comparedSet[f.field] ?? '').trim());
}

/** The API's own check: its counts, and only the issues the local check did not already list. */
function serverCheck(diff: DiffView, model: SidebarModel, actions: Actions): HTMLElement {
  const local = new Set((model.check?.issues ?? []).map((i) => `${i.code}@${i.where}`));
  const fresh = diff.issues.filter((i) => i.severity !== 'info' && !local.has(`${i.code}@${i.where}`));
  return h(
    'div',
    { id: 'server-check' },
    h(
      'p',
      { class: 'small', style: 'margin:4px 0' },
      fresh.length > 0 ? 'Budget Sync checked it again and also found:' : 'Budget Sync checked it again and found the same issues:',
    ),
    issueChips(diff.issueCounts),
    fresh.length > 0 ? issueList(fresh, actions, 'server-issues') : null,
  );
}

/** Why the Import button is off, or null when it is on. */
export function importBlocker(model: SidebarModel): string | null {
  const { diff, choices } = model;
  if (!diff) return 'Compare first.';
  if (valuesChanged(model)) return 'A value changed since the comparison: compare again to see its effect, then import.';
  if (diff.kind.kind !== 'budget') {
    if (!choices.overrideKind) return 'This is not a budget: tick “Import it as a budget anyway” above to import it.';
    return choices.reason.trim() === '' ? 'Say why it should be imported as a budget.' : null;
  }
  if (!diff.importable) return diff.reason ?? 'The sheet has errors: fix them in the sheet, then compare again.';
  if (diff.reason !== null && !choices.acceptWarnings) return 'Accept the warnings to import.';
  return null;
}

export function importSection(model: SidebarModel, actions: Actions): HTMLElement | null {
  const { diff, choices } = model;
  if (!diff) return null;
  const busy = model.busy !== null;
  const blocker = importBlocker(model);
  const radio = (mode: 'merge' | 'replace', label: string, hint: string) =>
    h(
      'label',
      { class: 'choice' },
      h('input', {
        type: 'radio',
        name: 'mode',
        value: mode,
        checked: choices.mode === mode,
        onchange: () => actions.choose({ mode }, true),
      }),
      h('span', {}, h('b', {}, label), h('br', {}), h('span', { class: 'gray small' }, hint)),
    );
  return h(
    'section',
    { id: 'import-section' },
    h('h2', {}, 'Import'),
    radio('merge', 'Merge', 'Add new lines and update changed ones.'),
    radio('replace', 'Replace', 'Also remove stored lines of these departments and years that the sheet no longer has.'),
    diff.issueCounts.warning > 0
      ? h(
          'label',
          { class: 'choice' },
          h('input', {
            type: 'checkbox',
            id: 'accept-warnings',
            checked: choices.acceptWarnings,
            onchange: (e: Event) => actions.choose({ acceptWarnings: (e.target as HTMLInputElement).checked }, true),
          }),
          h('span', {}, `Accept ${plural(diff.issueCounts.warning, 'warning')}`),
        )
      : null,
    h(
      'div',
      { class: 'row', style: 'margin-top:8px' },
      h(
        'button',
        { type: 'button', class: 'action', id: 'import', disabled: busy || blocker !== null, onclick: () => actions.submit() },
        choices.mode === 'replace' ? 'Import (replace)' : 'Import',
      ),
    ),
    h('p', { class: blocker ? 'gray small' : 'gray small hidden', id: 'import-blocker' }, blocker ?? ''),
  );
}

export function resultBanner(result: ImportResultView, actions: Actions): HTMLElement {
  return h(
    'div',
    { class: 'banner ok', id: 'import-result' },
    h('strong', {}, result.status === 'succeeded' ? '✓ Imported' : '✓ Already up to date'),
    h('span', {}, result.message),
    h('br', {}),
    h('span', { class: 'small' }, transferLine(result.transfer), ' '),
    h(
      'button',
      { type: 'button', class: 'link small', id: 'see-history', onclick: () => actions.showInHistory(result.importId) },
      'See it in the history ↓',
    ),
  );
}
