/// <reference types="google-apps-script" />
/**
 * Talking to the Budget Sync API through UrlFetchApp (synchronous, as everything in Apps Script).
 * Big JSON bodies travel gzip-encoded (`Content-Encoding: gzip`): a 50,000-row sheet is ~11 MB of JSON
 * but ~1 MB on the wire, far from UrlFetchApp's 50 MB payload cap and quick enough for its 60-second
 * deadline. Answers come back as status + parsed JSON; only a transport failure or an answer that is not
 * the API's JSON throws, so callers decide what each status means.
 */
import type { TransferView } from '../shared/contract.ts';
import { AddonFailure } from './failure.ts';
import type { Connection } from './settings.ts';

/** Below this, compressing costs more than it saves. */
export const GZIP_ABOVE_CHARS = 64 * 1024;

export interface ApiRequest {
  method: 'get' | 'post';
  /** Starts with `/api/`. */
  path: string;
  /** JSON text of the body, when there is one (callers build it: the sheet's part is reused for a fingerprint). */
  jsonText?: string;
  /** Rows the body carries, for the progress shown to the user. */
  rows?: number;
}

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
  transfer: TransferView;
}

/**
 * The API key, or else the Google user's ID token (scope `openid`), which the API verifies against
 * Google's keys and maps to the person: fetched per call, as Apps Script caches and renews it.
 */
function bearerOf(connection: Connection): string {
  if (connection.apiKey !== null) return connection.apiKey;
  const token = ScriptApp.getIdentityToken();
  if (!token) {
    throw new AddonFailure(
      'auth.no_identity',
      'Google did not give the add-on your identity. Reopen the add-on and allow it to see your email address, or enter an API key in Settings.',
    );
  }
  return token;
}

export function callApi(connection: Connection, request: ApiRequest): ApiAnswer {
  const started = Date.now();
  const headers: Record<string, string> = { Authorization: `Bearer ${bearerOf(connection)}`, Accept: 'application/json' };
  if (connection.orgId !== null) headers['X-Budget-Sync-Org'] = connection.orgId;
  const params: GoogleAppsScript.URL_Fetch.URLFetchRequestOptions = {
    method: request.method,
    headers,
    muteHttpExceptions: true,
    // A redirect would resend the key to wherever it points; the user should fix the address instead.
    followRedirects: false,
  };
  const text = request.jsonText;
  let sentBytes = 0;
  let gzip = false;
  if (text !== undefined) {
    params.contentType = 'application/json';
    if (text.length > GZIP_ABOVE_CHARS) {
      const packed = Utilities.gzip(Utilities.newBlob(text, 'application/json'));
      packed.setContentType('application/json');
      headers['Content-Encoding'] = 'gzip';
      params.payload = packed;
      sentBytes = packed.getBytes().length;
      gzip = true;
    } else {
      params.payload = text;
      sentBytes = text.length;
    }
  }
  const url = `${connection.apiBaseUrl}${request.path}`;
  let response: GoogleAppsScript.URL_Fetch.HTTPResponse;
  try {
    response = UrlFetchApp.fetch(url, params);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new AddonFailure(
      'api.unreachable',
      `Cannot reach the Budget Sync API at ${connection.apiBaseUrl} (${why}). Check the address in Settings, or try again in a moment.`,
    );
  }
  const status = response.getResponseCode();
  const transfer: TransferView = {
    rows: request.rows ?? 0,
    jsonChars: text?.length ?? 0,
    sentBytes,
    gzip,
    elapsedMs: Date.now() - started,
  };
  if (status >= 300 && status < 400) {
    throw new AddonFailure(
      'api.redirect',
      `The API address answered with a redirect (${status}). Enter the address it redirects to in Settings.`,
      status,
    );
  }
  const contentType = headerOf(response, 'content-type');
  if (!/^application\/([\w.-]+\+)?json/i.test(contentType)) {
    throw new AddonFailure(
      'api.unexpected',
      `${connection.apiBaseUrl} answered with ${contentType || 'no content type'} (HTTP ${status}), not the Budget Sync API's JSON. Check the address in Settings.`,
      status,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(response.getContentText());
  } catch {
    throw new AddonFailure('api.unexpected', `The API's answer (HTTP ${status}) is not valid JSON.`, status);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AddonFailure('api.unexpected', `The API's answer (HTTP ${status}) is not a JSON object.`, status);
  }
  return { status, body: body as Record<string, unknown>, transfer };
}

function headerOf(response: GoogleAppsScript.URL_Fetch.HTTPResponse, name: string): string {
  const all = response.getHeaders() as Record<string, unknown>;
  for (const [k, v] of Object.entries(all)) if (k.toLowerCase() === name) return String(v);
  return '';
}

/** What to tell a person about a problem answer: the API's own words, with the next step where we know it. */
export function problemOf(answer: ApiAnswer): AddonFailure {
  const body = answer.body;
  const code = typeof body.code === 'string' ? body.code : `http.${answer.status}`;
  const detail = typeof body.detail === 'string' ? body.detail : `The API answered HTTP ${answer.status}.`;
  switch (code) {
    case 'auth.missing_key':
    case 'auth.invalid_key':
      return new AddonFailure(
        code,
        'The API key was refused: it is unknown or has been revoked. Open Settings and enter a valid key.',
        answer.status,
      );
    case 'auth.forbidden':
      return new AddonFailure(
        code,
        `${detail} Ask an administrator for a key with the imports:read and imports:write scopes.`,
        answer.status,
      );
    case 'request.too_large':
      return new AddonFailure(code, `${detail} The sheet is too large for one import: split it into several sheets.`, answer.status);
    default:
      return new AddonFailure(code, answer.status >= 500 ? `${detail} (HTTP ${answer.status})` : detail, answer.status);
  }
}
