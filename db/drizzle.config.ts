/** drizzle-kit configuration: `npm run db:generate` writes SQL migrations for db/src/schema.ts. */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './db/src/schema.ts',
  out: './db/migrations',
});
