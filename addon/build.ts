/**
 * `npm run addon:build`: bundles the add-on for Apps Script into addon/dist/, which `.clasp.json` pushes.
 * clasp does not transpile TypeScript, and Apps Script runs classic scripts only (no modules), so
 * esbuild bundles addon/src/Code.ts with core into one IIFE held by a single top-level `const`
 * (not a property of the global object), then one top-level function per export of Code.ts is
 * appended: those are the only globals, which is what Apps Script lists, runs as triggers and lets
 * google.script.run call. The exports come from a metafile of an ESM build (an IIFE's metafile lists
 * none). The sidebar and settings scripts are bundled for the browser into HTML partials.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const addonDir = dirname(fileURLToPath(import.meta.url));
const src = join(addonDir, 'src');
export const NAMESPACE = 'BudgetSync';
/** Apps Script's V8 runs ES2019 for sure; newer syntax (class fields, `?.`) is lowered. */
const TARGET = 'es2019';
/** What the add-on must never carry: the file readers (DESIGN §1). */
const FORBIDDEN_INPUTS = /node_modules\/(@e965\/xlsx|xlsx|papaparse)\/|core\/src\/readers\/(index|xlsx|csv|zip-guard|decode)\.ts$/;
const HTML_FILES = ['Sidebar.html', 'Settings.html', 'Stylesheet.html'];
const CLIENT_SCRIPTS = { SidebarJs: 'client/sidebar.ts', SettingsJs: 'client/settings.ts' } as const;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export interface BuildResult {
  outDir: string;
  entryPoints: string[];
  /** The source files bundled into Code.js, relative to the repository root. */
  inputs: string[];
  files: string[];
}

const shared: esbuild.BuildOptions = {
  bundle: true,
  write: false,
  target: TARGET,
  charset: 'utf8',
  legalComments: 'none',
  logLevel: 'silent',
};

async function entryPointNames(entry: string): Promise<string[]> {
  const result = await esbuild.build({
    ...shared,
    entryPoints: [entry],
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    metafile: true,
    outdir: 'out',
  });
  const output = Object.values(result.metafile?.outputs ?? {}).find((o) => o.entryPoint !== undefined);
  const names = output?.exports ?? [];
  for (const name of names)
    if (!IDENTIFIER.test(name)) throw new Error(`addon build: export "${name}" of Code.ts is not a plain function name`);
  if (names.length === 0) throw new Error('addon build: Code.ts exports no entry point');
  return [...names].sort();
}

async function serverBundle(entry: string, entryPoints: string[]): Promise<{ code: string; inputs: string[] }> {
  const result = await esbuild.build({
    ...shared,
    entryPoints: [entry],
    format: 'iife',
    globalName: NAMESPACE,
    platform: 'neutral',
    mainFields: ['module', 'main'],
    metafile: true,
    outfile: 'Code.js',
  });
  const inputs = Object.keys(result.metafile?.inputs ?? {});
  const forbidden = inputs.filter((i) => FORBIDDEN_INPUTS.test(i));
  if (forbidden.length > 0) throw new Error(`addon build: the bundle would carry the file readers: ${forbidden.join(', ')}`);
  let code = result.outputFiles?.[0]?.text ?? '';
  const declaration = `var ${NAMESPACE} = (() => {`;
  if (!code.includes(declaration)) throw new Error(`addon build: esbuild's IIFE no longer starts with "${declaration}"`);
  // A lexical binding: visible to the entry functions below, but no property of the global object.
  code = code.replace(declaration, `const ${NAMESPACE} = (() => {`);
  const functions = entryPoints.map((name) => `function ${name}() {\n  return ${NAMESPACE}.${name}.apply(this, arguments);\n}`);
  const banner = '// Budget Sync add-on: built by addon/build.ts from addon/src and core (npm run addon:build). Do not edit.\n';
  return { code: `${banner}${code}\n// Entry points: the only globals.\n${functions.join('\n')}\n`, inputs };
}

async function clientPartial(entry: string): Promise<string> {
  const result = await esbuild.build({ ...shared, entryPoints: [entry], format: 'iife', platform: 'browser', outfile: 'client.js' });
  const code = result.outputFiles?.[0]?.text ?? '';
  // Inlined into a <script> element: a literal "</script" in the code would end it early.
  if (/<\/script/i.test(code)) throw new Error(`addon build: ${entry} contains "</script"`);
  return `<script>\n${code}</script>\n`;
}

export async function buildAddon(outDir = join(addonDir, 'dist')): Promise<BuildResult> {
  const entry = join(src, 'Code.ts');
  const entryPoints = await entryPointNames(entry);
  const server = await serverBundle(entry, entryPoints);
  const partials = await Promise.all(
    Object.entries(CLIENT_SCRIPTS).map(async ([name, file]) => [name, await clientPartial(join(src, file))] as const),
  );
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'Code.js'), server.code);
  for (const [name, html] of partials) writeFileSync(join(outDir, `${name}.html`), html);
  for (const file of HTML_FILES) copyFileSync(join(src, 'html', file), join(outDir, file));
  const manifest = JSON.parse(readFileSync(join(addonDir, 'appsscript.json'), 'utf8')) as unknown;
  writeFileSync(join(outDir, 'appsscript.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const root = join(addonDir, '..');
  return {
    outDir,
    entryPoints,
    inputs: server.inputs.map((i) => relative(root, join(root, i))),
    files: ['Code.js', 'appsscript.json', ...HTML_FILES, ...Object.keys(CLIENT_SCRIPTS).map((n) => `${n}.html`)].sort(),
  };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const result = await buildAddon();
  const size = readFileSync(join(result.outDir, 'Code.js')).length;
  process.stdout.write(
    `addon: ${relative(process.cwd(), result.outDir) || '.'}/ ← ${result.files.join(', ')}\n` +
      `Code.js ${(size / 1024).toFixed(0)} KiB, ${result.entryPoints.length} entry points: ${result.entryPoints.join(', ')} (${Math.round(performance.now() - started)} ms)\n`,
  );
}
