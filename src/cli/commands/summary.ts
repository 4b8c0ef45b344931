import type { Command } from 'commander';
import { StrictModeError } from '../../errors.js';
import { formatSummaryOf } from '../../format/terminal-summary.js';
import { summariseTraces } from '../../read/summarise-traces.js';
import { addCommonOptions, addWorkersOption, priceTableFor, reportSkipped, useColour, warnIfEmpty, type CommonOptions } from '../options.js';

interface SummaryOptions extends CommonOptions {
  json?: boolean;
  workers?: number;
  runs?: string;
}

export function addSummaryCommand(program: Command): void {
  const cmd = program
    .command('summary')
    .description('print a dashboard of runs, costs and latency for trace files')
    .argument('<inputs...>', 'trace files, folders, glob patterns, or - for standard input')
    .option('--json', 'print the summary object (schemaVersion 1) as JSON')
    .option('--runs <n>', 'how many of the latest runs to show as trees', '5');
  addWorkersOption(cmd);
  addCommonOptions(cmd).addHelpText(
    'after',
    `
Examples:
  $ trace-report summary traces/production_runs.jsonl
  $ trace-report summary traces/ --json > summary.json
  $ zcat old.jsonl.gz | trace-report summary - --prices my-prices.json`,
  );
  cmd.action(async (inputs: string[], opts: SummaryOptions) => {
    const runsOption = Number(opts.runs);
    const latestRuns = opts.json ? 0 : Number.isInteger(runsOption) && runsOption >= 0 ? runsOption : 5;
    const loaded = await summariseTraces(inputs, { prices: await priceTableFor(opts), latestRuns, workers: opts.workers });
    const summary = loaded.summary;
    if (!opts.quiet) reportSkipped(loaded.skipped, loaded.skippedLines, (s) => process.stderr.write(s));
    warnIfEmpty(loaded.spans, loaded.skippedLines, (s) => process.stderr.write(s));
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    } else {
      const colour = useColour(process.stdout);
      const width = process.stdout.columns;
      process.stdout.write(
        formatSummaryOf(summary, loaded.latest, { colour, width, latestRuns }),
      );
    }
    if (opts.strict && loaded.skippedLines > 0) throw new StrictModeError(loaded.skippedLines);
  });
}
