/**
 * The issues of the check: counts, the list (errors first; a click selects the cell in the sheet), and
 * the sheet-side tools: highlight the cells, clear the highlights, write a report sheet.
 */
import type { IssueCounts, IssueView, SheetCheck } from '../shared/contract.ts';
import { h } from './dom.ts';
import { plural } from './format.ts';
import type { Actions, SidebarModel } from './model.ts';

export function issueChips(counts: IssueCounts): HTMLElement {
  return h(
    'div',
    { class: 'chips' },
    h('span', { class: `pill ${counts.error > 0 ? 'low' : ''}` }, plural(counts.error, 'error')),
    h('span', { class: `pill ${counts.warning > 0 ? 'mid' : ''}` }, plural(counts.warning, 'warning')),
    h('span', { class: 'pill' }, plural(counts.info, 'note')),
  );
}

/** Issues with a row are buttons that select their cell; issues about the whole sheet are plain text. */
export function issueList(issues: IssueView[], actions: Actions, id: string): HTMLElement {
  const content = (issue: IssueView) => [
    h('span', { class: `dot ${issue.severity}`, 'aria-label': issue.severity }),
    h('span', { class: 'where' }, issue.where ?? 'sheet'),
    h('span', {}, issue.message),
  ];
  return h(
    'ul',
    { class: 'issues', id },
    ...issues.map((issue) =>
      h(
        'li',
        {},
        issue.row === null
          ? h('div', { class: 'sheetwide', title: issue.code }, ...content(issue))
          : h(
              'button',
              { type: 'button', title: `${issue.code}: select ${issue.where}`, onclick: () => actions.selectIssue(issue) },
              ...content(issue),
            ),
      ),
    ),
  );
}

export function issuesSection(check: SheetCheck, model: SidebarModel, actions: Actions): HTMLElement {
  const busy = model.busy !== null;
  const total = check.issueCounts.error + check.issueCounts.warning + check.issueCounts.info;
  const highlighted = model.boot?.highlighted === true;
  return h(
    'section',
    { id: 'issues-section' },
    h('h2', {}, 'Issues'),
    issueChips(check.issueCounts),
    total === 0 ? h('p', { class: 'gray' }, 'No issues: every row reads as a budget line.') : issueList(check.issues, actions, 'issues'),
    check.issuesTruncated ? h('p', { class: 'gray small' }, `Showing the first ${check.issues.length} of ${total}.`) : null,
    h(
      'div',
      { class: 'row wrap' },
      h(
        'button',
        { type: 'button', class: 'small', id: 'highlight', disabled: busy || total === 0, onclick: () => actions.highlight() },
        'Highlight in sheet',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'small',
          id: 'clear-highlights',
          disabled: busy || !highlighted,
          onclick: () => actions.clearHighlights(),
        },
        'Clear highlights',
      ),
      h(
        'button',
        { type: 'button', class: 'small', id: 'write-report', disabled: busy || total === 0, onclick: () => actions.writeReport() },
        'Report sheet',
      ),
    ),
  );
}
