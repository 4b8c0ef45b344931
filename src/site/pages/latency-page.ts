/**
 * The latency page: p50/p95/p99 per model and per agent, the histogram of call durations, how
 * many calls pass common thresholds (Studio's `min_duration_ms`), the slowest calls and runs.
 */
import type { Summary } from '../../aggregate/summary-types.js';
import { latencyBins } from '../../charts/specs.js';
import { formatCount, formatDuration } from '../../format/money.js';
import { chartBlock, type ChartSet } from './charts.js';
import {
  callCostCell, countCell, durationCell, percentCell, statusCell, textCell, tokensCell, type Cell, type TableModel,
} from './cells.js';
import { runRefTable } from './cost-page.js';
import { summaryLink } from './cost-tables.js';
import type { Linker } from './links.js';
import { renderTemplate } from './templates.js';
import { plural } from './plural.js';
import { SLOWEST_CALLS, THRESHOLDS_MS, type CallRef, type SiteFacts } from './site-facts.js';
import type { DurationHistogram } from '../../charts/duration-histogram.js';


function percentileCells(r: { p50Ms: number | null; p95Ms: number | null; p99Ms: number | null }): Cell[] {
  return [durationCell(r.p50Ms), durationCell(r.p95Ms), durationCell(r.p99Ms)];
}

const P_COLUMNS = [{ label: 'p50', num: true }, { label: 'p95', num: true }, { label: 'p99', num: true }];

export function modelLatencyTable(s: Summary, link: Linker): TableModel {
  return {
    caption: 'Call latency by model',
    columns: [{ label: 'Model' }, { label: 'Calls', num: true }, { label: 'Failed', num: true }, ...P_COLUMNS],
    rows: s.byModel.map((m) => [{ text: m.model, head: true, code: true }, countCell(m.calls), countCell(m.failed), ...percentileCells(m)]),
    foot: [{ text: 'All calls', head: true }, countCell(s.steps), countCell(s.failedSteps), ...percentileCells(s.latency)],
    links: summaryLink(link, 'byModel'),
    empty: 'No LLM calls.',
  };
}

export function agentLatencyTable(s: Summary, link: Linker): TableModel {
  return {
    caption: 'Call latency by agent',
    columns: [{ label: 'Agent' }, { label: 'Calls', num: true }, { label: 'Failed', num: true }, ...P_COLUMNS],
    rows: s.byAgent.map((a) => [{ text: a.agent, head: true }, countCell(a.calls), countCell(a.failed), ...percentileCells(a)]),
    links: summaryLink(link, 'byAgent'),
    empty: 'No LLM calls.',
  };
}

export function histogramTable(durations: DurationHistogram, link: Linker): TableModel {
  const bins = latencyBins(durations);
  const csv = link.data('calls.csv');
  return {
    caption: 'Call durations',
    columns: [{ label: 'Duration' }, { label: 'Calls', num: true }, { label: 'Share', num: true }],
    rows: bins.map((b) => [{ text: b.label, head: true, value: `${b.fromMs}-${b.toMs}` }, countCell(b.calls), percentCell(b.calls, durations.count)]),
    links: csv ? [{ href: csv, label: 'calls.csv duration_ms' }] : [],
    empty: 'No call has a duration.',
  };
}

export function thresholdTable(durations: DurationHistogram, link: Linker): TableModel {
  const csv = link.data('calls.csv');
  return {
    caption: 'Calls at or above a duration',
    columns: [{ label: 'At least' }, { label: 'Calls', num: true }, { label: 'Share of timed calls', num: true }],
    rows: THRESHOLDS_MS.map((t) => {
      const n = durations.atLeast(t);
      return [{ text: formatDuration(t), head: true, value: t }, countCell(n), percentCell(n, durations.count)];
    }),
    links: csv ? [{ href: csv, label: 'calls.csv duration_ms' }] : [],
  };
}

export function slowestCallsTable(slowest: readonly CallRef[], link: Linker, priceTable: string): TableModel {
  const csv = link.data('calls.csv');
  return {
    caption: `Slowest ${formatCount(SLOWEST_CALLS)} calls`,
    columns: [
      { label: 'Duration', num: true }, { label: 'Run' }, { label: 'Step', num: true }, { label: 'Agent' }, { label: 'Model' },
      { label: 'Tokens', num: true }, { label: 'Cost (USD)', num: true }, { label: 'Status' },
    ],
    rows: slowest.map(({ runId, call }) => [
      durationCell(call.durationMs),
      { text: runId, href: link.run(runId), code: true, cls: 'id' },
      { text: `#${call.index}`, href: link.run(runId, call.index), num: true },
      textCell(call.agent),
      textCell(call.model, { code: call.model !== null }),
      tokensCell(call.inputTokens, call.outputTokens, call.totalTokens),
      callCostCell(call, priceTable),
      statusCell(call.status),
    ]),
    links: csv ? [{ href: csv, label: 'calls.csv' }] : [],
    empty: 'No call has a duration.',
  };
}

export function latencyBody(s: Summary, facts: SiteFacts, charts: ChartSet, link: Linker): string {
  const { durations } = facts;
  return renderTemplate('latency', {
    s,
    cards: [
      { label: 'p50 per call', text: formatDuration(s.latency.p50Ms), value: s.latency.p50Ms },
      { label: 'p95 per call', text: formatDuration(s.latency.p95Ms), value: s.latency.p95Ms },
      { label: 'p99 per call', text: formatDuration(s.latency.p99Ms), value: s.latency.p99Ms },
      { label: 'Calls with a duration', text: formatCount(durations.count), value: durations.count, sub: `of ${plural(s.steps, 'call')}` },
    ],
    blocks: [
      chartBlock(charts, 'lat-model', 'By model', modelLatencyTable(s, link)),
      chartBlock(charts, 'lat-agent', 'By agent', agentLatencyTable(s, link)),
      chartBlock(charts, 'lat-hist', 'Histogram', histogramTable(durations, link)),
    ],
    thresholds: thresholdTable(durations, link),
    slowest: slowestCallsTable(facts.slowest, link, s.cost.priceTable),
    slowestRuns: runRefTable('Slowest runs', s.slowestRuns, facts.runs, link, 'slowestRuns'),
  });
}
