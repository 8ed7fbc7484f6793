/**
 * The console's stylesheet and its one small script, served by the app itself (no CDN: it works
 * offline). The script only adds comfort — drag and drop onto the file field, a confirmation before a
 * revert, a hint that the preview needs updating — and every page works without it.
 */

export const ASSETS_VERSION = '2';
export const CSS_PATH = `/console/assets/console.css?v=${ASSETS_VERSION}`;
export const JS_PATH = `/console/assets/console.js?v=${ASSETS_VERSION}`;

export const CONSOLE_CSS = `
:root {
  --ink: #18202b; --muted: #525d6b; --line: #d5dae1; --paper: #ffffff; --ground: #f3f5f8;
  --brand: #17324d; --accent: #1f5fbf; --accent-ink: #ffffff; --focus: #f0a500;
  --ok: #176639; --ok-bg: #e3f4e9; --warn: #7a4d00; --warn-bg: #fff2d6; --bad: #a4161a; --bad-bg: #fde5e5;
  --info: #1d4f91; --info-bg: #e4eefb; --quiet-bg: #eceff3;
  --actual: #17324d; --committed: #3d6fb6; --reserved: #8fb3e3; --available: #d9e7f7; --over: #a4161a;
  color-scheme: light;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--ground); }
a { color: var(--accent); }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; border-radius: 2px; }
.skip { position: absolute; left: 8px; top: -48px; background: var(--paper); color: var(--ink); padding: 8px 12px; border-radius: 6px; z-index: 10; }
.skip:focus { top: 8px; }
.top { background: var(--brand); color: #fff; }
.top-inner { max-width: 1200px; margin: 0 auto; padding: 10px 24px; display: flex; flex-wrap: wrap; align-items: center; gap: 8px 20px; }
.brand { font-weight: 700; font-size: 1.15rem; color: #fff; text-decoration: none; margin-right: 4px; }
.org { color: #cfdbe8; font-size: .95rem; }
.org-switch { display: flex; align-items: center; gap: 6px; }
.org-switch select { font: inherit; font-size: .95rem; max-width: 22ch; padding: 3px 6px; border-radius: 6px; border: 1px solid rgba(255,255,255,.5); background: var(--brand); color: #fff; }
.demo { display: inline-block; background: #f6c343; color: #3b2a00; font-weight: 700; font-size: .75rem; letter-spacing: .04em; text-transform: uppercase; padding: 2px 8px; border-radius: 999px; margin-left: 6px; vertical-align: 1px; }
.top nav { flex: 1 1 auto; }
.top nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 2px 4px; margin: 0; padding: 0; }
.top nav a { display: block; color: #e8eef5; text-decoration: none; padding: 6px 10px; border-radius: 6px; }
.top nav a:hover { background: rgba(255,255,255,.12); }
.top nav a[aria-current="page"] { background: #fff; color: var(--brand); font-weight: 600; }
.top form { margin: 0; }
.top .link-button { color: #e8eef5; border-color: rgba(255,255,255,.5); background: transparent; }
.top .link-button:hover { background: rgba(255,255,255,.12); }
main { max-width: 1200px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 16px; }
h2 { font-size: 1.2rem; margin: 28px 0 10px; }
h3 { font-size: 1.05rem; margin: 18px 0 8px; }
p { margin: 0 0 12px; }
.lead { color: var(--muted); max-width: 70ch; }
.page-head { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: 8px 16px; margin: 0 0 16px; }
.page-head h1 { margin: 0; }
.page-head .actions { margin: 0; }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px; margin: 0 0 18px; }
.card > h2:first-child, .card > h3:first-child { margin-top: 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; margin: 0 0 18px; }
.figure { background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
.figure .label { color: var(--muted); font-size: .9rem; }
.figure .value { font-size: 1.6rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.figure .sub { color: var(--muted); font-size: .85rem; }
.notice { border-radius: 8px; padding: 12px 16px; margin: 0 0 16px; border: 1px solid; }
.notice.success { background: var(--ok-bg); border-color: #9fd3b1; color: var(--ok); }
.notice.error { background: var(--bad-bg); border-color: #f1a7a9; color: var(--bad); }
.notice.info { background: var(--info-bg); border-color: #a9c4ea; color: var(--info); }
.notice.warn { background: var(--warn-bg); border-color: #f0cf85; color: var(--warn); }
.notice p:last-child, .notice ul:last-child { margin-bottom: 0; }
label { font-weight: 600; display: block; margin: 0 0 4px; }
.hint { color: var(--muted); font-size: .9rem; font-weight: 400; }
input[type=text], input[type=password], input[type=number], select, textarea {
  font: inherit; color: inherit; background: #fff; border: 1px solid #aab3bf; border-radius: 6px; padding: 7px 10px; min-height: 40px; max-width: 100%;
}
input[type=text], input[type=password], textarea { width: 100%; }
textarea { min-height: 70px; }
fieldset { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px 12px; margin: 0 0 14px; }
legend { font-weight: 600; padding: 0 4px; }
.choice { display: flex; gap: 8px; align-items: flex-start; font-weight: 400; margin: 6px 0; }
.choice input { margin-top: 5px; width: 18px; height: 18px; flex: none; }
.field { margin: 0 0 14px; }
.fields { display: flex; flex-wrap: wrap; gap: 12px 16px; align-items: flex-end; }
.fields .field { margin: 0; min-width: 150px; flex: 1 1 150px; }
.fields .field.narrow { flex: 0 1 150px; }
.button, button { font: inherit; font-weight: 600; cursor: pointer; display: inline-block; text-decoration: none; border-radius: 6px; padding: 8px 16px; min-height: 40px; border: 1px solid var(--accent); background: var(--accent); color: var(--accent-ink); }
.button:hover, button:hover { filter: brightness(1.08); }
button.secondary, .button.secondary { background: #fff; color: var(--accent); }
button.danger { background: var(--bad); border-color: var(--bad); }
button:disabled { opacity: .55; cursor: not-allowed; filter: none; }
.link-button { background: transparent; color: var(--accent); border: 1px solid var(--line); padding: 6px 12px; min-height: 36px; }
.actions { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin: 14px 0 0; }
.drop { display: block; border: 2px dashed #8e9aab; border-radius: 10px; background: #fafbfd; padding: 28px 20px; text-align: center; cursor: pointer; font-weight: 400; }
.drop strong { display: block; font-size: 1.1rem; margin-bottom: 4px; }
.drop.dragover { border-color: var(--accent); background: var(--info-bg); }
.drop input[type=file] { margin-top: 12px; max-width: 100%; }
.drop .chosen { display: block; margin-top: 8px; color: var(--ink); font-weight: 600; }
.table-wrap { position: relative; overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; background: var(--paper); margin: 0 0 16px; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
caption { text-align: left; font-weight: 600; padding: 10px 12px 4px; }
th, td { padding: 8px 12px; border-bottom: 1px solid #e7eaee; text-align: left; vertical-align: top; }
thead th { background: #f7f8fa; font-weight: 600; white-space: nowrap; }
tbody tr:last-child td, tbody tr:last-child th { border-bottom: 0; }
tbody th { font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.neg { color: var(--bad); }
tr.over > th { box-shadow: inset 3px 0 0 var(--bad); }
.badge.over { margin-left: 6px; font-weight: 600; }
tr.total td, tr.total th { font-weight: 700; background: #f7f8fa; }
.badge { display: inline-block; font-size: .8rem; font-weight: 700; padding: 1px 8px; border-radius: 999px; white-space: nowrap; }
.badge.succeeded, .badge.pass, .badge.imported { background: var(--ok-bg); color: var(--ok); }
.badge.no_changes, .badge.info, .badge.skipped { background: var(--info-bg); color: var(--info); }
.badge.rejected, .badge.warning, .badge.warn { background: var(--warn-bg); color: var(--warn); }
.badge.failed, .badge.error, .badge.fail { background: var(--bad-bg); color: var(--bad); }
.badge.reverted, .badge.quiet, .badge.running { background: var(--quiet-bg); color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
details { margin: 0 0 12px; }
summary { cursor: pointer; font-weight: 600; padding: 4px 0; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
.muted { color: var(--muted); }
.nowrap { white-space: nowrap; }
.chart { display: block; width: 100%; height: auto; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 4px 0 12px; padding: 0; list-style: none; font-size: .9rem; }
.sw-actual { background: var(--actual); } .sw-committed { background: var(--committed); } .sw-reserved { background: var(--reserved); } .sw-available { background: var(--available); border: 1px solid var(--brand); } .sw-over { background: var(--over); } .sw-refused { background: #e0a100; }
.legend span { display: inline-block; width: 12px; height: 12px; border-radius: 3px; margin-right: 6px; vertical-align: -1px; }
.dept { margin-bottom: 22px; }
.dept-head { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 4px 16px; align-items: baseline; }
.dept-head h3 { margin: 0; }
.sign-in { max-width: 460px; margin: 40px auto; }
.pill-list { display: flex; flex-wrap: wrap; gap: 6px; padding: 0; margin: 0; list-style: none; }
.pill-list li { background: var(--quiet-bg); border-radius: 999px; padding: 1px 10px; font-size: .85rem; }
.stale { outline: 2px solid var(--focus); }
.fields.values { align-items: flex-start; }
.fields.values .field { flex: 1 1 260px; }
.field-error { color: var(--bad); font-weight: 600; margin: 4px 0 0; }
input[aria-invalid="true"] { border-color: var(--bad); box-shadow: 0 0 0 1px var(--bad); }
.field .hint .badge { margin-right: 4px; }
.vh { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
@media (max-width: 640px) {
  .top-inner { padding: 8px 12px; gap: 6px 10px; }
  .top nav { order: 4; flex-basis: 100%; }
  .top nav a { padding: 5px 8px; }
  main { padding: 16px 12px; }
  h1 { font-size: 1.35rem; }
  .card { padding: 14px; }
  th, td { padding: 7px 8px; }
  .fields .field, .fields .field.narrow { flex: 1 1 100%; }
  select { width: 100%; }
  .grid { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 8px; }
  .figure { padding: 10px 12px; }
  .figure .value { font-size: 1.35rem; }
  /* Wide tables of text become one block per row, each cell with its column's name. */
  table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.stack, table.stack tbody, table.stack tr, table.stack td, table.stack tbody th { display: block; width: 100%; }
  table.stack tr { border-bottom: 1px solid var(--line); padding: 8px 0; }
  table.stack tbody tr:last-child { border-bottom: 0; }
  table.stack td, table.stack tbody th { border: 0; padding: 2px 12px; text-align: left; white-space: normal; }
  table.stack td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; color: var(--muted); }
  table.stack td.wide[data-label]::before { display: block; }
  table.stack td.inl { display: inline-block; width: auto; padding-right: 4px; }
  table.stack caption { display: block; }
  table.stack select { margin-top: 4px; }
  .top-inner .brand { order: 1; }
  .top-inner form { order: 2; margin-left: auto; }
  .top-inner .org { order: 3; flex-basis: 100%; }
  .top-inner form.org-switch { order: 3; margin-left: 0; }
  dl.facts { grid-template-columns: 1fr; gap: 0; }
  dl.facts dd { margin-bottom: 8px; }
}
@media (prefers-reduced-motion: no-preference) { .drop { transition: background .15s, border-color .15s; } }
`;

