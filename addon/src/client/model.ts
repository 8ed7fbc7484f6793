/** The sidebar's state, and the actions its views may ask for (the controller in sidebar.ts does them). */
import type {
  AddonError,
  DiffView,
  Field,
  ImportRecordView,
  ImportResultView,
  IssueView,
  SetField,
  SetValuesInput,
  SheetCheck,
  SidebarState,
} from '../shared/contract.ts';

export interface ImportChoices {
  mode: 'merge' | 'replace';
  acceptWarnings: boolean;
  overrideKind: boolean;
  reason: string;
  /** The review's values for what the sheet does not give, as typed. */
  set: SetValuesInput;
}

export interface Busy {
  label: string;
  /** 1-based step of the check → compare → import flow, when the work is one of them. */
  step: number | null;
  startedAt: number;
}

export interface Notice {
  kind: 'error' | 'ok' | 'info';
  text: string;
}

export interface SidebarModel {
  boot: SidebarState | null;
  check: SheetCheck | null;
  diff: DiffView | null;
  result: ImportResultView | null;
  history: ImportRecordView[] | null;
  historyError: AddonError | null;
  busy: Busy | null;
  notice: Notice | null;
  choices: ImportChoices;
  /** The import whose revert waits for a second click. */
  confirmRevert: string | null;
  /** The import the "see it in the history" link points at. */
  focusImport: string | null;
  /** Why the API or the add-on refused a value of the review's fields, by field. */
  setErrors: SetValuesInput;
  /** The values the shown diff was made with: the import waits for a new comparison once they change. */
  comparedSet: SetValuesInput;
}

export interface Actions {
  recheck(): void;
  override(header: string, field: Field | null | 'auto'): void;
  selectIssue(issue: IssueView): void;
  highlight(): void;
  clearHighlights(): void;
  writeReport(): void;
  compare(): void;
  /** Text typed into the reason box does not re-render (it would steal the focus). */
  choose(patch: Partial<ImportChoices>, rerender: boolean): void;
  /** A value typed into a review field (no re-render: it would steal the focus). */
  setValue(field: SetField, value: string): void;
  submit(): void;
  showInHistory(importId: string): void;
  askRevert(importId: string | null): void;
  revert(importId: string): void;
  refreshHistory(): void;
  openSettings(): void;
}

export const FLOW_STEPS = ['Check', 'Compare', 'Import'] as const;
