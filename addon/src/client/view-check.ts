/**
 * The local check as the sidebar shows it: what the sheet is (loudly, when it is not a budget), the
 * header row and the totals, and the column mapping with each column's confidence and a dropdown to
 * override it.
 */
import { type ColumnView, FIELD_LABEL, FIELDS, type SheetCheck } from '../shared/contract.ts';
import { h } from './dom.ts';
import { money, percent, plural, seconds } from './format.ts';
import type { Actions, SidebarModel } from './model.ts';

export function kindBanner(check: SheetCheck, model: SidebarModel, actions: Actions): HTMLElement {
  const { kind } = check;
  if (kind.kind === 'budget') {
    return h(
      'div',
      { class: 'banner ok', id: 'kind' },
      h('strong', {}, `✓ This is a budget (${percent(kind.confidence)} sure)`),
      h('span', { class: 'small' }, kind.reasons.slice(1, 3).join('; ')),
    );
  }
  const label = kind.kind === 'unknown' ? 'This does not look like a budget' : `This looks like ${kind.label}, not a budget`;
  return h(
    'div',
    { class: 'banner loud', id: 'kind', role: 'alert' },
    h('strong', {}, `⚠ ${label}`),
    h('span', {}, 'Budget Sync imports budgets only.'),
    h('ul', { class: 'small' }, ...kind.reasons.slice(1, 4).map((r) => h('li', {}, r))),
    h(
      'div',
      { class: 'override small' },
      h(
        'label',
        { class: 'choice' },
        h('input', {
          type: 'checkbox',
          id: 'override-kind',
          checked: model.choices.overrideKind,
          onchange: (e: Event) => actions.choose({ overrideKind: (e.target as HTMLInputElement).checked }, true),
        }),
        h('span', {}, 'Import it as a budget anyway (recorded in the history)'),
      ),
      model.choices.overrideKind
        ? h('textarea', {
            id: 'override-reason',
            rows: 2,
            placeholder: 'Why? e.g. "Payroll plan for FY2026, approved by finance"',
            style: 'width:100%',
            value: model.choices.reason,
            oninput: (e: Event) => actions.choose({ reason: (e.target as HTMLTextAreaElement).value }, false),
          })
        : null,
    ),
  );
}

