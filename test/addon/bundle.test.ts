/**
 * The built add-on as Apps Script sees it: a classic script (no module syntax) whose only globals are
 * the entry points, carrying core's analysis but none of the file readers, with a manifest that asks for
 * exactly the five narrow scopes (openid: the user's ID token signs them in); onOpen adds the menu even in AuthMode.NONE, where it may touch
 * nothing else; the sidebar and settings are HtmlService templates with their CSS and JS include()d.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuildResult, buildAddon } from '../../addon/build.ts';
import { AppsScript } from './support/apps-script.ts';
import { planSheet } from './support/sheets.ts';
import { SyncFetcher } from './support/sync-fetch.ts';

const ENTRY_POINTS = [
  'clearHighlights',
  'getDiff',
  'getSettings',
  'getSidebarState',
  'highlightIssues',
  'include',
  'listRecentImports',
  'onInstall',
  'onOpen',
  'rememberOverride',
  'revertImport',
  'saveSettings',
  'selectCell',
  'showSettings',
  'showSidebar',
  'submitImport',
  'testConnection',
  'validateActiveSheet',
  'writeIssueReport',
];

let outDir: string;
let build: BuildResult;
let fetcher: SyncFetcher;
let env: AppsScript;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'budget-sync-addon-'));
  build = await buildAddon(join(outDir, 'dist'));
  fetcher = new SyncFetcher();
  env = new AppsScript({ distDir: build.outDir, fetcher, spreadsheet: { sheets: [planSheet()] } });
});

afterAll(async () => {
  await fetcher.close();
  rmSync(outDir, { recursive: true, force: true });
});

describe('the built bundle', () => {
  it('writes Code.js, the manifest and the HTML files into the output folder', () => {
    expect(build.files).toEqual([
      'Code.js',
      'Settings.html',
      'SettingsJs.html',
      'Sidebar.html',
      'SidebarJs.html',
      'Stylesheet.html',
      'appsscript.json',
    ]);
  });

  it('is a classic script whose only globals are the entry points, each a function', () => {
    const code = env.code();
    // Parses as a script: `import`/`export` would be syntax errors here.
    expect(() => new vm.Script(code)).not.toThrow();
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect(build.entryPoints).toEqual(ENTRY_POINTS);
    expect([...env.scriptGlobals].sort()).toEqual(ENTRY_POINTS);
    for (const name of ENTRY_POINTS) expect(typeof (env.context as Record<string, unknown>)[name], name).toBe('function');
    // The bundle's namespace is a lexical binding, not a property of the global object.
    expect(vm.runInContext('typeof BudgetSync', env.context)).toBe('object');
    expect(Object.getOwnPropertyNames(env.context)).not.toContain('BudgetSync');
  });

  it('carries the analysis engine but not the file readers (SheetJS, papaparse)', () => {
    expect(build.inputs.some((i) => i.includes('core/src/analysis/analyze.ts'))).toBe(true);
    expect(build.inputs.some((i) => i.includes('core/src/readers/sheet-values.ts'))).toBe(true);
    expect(build.inputs.filter((i) => /xlsx|papaparse|readers\/(csv|xlsx|index)\.ts/.test(i))).toEqual([]);
  });

  it('asks for exactly the five narrow scopes (openid for the ID token), on V8', () => {
    const manifest = JSON.parse(readFileSync(join(build.outDir, 'appsscript.json'), 'utf8')) as {
      runtimeVersion: string;
      oauthScopes: string[];
    };
    expect(manifest.runtimeVersion).toBe('V8');
    expect([...manifest.oauthScopes].sort()).toEqual([
      'https://www.googleapis.com/auth/script.container.ui',
      'https://www.googleapis.com/auth/script.external_request',
      'https://www.googleapis.com/auth/spreadsheets.currentonly',
      'https://www.googleapis.com/auth/userinfo.email',
      'openid',
    ]);
  });
});

describe('menu, sidebar and settings dialog', () => {
  it('onOpen in AuthMode.NONE adds the menu (Open sidebar, Settings) and touches nothing else', () => {
    env.ui.length = 0;
    // In NONE the stand-ins refuse properties, the spreadsheet's data and UrlFetchApp, as Apps Script does.
    env.trigger('onOpen', 'NONE');
    expect(env.ui).toEqual([
      {
        type: 'menu',
        title: 'add-on',
        items: [
          ['Open sidebar', 'showSidebar'],
          ['Settings', 'showSettings'],
        ],
      },
    ]);
    expect(env.fetches).toEqual([]);
  });

  it('onInstall adds the same menu', () => {
    env.ui.length = 0;
    env.trigger('onInstall', 'FULL');
    expect(env.ui.map((u) => u.items)).toEqual([
      [
        ['Open sidebar', 'showSidebar'],
        ['Settings', 'showSettings'],
      ],
    ]);
  });

  it('showSidebar shows the "Budget Sync" sidebar with its style sheet and script included', () => {
    env.ui.length = 0;
    env.run('showSidebar');
    const [sidebar] = env.ui;
    expect(sidebar?.type).toBe('sidebar');
    expect(sidebar?.title).toBe('Budget Sync');
    const html = sidebar?.html ?? '';
    expect(html).not.toContain('<?');
    expect(html).toContain('<style>');
    expect(html).toMatch(/<script>\n[\s\S]*validateActiveSheet[\s\S]*<\/script>/);
    expect(html).toContain('id="app"');
  });

  it('showSettings opens the settings dialog', () => {
    env.ui.length = 0;
    env.run('showSettings');
    expect(env.ui).toMatchObject([{ type: 'dialog', title: 'Budget Sync settings', width: 420 }]);
    expect(env.ui[0]?.html).toContain('id="api-key"');
    expect(env.ui[0]?.html).toContain('saveSettings');
  });

  it('include() hands out the partials and nothing else', () => {
    expect(env.run<string>('include', 'Stylesheet')).toContain('<style>');
    expect(() => env.run('include', 'Code')).toThrow(/no partial "Code"/);
  });
});
