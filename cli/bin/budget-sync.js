#!/usr/bin/env node
// Entry for `npx budget-sync`. The CLI is TypeScript run by Node's built-in type stripping (Node >= 22.18).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`budget-sync needs Node 22.18 or newer (this is ${process.version}). Run: . scripts/node22.sh\n`);
  process.exit(2);
}
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'ExperimentalWarning') process.stderr.write(`${w.name}: ${w.message}\n`);
});
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
