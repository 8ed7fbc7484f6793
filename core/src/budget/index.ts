/** Budgetary control rules: decisions, tolerance, settings precedence and request periods. Pure. */
export * from './amounts.ts';
export * from './control.ts';
export * from './errors.ts';
export * from './period.ts';
export * from './settings.ts';
