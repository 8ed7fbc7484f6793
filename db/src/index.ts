/** Budget Sync's database layer: schema, connections, migrations and the transactional services. */
export * from './api-keys.ts';
export * from './connection.ts';
export * from './errors.ts';
export * from './imports/apply.ts';
export * from './imports/history.ts';
export * from './imports/stats.ts';
export * from './imports/revert.ts';
export { MIGRATIONS_FOLDER, type MigrationResult, migrate } from './migrate.ts';
export * from './orgs.ts';
export * from './mappings.ts';
export * from './budget/index.ts';
export * from './sources/index.ts';
export * from './notifications/index.ts';
export { checkout, transaction } from './checkout.ts';
