/**
 * The cost pages: all time (cost.html) and the last 7 days of the traces (cost-7d.html), each by
 * model, workflow, agent and provider, daily spend by model, the most expensive runs and every
 * unpriced call. Each chart has a table of the same numbers beside it.
 */
import type { RunRef, Summary } from '../../aggregate/summary-types.js';
import { formatCount, formatUsd, formatUtcMinute } from '../../format/money.js';
import { plural } from './plural.js';
import type { RunStatus } from '../../model/types.js';
import { chartBlock, type ChartSet } from './charts.js';
import {
  countCell, durationCell, runCostCell, runDurationCell, statusCell, textCell, usdCell, utcCell, type Cell, type TableModel,
} from './cells.js';
import {
  agentTable, dailyTable, modelTable, providerTable, summaryLink, workflowTable,
} from './cost-tables.js';
import type { Linker, PageKey } from './links.js';
import { renderTemplate } from './templates.js';
import { callTime, type CostFacts, type RunFacts, type UnpricedCalls } from './site-facts.js';
import type { WindowSummary } from './window.js';

export interface CostScope {
  key: Extract<PageKey, 'cost' | 'cost-7d'>;
  summary: Summary;
  facts: CostFacts;
  /** Id prefix of this page's sections and charts (both pages share the single file). */
  prefix: string;
  window: WindowSummary | null;
}

/**
 * A table of summary run refs. Each run is looked up in `runs` (the runs the summary was made
 * from) so its cost shows its provenance as in the run list: `~`, `+N unpriced`, or `unpriced`.
 */
export function runRefTable(caption: string, refs: readonly RunRef[], runs: readonly RunFacts[], link: Linker, field: string): TableModel {
  const wanted = new Set(refs.map((r) => r.id));
  const byId = new Map<string, RunFacts>();
  for (const r of runs) if (wanted.has(r.id) && !byId.has(r.id)) byId.set(r.id, r);
  return {
    caption,
    columns: [
      { label: 'Run' }, { label: 'Workflow' }, { label: 'Status' }, { label: 'Calls', num: true }, { label: 'Duration', num: true },
      { label: 'Cost (USD)', num: true }, { label: 'Start (UTC)', num: true },
    ],
    rows: refs.map((r) => {
      const run = byId.get(r.id);
      return [
        { text: r.id, href: link.run(r.id), code: true, head: true, cls: 'id' },
        textCell(r.workflow),
        run ? statusCell(run.status, run.statusText) : statusCell(r.status as RunStatus),
        countCell(r.calls),
        run ? runDurationCell(run) : durationCell(r.durationMs),
        run ? runCostCell(run.totals) : usdCell(r.cost),
        utcCell(r.start),
      ];
    }),
    links: [...summaryLink(link, field), ...(link.data('runs.csv') ? [{ href: link.data('runs.csv')!, label: 'runs.csv' }] : [])],
    empty: 'No runs.',
  };
}

export function unpricedTables(u: UnpricedCalls, link: Linker): { total: number; reasons: TableModel; calls: TableModel } {
  const { total, reasons } = u;
  const rows: Cell[][] = u.first.map(({ runId, call: c }) => [
    { text: runId, href: link.run(runId), code: true, cls: 'id' },
    { text: `#${c.index}`, href: link.run(runId, c.index), num: true },
    textCell(c.agent),
    textCell(c.model, { code: c.model !== null }),
    textCell(c.unpricedReason ?? 'unpriced', { cls: 'wrap' }),
    utcCell(callTime(c)),
  ]);
  const csv = link.data('calls.csv');
  const csvLinks = csv ? [{ href: csv, label: 'calls.csv, cost_source unpriced' }] : [];
  return {
    total,
    reasons: {
      caption: 'Unpriced calls by reason',
      columns: [{ label: 'Reason' }, { label: 'Calls', num: true }],
      rows: [...reasons].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([reason, n]) => [{ text: reason, head: true }, countCell(n)]),
      links: csvLinks,
      empty: 'Every call has a price.',
    },
    calls: {
      caption: total > rows.length ? `Unpriced calls, the first ${formatCount(rows.length)} of ${formatCount(total)}` : 'Unpriced calls',
      columns: [{ label: 'Run' }, { label: 'Step', num: true }, { label: 'Agent' }, { label: 'Model as written' }, { label: 'Why unpriced' }, { label: 'Time (UTC)', num: true }],
      rows,
      links: csvLinks,
      empty: 'Every call has a price.',
    },
  };
}

export function costBody(scope: CostScope, charts: ChartSet, link: Linker): string {
  const s = scope.summary;
  const p = scope.prefix;
  const w = scope.window;
  const windowText = w
    ? `${formatUtcMinute(w.window.from)} to ${formatUtcMinute(w.window.to)} UTC`
    : '';
  const unpriced = unpricedTables(scope.facts.unpriced, link);
  const est = scope.facts.estimated;
  // summary.json holds all-time numbers: the window's tables point at the calls instead.
  const calls = link.data('calls.csv');
  const windowed = (t: TableModel): TableModel =>
    scope.key === 'cost-7d' ? { ...t, links: calls ? [{ href: calls, label: 'calls.csv, by end time' }] : [] } : t;
  return renderTemplate('cost', {
    p,
    key: scope.key,
    s,
    tabs: { all: link.page('cost'), week: link.page('cost-7d'), hasWindow: w !== null },
    windowText,
    windowDays: w?.window.days ?? 7,
    cards: [
      { label: 'Total cost', text: formatUsd(s.cost.total, { estimated: s.cost.estimated > 0 }), value: s.cost.total, cls: s.cost.estimated > 0 ? 'est' : undefined },
      { label: 'Reported by the traces', text: formatUsd(s.cost.reported), value: s.cost.reported },
      s.cost.estimated > 0
        ? { label: 'Estimated from prices', text: formatUsd(s.cost.estimated, { estimated: true }), value: s.cost.estimated, cls: 'est' }
        : { label: 'Estimated from prices', text: '—', value: 0, sub: 'nothing estimated' },
      { label: 'Unpriced calls', text: formatCount(s.cost.unpricedSteps), value: s.cost.unpricedSteps, sub: `of ${plural(s.steps, 'call')}, not in the sums` },
      { label: 'Runs', text: formatCount(s.runs), value: s.runs, sub: scope.key === 'cost-7d' ? 'with a call in these days' : undefined },
    ],
    blocks: [
      chartBlock(charts, `${p}cost-model`, 'By model', windowed(modelTable(s, link))),
      chartBlock(charts, `${p}cost-workflow`, 'By workflow', windowed(workflowTable(s, est, link))),
      chartBlock(charts, `${p}cost-agent`, 'By agent', windowed(agentTable(s, est, link))),
      chartBlock(charts, `${p}cost-provider`, 'By provider', windowed(providerTable(s, est, link))),
      chartBlock(charts, `${p}cost-daily`, 'Daily spend', windowed(dailyTable(s, scope.facts.days, link))),
    ],
    expensive: windowed(runRefTable(scope.key === 'cost-7d' ? 'Most expensive runs, counting their calls in these days' : 'Most expensive runs', s.mostExpensiveRuns, scope.facts.runs, link, 'mostExpensiveRuns')),
    unpriced,
    unpricedCount: formatCount(unpriced.total),
    priceTable: s.cost.priceTable,
  });
}