export function facts(check: SheetCheck): HTMLElement {
  const periodColumns = check.columns.filter((c) => c.field === 'period' && c.period !== null).length;
  const rows: [string, string][] = [
    ['Header row', check.headerRow === null ? 'not found' : String(check.headerRow)],
    ['Layout', check.layout === 'wide' ? `wide (${plural(periodColumns, 'period column')})` : 'one row per line'],
    ['Budget lines', check.lines.toLocaleString('en-US')],
    ['Total', `${money(check.total)} ${check.currency}`],
  ];
  if (check.fiscalYear !== null) rows.push(['Fiscal year', `FY${check.fiscalYear}`]);
  return h('dl', { class: 'facts', id: 'facts' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function confidencePill(c: ColumnView, actions?: Actions): HTMLElement {
  if (c.needsConfirmation && c.field !== null && actions) {
    const field = c.field;
    return h(
      'button',
      {
        type: 'button',
        class: 'small',
        title: `Confirm: ${c.reason}`,
        'data-confirm': c.header,
        onclick: () => actions.override(c.header, field),
      },
      `${percent(c.confidence ?? 0)} ✓?`,
    );
  }
  if (c.overridden) return h('span', { class: 'pill user', title: 'Your choice' }, 'yours');
  if (c.confidence === null) return h('span', { class: 'pill', title: c.reason }, '—');
  const level = c.confidence >= 0.9 ? 'high' : c.confidence >= 0.7 ? 'mid' : 'low';
  const text = c.needsConfirmation ? `${percent(c.confidence)}?` : percent(c.confidence);
  return h('span', { class: `pill ${level}`, title: c.needsConfirmation ? `Please confirm: ${c.reason}` : c.reason }, text);
}

function fieldPicker(c: ColumnView, actions: Actions, busy: boolean): HTMLElement {
  const select = h(
    'select',
    {
      'aria-label': `Field for column ${c.letter} "${c.header}"`,
      'data-header': c.header,
      disabled: busy || c.header.trim() === '',
      onchange: (e: Event) => {
        const v = (e.target as HTMLSelectElement).value;
        actions.override(c.header, v === '' ? null : v === 'auto' ? 'auto' : (v as ColumnView['field'] & string));
      },
    },
    c.overridden ? h('option', { value: 'auto' }, '↺ Detect automatically') : null,
    h('option', { value: '' }, 'Not imported'),
    ...FIELDS.map((f) => h('option', { value: f }, FIELD_LABEL[f])),
  );
  select.value = c.field ?? '';
  return select;
}

/** Period columns of a wide sheet are one row: twelve identical dropdowns would drown the others. */
export function mappingTable(check: SheetCheck, actions: Actions, busy: boolean): HTMLElement {
  const periods = check.columns.filter((c) => c.field === 'period' && c.period !== null && !c.overridden);
  const others = check.columns.filter((c) => !periods.includes(c));
  const rows = others.map((c) =>
    h(
      'tr',
      {},
      h(
        'td',
        { class: 'col', title: `${c.letter}: ${c.header}\n${c.reason}` },
        h('span', { class: 'letter' }, c.letter),
        c.header || '(no title)',
      ),
      h('td', { class: 'pick' }, fieldPicker(c, actions, busy)),
      h('td', { class: 'conf' }, confidencePill(c, actions)),
    ),
  );
  if (periods.length > 0) {
    const first = periods[0] as ColumnView;
    const last = periods[periods.length - 1] as ColumnView;
    rows.push(
      h(
        'tr',
        {},
        h(
          'td',
          { class: 'col', title: periods.map((p) => `${p.header} → ${p.period}`).join('\n') },
          h('span', { class: 'letter' }, `${first.letter}–${last.letter}`),
          `${first.header}…${last.header}`,
        ),
        h('td', { class: 'small gray' }, `${plural(periods.length, 'period')}: ${first.period} → ${last.period}`),
        h('td', { class: 'conf' }, confidencePill(first)),
      ),
    );
  }
  return h('table', { class: 'mapping', id: 'mapping' }, h('tbody', {}, ...rows));
}

export function checkSection(check: SheetCheck, model: SidebarModel, actions: Actions): HTMLElement {
  const busy = model.busy !== null;
  return h(
    'section',
    { id: 'check-section' },
    h(
      'div',
      { class: 'row block' },
      h('h2', { style: 'margin:0' }, 'Sheet ', h('span', { class: 'count' }, `“${check.sheet.name}”`)),
      h('span', { class: 'spacer' }),
      h('button', { type: 'button', class: 'small', id: 'recheck', disabled: busy, onclick: () => actions.recheck() }, 'Check again'),
    ),
    kindBanner(check, model, actions),
    facts(check),
    h(
      'p',
      { class: 'gray small', style: 'margin:6px 0 0' },
      `Checked ${plural(check.sheet.rows, 'row')} in this sheet in ${seconds(check.elapsedMs)}.`,
    ),
  );
}

export function columnsSection(check: SheetCheck, model: SidebarModel, actions: Actions): HTMLElement {
  const confirm = check.columns.filter((c) => c.needsConfirmation).length;
  return h(
    'section',
    { id: 'columns-section' },
    h('h2', {}, 'Columns ', h('span', { class: 'count' }, check.headerRow === null ? '' : `(header in row ${check.headerRow})`)),
    confirm > 0
      ? h(
          'div',
          { class: 'banner warn small' },
          `Please confirm ${plural(confirm, 'column')}: pick the right field, or click its “✓?” if the detected one is right.`,
        )
      : null,
    mappingTable(check, actions, model.busy !== null),
  );
}
