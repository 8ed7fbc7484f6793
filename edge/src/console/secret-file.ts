/**
 * The console's session secret on Node: BUDGET_SYNC_SESSION_SECRET when set, else a random secret made on
 * the first start and kept in the data dir (BUDGET_SYNC_DATA_DIR or ./.budget-sync, beside the embedded
 * database) so that sessions survive restarts. Created with mode 0600 and the exclusive flag: two servers
 * starting at once agree on one secret. Node only (Workers set the variable as a secret).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MIN_SESSION_SECRET_LENGTH } from './options.ts';

export const SESSION_SECRET_FILE = 'console-session-secret';

export async function loadSessionSecret(env: Record<string, string | undefined> = process.env): Promise<string> {
  const fromEnv = env.BUDGET_SYNC_SESSION_SECRET?.trim();
  if (fromEnv) {
    if (fromEnv.length < MIN_SESSION_SECRET_LENGTH) {
      throw new Error(`BUDGET_SYNC_SESSION_SECRET must have at least ${MIN_SESSION_SECRET_LENGTH} characters (e.g. openssl rand -hex 32).`);
    }
    return fromEnv;
  }
  const dir = resolve(env.BUDGET_SYNC_DATA_DIR || join(process.cwd(), '.budget-sync'));
  const file = join(dir, SESSION_SECRET_FILE);
  await mkdir(dir, { recursive: true });
  try {
    await writeFile(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const secret = (await readFile(file, 'utf8')).trim();
  if (secret.length < MIN_SESSION_SECRET_LENGTH)
    throw new Error(`${file} does not hold a usable session secret; delete it to make a new one.`);
  return secret;
}
