/**
 * Budget Sync's pure engine: analysis of spreadsheet values into budget lines, with no I/O.
 * File-format readers (SheetJS, papaparse) are a separate entry point, `@budget-sync/core/readers`,
 * so the Google Sheets add-on, which already has the values, bundles only this.
 */
export * from './workbook.ts';
export * from './errors.ts';
// Sheets values need no file reader: exported here too, so the add-on bundles the analysis alone.
export { workbookFromSheetValues, type SheetValuesInput } from './readers/sheet-values.ts';
export * from './analysis/types.ts';
export { analyzeWorkbook } from './analysis/analyze.ts';
export { detectFileKind, KIND_LABEL } from './analysis/kind.ts';
export { mapColumns } from './analysis/mapping.ts';
export { normalizeHeader } from './analysis/normalize.ts';
export { columnName } from './analysis/issues.ts';
export * from './values/money.ts';
export * from './values/period.ts';
export * from './values/text.ts';
export * from './import/plan.ts';
export * from './import/dimensions.ts';
export * from './import/diff.ts';
export * from './import/decision.ts';
export * from './budget/index.ts';
export * from './analysis/set-values.ts';
export { mappingChoiceOf, MAPPING_CHOICE_FIELDS } from './analysis/mapping-choice.ts';
