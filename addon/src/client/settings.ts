/**
 * The settings dialog: the API address and key (the saved key is only hinted at, never filled in), or
 * signing in as the Google user (no key), the organization for a person in several, Save, and Test
 * connection, which tests what is typed (or the saved key when the field is blank). Opening the dialog
 * (and saving) asks the API who is signed in, and for which organization, and shows it; a person in
 * several organizations picks one, or switches, by name.
 */
import type { AddonError, ConnectionReport, SettingsInput, SettingsView } from '../shared/contract.ts';
import { byId } from './dom.ts';
import { call, closeDialog } from './server.ts';

const form = byId<HTMLFormElement>('settings');
const urlInput = byId<HTMLInputElement>('api-base-url');
const keyInput = byId<HTMLInputElement>('api-key');
const googleInput = byId<HTMLInputElement>('use-google');
const orgField = byId('org-field');
const orgSelect = byId<HTMLSelectElement>('org-id');
const message = byId('message');
const buttons = [byId<HTMLButtonElement>('save'), byId<HTMLButtonElement>('test')];

function show(kind: 'ok' | 'error' | 'info', text: string): void {
  message.className = `banner ${kind}`;
  message.textContent = text;
}

function showSettings(view: SettingsView): void {
  urlInput.value = view.apiBaseUrl;
  keyInput.value = '';
  keyInput.placeholder = view.keyHint ? `Saved: ${view.keyHint} (leave blank to keep it)` : 'bsk_…';
  byId('key-hint').textContent = view.keyHint ? 'For your safety the saved key is never shown in full.' : '';
  googleInput.checked = view.signIn === 'google';
  const how = view.signIn === 'google' ? 'The add-on signs in as you (no key).' : 'The add-on uses the saved API key.';
  byId('who').textContent = view.email ? `Signed in to Google as ${view.email}. ${how} Settings apply to you only.` : how;
  if (view.orgId) showOrgs([{ orgId: view.orgId, name: null, role: '' }], view.orgId);
}

/** Who the API says is signed in, and for which organization; the organizations to pick from or switch to. */
function showIdentity(report: ConnectionReport): void {
  const me = report.me;
  if (me) {
    const org = me.orgName ?? `organization ${me.orgId}`;
    byId('identity').textContent = me.email ? `Signed in as ${me.email} (${me.role}) for ${org}.` : `Using an API key of ${org}.`;
  } else byId('identity').textContent = 'You belong to several organizations: pick one, then Save.';
  if (report.orgs) showOrgs(report.orgs, me?.orgId ?? null);
  else if (me) orgField.classList.add('hidden');
}

/** The organization picker, for a person in several. */
function showOrgs(orgs: NonNullable<ConnectionReport['orgs']>, chosen: string | null): void {
  orgSelect.replaceChildren(
    ...orgs.map((o) => {
      const option = document.createElement('option');
      option.value = o.orgId;
      const name = o.name ?? o.orgId;
      option.textContent = o.role ? `${name} (${o.role})` : name;
      option.selected = o.orgId === chosen;
      return option;
    }),
  );
  orgField.classList.remove('hidden');
}

/** Asks the API who the saved settings sign in as, without disabling the dialog; a failure is shown, not thrown. */
async function refreshIdentity(): Promise<void> {
  const answer = await call('testConnection').catch((e: unknown) => ({
    ok: false as const,
    error: { code: 'api.unreachable', message: e instanceof Error ? e.message : String(e) },
  }));
  if (answer.ok) showIdentity(answer.value);
  else byId('identity').textContent = `Not signed in: ${answer.error.message}`;
}

function input(): SettingsInput {
  const orgId = orgField.classList.contains('hidden') ? null : orgSelect.value || null;
  return { apiBaseUrl: urlInput.value, apiKey: keyInput.value, useGoogle: googleInput.checked && keyInput.value.trim() === '', orgId };
}

async function busy<T>(label: string, work: () => Promise<{ ok: true; value: T } | { ok: false; error: AddonError }>): Promise<T | null> {
  for (const b of buttons) b.disabled = true;
  show('info', label);
  try {
    const answer = await work();
    if (!answer.ok) {
      show('error', answer.error.message);
      return null;
    }
    return answer.value;
  } catch (e) {
    show('error', e instanceof Error ? e.message : String(e));
    return null;
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const saved = await busy('Saving…', () => call('saveSettings', input()));
  if (saved) {
    showSettings(saved);
    show('ok', 'Saved. Go back to the sidebar to compare and import.');
    await refreshIdentity();
  }
});

byId('test').addEventListener('click', async () => {
  const report = await busy('Testing the connection…', () => call('testConnection', input()));
  if (report) {
    showIdentity(report);
    show(report.me ? 'ok' : 'info', report.message);
  }
});

byId('close').addEventListener('click', () => closeDialog());

void (async () => {
  const view = await busy('Loading…', () => call('getSettings'));
  if (view) {
    showSettings(view);
    message.className = 'banner hidden';
    if (view.apiBaseUrl) await refreshIdentity();
  }
})();
