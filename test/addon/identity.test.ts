/**
 * The add-on signs in as the Google user (issue 15): with no key saved it sends ScriptApp.getIdentityToken()
 * as the bearer, the API (its own process, BUDGET_SYNC_GOOGLE_* pointing at a JWKS served on 127.0.0.1
 * by another process: the test's thread blocks while the add-on's synchronous fetch is out) verifies it,
 * and the settings dialog's Test connection says who is signed in for which organization; a person in
 * several picks one, sent as X-Budget-Sync-Org. The dialog itself, in headless Chromium: on opening it says
 * who is signed in for which organization (by name), and a person in several switches with its picker.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionReport, Outcome, SettingsView } from '../../addon/src/shared/contract.ts';
import { startBridge } from './support/bridge.ts';
import { artifact, launchChromium } from './support/chromium.ts';
import { type Harness, startHarness } from './support/harness.ts';
import { failed, ok } from './support/outcome.ts';
import { planSheet } from './support/sheets.ts';

const CLIENT_ID = 'addon.apps.example.com';
const ISSUER = 'https://accounts.example.test';

let h: Harness;
let jwksProcess: ChildProcess;
let privateKey: CryptoKey;
let acme = '';
let beta = '';

/** A static JSON server in its own process, answering every request with the JWKS. */
async function serveJwks(jwks: string): Promise<string> {
  const code =
    "require('node:http').createServer((q, s) => { s.setHeader('content-type', 'application/json'); s.end(process.env.JWKS); })" +
    ".listen(0, '127.0.0.1', function () { console.log(this.address().port); });";
  jwksProcess = spawn(process.execPath, ['-e', code], { env: { ...process.env, JWKS: jwks }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => jwksProcess.stdout?.once('data', (d: Buffer) => resolve(d.toString().trim())));
  return `http://127.0.0.1:${port}/certs`;
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey as CryptoKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-1', alg: 'RS256', use: 'sig' };
  const jwksUrl = await serveJwks(JSON.stringify({ keys: [jwk] }));
  h = await startHarness({
    BUDGET_SYNC_GOOGLE_CLIENT_IDS: CLIENT_ID,
    BUDGET_SYNC_GOOGLE_ISSUER: ISSUER,
    BUDGET_SYNC_GOOGLE_JWKS_URL: jwksUrl,
  });
  acme = await h.orgWithPerson('Acme', 'ed@example.com', 'editor');
  beta = await h.orgWithPerson('Beta', 'multi@example.com', 'viewer');
  await h.addPerson(acme, 'multi@example.com', 'admin');
});

afterAll(async () => {
  await h?.close();
  jwksProcess?.kill();
});

async function idToken(email: string, exp = Math.floor(Date.now() / 1000) + 3600): Promise<string> {
  return new SignJWT({ email, email_verified: true })
    .setProtectedHeader({ alg: 'RS256', kid: 'test-1' })
    .setAudience(CLIENT_ID)
    .setIssuer(ISSUER)
    .setSubject('42')
    .setIssuedAt(exp - 3600)
    .setExpirationTime(exp)
    .sign(privateKey);
}

