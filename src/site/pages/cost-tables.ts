/**
 * The cost tables: by model, workflow, agent and provider, and daily spend, each with the same
 * numbers as its chart. Sums show provenance: `~` when any part is estimated, `+N unpriced`.
 */
import type { Summary } from '../../aggregate/summary-types.js';
import { formatUsd } from '../../format/money.js';
import { picoToUsd } from '../../model/types.js';
import { costShareCell, countCell, estimatedCell, sumCostCell, textCell, usdCell, type Cell, type TableModel } from './cells.js';
import type { Linker } from './links.js';
import type { DayProvenance, EstimatedParts } from './site-facts.js';

export type { EstimatedParts };

export function summaryLink(link: Linker, field: string): TableModel['links'] {
  const href = link.data('summary.json');
  return href ? [{ href, label: `summary.json ${field}` }] : [];
}

/** A row's share of the total cost; `—` when none of the row's calls has a price. */
function share(part: number, whole: number, unpricedCalls: number, calls: number): Cell {
  return costShareCell(part, whole, unpricedCalls, calls);
}

export function modelTable(s: Summary, link: Linker): TableModel {
  const total = s.cost.total;
  return {
    caption: 'Cost by model',
    columns: [
      { label: 'Model' }, { label: 'Provider' }, { label: 'As written', title: 'the model ids in the traces grouped under this model' },
      { label: 'Calls', num: true }, { label: 'In tokens', num: true }, { label: 'Out tokens', num: true }, { label: 'Cost (USD)', num: true },
      { label: 'Share', num: true }, { label: 'Estimated', num: true, title: 'the part of the cost estimated from the price table' },
      { label: 'Unpriced', num: true, title: 'calls without a price, not in the cost' },
    ],
    rows: s.byModel.map((m) => [
      { text: m.model, head: true, code: true },
      textCell(m.provider),
      textCell(m.written.join(', ') || '—', { cls: 'wrap' }),
      countCell(m.calls),
      countCell(m.inputTokens),
      countCell(m.outputTokens),
      sumCostCell(m.cost, m.estimatedCost, m.unpricedCalls, m.calls),
      share(m.cost, total, m.unpricedCalls, m.calls),
      estimatedCell(m.estimatedCost),
      countCell(m.unpricedCalls),
    ]),
    foot: [
      { text: 'All models', head: true }, textCell(''), textCell(''), countCell(s.steps),
      countCell(s.tokens.input), countCell(s.tokens.output), sumCostCell(total, s.cost.estimated, s.cost.unpricedSteps, s.steps),
      share(total, total, s.cost.unpricedSteps, s.steps), estimatedCell(s.cost.estimated), countCell(s.cost.unpricedSteps),
    ],
    links: summaryLink(link, 'byModel'),
    empty: 'No LLM calls.',
  };
}

export function workflowTable(s: Summary, est: EstimatedParts, link: Linker): TableModel {
  return {
    caption: 'Cost by workflow',
    columns: [
      { label: 'Workflow' }, { label: 'Runs', num: true }, { label: 'Failed runs', num: true }, { label: 'Calls', num: true },
      { label: 'Cost (USD)', num: true }, { label: 'Average per run', num: true }, { label: 'Share', num: true }, { label: 'Unpriced calls', num: true },
    ],
    rows: s.byWorkflow.map((w) => [
      { text: w.workflow, head: true },
      countCell(w.runs),
      countCell(w.failedRuns),
      countCell(w.calls),
      sumCostCell(w.cost, est.workflow.get(w.workflow) ?? 0, w.unpricedCalls, w.calls),
      w.calls > 0 && w.unpricedCalls === w.calls
        ? sumCostCell(0, 0, w.calls, w.calls)
        : usdCell(w.avgCostPerRun, (est.workflow.get(w.workflow) ?? 0) > 0 ? { cls: 'est', text: formatUsd(w.avgCostPerRun, { estimated: true }) } : {}),
      share(w.cost, s.cost.total, w.unpricedCalls, w.calls),
      countCell(w.unpricedCalls),
    ]),
    links: summaryLink(link, 'byWorkflow'),
    empty: 'No runs.',
  };
}

export function agentTable(s: Summary, est: EstimatedParts, link: Linker): TableModel {
  return {
    caption: 'Cost by agent',
    columns: [
      { label: 'Agent' }, { label: 'Calls', num: true }, { label: 'Failed', num: true }, { label: 'Cost (USD)', num: true },
      { label: 'Share', num: true }, { label: 'Unpriced calls', num: true },
    ],
    rows: s.byAgent.map((a) => [
      { text: a.agent, head: true },
      countCell(a.calls),
      countCell(a.failed),
      sumCostCell(a.cost, est.agent.get(a.agent) ?? 0, a.unpricedCalls, a.calls),
      share(a.cost, s.cost.total, a.unpricedCalls, a.calls),
      countCell(a.unpricedCalls),
    ]),
    links: summaryLink(link, 'byAgent'),
    empty: 'No LLM calls.',
  };
}

export function providerTable(s: Summary, est: EstimatedParts, link: Linker): TableModel {
  return {
    caption: 'Cost by provider',
    columns: [{ label: 'Provider' }, { label: 'Calls', num: true }, { label: 'Cost (USD)', num: true }, { label: 'Share', num: true }, { label: 'Unpriced calls', num: true }],
    rows: s.byProvider.map((p) => [
      { text: p.provider, head: true },
      countCell(p.calls),
      sumCostCell(p.cost, est.provider.get(p.provider) ?? 0, p.unpricedCalls, p.calls),
      share(p.cost, s.cost.total, p.unpricedCalls, p.calls),
      countCell(p.unpricedCalls),
    ]),
    links: summaryLink(link, 'byProvider'),
    empty: 'No LLM calls.',
  };
}

export function dailyTable(s: Summary, prov: ReadonlyMap<string, DayProvenance>, link: Linker): TableModel {
  return {
    caption: 'Daily spend (UTC days; a call counts on the day it ended)',
    columns: [
      { label: 'Day (UTC)' }, { label: 'Runs started', num: true }, { label: 'Calls', num: true }, { label: 'Cost (USD)', num: true },
      { label: 'Share', num: true }, { label: 'By model' },
    ],
    rows: [...s.byDay].reverse().map((d) => {
      const p = prov.get(d.date) ?? { estimatedPico: 0, unpriced: 0 };
      return [
        { text: d.date, head: true, cls: 'mono' },
        countCell(d.runs),
        countCell(d.calls),
        sumCostCell(d.cost, picoToUsd(p.estimatedPico), p.unpriced, d.calls),
        share(d.cost, s.cost.total, p.unpriced, d.calls),
        textCell(d.byModel.slice(0, 3).map((m) => `${m.model} ${formatUsd(m.cost)}`).join(', ') + (d.byModel.length > 3 ? `, ${d.byModel.length - 3} more` : '') || '—', { cls: 'wrap' }),
      ];
    }),
    links: summaryLink(link, 'byDay'),
    empty: 'No dated calls.',
  };
}
