/**
 * The site's charts: Vega-Lite specs from src/charts/specs.ts, rendered to SVG before the pages
 * that show them are built (rendering is async, the pages are plain functions), on this thread or
 * on a thread of their own (parallel-charts.ts). Each chart keeps its spec for the
 * `<script type="application/json">` block beside it.
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

/** A chart to render: its spec, and whether there is anything to draw (else its block is its table alone). */
export interface WantedChart {
  id: string;
  spec: TopLevelSpec;
  hasData: boolean;
}

function costCharts(prefix: string, s: Summary, label: string): WantedChart[] {
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

/** The charts of the whole report's time (the index, cost and latency pages). */
export function reportCharts(summary: Summary, facts: SiteFacts): WantedChart[] {
  const { durations, runs } = facts;
  return [
    { id: 'runs-per-day', spec: runsPerDaySpec(countRunsByDay(runs)), hasData: runs.some((r) => r.start !== null) },
    ...costCharts('', summary, ''),
    { id: 'lat-model', spec: latencyByModelSpec(summary.byModel), hasData: summary.byModel.some((m) => m.p95Ms !== null) },
    { id: 'lat-agent', spec: latencyByAgentSpec(summary.byAgent), hasData: summary.byAgent.some((a) => a.p95Ms !== null) },
    { id: 'lat-hist', spec: latencyHistogramSpec(durations), hasData: durations.count > 0 },
  ];
}

/** The charts of the 7-day window's cost page. */
export function windowCharts(win: WindowSummary): WantedChart[] {
  return costCharts('w-', win.summary, `last ${win.window.days} days`);
}

/**
 * Renders the charts that have data, in the order given (the SVG ids depend only on the chart
 * id, so the same chart is the same bytes on any thread and in any company).
 */
export async function renderWanted(wanted: readonly WantedChart[]): Promise<RenderedChart[]> {
  const out: RenderedChart[] = [];
  for (const w of wanted) {
    if (w.hasData) {
      const title = specTitle(w.spec);
      const svg = await renderChartSvg(w.spec, { id: w.id, title });
      out.push({ id: w.id, title, svg, specJson: jsonForScript(w.spec) });
    }
  }
  return out;
}

/** The rendered charts by id. */
export function chartSet(rendered: Iterable<RenderedChart>): ChartSet {
  return new Map([...rendered].map((c) => [c.id, c]));
}

/** Every chart of the site, rendered on this thread. */
export async function renderCharts(summary: Summary, facts: SiteFacts, win: WindowSummary | null): Promise<ChartSet> {
  return chartSet(await renderWanted([...reportCharts(summary, facts), ...(win ? windowCharts(win) : [])]));
}

/** A chart block for a page; without data the block is the table alone (which says so). */
export function chartBlock(charts: ChartSet, id: string, heading: string, table: TableModel, collapsed = false): ChartBlock {
  const c = charts.get(id);
  return { id, heading, title: c?.title ?? heading, svg: c?.svg ?? null, specJson: c?.specJson ?? '', table, collapsed };
}
