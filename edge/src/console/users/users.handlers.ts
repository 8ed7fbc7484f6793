/**
 * People (admins): who belongs to the organization, with their role and departments; add a person (or
 * change their role), which shows their one-time sign-in link once; remove a person, which ends their
 * sessions at once. And, for anyone signed in as a person, the organizations they belong to, to switch.
 */
import {
  addMember,
  getOrganization,
  isDomainError,
  listMembers,
  membershipsOf,
  parseDepartments,
  parseRole,
  removeMember,
  signInUrl,
  startPersonSession,
} from '@budget-sync/db';
import { type ConsoleContext, formOf } from '../context.ts';
import { type Html, html } from '../html.ts';
import { consolePage, csrfField, type Notice } from '../layout.ts';
import { randomToken, SESSION_TTL_S } from '../session.ts';
import { openedSession } from '../sign-in.ts';

const ROLE_OPTIONS = ['viewer', 'editor', 'approver', 'admin'] as const;

async function render(c: ConsoleContext, notices: Notice[], status: 200 | 422 = 200) {
  const db = await c.var.database();
  const members = await listMembers(db.pool, c.var.auth.orgId);
  const content = html`<h1>People</h1>
<p class="lead">Who signs in to ${c.var.org.name}, with which role (viewer, editor, approver, admin) and, when limited, which departments. Machines use API keys (<code>budget-sync keys create</code>).</p>
<div class="table-wrap" role="region" aria-labelledby="people-caption" tabindex="0">
<table id="people">
<caption id="people-caption">People of ${c.var.org.name}</caption>
<thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Departments</th><th scope="col">Added by</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr></thead>
<tbody>${members.map(
    (m) => html`<tr><td>${m.email}</td><td>${m.role}</td><td>${m.departments?.join(', ') ?? 'all'}</td><td>${m.createdBy}</td>
<td><form method="post" action="/users/remove">${csrfField(c)}<input type="hidden" name="email" value="${m.email}"><button type="submit" class="link-button">Remove</button></form></td></tr>`,
  )}</tbody>
</table>
</div>
<form class="card" method="post" action="/users">
${csrfField(c)}
<h2>Add a person</h2>
<div class="field"><label for="email">Email</label><input id="email" name="email" type="email" required></div>
<div class="field"><label for="role">Role</label><select id="role" name="role">${ROLE_OPTIONS.map((r) => html`<option value="${r}">${r}</option>`)}</select></div>
<div class="field"><label for="departments">Departments</label><input id="departments" name="departments" aria-describedby="dep-hint"><p id="dep-hint" class="hint">Comma-separated; leave empty for all departments.</p></div>
<div class="actions"><button type="submit">Add and make a sign-in link</button></div>
</form>`;
  return c.html(consolePage(c, { title: 'People', nav: 'users', notices }, content).value, status);
}

export async function showUsers(c: ConsoleContext) {
  return render(c, []);
}

export async function addUser(c: ConsoleContext) {
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
    if (!isDomainError(e)) throw e;
    return render(c, [{ kind: 'error', text: e.message }], 422);
  }
}

export async function removeUser(c: ConsoleContext) {
  const f = await formOf(c);
  const db = await c.var.database();
  try {
    const m = await removeMember(db.pool, c.var.auth.orgId, f.text('email') ?? '');
    return render(c, [{ kind: 'success', text: `Removed ${m.email}; their sessions have ended.` }]);
  } catch (e) {
    if (!isDomainError(e)) throw e;
    return render(c, [{ kind: 'error', text: e.message }], 422);
  }
}

/** The organizations of the signed-in person, each with a button to switch to it. */
export async function showOrgs(c: ConsoleContext) {
  const person = c.var.auth.person;
  const db = await c.var.database();
  const memberships = person ? await membershipsOf(db.pool, person.email) : [];
  const orgs = await Promise.all(memberships.map(async (m) => ({ auth: m, org: await getOrganization(db.pool, m.orgId) })));
  const content = html`<h1>Organizations</h1>
${
  person
    ? html`<ul class="orgs">${orgs.map(
        ({
          auth,
          org,
        }) => html`<li><form method="post" action="/orgs/switch">${csrfField(c)}<input type="hidden" name="orgId" value="${org.id}">
${org.name} (${auth.person?.role})${org.id === c.var.auth.orgId ? html` <strong>— current</strong>` : html` <button type="submit">Switch</button>`}</form></li>`,
      )}</ul>`
    : html`<p>You signed in with an API key, which belongs to one organization.</p>`
}`;
  return c.html(consolePage(c, { title: 'Organizations', nav: 'orgs' }, content).value);
}

/** Opens a session in another organization of the person (their membership there decides) and ends this one. */
export async function switchOrg(c: ConsoleContext) {
  const person = c.var.auth.person;
  const orgId = (await formOf(c)).text('orgId') ?? '';
  const db = await c.var.database();
  const csrf = randomToken();
  const session = person ? await startPersonSession(db.pool, { orgId, userId: person.userId, csrf, ttlSeconds: SESSION_TTL_S }) : null;
  if (!session) return c.redirect('/orgs', 303);
  return openedSession(c, session, csrf, undefined);
}
