/**
 * The budget-sync command line: one program, several commands. Each command returns its exit code;
 * nothing here calls process.exit, so the commands are testable in-process.
 */
import { Command, CommanderError } from 'commander';
import { analyzeCommand } from './commands/analyze.ts';

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('budget-sync')
    .description('Budget Sync: get departmental budgets from spreadsheets into Postgres, and check budget in real time.')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
    .showHelpAfterError();

  program
    .command('analyze')
    .description('Analyze a budget file (xlsx, xls, csv, tsv) without touching any database.')
    .argument('<file>', 'the spreadsheet or CSV file')
    .option('--sheet <name>', 'analyze this sheet instead of letting Budget Sync choose')
    .option('--fiscal-year-start <month>', 'month (1-12) your fiscal year starts in', '1')
    .option('--currency <code>', 'currency when the file names none', 'USD')
    .option('--json', 'print exactly one JSON document')
    .action(async (file: string, opts: { sheet?: string; fiscalYearStart: string; currency: string; json?: boolean }) => {
      exitCode = await analyzeCommand(file, opts);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with code 0.
      return e.exitCode === 0 ? 0 : 2;
    }
    throw e;
  }
  return exitCode;
}
