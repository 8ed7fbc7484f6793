/** Who is acting, for the import history: --actor, else BUDGET_SYNC_ACTOR, else the OS user name. */
import { userInfo } from 'node:os';

export function actorName(flag: string | undefined): string {
  const given = flag?.trim() || process.env.BUDGET_SYNC_ACTOR?.trim();
  if (given) return given;
  try {
    return userInfo().username || 'unknown';
  } catch {
    // A container user without a passwd entry has no name.
    return 'unknown';
  }
}
