/**
 * `budget-sync orgs create NAME`, `orgs list` and `orgs webhook`. Creating an organization also creates
 * its first admin API key, which is shown once: only its hash is stored. A webhook's signing secret is
 * sealed like source credentials (BUDGET_SYNC_SECRET_KEY); one made here is shown once.
 */
import { createOrganization, listOrganizations, parseThresholds, setWebhook } from '@budget-sync/db';
import { nodePlaceGuard } from '@budget-sync/db/node';
import { table } from '../output/text.ts';
import { describeTarget, withDatabase } from '../shared/database.ts';
import { printJson, reportError, usageError } from '../shared/report.ts';

export interface OrgCreateFlags {
  currency?: string;
  fiscalYearStart?: string;
  json?: boolean;
}

export async function orgsCreateCommand(name: string, flags: OrgCreateFlags): Promise<number> {
  let fysm: number | undefined;
  if (flags.fiscalYearStart !== undefined) {
    fysm = Number(flags.fiscalYearStart);
    if (!/^\d{1,2}$/.test(flags.fiscalYearStart) || fysm < 1 || fysm > 12) {
      return reportError(
        flags.json,
        usageError(`--fiscal-year-start must be a month number from 1 to 12, not "${flags.fiscalYearStart}".`),
        describeTarget(),
      );
    }
  }
  return withDatabase(flags.json, async (db) => {
    const { org, apiKey } = await createOrganization(db.pool, {
      name,
      ...(flags.currency !== undefined ? { baseCurrency: flags.currency } : {}),
      ...(fysm !== undefined ? { fiscalYearStartMonth: fysm } : {}),
    });
    if (flags.json) {
      printJson({ orgId: org.id, apiKey, name: org.name, baseCurrency: org.baseCurrency, fiscalYearStartMonth: org.fiscalYearStartMonth });
      return 0;
    }
    process.stdout.write(
      [
        `Created organization "${org.name}" (id ${org.id}): base currency ${org.baseCurrency}, fiscal year starting in month ${org.fiscalYearStartMonth}.`,
        '',
        'Its admin API key is shown only once. Store it now (a password manager or secret store); it cannot be shown again:',
        '',
        `  ${apiKey}`,
        '',
        `Make more keys with: budget-sync keys create --org ${org.id} --name NAME --scopes SCOPES`,
        '',
      ].join('\n'),
    );
    return 0;
  });
}

export async function orgsListCommand(flags: { json?: boolean }): Promise<number> {
  return withDatabase(flags.json, async (db) => {
    const orgs = await listOrganizations(db.pool);
    if (flags.json) {
      printJson({ orgs });
      return 0;
    }
    if (orgs.length === 0) {
      process.stdout.write('There are no organizations yet. Create one with: budget-sync orgs create NAME\n');
      return 0;
    }
    const rows = [['id', 'name', 'currency', 'fiscal year starts', 'created']];
    for (const o of orgs) rows.push([o.id, o.name, o.baseCurrency, `month ${o.fiscalYearStartMonth}`, o.createdAt.slice(0, 10)]);
    process.stdout.write(`${table(rows)}\n`);
    return 0;
  });
}

export interface OrgWebhookFlags {
  org: string;
  url: string;
  secret?: string;
  thresholds?: string;
  json?: boolean;
}

export async function orgsWebhookCommand(flags: OrgWebhookFlags): Promise<number> {
  return withDatabase(flags.json, async (db) => {
    const { webhook, secret } = await setWebhook(
      db.pool,
      {
        orgId: flags.org,
        url: flags.url,
        secret: flags.secret,
        thresholds: flags.thresholds === undefined ? undefined : parseThresholds(flags.thresholds),
      },
      { guard: nodePlaceGuard },
    );
    if (flags.json) {
      printJson({ orgId: webhook.orgId, url: webhook.url, thresholds: webhook.thresholds, enabled: webhook.enabled, secret });
      return 0;
    }
    const lines = [
      `Events of organization ${webhook.orgId} go to ${webhook.url}: imports (succeeded, rejected, failed) and budget lines crossing ${webhook.thresholds.map((t) => `${t}%`).join(', ')}.`,
    ];
    if (secret !== null) {
      lines.push(
        '',
        'Deliveries are signed with this secret, shown only once. Store it with the receiver; it cannot be shown again:',
        '',
        `  ${secret}`,
      );
    }
    lines.push(
      '',
      'Each delivery carries X-Budget-Sync-Timestamp and X-Budget-Sync-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">.',
      '',
    );
    process.stdout.write(lines.join('\n'));
    return 0;
  });
}
