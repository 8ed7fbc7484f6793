/** Budget control services: settings, check, reservations (reserve, commit, release, actual) and budget reads. */
export { type BudgetQuery, type CheckResult, checkBudget } from './check.ts';
export {
  type BudgetFilter,
  type BudgetLineView,
  type BudgetListFilter,
  type BudgetSummaryFilter,
  type BudgetSummaryRow,
  budgetSummary,
  listBudgets,
} from './reads.ts';
export {
  commitReservation,
  getReservation,
  type ReservationStatus,
  type ReservationView,
  type ReserveRequest,
  recordActual,
  releaseReservation,
  reserveFunds,
} from './reservations.ts';
export {
  type ControlOverride,
  type ControlSettings,
  type ControlSettingsPatch,
  getSettings,
  settingsAsSeenBy,
  updateSettings,
} from './settings.ts';
export { type DimensionChoice, listDimensions, listFiscalYears } from './years.ts';
