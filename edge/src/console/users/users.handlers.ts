/**
 * People (admins): who belongs to the organization, with their role and departments; add a person, which
 * shows their one-time sign-in link once; change a person's role and departments; remove a person, which
 * ends their sessions at once; and the history of those changes (who did what to whom). The last admin
 * without a department limit can be neither removed nor demoted, and an admin limited to departments
 * changes nobody (both say so). And, for anyone signed in as a person, the organizations they belong to, to switch.
 */
import {
  addMember,
  changeMember,
  describeMemberChange,
  isDomainError,
  listMemberChanges,
  listMembers,
  parseDepartments,
  parseRole,
  removeMember,
  requireNoDepartmentLimit,
  roleScopes,
  type Scope,
  signInUrl,
  startPersonSession,
} from '@budget-sync/db';
import { departmentsOf, whoIs } from '../../middleware/auth.ts';
import { type ConsoleContext, formOf } from '../context.ts';
import { instant } from '../format.ts';
import { type Html, html } from '../html.ts';
import { consolePage, csrfField, type Notice } from '../layout.ts';
import { randomToken, SESSION_TTL_S } from '../session.ts';
import { openedSession } from '../sign-in.ts';

const ROLE_OPTIONS = ['viewer', 'editor', 'approver', 'admin'] as const;
const SHOWN_CHANGES = 20;

function roleSelect(id: string, current: string): Html {
  return html`<select id="${id}" name="role">${ROLE_OPTIONS.map(
    (r) => html`<option value="${r}"${r === current ? html` selected` : ''}>${r}</option>`,
  )}</select>`;
}

async function render(c: ConsoleContext, notices: Notice[], status: 200 | 409 | 422 = 200) {
  const db = await c.var.database();
  const orgId = c.var.auth.orgId;
  const [members, changes] = await Promise.all([listMembers(db.pool, orgId), listMemberChanges(db.pool, orgId, { limit: SHOWN_CHANGES })]);
  const limited = departmentsOf(c.var.auth);
  const content = html`<h1>People</h1>
<p class="lead">Who signs in to ${c.var.org.name}, with which role (viewer, editor, approver, admin) and, when limited, which departments. Machines use API keys (<code>budget-sync keys create</code>).</p>
${limited ? html`<div class="notice info" role="status"><p>You are limited to departments (${limited.join(', ')}), so you cannot change who belongs to the organization. Ask an admin without a department limit.</p></div>` : ''}
<div class="table-wrap" role="region" aria-labelledby="people-caption" tabindex="0">
<table id="people" class="stack">
<caption id="people-caption">People of ${c.var.org.name}</caption>
<thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Departments</th><th scope="col">Added by</th><th scope="col"><span class="vh">Change or remove</span></th></tr></thead>
<tbody>${members.map((m, i) => {
    const departments = m.departments?.join(', ') ?? 'all';
    return html`<tr><th scope="row">${m.email}</th><td data-label="Role">${m.role}</td><td data-label="Departments">${departments}</td><td data-label="Added by">${m.createdBy}</td>
<td>${
      limited
        ? ''
        : html`<details><summary>Change</summary>
<form method="post" action="/users/change">${csrfField(c)}<input type="hidden" name="email" value="${m.email}">
<div class="field"><label for="role-${i}">Role</label>${roleSelect(`role-${i}`, m.role)}</div>
<div class="field"><label for="departments-${i}">Departments</label><input id="departments-${i}" name="departments" value="${m.departments?.join(', ') ?? ''}" aria-describedby="dep-hint"></div>
<div class="actions"><button type="submit">Save ${m.email}</button></div>
</form></details>
<form method="post" action="/users/remove" data-confirm="Remove ${m.email}? Their sessions end at once.">${csrfField(c)}<input type="hidden" name="email" value="${m.email}"><button type="submit" class="link-button">Remove</button></form>`
    }</td></tr>`;
  })}</tbody>
</table>
</div>
${
  limited
    ? ''
    : html`<form class="card" method="post" action="/users">
${csrfField(c)}
<h2>Add a person</h2>
<div class="field"><label for="email">Email</label><input id="email" name="email" type="email" required></div>
<div class="field"><label for="role">Role</label>${roleSelect('role', 'viewer')}</div>
<div class="field"><label for="departments">Departments</label><input id="departments" name="departments" aria-describedby="dep-hint"><p id="dep-hint" class="hint">Comma-separated; leave empty for all departments.</p></div>
<div class="actions"><button type="submit">Add and make a sign-in link</button></div>
</form>`
}
<h2 id="changes-h">Changes</h2>
${
  changes.length === 0
    ? html`<p class="muted">No changes yet.</p>`
    : html`<div class="table-wrap" role="region" aria-labelledby="changes-h" tabindex="0">
<table id="changes" class="stack">
<thead><tr><th scope="col">When</th><th scope="col">Person</th><th scope="col">Change</th><th scope="col">By</th></tr></thead>
<tbody>${changes.map(
        (ch) =>
          html`<tr><td data-label="When">${instant(ch.at)}</td><th scope="row">${ch.email}</th><td data-label="Change">${describeMemberChange(ch)}</td><td data-label="By">${ch.actor}</td></tr>`,
      )}</tbody>
</table>
</div>
<p class="hint">The last ${SHOWN_CHANGES}; all of them: <code>budget-sync users history --org ${orgId}</code> or <code>GET /api/users/history</code>.</p>`
}`;
  return c.html(consolePage(c, { title: 'People', nav: 'users', notices }, content).value, status);
}

