/**
 * Data sources: each with where it reads from, when it syncs, its last run and that run's result, and
 * "Sync now" where the runtime can run a sync (the Node server, through the ingest worker's syncSource).
 * A person limited to departments sees only the files of a run whose imports their history shows, and
 * syncs nothing (a sync imports every department's lines).
 */
import {
  type DataSource,
  getSource,
  listSourceRuns,
  listSources,
  requireNoDepartmentLimit,
  runAsSeenBy,
  type SourceRun,
} from '@budget-sync/db';
import { departmentsOf, visibilityOf, whoIs } from '../../middleware/auth.ts';
import { type ConsoleContext, hasScope } from '../context.ts';
import { count, instant, STATUS_LABEL } from '../format.ts';
import { type Html, html } from '../html.ts';
import { consolePage, csrfField, type Notice } from '../layout.ts';
import type { ConsoleOptions, SourceSyncOutcome } from '../options.ts';

function where(s: DataSource): string {
  switch (s.type) {
    case 'folder':
      return s.config.directory;
    case 'sftp':
      return `${s.config.username}@${s.config.host}:${s.config.port} ${s.config.directory}`;
    case 's3':
      return `s3://${s.config.bucket}/${s.config.prefix}`;
  }
}

interface RunFile {
  name?: string;
  status?: string;
  reason?: string;
}

const RUN_LABEL: Record<string, string> = { succeeded: 'Synced', failed: 'Sync failed', running: 'Running' };

function runSummary(run: SourceRun | undefined): Html {
  if (!run) return html`<span class="muted">Never run</span>`;
  const files = (run.files as RunFile[]).filter((f) => typeof f?.name === 'string');
  const by = (status: string) => files.filter((f) => f.status === status).length;
  const parts = [
    by('imported') ? `${by('imported')} imported` : '',
    by('rejected') ? `${by('rejected')} refused` : '',
    by('failed') ? `${by('failed')} failed` : '',
    by('skipped') ? `${by('skipped')} skipped` : '',
  ].filter(Boolean);
  // The run's own outcome (it looked at the source), not an import's: "Imported" beside "no files" said
  // something that did not happen.
  return html`<span class="badge ${run.status}">${RUN_LABEL[run.status] ?? run.status}</span> ${instant(run.finishedAt ?? run.startedAt)}
<br><span class="hint">${files.length === 0 ? 'no files' : `${count(files.length, 'file')}: ${parts.join(', ')}`}${run.reason ? ` — ${run.reason}` : ''}</span>`;
}

function outcomeNotice(name: string, o: SourceSyncOutcome): Notice {
  const files = o.files.map((f) => `${f.name}: ${STATUS_LABEL[f.status] ?? f.status}${f.reason ? ` (${f.reason})` : ''}`);
  const text = `Synced ${name}: ${o.files.length === 0 ? 'no files to take.' : `${files.slice(0, 5).join('; ')}${files.length > 5 ? '…' : ''}`}${o.reason ? ` ${o.reason}` : ''}`;
  return { kind: o.status === 'succeeded' ? 'success' : 'error', text };
}

async function render(c: ConsoleContext, options: ConsoleOptions, notices: Notice[]) {
  const db = await c.var.database();
  const sources = await listSources(db.pool, c.var.auth.orgId);
  const visibleTo = visibilityOf(c.var.auth);
  const runs = await Promise.all(
    sources.map(async (s) => {
      const run = (await listSourceRuns(db.pool, s.id, 1))[0];
      return run && runAsSeenBy(db.pool, s.orgId, run, visibleTo);
    }),
  );
  // Reading the sources is for sources:read; running one is the admins' (the POST needs sources:admin).
  const canSync = options.syncSource !== undefined && hasScope(c, 'sources:admin') && !visibleTo;
  const content = html`<h1>Sources</h1>
<p class="lead">Folders, SFTP servers and S3 buckets that Budget Sync takes budget files from on its own. Add and change them with <code>budget-sync sources</code>.</p>
${
  sources.length === 0
    ? html`<div class="card"><p>No sources yet. Add one with <code>budget-sync sources add --org ${c.var.auth.orgId} --type folder --path DIR --schedule "*/15 * * * *"</code>.</p></div>`
    : html`<div class="table-wrap" role="region" aria-labelledby="sources-caption" tabindex="0">
<table id="sources" class="stack">
<caption id="sources-caption" class="vh">Data sources</caption>
<thead><tr><th scope="col">Source</th><th scope="col">Reads from</th><th scope="col">When</th><th scope="col">Last run</th><th scope="col"><span class="vh">Actions</span></th></tr></thead>
<tbody>${sources.map((s, i) => {
        const note = options.sourceNote?.(s.id);
        return html`<tr data-source="${s.id}">
<th scope="row">${s.name}<br><span class="hint">${s.type}${s.enabled ? '' : ' · disabled'} · ${s.mode}${s.afterImport === 'move' ? ' · moves files aside' : ''}</span></th>
<td class="mono" data-label="Reads from">${where(s)}</td>
<td data-label="When">${note ?? (s.schedule ? html`<code>${s.schedule}</code> <span class="hint">(${s.timezone})</span>` : html`<span class="muted">on demand</span>`)}</td>
<td data-label="Last run">${runSummary(runs[i])}</td>
<td>${
          canSync
            ? html`<form method="post" action="/sources/${s.id}/sync" data-busy="Syncing…">${csrfField(c)}<button type="submit" class="secondary" aria-label="Sync ${s.name} now">Sync now</button></form>`
            : html`<span class="hint">Sync runs in the worker</span>`
        }</td>
</tr>`;
      })}</tbody>
</table>
</div>`
}`;
  return c.html(consolePage(c, { title: 'Sources', nav: 'sources', notices }, content).value);
}

export function showSources(options: ConsoleOptions) {
  return (c: ConsoleContext) => render(c, options, []);
}

export function syncNow(options: ConsoleOptions) {
  return async (c: ConsoleContext) => {
    requireNoDepartmentLimit(departmentsOf(c.var.auth), `${whoIs(c.var.auth)} is limited to departments`);
    const db = await c.var.database();
    // The source must be this org's before anything runs (another org's id is "not found").
    const source = await getSource(db.pool, c.req.param('id') ?? '', c.var.auth.orgId);
    if (!options.syncSource) {
      return render(c, options, [
        { kind: 'info', text: 'This server cannot run syncs itself; the ingest worker runs them on their schedule.' },
      ]);
    }
    const outcome = await options.syncSource(db, source.id);
    return render(c, options, [outcomeNotice(source.name, outcome)]);
  };
}
