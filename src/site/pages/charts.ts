/**
 * The site's charts: Vega-Lite specs from src/charts/specs.ts, rendered to SVG once before the
 * pages are built (rendering is async, the pages are plain functions). Each chart keeps its spec
 * for the `<script type="application/json">` block beside it.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Summary } from '../../aggregate/summary-types.js';
import { renderChartSvg } from '../../charts/render.js';
import {
  costByAgentSpec, costByModelSpec, costByProviderSpec, costByWorkflowSpec, countRunsByDay, dailySpendSpec,
  latencyByAgentSpec, latencyByModelSpec, latencyHistogramSpec, runsPerDaySpec, specTitle,
} from '../../charts/specs.js';
import { jsonForScript } from '../html.js';
import type { TableModel } from './cells.js';
import type { SiteFacts } from './site-facts.js';
import type { WindowSummary } from './window.js';

export interface RenderedChart {
  id: string;
  title: string;
  svg: string;
  specJson: string;
}

/** What a chart partial shows: the chart (when there is data) and the table of its numbers. */
export interface ChartBlock {
  id: string;
  heading: string;
  title: string;
  svg: string | null;
  specJson: string;
  table: TableModel;
  collapsed: boolean;
}

export type ChartSet = ReadonlyMap<string, RenderedChart>;

interface Wanted {
  id: string;
  spec: TopLevelSpec;
  hasData: boolean;
}

function costCharts(prefix: string, s: Summary, label: string): Wanted[] {
  const title = (t: string) => (label ? `${t}, ${label}` : t);
  const priced = s.cost.total > 0;
  return [
    { id: `${prefix}cost-model`, spec: costByModelSpec(s.byModel, { title: title('Cost by model (USD)') }), hasData: priced },
    { id: `${prefix}cost-workflow`, spec: costByWorkflowSpec(s.byWorkflow, { title: title('Cost by workflow (USD)') }), hasData: priced },
    { id: `${prefix}cost-agent`, spec: costByAgentSpec(s.byAgent, { title: title('Cost by agent (USD)') }), hasData: priced },
    { id: `${prefix}cost-provider`, spec: costByProviderSpec(s.byProvider, { title: title('Cost by provider (USD)') }), hasData: priced },
    { id: `${prefix}cost-daily`, spec: dailySpendSpec(s.byDay, { title: title('Daily spend by model (USD, UTC days)') }), hasData: s.byDay.some((d) => d.cost > 0) },
  ];
}

/** Every chart of the site, rendered in a fixed order (the SVG ids depend only on the chart id). */
export async function renderCharts(summary: Summary, facts: SiteFacts, win: WindowSummary | null, onChart?: (done: number, total: number) => void): Promise<ChartSet> {
  const { durations, runs } = facts;
  const wanted: Wanted[] = [
    { id: 'runs-per-day', spec: runsPerDaySpec(countRunsByDay(runs)), hasData: runs.some((r) => r.start !== null) },
    ...costCharts('', summary, ''),
    ...(win ? costCharts('w-', win.summary, `last ${win.window.days} days`) : []),
    { id: 'lat-model', spec: latencyByModelSpec(summary.byModel), hasData: summary.byModel.some((m) => m.p95Ms !== null) },
    { id: 'lat-agent', spec: latencyByAgentSpec(summary.byAgent), hasData: summary.byAgent.some((a) => a.p95Ms !== null) },
    { id: 'lat-hist', spec: latencyHistogramSpec(durations), hasData: durations.count > 0 },
  ];
  const out = new Map<string, RenderedChart>();
  let done = 0;
  for (const w of wanted) {
    if (w.hasData) {
      const title = specTitle(w.spec);
      const svg = await renderChartSvg(w.spec, { id: w.id, title });
      out.set(w.id, { id: w.id, title, svg, specJson: jsonForScript(w.spec) });
    }
    onChart?.(++done, wanted.length);
  }
  return out;
}

/** A chart block for a page; without data the block is the table alone (which says so). */
export function chartBlock(charts: ChartSet, id: string, heading: string, table: TableModel, collapsed = false): ChartBlock {
  const c = charts.get(id);
  return { id, heading, title: c?.title ?? heading, svg: c?.svg ?? null, specJson: c?.specJson ?? '', table, collapsed };
}