export async function showUsers(c: ConsoleContext) {
  return render(c, []);
}

/** A refusal the page shows beside the list (the last admin: 409; a value the domain refuses: 422); others are errors. */
async function refused(c: ConsoleContext, e: unknown) {
  if (!isDomainError(e)) throw e;
  return render(c, [{ kind: 'error', text: e.message }], e.code === 'user.last_admin' ? 409 : 422);
}

/** An admin limited to departments changes nobody: they could widen their own limit. */
function requireWholeOrg(c: ConsoleContext): void {
  requireNoDepartmentLimit(departmentsOf(c.var.auth), `${whoIs(c.var.auth)} is limited to departments`);
}

export async function addUser(c: ConsoleContext) {
  requireWholeOrg(c);
  const f = await formOf(c);
  const db = await c.var.database();
  try {
    const { member, signInToken } = await addMember(db.pool, {
      orgId: c.var.auth.orgId,
      email: f.text('email') ?? '',
      role: parseRole(f.text('role')),
      departments: parseDepartments(f.text('departments')),
      createdBy: c.var.auth.name,
    });
    const link = signInUrl(c.var.config.publicUrl ?? new URL(c.req.url).origin, signInToken);
    const text: Html = html`${member.email} is ${member.role}. Send them this sign-in link; it works once, for 24 hours, and is not shown again: <code>${link}</code>`;
    return render(c, [{ kind: 'success', text }]);
  } catch (e) {
    return refused(c, e);
  }
}

export async function changeUser(c: ConsoleContext) {
  requireWholeOrg(c);
  const f = await formOf(c);
  const db = await c.var.database();
  try {
    const m = await changeMember(db.pool, {
      orgId: c.var.auth.orgId,
      email: f.text('email') ?? '',
      role: parseRole(f.text('role')),
      departments: parseDepartments(f.text('departments')),
      actor: c.var.auth.name,
    });
    const scope = m.departments ? `, limited to ${m.departments.join(', ')}` : ', all departments';
    return render(c, [{ kind: 'success', text: `${m.email} is now ${m.role}${scope}.` }]);
  } catch (e) {
    return refused(c, e);
  }
}

export async function removeUser(c: ConsoleContext) {
  requireWholeOrg(c);
  const f = await formOf(c);
  const db = await c.var.database();
  try {
    const m = await removeMember(db.pool, c.var.auth.orgId, f.text('email') ?? '', c.var.auth.name);
    return render(c, [{ kind: 'success', text: `Removed ${m.email}; their sessions have ended.` }]);
  } catch (e) {
    return refused(c, e);
  }
}

/** The organizations of the signed-in person, each with a button to switch to it (the layout has a switcher too). */
export async function showOrgs(c: ConsoleContext) {
  const person = c.var.auth.person;
  const orgs = c.var.personOrgs;
  const content = html`<h1>Organizations</h1>
${
  person
    ? html`<ul class="orgs">${orgs.map(
        (o) => html`<li><form method="post" action="/orgs/switch">${csrfField(c)}<input type="hidden" name="orgId" value="${o.orgId}">
${o.name} (${o.role})${o.orgId === c.var.auth.orgId ? html` <strong>— current</strong>` : html` <button type="submit">Switch</button>`}</form></li>`,
      )}</ul>`
    : html`<p>You signed in with an API key, which belongs to one organization.</p>`
}`;
  return c.html(consolePage(c, { title: 'Organizations', nav: 'orgs' }, content).value);
}

/** Pages that need more than every role has: after a switch to an org where the role lacks it, the upload page. */
const PAGE_SCOPE: Record<string, Scope> = { '/users': 'admin', '/check': 'budget:check' };

/** Where to land after switching: the same section of the console (not an item of the old org), when the new role may see it. */
function landing(next: string | undefined, role: (typeof ROLE_OPTIONS)[number] | undefined): string {
  const section = /^\/[a-z]+/.exec(next ?? '')?.[0];
  if (!section || !role) return '/upload';
  const needs = PAGE_SCOPE[section];
  const scopes = roleScopes(role);
  return needs && !scopes.includes('admin') && !scopes.includes(needs) ? '/upload' : section;
}

/** Opens a session in another organization of the person (their membership there decides) and ends this one. */
export async function switchOrg(c: ConsoleContext) {
  const person = c.var.auth.person;
  const f = await formOf(c);
  const orgId = f.text('orgId') ?? '';
  const db = await c.var.database();
  const csrf = randomToken();
  const session = person ? await startPersonSession(db.pool, { orgId, userId: person.userId, csrf, ttlSeconds: SESSION_TTL_S }) : null;
  if (!session) return c.redirect('/orgs', 303);
  const role = c.var.personOrgs.find((o) => o.orgId === orgId)?.role;
  return openedSession(c, session, csrf, landing(f.text('next'), role));
}
