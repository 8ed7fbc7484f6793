/** Recent imports of the organization, newest first, each revertible one with a two-click Revert. */
import { FIELD_LABEL, type ImportRecordView, type SetField } from '../shared/contract.ts';
import { h } from './dom.ts';
import { when } from './format.ts';
import type { Actions, SidebarModel } from './model.ts';

const STATUS_LABEL: Record<ImportRecordView['status'], string> = {
  succeeded: 'Imported',
  no_changes: 'No changes',
  rejected: 'Refused',
  failed: 'Failed',
  reverted: 'Reverted',
};

/** `Values set: Department Labs · Fiscal year 2025`: the values set for an import, or null when none were. */
function setLine(r: ImportRecordView): HTMLElement | null {
  const set = Object.entries(r.set ?? {}) as [SetField, string][];
  if (set.length === 0) return null;
  return h(
    'div',
    { class: 'small gray', 'data-set': '' },
    `Values set: ${set.map(([field, value]) => `${FIELD_LABEL[field]} ${value}`).join(' · ')}`,
  );
}

function item(r: ImportRecordView, model: SidebarModel, actions: Actions): HTMLElement {
  const busy = model.busy !== null;
  const confirming = model.confirmRevert === r.id;
  const c = r.counts;
  return h(
    'li',
    { class: model.focusImport === r.id ? 'focus' : '', 'data-import': r.id },
    h('div', { class: 'name', title: r.fileName }, r.fileName),
    h(
      'div',
      { class: 'row small' },
      h('span', { class: `status ${r.status}` }, STATUS_LABEL[r.status]),
      h('span', { class: 'gray' }, `${when(r.createdAt)} · ${r.mode} · +${c.inserted} ~${c.updated} −${c.removed}`),
      h('span', { class: 'spacer' }),
      r.revertible && !confirming
        ? h(
            'button',
            { type: 'button', class: 'small', 'data-revert': r.id, disabled: busy, onclick: () => actions.askRevert(r.id) },
            'Revert',
          )
        : null,
    ),
    setLine(r),
    confirming
      ? h(
          'div',
          { class: 'row small', style: 'margin-top:4px' },
          h('span', {}, 'Undo this import?'),
          h('span', { class: 'spacer' }),
          h(
            'button',
            { type: 'button', class: 'small danger', id: 'confirm-revert', disabled: busy, onclick: () => actions.revert(r.id) },
            'Revert',
          ),
          h('button', { type: 'button', class: 'small', disabled: busy, onclick: () => actions.askRevert(null) }, 'Cancel'),
        )
      : null,
  );
}

export function historySection(model: SidebarModel, actions: Actions): HTMLElement | null {
  if (model.boot?.configured !== true) return null;
  const list = model.history;
  return h(
    'section',
    { id: 'history-section' },
    h(
      'div',
      { class: 'row block' },
      h('h2', { style: 'margin:0' }, 'Recent imports'),
      h('span', { class: 'spacer' }),
      h(
        'button',
        {
          type: 'button',
          class: 'link small',
          id: 'refresh-history',
          disabled: model.busy !== null,
          onclick: () => actions.refreshHistory(),
        },
        'Refresh',
      ),
    ),
    model.historyError ? h('p', { class: 'small', style: 'color:#c5221f' }, model.historyError.message) : null,
    list === null
      ? h('p', { class: 'gray small' }, 'Loading…')
      : list.length === 0
        ? h('p', { class: 'gray small' }, 'No imports yet.')
        : h('ul', { class: 'history', id: 'history' }, ...list.map((r) => item(r, model, actions))),
  );
}
