/**
 * The built add-on (addon/dist/Code.js) running in node:vm as Apps Script runs it: a classic script in a
 * fresh global with the services as stand-ins — SpreadsheetApp (over a FakeSpreadsheet), HtmlService
 * (templates from the built HTML files, scriptlets evaluated in the script's global), PropertiesService
 * (with Apps Script's size limits), UrlFetchApp (real HTTP, synchronous), Utilities, Session and
 * ScriptApp. Each throws on anything it does not implement. Calls go through `run`, which passes
 * arguments and results through JSON as google.script.run does, and can run as AuthMode.NONE, where
 * Apps Script refuses the services an add-on's onOpen must not touch.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { gzipSync } from 'node:zlib';
import { FakeSpreadsheet, type SheetInit } from './fake-spreadsheet.ts';
import { strict } from './strict.ts';
import type { SyncFetcher } from './sync-fetch.ts';

export type AuthMode = 'NONE' | 'LIMITED' | 'FULL';

export interface UiEvent {
  type: 'menu' | 'sidebar' | 'dialog';
  title: string;
  items?: [string, string][];
  html?: string;
  width?: number;
  height?: number;
}

export interface FetchRecord {
  url: string;
  method: string;
  headers: Record<string, string>;
  sentBytes: number;
  status: number | null;
}

/** Apps Script's PropertiesService limits: 9 KB per value, 500 KB per store. */
const VALUE_LIMIT = 9 * 1024;
const STORE_LIMIT = 500 * 1024;

export class PropertyStore {
  readonly data = new Map<string, string>();
  readonly name: string;

  constructor(name: string) {
    this.name = name;
  }

  #check(): void {
    let total = 0;
    for (const [k, v] of this.data) total += k.length + v.length;
    if (total > STORE_LIMIT) throw new Error(`You have exceeded the property storage quota (${this.name}).`);
  }

  #set(k: string, v: unknown): void {
    const text = String(v);
    if (text.length > VALUE_LIMIT) throw new Error(`Argument too large: value (${this.name} property "${k}" is ${text.length} characters)`);
    this.data.set(String(k), text);
  }

  api(): GoogleAppsScript.Properties.Properties {
    const self: Record<string, unknown> = {
      getProperty: (k: string) => this.data.get(k) ?? null,
      getProperties: () => Object.fromEntries(this.data),
      getKeys: () => [...this.data.keys()],
      setProperty: (k: string, v: string) => {
        this.#set(k, v);
        this.#check();
        return proxy;
      },
      setProperties: (props: Record<string, string>, deleteAllOthers?: boolean) => {
        if (deleteAllOthers) this.data.clear();
        for (const [k, v] of Object.entries(props)) this.#set(k, v);
        this.#check();
        return proxy;
      },
      deleteProperty: (k: string) => {
        this.data.delete(k);
        return proxy;
      },
      deleteAllProperties: () => {
        this.data.clear();
        return proxy;
      },
    };
    const proxy = strict(`${this.name} Properties`, self) as unknown as GoogleAppsScript.Properties.Properties;
    return proxy;
  }
}

const BLOB_BYTES = Symbol('bytes');

interface FakeBlob {
  [BLOB_BYTES]: Uint8Array;
}

/** Apps Script's byte[]: signed Java bytes. */
function signed(bytes: Uint8Array): number[] {
  return Array.from(bytes, (b) => (b > 127 ? b - 256 : b));
}

function makeBlob(bytes: Uint8Array, contentType: string | null, name: string | null): GoogleAppsScript.Base.Blob {
  let type = contentType;
  const self: Record<string | symbol, unknown> = {
    [BLOB_BYTES]: bytes,
    getBytes: () => signed(bytes),
    getContentType: () => type,
    setContentType: (t: string) => {
      type = t;
      return proxy;
    },
    getDataAsString: () => Buffer.from(bytes).toString('utf8'),
    getName: () => name,
  };
  const proxy = strict('Blob', self) as unknown as GoogleAppsScript.Base.Blob;
  return proxy;
}

