/**
 * The site's data files: `summary.json` (the same object as `summary --json`), `runs.csv`,
 * `calls.csv` and `calls.jsonl`. The pages shorten long texts; these never do. Money is written
 * from integer pico-dollars as exact decimals, so a column sums to the summary's total exactly.
 */

import type { Summary } from '../aggregate/summary-types.js';
import { csvCell, type CsvValue } from '../format/csv.js';
import { formatIsoUtc } from '../format/money.js';
import type { LlmCall, Run } from '../model/types.js';
import { picoToUsd } from '../model/types.js';
import { stepPage } from './pages/links.js';
import type { RunFacts, RunSource } from './pages/site-facts.js';
import type { SiteFile } from './write/site-file.js';

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
 * comes in parts (run-parts.ts), for the `page` column.
 */
export function dataExports(
  summary: Summary,
  runs: { facts: readonly RunFacts[]; source: RunSource },
  names: ReadonlyMap<string, string>,
  stepParts: ReadonlyMap<string, Int32Array> = new Map(),
  opts: { calls?: boolean } = {},
): SiteFile[] {
  const pageOf = (id: string): string => {
    const page = names.get(id);
    if (page === undefined) throw new Error(`no page name for run ${JSON.stringify(id)}`);
    return page;
  };
  for (const run of runs.facts) pageOf(run.id);
  // Each run's rows as they are written (writeNoFollow gathers them into writes of about a
  // megabyte): never one string for a whole export, nor every run at once.
  function* callPieces(head: string, rows: (run: Run, page: string, parts: Int32Array | undefined) => string): Generator<string> {
    if (head.length > 0) yield head;
    for (const f of runs.facts) {
      if (f.totals.calls === 0) continue;
      const run = runs.source.run(f.at, true);
      yield rows(run, pageOf(run.id), stepParts.get(run.id));
    }
  }
  const files: SiteFile[] = [
    { path: 'summary.json', content: `${JSON.stringify(summary, null, 2)}\n` },
    {
      path: 'runs.csv',
      content: {
        *chunks() {
          yield csvRow(RUNS_CSV_HEADER);
          for (const run of runs.facts) yield csvRow(runRow(run, pageOf(run.id)));
        },
      },
    },
  ];
  if (opts.calls === false) return files;
  files.push(
    { path: 'calls.csv', content: { chunks: () => callPieces(CALLS_CSV_HEAD, callsCsvRows) } },
    { path: 'calls.jsonl', content: { chunks: () => callPieces('', callsJsonRows) } },
  );
  return files;
}

/** The exports of calls, when another thread writes them (`dataExports` with `calls: false`). */
export const CALL_EXPORTS = ['calls.csv', 'calls.jsonl'] as const;

export const CALLS_CSV_HEAD = csvRow(CALLS_CSV_HEADER);

/** A run's rows of `calls.csv`; `page`: its page, `parts`: the part of each call when it comes in parts. */
export function callsCsvRows(run: Run, page: string, parts: Int32Array | undefined): string {
  return run.calls.map((c) => csvRow(callRow(run, c, page, parts))).join('');
}

/** A run's lines of `calls.jsonl`. */
export function callsJsonRows(run: Run, page: string, parts: Int32Array | undefined): string {
  return run.calls.map((c) => `${JSON.stringify(callRecord(run, c, page, parts))}\n`).join('');
}

/**
 * Integer pico-dollars as an exact USD decimal: 4_200_000_000 → `0.0042`, 0 → `0`.
 * Digits are placed by hand, so there is no binary float noise and no exponent form.
 */
export function picoToDecimal(pico: number): string {
  const rounded = Math.round(pico);
  const sign = rounded < 0 ? '-' : '';
  const abs = Math.abs(rounded);
  // A safe integer's String() is its exact digits; beyond that, BigInt writes them.
  const digits = (Number.isSafeInteger(abs) ? String(abs) : BigInt(abs).toString()).padStart(13, '0');
  const whole = digits.slice(0, -12);
  const frac = digits.slice(-12).replace(/0+$/, '');
  return frac === '' ? `${sign}${whole}` : `${sign}${whole}.${frac}`;
}

function iso(ms: number | null): string | null {
  return ms === null || !Number.isFinite(ms) ? null : formatIsoUtc(Math.floor(ms));
}

/** in + out where the split is known, else the total the trace gave (as the run totals count it); null when neither. */
function totalTokens(c: LlmCall): number | null {
  if (c.inputTokens !== null || c.outputTokens !== null) return (c.inputTokens ?? 0) + (c.outputTokens ?? 0);
  return c.totalTokens;
}

/** The link to a call: its run's page, or the part of it that holds the call. */
function callPage(page: string, call: LlmCall, partOfCall: Int32Array | undefined): string {
  return `${stepPage(page, partOfCall, call.index)}#step-${call.index}`;
}

function runRow(run: RunFacts, page: string): CsvValue[] {
  const t = run.totals;
  return [
    run.id, page, run.workflow, run.pattern, run.status, run.statusText, iso(run.start), iso(run.end), run.durationMs,
    t.calls, t.failedCalls, t.inputTokens, t.outputTokens, picoToDecimal(t.costPico), picoToDecimal(t.reportedPico),
    picoToDecimal(t.estimatedPico), t.unpricedCalls, run.files.join(FILES_SEPARATOR),
  ];
}

function callRow(run: Run, c: LlmCall, page: string, partOfCall: Int32Array | undefined): CsvValue[] {
  return [
    run.id, c.index, callPage(page, c, partOfCall), c.agent, c.provider, c.model, c.modelId, c.status, iso(c.start), iso(c.end),
    c.durationMs, c.inputTokens, c.outputTokens, totalTokens(c), c.costPico === null ? null : picoToDecimal(c.costPico),
    c.costSource, c.unpricedReason, c.error, c.source.file, c.source.line,
  ];
}

function callRecord(run: Run, c: LlmCall, page: string, partOfCall: Int32Array | undefined) {
  return {
    run_id: run.id,
    step: c.index,
    page: callPage(page, c, partOfCall),
    agent: c.agent,
    provider: c.provider,
    model: c.model,
    model_id: c.modelId,
    status: c.status,
    start: iso(c.start),
    end: iso(c.end),
    duration_ms: c.durationMs,
    input_tokens: c.inputTokens,
    output_tokens: c.outputTokens,
    total_tokens: totalTokens(c),
    cost_usd: c.costPico === null ? null : picoToUsd(c.costPico),
    cost_pico: c.costPico,
    cost_source: c.costSource,
    unpriced_reason: c.unpricedReason,
    error: c.error,
    prompt: c.prompt,
    response: c.response,
    file: c.source.file,
    line: c.source.line,
  };
}

/** One RFC 4180 record (CRLF-terminated, as src/format/csv.ts writes them). */
function csvRow(cells: readonly CsvValue[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** Text gathered piece by piece: a string when it fits in one, else UTF-8 bytes. */
