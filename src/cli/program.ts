import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { addBuildCommand } from './commands/build.js';
import { addQueryCommand } from './commands/query.js';
import { addSummaryCommand } from './commands/summary.js';
import { EXIT_OK, EXIT_USAGE, exitCodeFor, messageFor } from './exit.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** The CLI only parses argv and calls the library; errors become exit codes in exit.ts. */
export function createProgram(): Command {
  const program = new Command('trace-report')
    .description('Reports on LLM agent traces: a static site, a terminal summary, and queries.')
    .version(pkg.version)
    .exitOverride();
  addBuildCommand(program);
  addSummaryCommand(program);
  addQueryCommand(program);
  program.addHelpText(
    'after',
    `
Examples:
  $ trace-report build traces/ -o site/
  $ trace-report summary traces/production_runs.jsonl
  $ trace-report query traces/ --agent billing_agent --min-duration-ms 2000`,
  );
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed its message already; help and version are not errors.
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    process.stderr.write(`${messageFor(err)}\n`);
    return exitCodeFor(err);
  }
}