export const CONSOLE_JS = `
(function () {
  'use strict';
  // Drag and drop onto the upload zone: the dropped file becomes the file field's value and the form is sent.
  document.querySelectorAll('[data-drop]').forEach(function (zone) {
    var input = zone.querySelector('input[type=file]');
    var form = zone.closest('form');
    var chosen = zone.querySelector('.chosen');
    if (!input || !form) return;
    var show = function () { if (chosen) chosen.textContent = input.files && input.files[0] ? 'Selected: ' + input.files[0].name : ''; };
    input.addEventListener('change', show);
    ['dragenter', 'dragover'].forEach(function (t) {
      zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add('dragover'); });
    });
    ['dragleave', 'dragend'].forEach(function (t) {
      zone.addEventListener(t, function () { zone.classList.remove('dragover'); });
    });
    zone.addEventListener('drop', function (e) {
      e.preventDefault();
      zone.classList.remove('dragover');
      if (!e.dataTransfer || e.dataTransfer.files.length === 0) return;
      input.files = e.dataTransfer.files;
      show();
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    });
  });
  // Forms that do something hard to undo ask first.
  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (e) {
      if (!window.confirm(form.getAttribute('data-confirm'))) e.preventDefault();
    });
  });
  // A changed mapping or value makes the preview stale: say so next to the button of its section that refreshes it.
  document.querySelectorAll('[data-stale-scope]').forEach(function (scope) {
    var mark = function () {
      scope.querySelectorAll('[data-refresh]').forEach(function (b) { b.classList.add('stale'); });
      scope.querySelectorAll('[data-stale-note]').forEach(function (n) { n.hidden = false; });
    };
    scope.querySelectorAll('select, input[type=text]').forEach(function (field) {
      field.addEventListener('change', mark);
      field.addEventListener('input', mark);
    });
  });
  // Buttons show that a long request is under way (analysing a big file takes a moment).
  document.querySelectorAll('form[data-busy]').forEach(function (form) {
    form.addEventListener('submit', function (e) {
      var button = e.submitter || form.querySelector('button[type=submit]');
      if (button && !e.defaultPrevented) { button.setAttribute('aria-busy', 'true'); button.dataset.label = button.textContent; button.textContent = form.getAttribute('data-busy'); }
    });
  });
})();
`;
