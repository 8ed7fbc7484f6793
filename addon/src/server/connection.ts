/**
 * Settings as the dialog uses them: save the connection, and test one (saved or still being typed)
 * against the API: reachable, the key accepted, allowed to read imports.
 */
import type { ConnectionReport, SettingsInput, SettingsView } from '../shared/contract.ts';
import { callApi, problemOf } from './api-client.ts';
import { type Connection, connectionFrom, learnOrgDefaults, requireConnection, saveConnection } from './settings.ts';

export function saveSettingsInput(input: SettingsInput): SettingsView {
  return saveConnection(connectionFrom(input));
}

export function testConnectionInput(input: SettingsInput | undefined): ConnectionReport {
  const connection: Connection = input === undefined || input === null ? requireConnection() : connectionFrom(input);
  // imports:read is what the sidebar needs first; a key without it fails here, with the API's explanation.
  const history = callApi(connection, { method: 'get', path: '/api/imports/history?limit=1' });
  if (history.status !== 200) throw problemOf(history);
  // The fiscal-year start makes the local check agree with the API; keys without budget:read just skip it.
  const settings = callApi(connection, { method: 'get', path: '/api/settings' });
  const fysm =
    settings.status === 200 && typeof settings.body.fiscalYearStartMonth === 'number' ? settings.body.fiscalYearStartMonth : null;
  const saved = input === undefined || input === null;
  if (fysm !== null && saved) learnOrgDefaults({ fiscalYearStartMonth: fysm });
  return {
    apiBaseUrl: connection.apiBaseUrl,
    fiscalYearStartMonth: fysm,
    message: `Connected to ${connection.apiBaseUrl}: the key is accepted and can read the import history.`,
  };
}