function blobBytes(blob: unknown): Uint8Array {
  const bytes = (blob as FakeBlob)?.[BLOB_BYTES];
  if (!(bytes instanceof Uint8Array)) throw new Error('stand-in: expected a Blob made by Utilities');
  return bytes;
}

/** Scriptlets of an HtmlService template: `<?!= expr ?>` (raw) and `<?= expr ?>` (escaped), evaluated in the script's global. */
function evaluateTemplate(source: string, context: vm.Context): string {
  return source.replace(/<\?(!=|=)?([\s\S]*?)\?>/g, (_m, kind: string | undefined, code: string) => {
    if (kind === undefined) throw new Error('stand-in: <? ?> code scriptlets are not implemented');
    const value = String(vm.runInContext(code, context));
    return kind === '!=' ? value : value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  });
}

const OPTION_KEYS = new Set([
  'method',
  'headers',
  'contentType',
  'payload',
  'muteHttpExceptions',
  'followRedirects',
  'validateHttpsCertificates',
]);

export interface AppsScriptOptions {
  distDir: string;
  fetcher: SyncFetcher;
  spreadsheet: { id?: string; name?: string; sheets: SheetInit[] };
  email?: string;
}

export class AppsScript {
  readonly context: vm.Context;
  readonly spreadsheet: FakeSpreadsheet;
  readonly userProperties = new PropertyStore('User');
  readonly documentProperties = new PropertyStore('Document');
  readonly ui: UiEvent[] = [];
  readonly fetches: FetchRecord[] = [];
  readonly logs: unknown[][] = [];
  /** Globals the script itself defined (everything beyond the stand-ins). */
  readonly scriptGlobals: string[];
  authMode: AuthMode = 'FULL';
  /**
   * What ScriptApp.getIdentityToken() answers: the Google user's ID token (a test signs one), or '' as
   * Apps Script gives without the `openid` scope. Unset (null): the call throws, as the test did not expect it.
   */
  identityToken: string | null = null;
  readonly #distDir: string;
  readonly #fetcher: SyncFetcher;

  constructor(options: AppsScriptOptions) {
    this.#distDir = options.distDir;
    this.#fetcher = options.fetcher;
    const sandbox = this.#standIns(options.email ?? 'analyst@example.com');
    const before = new Set(Object.keys(sandbox));
    this.context = vm.createContext(sandbox, { name: 'Apps Script (stand-in)' });
    const realmDate = vm.runInContext('Date', this.context) as DateConstructor;
    this.spreadsheet = new FakeSpreadsheet(
      options.spreadsheet.id ?? 'sheet-file-1',
      options.spreadsheet.name ?? 'FY2026 plan',
      options.spreadsheet.sheets,
      { Date: realmDate },
    );
    new vm.Script(this.code(), { filename: 'Code.js' }).runInContext(this.context);
    this.scriptGlobals = Object.getOwnPropertyNames(this.context).filter((k) => !before.has(k));
  }

