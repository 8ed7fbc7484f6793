/**
 * The settings dialog: the API address and key (the saved key is only hinted at, never filled in),
 * Save, and Test connection, which tests what is typed (or the saved key when the field is blank).
 */
import type { AddonError, SettingsInput, SettingsView } from '../shared/contract.ts';
import { byId } from './dom.ts';
import { call, closeDialog } from './server.ts';

const form = byId<HTMLFormElement>('settings');
const urlInput = byId<HTMLInputElement>('api-base-url');
const keyInput = byId<HTMLInputElement>('api-key');
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
  byId('who').textContent = view.email ? `Signed in as ${view.email}. Settings apply to you only.` : '';
}

function input(): SettingsInput {
  return { apiBaseUrl: urlInput.value, apiKey: keyInput.value };
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
  }
});

byId('test').addEventListener('click', async () => {
  const report = await busy('Testing the connection…', () => call('testConnection', input()));
  if (report) show('ok', report.message);
});

byId('close').addEventListener('click', () => closeDialog());

void (async () => {
  const view = await busy('Loading…', () => call('getSettings'));
  if (view) {
    showSettings(view);
    message.className = 'banner hidden';
  }
})();
