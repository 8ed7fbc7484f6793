/**
 * `npm run addon:deploy` takes a person from zero to a pushed add-on, or says exactly what is missing:
 * an Apps Script project (clasp alone only says "Project settings not found"), a valid script id, a clasp
 * sign-in. Pushing itself needs a Google account, which the tests do not have: they stop at the sign-in check.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// A home without clasp credentials: nobody is signed in to Google.
const home = mkdtempSync(join(tmpdir(), 'bs-addon-deploy-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function deploy(...args: string[]) {
  const r = spawnSync('bash', ['scripts/addon-deploy.sh', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, HOME: home, PATH: `${join(process.execPath, '..')}:${process.env.PATH}` },
    timeout: 60_000,
  });
  return { status: r.status, err: r.stderr };
}

function projectFile(scriptId: string): string {
  const file = join(home, `clasp-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ scriptId, rootDir: 'addon/dist' }));
  return file;
}

describe('npm run addon:deploy', () => {
  it('without a script id, says how to create the Apps Script project or name an existing one', () => {
    const r = deploy('--project', projectFile(''));
    expect(r.status).toBe(1);
    expect(r.err).toContain('names no Apps Script project yet');
    expect(r.err).toContain('npx clasp create-script --type standalone --title "Budget Sync" --rootDir addon/dist');
    expect(r.err).toContain('npm run addon:deploy -- --script-id <that id>');
  });

  it('refuses what is not a script id, and writes nothing', () => {
    const file = projectFile('');
    const r = deploy('--project', file, '--script-id', 'https://script.google.com/x');
    expect(r.status).toBe(1);
    expect(r.err).toContain('is not an Apps Script id');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ scriptId: '', rootDir: 'addon/dist' });
  });

  it('records a script id, then stops at the clasp sign-in with what to do (login, the Apps Script API switch)', () => {
    const file = projectFile('');
    const id = '1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_';
    const r = deploy('--project', file, '--script-id', id);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ scriptId: id, rootDir: 'addon/dist' });
    expect(r.status).toBe(1);
    expect(r.err).toContain('clasp is not signed in to Google: run npx clasp login');
    expect(r.err).toContain('https://script.google.com/home/usersettings');
  });
});