  code(): string {
    return readFileSync(join(this.#distDir, 'Code.js'), 'utf8');
  }

  /** Calls a global function as google.script.run (or a trigger) would: JSON in, JSON out. */
  run<T = unknown>(name: string, ...args: unknown[]): T {
    const fn = (this.context as Record<string, unknown>)[name];
    if (typeof fn !== 'function') throw new Error(`Script function not found: ${name}`);
    const copied = JSON.parse(JSON.stringify(args)) as unknown[];
    const result = (fn as (...a: unknown[]) => unknown)(...copied);
    return (result === undefined ? undefined : JSON.parse(JSON.stringify(result))) as T;
  }

  /** A trigger with its event object, in the given authorization mode. */
  trigger(name: 'onOpen' | 'onInstall', authMode: AuthMode): void {
    const previous = this.authMode;
    this.authMode = authMode;
    try {
      const fn = (this.context as Record<string, (e: unknown) => void>)[name];
      if (typeof fn !== 'function') throw new Error(`Script function not found: ${name}`);
      fn({ authMode, source: this.spreadsheet.api() });
    } finally {
      this.authMode = previous;
    }
  }

  #needs(service: string, mode: AuthMode = 'FULL'): void {
    const order: AuthMode[] = ['NONE', 'LIMITED', 'FULL'];
    if (order.indexOf(this.authMode) < order.indexOf(mode)) {
      throw new Error(`You do not have permission to call ${service} (AuthMode.${this.authMode}).`);
    }
  }

  #html(name: string): string {
    return readFileSync(join(this.#distDir, `${name}.html`), 'utf8');
  }

  #htmlOutput(content: string): GoogleAppsScript.HTML.HtmlOutput {
    let title = '';
    let width = 0;
    let height = 0;
    const self: Record<string, unknown> = {
      getContent: () => content,
      getTitle: () => title,
      getWidth: () => width,
      getHeight: () => height,
      setTitle: (t: string) => {
        title = t;
        return proxy;
      },
      setWidth: (w: number) => {
        width = w;
        return proxy;
      },
      setHeight: (h: number) => {
        height = h;
        return proxy;
      },
    };
    const proxy = strict('HtmlOutput', self) as unknown as GoogleAppsScript.HTML.HtmlOutput;
    return proxy;
  }

  #standIns(email: string): Record<string, unknown> {
    const AuthMode = strict('ScriptApp.AuthMode', { NONE: 'NONE', LIMITED: 'LIMITED', CUSTOM_FUNCTION: 'CUSTOM_FUNCTION', FULL: 'FULL' });
    const ui = strict('Ui', {
      createAddonMenu: () => {
        const items: [string, string][] = [];
        const menu: Record<string, unknown> = {
          addItem: (caption: string, fn: string) => {
            items.push([caption, fn]);
            return menuProxy;
          },
          addSeparator: () => menuProxy,
          addToUi: () => {
            this.ui.push({ type: 'menu', title: 'add-on', items });
          },
        };
        const menuProxy = strict('Menu', menu);
        return menuProxy;
      },
      showSidebar: (html: GoogleAppsScript.HTML.HtmlOutput) => {
        this.#needs('Ui.showSidebar');
        this.ui.push({ type: 'sidebar', title: html.getTitle(), html: html.getContent() });
      },
      showModalDialog: (html: GoogleAppsScript.HTML.HtmlOutput, title: string) => {
        this.#needs('Ui.showModalDialog');
        this.ui.push({
          type: 'dialog',
          title,
          html: html.getContent(),
          width: (html as unknown as { getWidth(): number }).getWidth(),
          height: (html as unknown as { getHeight(): number }).getHeight(),
        });
      },
    });
    return {
      console: strict('console', {
        log: (...a: unknown[]) => this.logs.push(a),
        info: (...a: unknown[]) => this.logs.push(a),
        warn: (...a: unknown[]) => this.logs.push(a),
        error: (...a: unknown[]) => this.logs.push(a),
      }),
      ScriptApp: strict('ScriptApp', {
        AuthMode,
        getIdentityToken: () => {
          this.#needs('ScriptApp.getIdentityToken');
          if (this.identityToken === null)
            throw new Error('stand-in: ScriptApp.getIdentityToken was called but the test set no identity token');
          return this.identityToken;
        },
      }),
      Session: strict('Session', {
        getActiveUser: () => {
          this.#needs('Session.getActiveUser');
          return strict('User', { getEmail: () => email });
        },
      }),
      SpreadsheetApp: strict('SpreadsheetApp', {
        getUi: () => ui,
        getActiveSpreadsheet: () => {
          this.#needs('SpreadsheetApp.getActiveSpreadsheet', 'LIMITED');
          return this.spreadsheet.api();
        },
        getActiveSheet: () => {
          this.#needs('SpreadsheetApp.getActiveSheet', 'LIMITED');
          return this.spreadsheet.sheetApi(this.spreadsheet.active);
        },
      }),
      PropertiesService: strict('PropertiesService', {
        getUserProperties: () => {
          this.#needs('PropertiesService.getUserProperties');
          return this.userProperties.api();
        },
        getDocumentProperties: () => {
          this.#needs('PropertiesService.getDocumentProperties', 'LIMITED');
          return this.documentProperties.api();
        },
      }),
      HtmlService: strict('HtmlService', {
        createTemplateFromFile: (name: string) => {
          const source = this.#html(name);
          return strict(`HtmlTemplate ${name}`, { evaluate: () => this.#htmlOutput(evaluateTemplate(source, this.context)) });
        },
        createHtmlOutputFromFile: (name: string) => this.#htmlOutput(this.#html(name)),
      }),
      Utilities: strict('Utilities', {
        DigestAlgorithm: strict('Utilities.DigestAlgorithm', { SHA_256: 'SHA_256' }),
        Charset: strict('Utilities.Charset', { UTF_8: 'UTF_8' }),
        newBlob: (data: string, contentType?: string, name?: string) => {
          if (typeof data !== 'string') throw new Error('stand-in: Utilities.newBlob is implemented for strings only');
          return makeBlob(new Uint8Array(Buffer.from(data, 'utf8')), contentType ?? null, name ?? null);
        },
        gzip: (blob: GoogleAppsScript.Base.Blob) => makeBlob(new Uint8Array(gzipSync(blobBytes(blob))), 'application/x-gzip', null),
        computeDigest: (algorithm: string, value: string, charset: string) => {
          if (algorithm !== 'SHA_256' || charset !== 'UTF_8' || typeof value !== 'string')
            throw new Error('stand-in: computeDigest(SHA_256, string, UTF_8) only');
          return signed(createHash('sha256').update(value, 'utf8').digest());
        },
      }),
      UrlFetchApp: strict('UrlFetchApp', {
        fetch: (url: string, params: GoogleAppsScript.URL_Fetch.URLFetchRequestOptions = {}) => this.#fetch(url, params),
      }),
    };
  }

  #fetch(url: string, params: GoogleAppsScript.URL_Fetch.URLFetchRequestOptions): GoogleAppsScript.URL_Fetch.HTTPResponse {
    this.#needs('UrlFetchApp.fetch');
    for (const k of Object.keys(params)) if (!OPTION_KEYS.has(k)) throw new Error(`stand-in: UrlFetchApp option "${k}" is not implemented`);
    const method = (params.method ?? 'get').toUpperCase();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(params.headers ?? {})) headers[k] = String(v);
    let body: Uint8Array | null = null;
    const payload: unknown = params.payload;
    if (payload !== undefined) {
      if (typeof payload === 'string') body = new Uint8Array(Buffer.from(payload, 'utf8'));
      else body = blobBytes(payload);
      headers['Content-Type'] = params.contentType ?? 'application/x-www-form-urlencoded';
    }
    const record: FetchRecord = { url, method, headers, sentBytes: body?.length ?? 0, status: null };
    this.fetches.push(record);
    const res = this.#fetcher.fetch({ url, method, headers, body, followRedirects: params.followRedirects !== false });
    // Apps Script's own wording for a host that cannot be reached.
    if (!res.ok) throw new Error(`Exception: Address unavailable: ${url} (${res.error})`);
    record.status = res.status;
    if (res.status >= 400 && params.muteHttpExceptions !== true) {
      throw new Error(`Exception: Request failed for ${url} returned code ${res.status}.`);
    }
    const text = Buffer.from(res.body).toString('utf8');
    // Apps Script hands headers back with their usual capitalization.
    const shown: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers))
      shown[k.replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase())] = v;
    return strict('HTTPResponse', {
      getResponseCode: () => res.status,
      getContentText: () => text,
      getHeaders: () => shown,
    }) as unknown as GoogleAppsScript.URL_Fetch.HTTPResponse;
  }
}
