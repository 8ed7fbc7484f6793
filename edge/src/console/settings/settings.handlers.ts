/**
 * Budget control settings: control level, tolerance (percent and amount), what happens without a budget
 * line, the control basis, and the fiscal-year start. Shown to any reader; changed by admin keys only,
 * through db's updateSettings (which validates and explains what it refuses).
 */
import { TOLERANCE_RULE } from '@budget-sync/core';
import {
  type ControlSettings,
  type ControlSettingsPatch,
  getSettings,
  isDomainError,
  requireNoDepartmentLimit,
  settingsAsSeenBy,
  updateSettings,
} from '@budget-sync/db';
import { departmentsOf, whoIs } from '../../middleware/auth.ts';
import { type ConsoleContext, formOf, hasScope } from '../context.ts';
import { MONTHS } from '../format.ts';
import { type Html, html } from '../html.ts';
import { consolePage, csrfField, type Notice } from '../layout.ts';

const LEVELS = [
  ['block', 'Block — refuse requests over the budget (plus tolerance)'],
  ['warn', 'Warn — allow them, with a warning'],
  ['track', 'Track — allow them and only record'],
] as const;
const MISSING = [
  ['fail', 'Refuse the request'],
  ['warn', 'Allow it, with a warning'],
] as const;
const BASES = [
  ['period', 'The period of the request (the budget line itself)'],
  ['ytd', 'Fiscal year to date (unused budget carries forward)'],
  ['annual', 'The whole fiscal year'],
] as const;

function select(id: string, label: string, current: string, options: ReadonlyArray<readonly [string, string]>, disabled: boolean): Html {
  return html`<div class="field"><label for="${id}">${label}</label><select id="${id}" name="${id}"${disabled ? html` disabled` : ''}>${options.map(
    ([v, text]) => html`<option value="${v}"${v === current ? html` selected` : ''}>${text}</option>`,
  )}</select></div>`;
}

function view(c: ConsoleContext, s: ControlSettings, values: Partial<Record<string, string>>): Html {
  const limited = departmentsOf(c.var.auth);
  // An admin limited to departments reads them; the settings are the whole organization's.
  const admin = hasScope(c, 'admin') && !limited;
  const v = (k: keyof ControlSettings, fallback: string) => values[k] ?? fallback;
  return html`<h1>Settings</h1>
<p class="lead">How budget checks decide. These apply to the whole organization${s.overrides.length > 0 ? `, except where ${s.overrides.length} department or category override(s) say otherwise (set through the API)` : ''}.</p>
${admin ? '' : html`<div class="notice info" role="status"><p>${limited && hasScope(c, 'admin') ? `You are limited to departments (${limited.join(', ')}); the settings are the whole organization's, so only an admin without a department limit can change them.` : 'Only an admin can change the settings.'}</p></div>`}
<form class="card" method="post" action="/settings">
${csrfField(c)}
${select('controlLevel', 'Control level', v('controlLevel', s.controlLevel), LEVELS, !admin)}
<div class="fields">
<div class="field"><label for="tolerancePercent">Tolerance, percent of the budget</label><input id="tolerancePercent" name="tolerancePercent" type="text" inputmode="decimal" value="${v('tolerancePercent', s.tolerancePercent)}"${admin ? '' : html` disabled`} aria-describedby="tolerance-hint"></div>
<div class="field"><label for="toleranceAmount">Tolerance, amount</label><input id="toleranceAmount" name="toleranceAmount" type="text" inputmode="decimal" value="${v('toleranceAmount', s.toleranceAmount)}"${admin ? '' : html` disabled`} aria-describedby="tolerance-hint"></div>
</div>
<p id="tolerance-hint" class="hint">${TOLERANCE_RULE}</p>
${select('missingBudget', 'When there is no budget line', v('missingBudget', s.missingBudget), MISSING, !admin)}
${select('controlBasis', 'Compare requests with', v('controlBasis', s.controlBasis), BASES, !admin)}
${select(
  'fiscalYearStartMonth',
  'Fiscal year starts in',
  v('fiscalYearStartMonth', String(s.fiscalYearStartMonth)),
  MONTHS.map((m, i) => [String(i + 1), m] as const),
  !admin,
)}
<p class="hint">The start month cannot change once budget lines exist: their periods were computed with it.</p>
${admin ? html`<div class="actions"><button type="submit">Save settings</button></div>` : ''}
</form>`;
}

export async function showSettings(c: ConsoleContext) {
  const db = await c.var.database();
  const settings = settingsAsSeenBy(await getSettings(db.pool, c.var.auth.orgId), departmentsOf(c.var.auth));
  const notice: Notice | null = c.req.query('notice') === 'saved' ? { kind: 'success', text: 'Settings saved.' } : null;
  return c.html(consolePage(c, { title: 'Settings', nav: 'settings', notices: [notice] }, view(c, settings, {})).value);
}

export async function saveSettings(c: ConsoleContext) {
  requireNoDepartmentLimit(departmentsOf(c.var.auth), `${whoIs(c.var.auth)} is limited to departments`);
  const form = await formOf(c);
  const text = (k: string) => form.text(k)?.trim();
  const month = Number(text('fiscalYearStartMonth'));
  const patch: ControlSettingsPatch = {};
  const level = text('controlLevel');
  if (level) patch.controlLevel = level as ControlSettings['controlLevel'];
  const pct = text('tolerancePercent');
  if (pct !== undefined) patch.tolerancePercent = pct === '' ? '0' : pct;
  const amount = text('toleranceAmount');
  if (amount !== undefined) patch.toleranceAmount = amount === '' ? '0' : amount;
  const missing = text('missingBudget');
  if (missing) patch.missingBudget = missing as ControlSettings['missingBudget'];
  const basis = text('controlBasis');
  if (basis) patch.controlBasis = basis as ControlSettings['controlBasis'];
  if (text('fiscalYearStartMonth')) patch.fiscalYearStartMonth = month;
  const db = await c.var.database();
  try {
    await updateSettings(db.pool, c.var.auth.orgId, patch, c.var.auth.name);
  } catch (e) {
    if (!isDomainError(e)) throw e;
    // Shown again with what was typed, and updateSettings' explanation of every problem at once.
    const current = settingsAsSeenBy(await getSettings(db.pool, c.var.auth.orgId), departmentsOf(c.var.auth));
    const values: Record<string, string> = {};
    for (const k of ['controlLevel', 'tolerancePercent', 'toleranceAmount', 'missingBudget', 'controlBasis', 'fiscalYearStartMonth']) {
      const t = text(k);
      if (t !== undefined) values[k] = t;
    }
    const notice: Notice = { kind: 'error', text: e.message };
    return c.html(consolePage(c, { title: 'Settings', nav: 'settings', notices: [notice] }, view(c, current, values)).value, 422);
  }
  return c.redirect('/settings?notice=saved', 303);
}
