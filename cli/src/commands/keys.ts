/**
 * `budget-sync keys create|list|revoke --org ID`: API keys of an organization. A new key is shown once;
 * listings show its display prefix only, never the key or its hash.
 */
import { type ApiKeyInfo, createApiKey, getOrganization, listApiKeys, parseScopes, revokeApiKey } from '@budget-sync/db';
import { table } from '../output/text.ts';
import { actorName } from '../shared/actor.ts';
import { withDatabase } from '../shared/database.ts';
import { printJson } from '../shared/report.ts';

export interface KeyCreateFlags {
  org: string;
  name: string;
  scopes: string;
  json?: boolean;
}

export async function keysCreateCommand(flags: KeyCreateFlags): Promise<number> {
  return withDatabase(flags.json, async (db) => {
    const scopes = parseScopes(flags.scopes);
    const org = await getOrganization(db.pool, flags.org);
    const { key, apiKey } = await createApiKey(db.pool, { orgId: org.id, name: flags.name, scopes, createdBy: actorName(undefined) });
    if (flags.json) {
      printJson({ keyId: key.id, apiKey, prefix: key.prefix, scopes: key.scopes, name: key.name, orgId: key.orgId });
      return 0;
    }
    process.stdout.write(
      [
        `Created API key "${key.name}" for ${org.name}: id ${key.id}, prefix ${key.prefix}, scopes ${key.scopes.join(', ')}.`,
        '',
        'The key is shown only once. Store it now; it cannot be shown again:',
        '',
        `  ${apiKey}`,
        '',
      ].join('\n'),
    );
    return 0;
  });
}

/** What a listing shows of a key: everything but the org (implied) — the key and its hash are never read. */
function listed(k: ApiKeyInfo) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    createdAt: k.createdAt,
    lastUsedAt: k.lastUsedAt,
    revokedAt: k.revokedAt,
    createdBy: k.createdBy,
  };
}

export async function keysListCommand(flags: { org: string; json?: boolean }): Promise<number> {
  return withDatabase(flags.json, async (db) => {
    const org = await getOrganization(db.pool, flags.org);
    const keys = (await listApiKeys(db.pool, org.id)).map(listed);
    if (flags.json) {
      printJson({ keys });
      return 0;
    }
    if (keys.length === 0) {
      process.stdout.write(`${org.name} has no API keys.\n`);
      return 0;
    }
    const rows = [['id', 'name', 'prefix', 'scopes', 'created', 'last used', 'status']];
    for (const k of keys) {
      rows.push([
        k.id,
        k.name,
        `${k.prefix}…`,
        k.scopes.join(','),
        k.createdAt.slice(0, 10),
        k.lastUsedAt?.slice(0, 16).replace('T', ' ') ?? 'never',
        k.revokedAt ? `revoked ${k.revokedAt.slice(0, 10)}` : 'active',
      ]);
    }
    process.stdout.write(`API keys of ${org.name}:\n${table(rows)}\n`);
    return 0;
  });
}

export async function keysRevokeCommand(idOrPrefix: string, flags: { org: string; json?: boolean }): Promise<number> {
  return withDatabase(flags.json, async (db) => {
    const org = await getOrganization(db.pool, flags.org);
    const key = await revokeApiKey(db.pool, org.id, idOrPrefix);
    const revokedAt = key.revokedAt as string;
    if (flags.json) printJson({ keyId: key.id, revokedAt, prefix: key.prefix, name: key.name });
    else {
      process.stdout.write(
        `Revoked API key "${key.name}" (${key.prefix}…, id ${key.id}) of ${org.name} at ${revokedAt}; it no longer works.\n`,
      );
    }
    return 0;
  });
}
