/**
 * `npm run bench [-- --json] [--only NAME]`: measured speed, each figure next to a baseline timed in
 * the same run (figures on a shared 2-core machine are noisy; ratios are what to compare).
 * With --json, prints exactly one JSON array of {name, value, unit, baseline?, ratio?} on stdout.
 */
import { parseArgs } from 'node:util';
import { analyzeSuite } from './suites/analyze.ts';
import { checkSuite } from './suites/check.ts';
import { importSuite } from './suites/import.ts';
import { ingestSuite } from './suites/ingest.ts';
import type { Metric, Suite } from './suites/types.ts';

const suites: Record<string, Suite> = { analyze: analyzeSuite, import: importSuite, check: checkSuite, ingest: ingestSuite };

const { values } = parseArgs({ options: { json: { type: 'boolean' }, only: { type: 'string', multiple: true } } });
const only = values.only ?? Object.keys(suites);
const unknown = only.filter((n) => !(n in suites));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown suite ${unknown.join(', ')}; known: ${Object.keys(suites).join(', ')}\n`);
  process.exit(2);
}
const log = (s: string) => process.stderr.write(`${s}\n`);
const metrics: Metric[] = [];
for (const name of only) {
  log(`bench: ${name}…`);
  const suite = suites[name] as Suite;
  metrics.push(...(await suite(log)));
}
if (values.json) process.stdout.write(`${JSON.stringify(metrics, null, 2)}\n`);
else {
  for (const m of metrics) {
    const base =
      m.baseline !== undefined
        ? `  (baseline ${m.baseline} ${m.unit}${m.ratio !== undefined ? `, ratio ${m.ratio}` : ''})`
        : m.ratio !== undefined
          ? `  (ratio ${m.ratio})`
          : '';
    process.stdout.write(`${m.name.padEnd(32)} ${String(m.value).padStart(12)} ${m.unit}${base}\n`);
  }
}
