/** `budget-sync migrate`: applies pending migrations and says how many it applied. Exit 0, or 2 when the database cannot be used. */
import { migrate } from '@budget-sync/db/node';
import { withDatabase } from '../shared/database.ts';
import { printJson } from '../shared/report.ts';
import { plural } from '../output/text.ts';

export async function migrateCommand(flags: { json?: boolean }): Promise<number> {
  return withDatabase(
    flags.json,
    async (db) => {
      const { applied, total } = await migrate(db.pool);
      if (flags.json) printJson({ applied, total, database: db.describe });
      else if (applied > 0) process.stdout.write(`Applied ${plural(applied, 'migration')} to ${db.describe} (${total} in total).\n`);
      else process.stdout.write(`${db.describe} is up to date: ${plural(total, 'migration')} applied, none pending.\n`);
      return 0;
    },
    // Opened without migrating, so that the migrations are applied (and counted) here.
    { migrate: false },
  );
}
