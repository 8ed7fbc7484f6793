/**
 * Budget Sync's database layer: the transactional services over a Database handle. Runtime-neutral, so the
 * Workers bundle can import it; opening a database and migrating are Node-only, in `@budget-sync/db/node`.
 */
export * from './api-keys.ts';
export * from './console-sessions.ts';
export { type Database, redact } from './database.ts';
export * from './errors.ts';
export * from './imports/apply.ts';
export * from './imports/history.ts';
export * from './imports/stats.ts';
export * from './imports/revert.ts';
export * from './orgs.ts';
export * from './users.ts';
export * from './member-changes.ts';
export * from './departments.ts';
export * from './mappings.ts';
export * from './budget/index.ts';
export * from './sources/index.ts';
export * from './notifications/index.ts';
export { checkout, transaction } from './checkout.ts';
