/**
 * The site's data files: `summary.json` (the same object as `summary --json`), `runs.csv`,
 * `calls.csv` and `calls.jsonl`. The pages shorten long texts; these never do. Money is written
 * from integer pico-dollars as exact decimals, so a column sums to the summary's total exactly.
 */

import type { Summary } from '../aggregate/summary-types.js';
import { csvCell, type CsvValue } from '../format/csv.js';
import { picoToDecimal } from '../format/money.js';
import { CallRows, isoTime, type CallFiles } from './call-rows.js';
import type { RunFacts, RunSource } from './pages/site-facts.js';
import { rowFile, type RowEnds } from './write/row-file.js';
import type { SiteFile } from './write/site-file.js';
import type { PageNames } from './file-names.js';

export const RUNS_CSV_HEADER = [
  'run_id', 'page', 'workflow', 'pattern', 'status', 'status_text', 'start', 'end', 'duration_ms',
  'calls', 'failed_calls', 'input_tokens', 'output_tokens', 'cost_usd', 'reported_usd', 'estimated_usd',
  'unpriced_calls', 'files',
];

export const CALLS_CSV_HEADER = [
  'run_id', 'step', 'page', 'agent', 'provider', 'model', 'model_id', 'status', 'start', 'end',
  'duration_ms', 'input_tokens', 'output_tokens', 'total_tokens', 'cost_usd', 'cost_source',
  'unpriced_reason', 'error', 'file', 'line',
];

/** Several input files of one run share its `files` cell, joined by this. */
export const FILES_SEPARATOR = '; ';


/**
 * `runs`: the runs' facts in list order, and their source (the calls' rows read each run again,
 * with its prompts and responses). `stepParts`: the part of each call of the runs whose page
 * comes in parts (run-parts.ts), for the `page` column. `runRows`: where `runs.csv`'s rows end,
 * and which the previous build's file already holds (it is then begun with that file's bytes).
 */
export function dataExports(
  summary: Summary,
  runs: { facts: readonly RunFacts[]; source: RunSource },
  names: PageNames,
  stepParts: ReadonlyMap<string, Int32Array> = new Map(),
  opts: { calls?: boolean; runRows?: RowEnds } = {},
): SiteFile[] {
  const missing = (id: string): Error => new Error(`no page name for run ${JSON.stringify(id)}`);
  const pageOf = (id: string): string => {
    const page = names.get(id);
    if (page === undefined) throw missing(id);
    return page;
  };
  // Checked before any file is begun (a name is made only for a row that is written).
  for (const run of runs.facts) if (!names.has(run.id)) throw missing(run.id);
  // Each run's rows as they are written (writeNoFollow gathers them into writes of about a
  // megabyte): never one string for a whole export, nor every run at once.
  function* callPieces(head: string, file: keyof CallFiles): Generator<string> {
    if (head.length > 0) yield head;
    const rows = new CallRows();
    const files = { csv: file === 'csv', jsonl: file === 'jsonl' };
    for (const f of runs.facts) {
      if (f.totals.calls === 0) continue;
      const run = runs.source.run(f.at, true);
      yield rows.add(run, pageOf(run.id), stepParts.get(run.id), files)[file];
    }
  }
  const files: SiteFile[] = [
    { path: 'summary.json', content: `${JSON.stringify(summary, null, 2)}\n` },
    { path: 'runs.csv', content: rowFile(RUNS_CSV_HEAD, runs.facts.length, () => ({ row: (i) => runCsvRow(runs.facts[i]!, pageOf) }), opts.runRows) },
  ];
  if (opts.calls === false) return files;
  files.push(
    { path: 'calls.csv', content: { chunks: () => callPieces(CALLS_CSV_HEAD, 'csv') } },
    { path: 'calls.jsonl', content: { chunks: () => callPieces('', 'jsonl') } },
  );
  return files;
}

/** The exports of calls, when another thread writes them (`dataExports` with `calls: false`). */
export const CALL_EXPORTS = ['calls.csv', 'calls.jsonl'] as const;

export const CALLS_CSV_HEAD = csvRow(CALLS_CSV_HEADER);

/** `runs.csv`'s first line (ASCII: its length is its bytes). */
const RUNS_CSV_HEAD = csvRow(RUNS_CSV_HEADER);

function runCsvRow(run: RunFacts, pageOf: (id: string) => string): string {
  return csvRow(runRow(run, pageOf(run.id)));
}

function runRow(run: RunFacts, page: string): CsvValue[] {
  const t = run.totals;
  return [
    run.id, page, run.workflow, run.pattern, run.status, run.statusText, isoTime(run.start), isoTime(run.end), run.durationMs,
    t.calls, t.failedCalls, t.inputTokens, t.outputTokens, picoToDecimal(t.costPico), picoToDecimal(t.reportedPico),
    picoToDecimal(t.estimatedPico), t.unpricedCalls, run.files.join(FILES_SEPARATOR),
  ];
}

/** One RFC 4180 record (CRLF-terminated, as src/format/csv.ts writes them). */
function csvRow(cells: readonly CsvValue[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** Text gathered piece by piece: a string when it fits in one, else UTF-8 bytes. */