describe('the add-on signs in as the Google user', () => {
  it('without a key it sends the ID token, and Test connection says who and for which organization', async () => {
    const env = h.env([planSheet()]);
    env.identityToken = await idToken('ed@example.com');
    const saved = ok(env.run<Outcome<SettingsView>>('saveSettings', { apiBaseUrl: h.server.url, apiKey: '' }));
    expect(saved).toMatchObject({ signIn: 'google', keyHint: null, orgId: null });
    const report = ok(env.run<Outcome<ConnectionReport>>('testConnection'));
    expect(report.me).toEqual({ email: 'ed@example.com', role: 'editor', orgId: acme, orgName: 'Acme' });
    expect(report.orgs).toBeNull();
    expect(report.message).toContain(`Signed in as ed@example.com (editor) for Acme (${acme})`);
    const sent = env.fetches.filter((f) => f.url.startsWith(h.server.url));
    expect(sent.length).toBeGreaterThan(0);
    for (const f of sent) expect(f.headers.Authorization).toBe(`Bearer ${env.identityToken}`);
    // No key anywhere in the user's properties.
    expect([...env.userProperties.data.values()].join('\n')).not.toMatch(/bsk_/);
  });

  it('a person in several organizations picks one; the add-on then sends X-Budget-Sync-Org', async () => {
    const env = h.env([planSheet()]);
    env.identityToken = await idToken('multi@example.com');
    const ask = ok(env.run<Outcome<ConnectionReport>>('testConnection', { apiBaseUrl: h.server.url, apiKey: '' }));
    expect(ask.me).toBeNull();
    expect(ask.orgs).toEqual(
      expect.arrayContaining([
        { orgId: acme, name: 'Acme', role: 'admin' },
        { orgId: beta, name: 'Beta', role: 'viewer' },
      ]),
    );
    ok(env.run<Outcome<SettingsView>>('saveSettings', { apiBaseUrl: h.server.url, apiKey: '', orgId: beta }));
    const report = ok(env.run<Outcome<ConnectionReport>>('testConnection'));
    expect(report.me).toEqual({ email: 'multi@example.com', role: 'viewer', orgId: beta, orgName: 'Beta' });
    // Once one is picked, the others are still offered, to switch.
    expect(report.orgs?.map((o) => o.name).sort()).toEqual(['Acme', 'Beta']);
    expect(env.fetches.at(-1)?.headers['X-Budget-Sync-Org']).toBe(beta);
  });

  it('an expired token, a person without membership and a missing identity are each told what to do', async () => {
    const env = h.env([planSheet()]);
    ok(env.run<Outcome<SettingsView>>('saveSettings', { apiBaseUrl: h.server.url, apiKey: '' }));
    env.identityToken = await idToken('ed@example.com', Math.floor(Date.now() / 1000) - 120);
    expect(failed(env.run<Outcome<ConnectionReport>>('testConnection'))).toMatchObject({ code: 'auth.invalid_token' });
    env.identityToken = await idToken('nobody@example.com');
    expect(failed(env.run<Outcome<ConnectionReport>>('testConnection'))).toMatchObject({
      code: 'auth.no_membership',
      message: expect.stringContaining('nobody@example.com'),
    });
    env.identityToken = '';
    expect(failed(env.run<Outcome<ConnectionReport>>('testConnection'))).toMatchObject({ code: 'auth.no_identity' });
  });

  it('a saved API key still takes precedence, until the person switches to Google sign-in', async () => {
    const env = h.env([planSheet()]);
    const key = await h.orgKey('Keyed');
    ok(env.run<Outcome<SettingsView>>('saveSettings', { apiBaseUrl: h.server.url, apiKey: key }));
    ok(env.run<Outcome<ConnectionReport>>('testConnection'));
    expect(env.fetches.at(-1)?.headers.Authorization).toBe(`Bearer ${key}`);
    env.identityToken = await idToken('ed@example.com');
    const switched = ok(env.run<Outcome<SettingsView>>('saveSettings', { apiBaseUrl: h.server.url, useGoogle: true }));
    expect(switched).toMatchObject({ signIn: 'google', keyHint: null });
    expect([...env.userProperties.data.values()]).not.toContain(key);
    expect(ok(env.run<Outcome<ConnectionReport>>('testConnection')).me?.email).toBe('ed@example.com');
  });
});

describe('the settings dialog in Chromium, signed in as the Google user', () => {
  it('says who is signed in and for which organization on opening; a person in several switches by name', async () => {
    const env = h.env([planSheet()], undefined, 'multi@example.com');
    env.identityToken = await idToken('multi@example.com');
    ok(env.run<Outcome<SettingsView>>('saveSettings', { apiBaseUrl: h.server.url, apiKey: '', orgId: beta }));
    const bridge = await startBridge(env);
    const chrome = await launchChromium({ width: 420, height: 520 });
    try {
      const dialog = chrome.page;
      await dialog.goto(`${bridge.url}/settings`);
      await expect.poll(() => dialog.locator('#identity').textContent()).toBe('Signed in as multi@example.com (viewer) for Beta.');
      expect(await dialog.locator('#use-google').isChecked()).toBe(true);
      expect(await dialog.locator('#who').textContent()).toContain('Signed in to Google as multi@example.com.');
      expect(await dialog.locator('#org-field').isVisible()).toBe(true);
      const options = await dialog
        .locator('#org-id option')
        .evaluateAll((os) => (os as HTMLOptionElement[]).map((o) => ({ value: o.value, text: o.textContent, selected: o.selected })));
      expect(options).toEqual(
        expect.arrayContaining([
          { value: acme, text: 'Acme (admin)', selected: false },
          { value: beta, text: 'Beta (viewer)', selected: true },
        ]),
      );
      await dialog.screenshot({ path: artifact('09-settings-google') });
      await dialog.selectOption('#org-id', acme);
      await dialog.click('#save');
      await expect.poll(() => dialog.locator('#identity').textContent()).toBe('Signed in as multi@example.com (admin) for Acme.');
      expect(await dialog.locator('#org-id').inputValue()).toBe(acme);
      // The add-on now acts in Acme.
      expect(env.fetches.at(-1)?.headers['X-Budget-Sync-Org']).toBe(acme);
    } finally {
      await chrome.close();
      await bridge.close();
    }
  });
});
