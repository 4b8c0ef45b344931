/**
 * The errors page: failed calls, failed and incomplete runs (each linked to its step), and the
 * input lines that were skipped. Error texts are cut here; the run page shows them whole.
 */
import type { Summary } from '../../aggregate/summary-types.js';
import { formatCount } from '../../format/money.js';
import type { LlmCall, Run, SkippedLine, StepNode } from '../../model/types.js';
import type { CallRef, RunFacts, RunSource } from './site-facts.js';
import { countCell, statusCell, textCell, utcCell, type Cell, type TableModel } from './cells.js';
import type { Linker } from './links.js';
import { renderTemplate } from './templates.js';
import { callTime } from './site-facts.js';
import { plural } from './plural.js';

export const ERROR_LIST_LIMIT = 1000;
export const ERROR_TEXT_LIMIT = 200;

export function shortError(text: string | null): string {
  if (text === null || text === '') return '—';
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > ERROR_TEXT_LIMIT ? `${one.slice(0, ERROR_TEXT_LIMIT - 1)}…` : one;
}

/** The first error text of a run: a failed call's, else a failed agent step's or event's. */
export function firstError(run: Run): { text: string; step: number | null } | null {
  const call = run.calls.find((c) => c.status === 'failed' && c.error);
  if (call) return { text: call.error!, step: call.index };
  const walk = (nodes: readonly StepNode[]): string | null => {
    for (const n of nodes) {
      if (n.kind === 'agent') {
        if (n.error) return n.error;
        const inner = walk(n.children);
        if (inner) return inner;
      } else if (n.kind === 'event' && n.eventType.includes('error') && n.detail) return n.detail;
    }
    return null;
  };
  const text = walk(run.children);
  return text === null ? null : { text, step: run.calls.find((c) => c.status === 'failed')?.index ?? null };
}

function csvLink(link: Linker, name: 'runs.csv' | 'calls.csv', label: string): TableModel['links'] {
  const href = link.data(name);
  return href ? [{ href, label }] : [];
}

function limited(caption: string, shown: number, total: number): string {
  return total > shown ? `${caption}, the first ${formatCount(shown)} of ${formatCount(total)}` : caption;
}

/**
 * What the errors page lists in detail, found in the runs newest first (the page's order): the
 * first failed calls, and what the first failed and incomplete runs show. Only the runs listed
 * are read again from the source.
 */
export interface ErrorDetails {
  failedCalls: { total: number; first: CallRef[] };
  /** The first error of each failed run listed (firstError). */
  firstError: Map<string, { text: string; step: number | null } | null>;
  /** The first unfinished call of each incomplete run listed. */
  firstOpen: Map<string, LlmCall | null>;
}

export function errorDetails(newest: readonly RunFacts[], source: RunSource): ErrorDetails {
  const first: CallRef[] = [];
  const firstErrorOf = new Map<string, { text: string; step: number | null } | null>();
  const firstOpen = new Map<string, LlmCall | null>();
  let total = 0;
  let failedRuns = 0;
  let incompleteRuns = 0;
  for (const f of newest) {
    total += f.totals.failedCalls;
    const wantCalls = f.totals.failedCalls > 0 && first.length < ERROR_LIST_LIMIT;
    const failed = f.status === 'failed' && failedRuns++ < ERROR_LIST_LIMIT;
    const incomplete = f.status === 'incomplete' && incompleteRuns++ < ERROR_LIST_LIMIT;
    if (!wantCalls && !failed && !incomplete) continue;
    const run = source.run(f.at, false);
    if (wantCalls) {
      for (const c of run.calls) {
        if (c.status !== 'failed') continue;
        if (first.length >= ERROR_LIST_LIMIT) break;
        first.push({ runId: run.id, call: c });
      }
    }
    if (failed) firstErrorOf.set(f.id, firstError(run));
    if (incomplete) firstOpen.set(f.id, run.calls.find((c) => c.status === 'incomplete') ?? null);
  }
  return { failedCalls: { total, first }, firstError: firstErrorOf, firstOpen };
}

export function failedCallsTable(failed: ErrorDetails['failedCalls'], link: Linker): TableModel {
  const rows = failed.first.map(({ runId, call }) => failedCallRow(runId, call, link));
  return {
    id: 'failed-calls',
    caption: limited('Failed calls', rows.length, failed.total),
    columns: [{ label: 'Run' }, { label: 'Step', num: true }, { label: 'Agent' }, { label: 'Model' }, { label: 'Error' }, { label: 'Time (UTC)', num: true }],
    rows,
    links: csvLink(link, 'calls.csv', 'calls.csv, status failed'),
    empty: 'No call failed.',
  };
}

