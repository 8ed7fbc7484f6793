/// <reference types="google-apps-script" />
/**
 * The user's connection settings and what the add-on learned about their organization, in
 * UserProperties: private to the user, never in the document's properties, which every editor of the
 * spreadsheet could read. The API key is only ever shown back as a hint. Without a key the add-on signs
 * in as the Google user (ScriptApp.getIdentityToken, scope `openid`): nothing to paste.
 */
import type { MappingChoice } from '@budget-sync/core';
import type { SettingsInput, SettingsView } from '../shared/contract.ts';
import { AddonFailure } from './failure.ts';

const PREFIX = 'budgetSync.';
const API_BASE_URL = `${PREFIX}apiBaseUrl`;
const API_KEY = `${PREFIX}apiKey`;
const ORG_ID = `${PREFIX}orgId`;
/** Learned from the API; forgotten when the connection changes (another key may be another organization). */
const ORG_DEFAULTS = `${PREFIX}orgDefaults`;
const REMEMBERED = `${PREFIX}rememberedMappings`;

export interface Connection {
  apiBaseUrl: string;
  /** null: sign in as the Google user with their ID token. */
  apiKey: string | null;
  /** The organization for a person in several (X-Budget-Sync-Org); null: their only one. */
  orgId: string | null;
}

export interface OrgDefaults {
  fiscalYearStartMonth: number;
  currency: string;
}

const DEFAULTS: OrgDefaults = { fiscalYearStartMonth: 1, currency: 'USD' };

/**
 * https, or plain http to this machine only (a local API during development): a bearer key must not
 * cross the network in clear text. Apps Script has no URL class, hence the pattern.
 */
const URL_SHAPE = /^(https?):\/\/(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?(\/[^\s?#]*)?$/i;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const KEY_SHAPE = /^bsk_[A-Za-z0-9_-]{16,}$/;

function props(): GoogleAppsScript.Properties.Properties {
  return PropertiesService.getUserProperties();
}

export function normalizeBaseUrl(input: string): string {
  const url = input.trim().replace(/\/+$/, '');
  const m = URL_SHAPE.exec(url);
  if (!m)
    throw new AddonFailure(
      'settings.invalid',
      `"${input.trim()}" is not a web address. Enter the API's address, like https://budget.example.com.`,
    );
  const scheme = (m[1] ?? '').toLowerCase();
  const host = (m[2] ?? '').toLowerCase();
  if (scheme === 'http' && !LOOPBACK.has(host)) {
    throw new AddonFailure('settings.invalid', 'Use an https:// address: the API key must not travel unencrypted.');
  }
  return url;
}

/** `bsk_…x4Fq`: enough to tell two keys apart, never enough to use one. */
export function keyHint(key: string): string {
  return `${key.slice(0, 4)}…${key.slice(-4)}`;
}

export function loadConnection(): Connection | null {
  const all = props().getProperties();
  const apiBaseUrl = all[API_BASE_URL];
  return apiBaseUrl ? { apiBaseUrl, apiKey: all[API_KEY] ?? null, orgId: all[ORG_ID] ?? null } : null;
}

export function requireConnection(): Connection {
  const connection = loadConnection();
  if (connection === null) {
    throw new AddonFailure('settings.missing', 'Budget Sync is not connected yet. Open Settings and enter the API address.');
  }
  return connection;
}

function userEmail(): string | null {
  try {
    const email = Session.getActiveUser().getEmail();
    return email === '' ? null : email;
  } catch {
    // Outside the user's domain Google may refuse to tell; the email is only shown, never needed.
    return null;
  }
}

export function settingsView(): SettingsView {
  const all = props().getProperties();
  const key = all[API_KEY];
  return {
    apiBaseUrl: all[API_BASE_URL] ?? '',
    keyHint: key ? keyHint(key) : null,
    email: userEmail(),
    signIn: key ? 'key' : 'google',
    orgId: all[ORG_ID] ?? null,
  };
}

const ORG_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The connection the dialog describes: its address, and its key, else the saved one, else (or with
 * `useGoogle`) the Google user's identity; and the organization a person in several picked.
 */
export function connectionFrom(input: SettingsInput): Connection {
  const apiBaseUrl = normalizeBaseUrl(String(input?.apiBaseUrl ?? ''));
  const orgText = String(input?.orgId ?? '').trim();
  if (orgText !== '' && !ORG_SHAPE.test(orgText)) throw new AddonFailure('settings.invalid', 'Pick an organization from the list.');
  const orgId = orgText === '' ? null : orgText.toLowerCase();
  const typed = String(input?.apiKey ?? '').trim();
  if (input?.useGoogle === true) return { apiBaseUrl, apiKey: null, orgId };
  if (typed !== '') {
    if (!KEY_SHAPE.test(typed)) {
      throw new AddonFailure(
        'settings.invalid',
        'That is not a Budget Sync API key: keys start with "bsk_". Create one with "budget-sync keys create".',
      );
    }
    return { apiBaseUrl, apiKey: typed, orgId };
  }
  return { apiBaseUrl, apiKey: props().getProperty(API_KEY), orgId };
}

export function saveConnection(connection: Connection): SettingsView {
  const before = loadConnection();
  const store = props();
  store.setProperty(API_BASE_URL, connection.apiBaseUrl);
  if (connection.apiKey === null) store.deleteProperty(API_KEY);
  else store.setProperty(API_KEY, connection.apiKey);
  if (connection.orgId === null) store.deleteProperty(ORG_ID);
  else store.setProperty(ORG_ID, connection.orgId);
  if (before?.apiBaseUrl !== connection.apiBaseUrl || before?.apiKey !== connection.apiKey || before?.orgId !== connection.orgId) {
    store.deleteProperty(ORG_DEFAULTS);
    store.deleteProperty(REMEMBERED);
  }
  return settingsView();
}

function readJson<T>(key: string): T | null {
  const text = props().getProperty(key);
  if (!text) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

export function orgDefaults(): OrgDefaults {
  return { ...DEFAULTS, ...readJson<Partial<OrgDefaults>>(ORG_DEFAULTS) };
}

export function learnOrgDefaults(learned: Partial<OrgDefaults>): void {
  const next = { ...orgDefaults(), ...learned };
  props().setProperty(ORG_DEFAULTS, JSON.stringify(next));
}

/** The mappings the API remembers for the organization, mirrored so the local check agrees with the API's. */
export function rememberedMappings(): Record<string, MappingChoice | null> {
  return readJson<Record<string, MappingChoice | null>>(REMEMBERED) ?? {};
}

/** A property holds at most 9 KB: the newest mappings win when they would not fit. */
const REMEMBERED_MAX_CHARS = 8_000;

export function learnRememberedMappings(learned: Record<string, MappingChoice | null>): void {
  if (Object.keys(learned).length === 0) return;
  const merged: Record<string, MappingChoice | null> = { ...learned, ...rememberedMappings(), ...learned };
  let entries = Object.entries(merged);
  while (entries.length > 0 && JSON.stringify(Object.fromEntries(entries)).length > REMEMBERED_MAX_CHARS) entries = entries.slice(0, -1);
  props().setProperty(REMEMBERED, JSON.stringify(Object.fromEntries(entries)));
}
