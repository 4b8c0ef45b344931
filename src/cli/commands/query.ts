import { Option, type Command } from 'commander';
import { StrictModeError } from '../../errors.js';
import type { Span } from '../../model/types.js';
import { SpanDataWriter, spanOutputChunks, type SpanFormat } from '../../format/span-output.js';
import { loadTraces } from '../../read/load.js';
import { addCommonOptions, priceTableFor, reportSkipped, useColour, type CommonOptions } from '../options.js';
import { PieceWriter } from '../piece-writer.js';

interface QueryOptions extends CommonOptions {
  eventType?: string;
  agent?: string;
  model?: string;
  workflow?: string;
  run?: string;
  minDurationMs?: string;
  maxDurationMs?: string;
  since?: string;
  until?: string;
  status?: string;
  format: SpanFormat;
  limit?: string;
}

export function addQueryCommand(program: Command): void {
  const cmd = program
    .command('query')
    .description('print the spans (event lines) that match every filter given')
    .argument('<inputs...>', 'trace files, folders, glob patterns, or - for standard input')
    .option('--event-type <type>', 'event type, e.g. llm_call_end')
    .option('--agent <name>', 'agent name')
    .option('--model <id>', 'model, as written or normalised (claude-sonnet-4 matches claude-sonnet-4-20250514)')
    .option('--workflow <name>', 'workflow (or pattern when the run names no workflow)')
    .option('--run <id>', 'run id')
    .option('--min-duration-ms <ms>', 'only spans that took at least this long')
    .option('--max-duration-ms <ms>', 'only spans that took at most this long')
    .option('--since <time>', 'only spans at or after this time (ISO-8601 or epoch seconds; no zone = UTC)')
    .option('--until <time>', 'only spans at or before this time (a date alone: to the end of that UTC day)')
    .option('--status <status>', 'ok or failed')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'jsonl', 'csv']).default('table'));
  addCommonOptions(cmd).addHelpText(
    'after',
    `
Examples:
  $ trace-report query traces/ --event-type llm_call_end --min-duration-ms 2000
  $ trace-report query traces/ --agent billing_agent --format csv > billing.csv
  $ trace-report query traces/ --status failed --since 2026-01-05 --format jsonl`,
  );
  cmd.action(async (inputs: string[], opts: QueryOptions) => {
    // Loaded here, not with the program: its schema library is start-up time the other commands need not pay.
    const { parseSpanFilter, spanMatcher } = await import('../../query/filter.js');
    const filter = parseSpanFilter({
      eventType: opts.eventType,
      agentName: opts.agent,
      model: opts.model,
      workflow: opts.workflow,
      runId: opts.run,
      minDurationMs: opts.minDurationMs,
      maxDurationMs: opts.maxDurationMs,
      since: opts.since,
      until: opts.until,
      status: opts.status,
    });
    const match = spanMatcher(filter);
    const out = new PieceWriter(process.stdout);
    // The data formats are written as the spans are found; the table, whose columns fit the
    // widest cell, once they all are.
    const data = opts.format === 'table' ? null : new SpanDataWriter(opts.format);
    const spans: Span[] = [];
    if (data) out.write(data.head());
    const loaded = await loadTraces(inputs, {
      prices: await priceTableFor(opts),
      keepText: false,
      keepRuns: false,
      spanFilter: match,
      // The table and CSV show no original fields: their lines need not be parsed for them.
      spanFields: opts.format === 'json' || opts.format === 'jsonl',
      onSpan: (s) => {
        if (data) out.write(data.span(s));
        else spans.push(s);
      },
    });
    if (data) out.write(data.tail());
    else for (const piece of spanOutputChunks(spans, 'table', { colour: useColour(process.stdout), width: process.stdout.columns })) out.write(piece);
    out.flush();
    if (!opts.quiet) reportSkipped(loaded.skipped, loaded.skippedLines, (s) => process.stderr.write(s));
    if (opts.strict && loaded.skippedLines > 0) throw new StrictModeError(loaded.skippedLines);
  });
}
