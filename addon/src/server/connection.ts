/**
 * Settings as the dialog uses them: save the connection, and test one (saved or still being typed)
 * against the API: reachable, the key or the Google user accepted (GET /api/me says who and for which
 * organization; a person in several is asked to pick one), allowed to read imports.
 */
import type { ConnectionReport, SettingsInput, SettingsView } from '../shared/contract.ts';
import { callApi, problemOf } from './api-client.ts';
import { type Connection, connectionFrom, learnOrgDefaults, requireConnection, saveConnection } from './settings.ts';

export function saveSettingsInput(input: SettingsInput): SettingsView {
  return saveConnection(connectionFrom(input));
}

/** The organizations a problem or /api/me lists, as the dialog shows them. */
function orgsOf(list: unknown): NonNullable<ConnectionReport['orgs']> {
  if (!Array.isArray(list)) return [];
  return (list as Array<{ orgId: unknown; name?: unknown; role: unknown }>).map((o) => ({
    orgId: String(o.orgId),
    name: typeof o.name === 'string' ? o.name : null,
    role: String(o.role),
  }));
}

export function testConnectionInput(input: SettingsInput | undefined): ConnectionReport {
  const connection: Connection = input === undefined || input === null ? requireConnection() : connectionFrom(input);
  const who = callApi(connection, { method: 'get', path: '/api/me' });
  if (who.status === 400 && who.body.code === 'auth.org_required' && Array.isArray(who.body.orgs)) {
    return {
      apiBaseUrl: connection.apiBaseUrl,
      fiscalYearStartMonth: null,
      message: 'You belong to several organizations: pick one, then Save.',
      me: null,
      orgs: orgsOf(who.body.orgs),
    };
  }
  if (who.status !== 200) throw problemOf(who);
  const me = {
    email: typeof who.body.email === 'string' ? who.body.email : null,
    role: typeof who.body.role === 'string' ? who.body.role : null,
    orgId: String(who.body.orgId),
    orgName: typeof who.body.orgName === 'string' ? who.body.orgName : null,
  };
  // A person in several organizations may switch: the dialog offers the others.
  const orgs = orgsOf(who.body.orgs);
  // imports:read is what the sidebar needs first; a key without it fails here, with the API's explanation.
  const history = callApi(connection, { method: 'get', path: '/api/imports/history?limit=1' });
  if (history.status !== 200) throw problemOf(history);
  // The fiscal-year start makes the local check agree with the API; keys without budget:read just skip it.
  const settings = callApi(connection, { method: 'get', path: '/api/settings' });
  const fysm =
    settings.status === 200 && typeof settings.body.fiscalYearStartMonth === 'number' ? settings.body.fiscalYearStartMonth : null;
  const saved = input === undefined || input === null;
  if (fysm !== null && saved) learnOrgDefaults({ fiscalYearStartMonth: fysm });
  const org = me.orgName ? `${me.orgName} (${me.orgId})` : `organization ${me.orgId}`;
  const as = me.email ? `Signed in as ${me.email} (${me.role}) for ${org}` : `The key is accepted, for ${org}`;
  return {
    apiBaseUrl: connection.apiBaseUrl,
    fiscalYearStartMonth: fysm,
    message: `Connected to ${connection.apiBaseUrl}. ${as}; you can read the import history.`,
    me,
    orgs: orgs.length > 1 ? orgs : null,
  };
}