function failedCallRow(runId: string, c: LlmCall, link: Linker): Cell[] {
  return [
    { text: runId, href: link.run(runId), code: true, cls: 'id' },
    { text: `#${c.index}`, href: link.run(runId, c.index), num: true },
    textCell(c.agent),
    textCell(c.model, { code: c.model !== null }),
    textCell(shortError(c.error), { cls: 'wrap' }),
    utcCell(callTime(c)),
  ];
}

export function runsTable(runs: readonly RunFacts[], status: 'failed' | 'incomplete', details: ErrorDetails, link: Linker): TableModel {
  const matching = runs.filter((r) => r.status === status);
  const shown = matching.slice(0, ERROR_LIST_LIMIT);
  return {
    id: `${status}-runs`,
    caption: limited(status === 'failed' ? 'Failed runs' : 'Incomplete runs (still open when the trace ends, or with unfinished calls)', shown.length, matching.length),
    columns: [
      { label: 'Run' }, { label: 'Workflow' }, { label: 'Status' }, { label: status === 'failed' ? 'Failed calls' : 'Incomplete calls', num: true },
      { label: status === 'failed' ? 'First error' : 'First unfinished step' }, { label: 'Start (UTC)', num: true },
    ],
    rows: shown.map((r) => {
      let detail: Cell;
      if (status === 'failed') {
        const err = details.firstError.get(r.id) ?? null;
        detail = err
          ? textCell(shortError(err.text), { cls: 'wrap', href: err.step === null ? undefined : link.run(r.id, err.step) })
          : textCell(r.statusText ? `status "${r.statusText}"` : '—', { cls: 'wrap' });
      } else {
        const open = details.firstOpen.get(r.id) ?? null;
        detail = open ? textCell(`#${open.index} ${open.agent ?? ''}`.trim(), { href: link.run(r.id, open.index) }) : textCell('the run has no end');
      }
      return [
        { text: r.id, href: link.run(r.id), code: true, head: true, cls: 'id' },
        textCell(r.workflow),
        statusCell(r.status, r.statusText),
        countCell(status === 'failed' ? r.totals.failedCalls : r.totals.incompleteCalls),
        detail,
        utcCell(r.start),
      ];
    }),
    links: csvLink(link, 'runs.csv', `runs.csv, status ${status}`),
    empty: status === 'failed' ? 'No run failed.' : 'Every run finished.',
  };
}

export function skippedTable(skipped: readonly SkippedLine[], total: number): TableModel {
  return {
    id: 'skipped',
    caption: limited('Skipped input lines', skipped.length, total),
    columns: [{ label: 'File' }, { label: 'Line', num: true }, { label: 'Reason' }],
    rows: skipped.map((l) => [{ text: l.file, code: true, cls: 'wrap' }, countCell(l.line), textCell(l.reason, { cls: 'wrap' })]),
    links: [],
    empty: 'Every line was read.',
  };
}

export function errorsBody(s: Summary, runs: readonly RunFacts[], details: ErrorDetails, skipped: readonly SkippedLine[], link: Linker): string {
  return renderTemplate('errors', {
    cards: [
      { label: 'Failed calls', text: formatCount(s.failedSteps), value: s.failedSteps, cls: s.failedSteps > 0 ? 'status-failed' : undefined, sub: `of ${plural(s.steps, 'call')}` },
      { label: 'Incomplete calls', text: formatCount(s.incompleteSteps), value: s.incompleteSteps },
      { label: 'Failed runs', text: formatCount(s.failedRuns), value: s.failedRuns, cls: s.failedRuns > 0 ? 'status-failed' : undefined, sub: `of ${plural(s.runs, 'run')}` },
      { label: 'Incomplete runs', text: formatCount(s.incompleteRuns), value: s.incompleteRuns },
      { label: 'Skipped lines', text: formatCount(s.skippedLines), value: s.skippedLines },
    ],
    failedCalls: failedCallsTable(details.failedCalls, link),
    failedRuns: runsTable(runs, 'failed', details, link),
    incompleteRuns: runsTable(runs, 'incomplete', details, link),
    skipped: skippedTable(skipped, s.skippedLines),
  });
}
