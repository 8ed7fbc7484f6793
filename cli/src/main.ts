/**
 * The budget-sync command line: one program, several commands. Each command returns its exit code;
 * nothing here calls process.exit, so the commands are testable in-process.
 */
import type { ImportFlags } from './commands/import.ts';
import type { SourcesAddFlags } from './commands/sources.ts';
import type { UsersAddFlags } from './commands/users.ts';
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { analyzeCommand } from './commands/analyze.ts';

// The database commands are loaded when run: the database layer takes about a second to load, which
// `analyze` and `--help` should not pay.
const migrateCommands = () => import('./commands/migrate.ts');
const orgCommands = () => import('./commands/orgs.ts');
const keyCommands = () => import('./commands/keys.ts');
const userCommands = () => import('./commands/users.ts');
const importCommands = () => import('./commands/import.ts');
const historyCommands = () => import('./commands/imports.ts');
const sourceCommands = () => import('./commands/sources.ts');
const workerCommands = () => import('./commands/worker.ts');
const serveCommands = () => import('./commands/serve.ts');

/** The version of Budget Sync (the project's package.json; the CLI ships with the project). */
export const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const DATABASE_NOTE =
  'The database commands use the Postgres named by DATABASE_URL, else the embedded one under ./.budget-sync (or BUDGET_SYNC_DATA_DIR).';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const done = (code: number) => {
    exitCode = code;
  };
  const program = new Command('budget-sync')
    .description('Budget Sync: get departmental budgets from spreadsheets into Postgres, and check budget in real time.')
    .version(VERSION, '-V, --version', 'print the version of Budget Sync')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
    .showHelpAfterError()
    .addHelpText('after', `\n${DATABASE_NOTE}`);

  program
    .command('analyze')
    .description('Analyze a budget file (xlsx, xls, csv, tsv) without touching any database.')
    .argument('<file>', 'the spreadsheet or CSV file')
    .option('--sheet <name>', 'analyze this sheet instead of letting Budget Sync choose')
    .option('--fiscal-year-start <month>', 'month (1-12) your fiscal year starts in', '1')
    .option('--currency <code>', 'currency when the file names none', 'USD')
    .option(
      '--set <field=value>',
      'a value the file lacks: department, category, fiscal_year, currency or direction (repeatable), e.g. --set department=Marketing',
      collect,
      [],
    )
    .option('--json', 'print exactly one JSON document')
    .action(async (file: string, opts: { sheet?: string; fiscalYearStart: string; currency: string; set: string[]; json?: boolean }) => {
      exitCode = await analyzeCommand(file, opts);
    });

  program
    .command('migrate')
    .description('Apply pending database migrations.')
    .option('--json', 'print exactly one JSON document')
    .action(async (opts: { json?: boolean }) => done(await (await migrateCommands()).migrateCommand(opts)));

  const orgs = program.command('orgs').description('Organizations (tenants).');
  orgs
    .command('create')
    .description('Create an organization and its first admin API key (shown once).')
    .argument('<name>', 'the organization name')
    .option('--currency <code>', 'base currency (default USD)')
    .option('--fiscal-year-start <month>', 'month (1-12) the fiscal year starts in (default 1)')
    .option('--json', 'print exactly one JSON document')
    .action(async (name: string, opts: { currency?: string; fiscalYearStart?: string; json?: boolean }) =>
      done(await (await orgCommands()).orgsCreateCommand(name, opts)),
    );
  orgs
    .command('list')
    .description('List the organizations.')
    .option('--json', 'print exactly one JSON document')
    .action(async (opts: { json?: boolean }) => done(await (await orgCommands()).orgsListCommand(opts)));

  orgs
    .command('webhook')
    .description(
      "Set where the organization's events are posted (imports succeeded, rejected or failed; budget thresholds crossed), signed with HMAC-SHA256.",
    )
    .requiredOption('--org <id>', 'the organization id')
    .requiredOption('--url <url>', 'the https URL that receives the events')
    .option('--secret <secret>', 'the signing secret (default: keep the current one, or make one and show it once)')
    .option('--thresholds <list>', 'percentages of a budget line whose crossing is an event (default 80,100)')
    .option('--json', 'print exactly one JSON document')
    .action(async (opts: { org: string; url: string; secret?: string; thresholds?: string; json?: boolean }) =>
      done(await (await orgCommands()).orgsWebhookCommand(opts)),
    );

  const keys = program.command('keys').description('API keys of an organization.');
  keys
    .command('create')
    .description('Create an API key (shown once; only its hash is stored).')
    .requiredOption('--org <id>', 'the organization id')
    .requiredOption('--name <name>', 'what or who uses the key')
    .requiredOption(
      '--scopes <list>',
      'comma-separated: budget:read, budget:check, budget:reserve, imports:read, imports:write, sources:admin, admin',
    )
    .option('--json', 'print exactly one JSON document')
    .action(async (opts: { org: string; name: string; scopes: string; json?: boolean }) =>
      done(await (await keyCommands()).keysCreateCommand(opts)),
    );
  keys
    .command('list')
    .description('List the API keys of an organization (never the keys themselves).')
    .requiredOption('--org <id>', 'the organization id')
    .option('--json', 'print exactly one JSON document')
    .action(async (opts: { org: string; json?: boolean }) => done(await (await keyCommands()).keysListCommand(opts)));
  keys
    .command('revoke')
    .description('Revoke an API key, given its id or its display prefix.')
    .argument('<id-or-prefix>', 'the key id, or its prefix as `keys list` shows it')
    .requiredOption('--org <id>', 'the organization id')
    .option('--json', 'print exactly one JSON document')
    .action(async (idOrPrefix: string, opts: { org: string; json?: boolean }) =>
      done(await (await keyCommands()).keysRevokeCommand(idOrPrefix, opts)),
    );

  const users = program.command('users').description('People of an organization, with their role and departments.');
  users
    .command('add')
    .description('Add a person (or change their role) and print a one-time sign-in link for them (24 h).')
    .argument('<email>', "the person's email address")
    .requiredOption('--org <id>', 'the organization id')
    .requiredOption('--role <role>', 'viewer, editor, approver or admin')
    .option('--departments <list>', 'comma-separated departments the person is limited to (default: all)')
    .option('--name <name>', "the person's name")
    .option('--actor <name>', 'who is adding them, for the record (default: BUDGET_SYNC_ACTOR or the OS user)')
    .option('--json', 'print exactly one JSON document')
    .action(async (email: string, opts: UsersAddFlags) => done(await (await userCommands()).usersAddCommand(email, opts)));
  users
    .command('list')
    .description('List the people of an organization.')
    .requiredOption('--org <id>', 'the organization id')
    .option('--json', 'print exactly one JSON document')
    .action(async (opts: { org: string; json?: boolean }) => done(await (await userCommands()).usersListCommand(opts)));
  users
    .command('remove')
    .description('Remove a person from an organization; their sessions there end at once. The last admin stays.')
    .argument('<email>', "the person's email address")
    .requiredOption('--org <id>', 'the organization id')
    .option('--actor <name>', 'who is removing them, for the record (default: BUDGET_SYNC_ACTOR or the OS user)')
    .option('--json', 'print exactly one JSON document')
    .action(async (email: string, opts: { org: string; actor?: string; json?: boolean }) =>
      done(await (await userCommands()).usersRemoveCommand(email, opts)),
    );
  users
    .command('history')
    .description('Who added, changed (role, departments) or removed whom, newest first.')
    .requiredOption('--org <id>', 'the organization id')
    .option('--limit <n>', 'how many changes (default 50, at most 500)')
    .option('--json', 'print exactly one JSON document')
    .action(async (opts: { org: string; limit?: string; json?: boolean }) => done(await (await userCommands()).usersHistoryCommand(opts)));

  program
    .command('import')
    .description('Import a budget file into an organization: analyse it, show the diff, apply it in one transaction.')
    .argument('<file>', 'the spreadsheet or CSV file')
    .requiredOption('--org <id>', 'the organization id')
    .option(
      '--mode <mode>',
      'merge (add and update lines) or replace (also remove lines of the same years and departments the file lacks)',
      'merge',
    )
    .option('--dry-run', 'show what would change, write nothing')
    .option('--accept-warnings', 'import although the file has warnings')
    .option('--override-kind <reason>', 'import a file that does not look like a budget, saying why (recorded)')
    .option('--sheet <name>', 'import this sheet instead of letting Budget Sync choose')
    .option(
      '--map <header=field>',
      'map a column yourself, e.g. "Zorgl=amount", "Fonds=dimension:fund", "Side=direction" or "Comments=ignore" (repeatable; remembered for the org)',
      collect,
      [],
    )
    .option('--actor <name>', 'who is importing (default BUDGET_SYNC_ACTOR or your user name)')
    .option('--fiscal-year-start <month>', "month (1-12) the fiscal year starts in (default: the organization's)")
    .option('--currency <code>', "currency when the file names none (default: the organization's base currency)")
    .option(
      '--set <field=value>',
      'a value the file lacks: department, category, fiscal_year, currency or direction (repeatable), e.g. --set department=Marketing',
      collect,
      [],
    )
    .option('--json', 'print exactly one JSON document')
    .action(async (file: string, opts: ImportFlags) => done(await (await importCommands()).importCommand(file, opts)));

  const imports = program.command('imports').description('The import history: list, show, revert, download the original file.');
  imports
    .command('list')
    .description('List the imports of an organization, newest first.')
    .requiredOption('--org <id>', 'the organization id')
    .option('--limit <n>', 'at most this many (1-500, default 50)')
    .option('--json', 'print exactly one JSON document')
    .action(async (opts: { org: string; limit?: string; json?: boolean }) =>
      done(await (await historyCommands()).importsListCommand(opts)),
    );
  imports
    .command('show')
    .description('Show one import: status, who, when, file, counts, reason, issues, whether the original file is kept.')
    .argument('<id>', 'the import id')
    .option('--org <id>', 'the organization id (default: the one the import belongs to)')
    .option('--json', 'print exactly one JSON document')
    .action(async (id: string, opts: { org?: string; json?: boolean }) =>
      done(await (await historyCommands()).importsShowCommand(id, opts)),
    );
  imports
    .command('revert')
    .description(
      'Undo an import, unless its lines changed since or reverting would strand or overspend money reserved on them (then the lines in conflict are listed).',
    )
    .argument('<id>', 'the import id')
    .option('--org <id>', 'the organization id (default: the one the import belongs to)')
    .option('--actor <name>', 'who is reverting (default BUDGET_SYNC_ACTOR or your user name)')
    .option('--json', 'print exactly one JSON document')
    .action(async (id: string, opts: { org?: string; actor?: string; json?: boolean }) =>
      done(await (await historyCommands()).importsRevertCommand(id, opts)),
    );
  imports
    .command('download')
    .description('Write the original file of an import, while it is still kept.')
    .argument('<id>', 'the import id')
    .requiredOption('--out <file>', 'where to write it')
    .option('--force', 'overwrite --out if it exists')
    .option('--org <id>', 'the organization id (default: the one the import belongs to)')
    .option('--json', 'print exactly one JSON document')
    .action(async (id: string, opts: { org?: string; out: string; force?: boolean; json?: boolean }) =>
      done(await (await historyCommands()).importsDownloadCommand(id, opts)),
    );

  program
    .command('serve')
    .description(
      'Run the HTTP API (docs at /api/docs), the web console (at /) and the ingest worker; on an empty database, create a demo ' +
        'organization with a sample budget and an inbox folder, and print its admin key once.',
    )
    .option('--port <port>', 'port to listen on (0: any free port)', '8787')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--inbox <dir>', "the demo organization's inbox folder, watched for budget files", 'inbox')
    .option('--no-worker', 'run neither the ingest worker nor the inbox watch (API and console only)')
    .action(async (opts: { port: string; host: string; inbox: string; worker: boolean }) =>
      done(await (await serveCommands()).serveCommand(opts)),
    );

  const sources = program.command('sources').description('Data sources an organization syncs from: SFTP, S3, local folders.');
  sources
    .command('add')
    .description('Add a data source; credentials are encrypted with BUDGET_SYNC_SECRET_KEY and never shown again.')
    .requiredOption('--org <id>', 'the organization id')
    .requiredOption('--type <type>', 'sftp, s3 or folder')
    .option('--name <name>', 'a name to tell it apart')
    .option('--path <dir>', 'the folder (folder) or remote directory (sftp)')
    .option('--glob <glob>', 'which file names to take, e.g. "*.csv" (default: all)')
    .option('--mode <mode>', 'merge or replace (default merge)')
    .option('--host <host>', 'SFTP host')
    .option('--port <port>', 'SFTP port (default 22)')
    .option('--username <user>', 'SFTP user name')
    .option('--password <password>', 'SFTP password')
    .option('--private-key-file <file>', 'SFTP private key file')
    .option('--passphrase <passphrase>', 'passphrase of the private key')
    .option('--host-key-fingerprint <fp>', "the SFTP server's host key, SHA256:… (pinned)")
    .option('--bucket <bucket>', 'S3 bucket')
    .option('--prefix <prefix>', 'S3 key prefix (a folder)')
    .option('--region <region>', 'S3 region (default us-east-1)')
    .option('--endpoint <url>', 'S3-compatible endpoint URL')
    .option('--access-key-id <id>', 'S3 access key id')
    .option('--secret-access-key <secret>', 'S3 secret access key')
    .option('--schedule <cron>', 'when the worker syncs it, e.g. "*/15 * * * *"')
    .option('--timezone <tz>', 'time zone of the schedule (default UTC)')
    .option('--after-import <action>', 'leave, or move (to archive/ and rejected/)')
    .option('--stability-seconds <s>', 'how long a file must sit still before it is read (default 60)')
    .option('--accept-warnings', 'import files whose analysis has warnings')
    .option('--disabled', 'add it without scheduling it')
    .option('--json', 'print exactly one JSON document')
    .action(async (opts: SourcesAddFlags) => done(await (await sourceCommands()).sourcesAddCommand(opts)));
  sources
    .command('list')
    .description('List the data sources of an organization (never their credentials).')
    .requiredOption('--org <id>', 'the organization id')
    .option('--json', 'print exactly one JSON document')
    .action(async (opts: { org: string; json?: boolean }) => done(await (await sourceCommands()).sourcesListCommand(opts)));
  sources
    .command('test')
    .description('Connect to a source and list the files it would take.')
    .argument('<id>', 'the source id')
    .option('--json', 'print exactly one JSON document')
    .action(async (id: string, opts: { json?: boolean }) => done(await (await sourceCommands()).sourcesTestCommand(id, opts)));
  sources
    .command('remove')
    .description('Remove a source (its import history stays).')
    .argument('<id>', 'the source id')
    .option('--org <id>', 'the organization id')
    .option('--json', 'print exactly one JSON document')
    .action(async (id: string, opts: { org?: string; json?: boolean }) =>
      done(await (await sourceCommands()).sourcesRemoveCommand(id, opts)),
    );
  sources
    .command('sync')
    .description('Sync a source now: import its new and changed files.')
    .argument('<id>', 'the source id')
    .option('--json', 'print exactly one JSON document')
    .action(async (id: string, opts: { json?: boolean }) => done(await (await sourceCommands()).sourcesSyncCommand(id, opts)));

  program
    .command('worker')
    .description('Sync every enabled source on its schedule (pg-boss) until SIGINT or SIGTERM.')
    .option('--batch-size <n>', 'jobs taken per fetch (at least 10)')
    .action(async (opts: { batchSize?: string }) => done(await (await workerCommands()).workerCommand(opts)));

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with code 0.
      if (e.exitCode === 0) return 0;
      // A --json caller still gets its one JSON document (commander has written the message to stderr).
      if (argv.includes('--json') && e.code !== 'commander.help' && e.code !== 'commander.helpDisplayed') {
        process.stdout.write(`${JSON.stringify({ error: { code: 'usage', message: e.message.replace(/^error: /, '') } }, null, 2)}\n`);
      }
      return 2;
    }
    throw e;
  }
  return exitCode;
}
