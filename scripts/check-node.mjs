// The project's own install steps (package.json preinstall / postinstall). Never fails an install.
// - before: says at once what is happening, and warns when the Node on PATH is older than the one Budget
//   Sync runs on — native add-ons (ssh2's crypto) would be built for it and fail to load under Node 22;
// - after (--installed): records which Node's add-ons are installed, so that scripts/ensure-deps.sh
//   rebuilds them when another Node runs Budget Sync.
import { existsSync, writeFileSync } from 'node:fs';

if (process.argv.includes('--installed')) {
  if (existsSync('node_modules')) writeFileSync('node_modules/.budget-sync-node-abi', `${process.versions.modules}\n`);
} else {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) {
    process.stderr.write(
      `budget-sync: this install runs on Node ${process.version}, but Budget Sync runs on Node 22: native add-ons built now will be ` +
        'rebuilt at the first start. Next time run `npm start` (it installs Node 22 and the dependencies with it).\n',
    );
  }
  process.stderr.write('budget-sync: installing the dependencies (about a minute the first time)…\n');
}
