/** Organizations: the tenants. Creating one also creates its first admin key, shown once. */
import type pg from 'pg';
import { transaction } from './checkout.ts';
import { createApiKey } from './api-keys.ts';
import { DomainError } from './errors.ts';
import { isUuid } from './ids.ts';

export interface OrgInput {
  name: string;
  baseCurrency?: string;
  fiscalYearStartMonth?: number;
  isDemo?: boolean;
}

export interface Organization {
  id: string;
  name: string;
  baseCurrency: string;
  fiscalYearStartMonth: number;
  fileRetentionDays: number;
  isDemo: boolean;
  createdAt: string;
}

export async function createOrganization(pool: pg.Pool, input: OrgInput): Promise<{ org: Organization; apiKey: string }> {
  const name = input.name.trim();
  if (!name) throw new DomainError('input.invalid', 'An organization needs a name.');
  const currency = (input.baseCurrency ?? 'USD').toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency))
    throw new DomainError('input.invalid', `"${input.baseCurrency}" is not a three-letter currency code such as USD.`);
  const fysm = input.fiscalYearStartMonth ?? 1;
  if (!Number.isInteger(fysm) || fysm < 1 || fysm > 12) {
    throw new DomainError('input.invalid', `The fiscal year start must be a month number from 1 to 12, not ${fysm}.`);
  }
  return transaction(pool, async (client) => {
    const r = await client.query<OrgRow>(
      `INSERT INTO organizations (name, base_currency, fiscal_year_start_month, is_demo) VALUES ($1, $2, $3, $4) RETURNING ${ORG_COLUMNS}`,
      [name, currency, fysm, input.isDemo ?? false],
    );
    const org = toOrg(r.rows[0] as OrgRow);
    const key = await createApiKey(client, { orgId: org.id, name: 'admin', scopes: ['admin'] });
    return { org, apiKey: key.apiKey };
  });
}

export async function getOrganization(pool: pg.Pool | pg.PoolClient, orgId: string): Promise<Organization> {
  const r = isUuid(orgId) ? await pool.query<OrgRow>(`SELECT ${ORG_COLUMNS} FROM organizations WHERE id = $1`, [orgId]) : { rows: [] };
  const row = r.rows[0];
  if (!row) throw new DomainError('org.not_found', `There is no organization with id ${orgId}. List them with "budget-sync orgs list".`);
  return toOrg(row);
}

export async function listOrganizations(pool: pg.Pool): Promise<Organization[]> {
  const r = await pool.query<OrgRow>(`SELECT ${ORG_COLUMNS} FROM organizations ORDER BY created_at, id`);
  return r.rows.map(toOrg);
}

const ORG_COLUMNS = 'id, name, base_currency, fiscal_year_start_month, file_retention_days, is_demo, created_at';

interface OrgRow {
  id: string;
  name: string;
  base_currency: string;
  fiscal_year_start_month: number;
  file_retention_days: number;
  is_demo: boolean;
  created_at: Date;
}

function toOrg(r: OrgRow): Organization {
  return {
    id: r.id,
    name: r.name,
    baseCurrency: r.base_currency,
    fiscalYearStartMonth: r.fiscal_year_start_month,
    fileRetentionDays: r.file_retention_days,
    isDemo: r.is_demo,
    createdAt: r.created_at.toISOString(),
  };
}
