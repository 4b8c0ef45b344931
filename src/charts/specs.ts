/**
 * Vega-Lite specs for the report's charts: pure functions of plain rows. Each spec is complete
 * (data inlined as the named dataset `table`, theme as `config`), so the copy embedded beside
 * the SVG reproduces it. Long lists are cut to the top N plus one "Other" row, and the title
 * says so. Sorting never uses localeCompare: its order depends on the machine's ICU locale.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { AgentRow, DayRow, ModelRow, ProviderRow, WorkflowRow } from '../aggregate/summary-types.js';
import type { RunStatus } from '../model/types.js';
import { DAY_MS, utcDay } from '../normalise/timestamp.js';
import {
  BAR_COLOR, CHART_WIDTH, OTHER_COLOR, PALETTE, PERCENTILE_COLORS, ROW_STEP, STATUS_COLORS, chartConfig,
} from './theme.js';
import { binEdge, DurationHistogram } from './duration-histogram.js';

export const TABLE = 'table';
export const DEFAULT_TOP = 12;
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export interface ChartOptions {
  /** Keep this many rows, the rest summed into "Other" (default 12; daily spend 8, at most 10 colours). */
  top?: number;
  /** Replaces the chart's base title, e.g. to say "last 7 days". */
  title?: string;
}

export interface RunsDayRow {
  /** UTC day, `YYYY-MM-DD`. */
  date: string;
  ok: number;
  failed: number;
  incomplete: number;
}

export interface HistogramBin {
  label: string;
  fromMs: number;
  toMs: number;
  calls: number;
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function base(title: string, rows: object[]) {
  return {
    $schema: SCHEMA,
    title,
    width: CHART_WIDTH,
    data: { name: TABLE },
    datasets: { [TABLE]: rows },
    config: chartConfig,
  };
}

export function specTitle(spec: TopLevelSpec): string {
  const t = (spec as { title?: unknown }).title;
  if (typeof t === 'string') return t;
  if (t && typeof t === 'object' && 'text' in t) return [(t as { text: unknown }).text].flat().join(' ');
  return '';
}

// ---- money ---------------------------------------------------------------------------------------

/** Decimals for a USD axis whose largest value is `max`: ticks of small sums stay distinct. */
export function usdDecimals(max: number): number {
  if (!(max > 0)) return 2;
  return Math.min(6, Math.max(2, Math.ceil(-Math.log10(max / 10))));
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+$)/g, ',');
}

/** `$1,234.50`, `$0.0031`: two significant digits below a dollar, never locale-dependent. */
export function formatUsd(value: number): string {
  if (value > 0 && value < 0.000001) return '<$0.000001';
  const decimals = value >= 1 || value <= 0 ? 2 : Math.min(6, Math.max(2, Math.ceil(-Math.log10(value)) + 1));
  const [int = '0', frac] = Math.abs(value).toFixed(decimals).split('.');
  return `${value < 0 ? '-' : ''}$${groupThousands(int)}${frac ? `.${frac}` : ''}`;
}

function formatPercent(part: number, total: number): string {
  if (!(total > 0)) return '';
  const p = (part / total) * 100;
  return p > 0 && p < 0.1 ? '<0.1%' : `${p.toFixed(1)}%`;
}

// ---- top N ---------------------------------------------------------------------------------------

interface Ranked<T> {
  kept: T[];
  rest: T[];
}

function topN<T>(rows: readonly T[], top: number, value: (r: T) => number, name: (r: T) => string): Ranked<T> {
  const sorted = [...rows].sort((a, b) => value(b) - value(a) || byString(name(a), name(b)));
  const n = Math.max(1, Math.floor(top));
  return sorted.length > n ? { kept: sorted.slice(0, n), rest: sorted.slice(n) } : { kept: sorted, rest: [] };
}

function topNote(kept: number, total: number, noun: string): string {
  return total > kept ? `, top ${kept} of ${total} ${noun}` : '';
}

/**
 * A name as a chart can take it. Vega groups data in plain objects keyed by value (its stack
 * transform), where a name such as `constructor` or `__proto__` finds the object's own property
 * and the chart fails: such a name gets an invisible word joiner (U+2060) after it, and reads the
 * same.
 */
function chartSafe(label: string): string {
  return label in Object.prototype ? `${label}\u2060` : label;
}

/** Labels must be unique: equal labels would draw two bars in one band. */
function uniqueLabels(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map(chartSafe).map((l) => {
    const n = (seen.get(l) ?? 0) + 1;
    seen.set(l, n);
    return n === 1 ? l : `${l} (${n})`;
  });
}

// ---- cost bars -----------------------------------------------------------------------------------

interface CostItem {
  name: string;
  cost: number;
  unpricedCalls: number;
}

function costBars(items: CostItem[], baseTitle: string, noun: string, opts: ChartOptions): TopLevelSpec {
  const { kept, rest } = topN(items, opts.top ?? DEFAULT_TOP, (i) => i.cost, (i) => i.name);
  const total = items.reduce((s, i) => s + i.cost, 0);
  const shown: (CostItem & { other: boolean })[] = kept.map((i) => ({ ...i, other: false }));
  if (rest.length > 0) {
    shown.push({
      name: `Other (${rest.length} ${noun})`,
      cost: rest.reduce((s, i) => s + i.cost, 0),
      unpricedCalls: rest.reduce((s, i) => s + i.unpricedCalls, 0),
      other: true,
    });
  }
  const labels = uniqueLabels(shown.map((i) => i.name));
  const rows = shown.map((i, k) => ({
    label: labels[k] as string,
    cost: i.cost,
    other: i.other,
    // Short labels: longer ones make the fitted plot shrink to nothing. The table beside every
    // chart carries the rest (runs, unpriced calls).
    text: i.cost === 0 && i.unpricedCalls > 0 ? 'unpriced' : `${formatUsd(i.cost)} · ${formatPercent(i.cost, total)}`,
  }));
  const max = rows.reduce((m, r) => Math.max(m, r.cost), 0);
  return {
    ...base(`${opts.title ?? baseTitle}${topNote(kept.length, items.length, noun)}`, rows),
    height: Math.max(1, rows.length) * ROW_STEP,
    encoding: {
      y: { field: 'label', type: 'nominal', sort: null, title: null },
      x: {
        field: 'cost',
        type: 'quantitative',
        title: 'Cost (USD)',
        axis: { format: `$,.${usdDecimals(max)}f`, tickCount: 5 },
        // Head room on the right for the labels, so that they sit inside the plot.
        scale: { domainMax: { expr: 'cost_max' }, nice: false },
      },
    },
    params: [{ name: 'cost_max', value: max > 0 ? max * 1.3 : 1 }],
    layer: [
      {
        mark: { type: 'bar', color: BAR_COLOR },
        encoding: { color: { condition: { test: 'datum.other', value: OTHER_COLOR }, value: BAR_COLOR } },
      },
      { mark: { type: 'text', align: 'left', baseline: 'middle', dx: 4 }, encoding: { text: { field: 'text' } } },
    ],
  };
}

export function costByModelSpec(rows: readonly ModelRow[], opts: ChartOptions = {}): TopLevelSpec {
  const items = rows.map((r) => ({ name: r.model, cost: r.cost, unpricedCalls: r.unpricedCalls }));
  return costBars(items, 'Cost by model (USD)', 'models', opts);
}

export function costByWorkflowSpec(rows: readonly WorkflowRow[], opts: ChartOptions = {}): TopLevelSpec {
  const items = rows.map((r) => ({
    name: r.workflow,
    cost: r.cost,
    unpricedCalls: r.unpricedCalls,
  }));
  return costBars(items, 'Cost by workflow (USD)', 'workflows', opts);
}

export function costByAgentSpec(rows: readonly AgentRow[], opts: ChartOptions = {}): TopLevelSpec {
  const items = rows.map((r) => ({ name: r.agent, cost: r.cost, unpricedCalls: r.unpricedCalls }));
  return costBars(items, 'Cost by agent (USD)', 'agents', opts);
}

export function costByProviderSpec(rows: readonly ProviderRow[], opts: ChartOptions = {}): TopLevelSpec {
  const items = rows.map((r) => ({ name: r.provider, cost: r.cost, unpricedCalls: r.unpricedCalls }));
  return costBars(items, 'Cost by provider (USD)', 'providers', opts);
}

// ---- days ----------------------------------------------------------------------------------------

/** Days are parsed as UTC, binned by UTC day and labelled in UTC, with ticks at least a day apart. */
function dayFormat(dates: string[]): string {
  return new Set(dates.map((d) => d.slice(0, 4))).size > 1 ? '%Y-%m-%d' : '%b %d';
}

const DAY_DATA = { name: TABLE, format: { parse: { date: "utc:'%Y-%m-%d'" } } };

export function dailySpendSpec(days: readonly DayRow[], opts: ChartOptions = {}): TopLevelSpec {
  const totals = new Map<string, number>();
  for (const d of days) for (const m of d.byModel) totals.set(m.model, (totals.get(m.model) ?? 0) + m.cost);
  const top = Math.min(opts.top ?? PALETTE.length - 2, PALETTE.length);
  const { kept, rest } = topN([...totals], top, ([, c]) => c, ([m]) => m);
  const otherName = `Other (${rest.length} models)`;
  const keptNames = uniqueLabels([...kept.map(([m]) => m), ...(rest.length > 0 ? [otherName] : [])]);
  const rank = new Map(kept.map(([m], i) => [m, i]));
  const rows: { date: string; model: string; cost: number; order: number }[] = [];
  for (const d of [...days].sort((a, b) => byString(a.date, b.date))) {
    const cells = new Map<number, number>();
    for (const m of d.byModel) {
      const i = rank.get(m.model) ?? kept.length;
      cells.set(i, (cells.get(i) ?? 0) + m.cost);
    }
    for (const [i, cost] of [...cells].sort((a, b) => a[0] - b[0])) {
      rows.push({ date: d.date, model: keptNames[i] as string, cost, order: i });
    }
  }
  const max = days.reduce((m, d) => Math.max(m, d.cost), 0);
  const title = `${opts.title ?? 'Daily spend by model (USD, UTC days)'}${topNote(kept.length, totals.size, 'models')}`;
  return {
    ...base(title, rows),
    data: DAY_DATA,
    height: 240,
    mark: { type: 'bar', width: { band: 0.85 } },
    encoding: {
      x: {
        field: 'date',
        type: 'temporal',
        timeUnit: 'utcyearmonthdate',
        scale: { type: 'utc' },
        title: 'Day (UTC)',
        axis: { format: dayFormat(days.map((d) => d.date)), tickMinStep: DAY_MS, labelOverlap: true },
      },
      y: {
        field: 'cost',
        type: 'quantitative',
        aggregate: 'sum',
        title: 'Cost (USD)',
        axis: { format: `$,.${usdDecimals(max)}f`, tickCount: 5 },
      },
      color: {
        field: 'model',
        type: 'nominal',
        title: 'Model',
        scale: {
          domain: keptNames,
          range: keptNames.map((_, i) => (i < kept.length ? (PALETTE[i % PALETTE.length] as string) : OTHER_COLOR)),
        },
        legend: { orient: 'bottom', direction: 'horizontal', columns: 3 },
      },
      order: { field: 'order', type: 'quantitative', sort: 'ascending' },
    },
  };
}

/** Runs per UTC day of their start, by status; runs without a start time are not counted. */
export function countRunsByDay(runs: readonly { start: number | null; status: RunStatus }[]): RunsDayRow[] {
  const days = new Map<string, RunsDayRow>();
  for (const r of runs) {
    if (r.start === null || !Number.isFinite(r.start)) continue;
    const date = utcDay(r.start);
    const row = days.get(date) ?? { date, ok: 0, failed: 0, incomplete: 0 };
    row[r.status] += 1;
    days.set(date, row);
  }
  return [...days.values()].sort((a, b) => byString(a.date, b.date));
}

export function runsPerDaySpec(days: readonly RunsDayRow[], opts: ChartOptions = {}): TopLevelSpec {
  const statuses = ['failed', 'incomplete', 'ok'] as const;
  const rows = [...days]
    .sort((a, b) => byString(a.date, b.date))
    .flatMap((d) => statuses.map((status, order) => ({ date: d.date, status, runs: d[status], order })))
    .filter((r) => r.runs > 0);
  return {
    ...base(opts.title ?? 'Runs per day (UTC), failed runs in red', rows),
    data: DAY_DATA,
    height: 200,
    mark: { type: 'bar', width: { band: 0.85 } },
    encoding: {
      x: {
        field: 'date',
        type: 'temporal',
        timeUnit: 'utcyearmonthdate',
        scale: { type: 'utc' },
        title: 'Day (UTC)',
        axis: { format: dayFormat(days.map((d) => d.date)), tickMinStep: DAY_MS, labelOverlap: true },
      },
      y: { field: 'runs', type: 'quantitative', aggregate: 'sum', title: 'Runs', axis: { format: ',d', tickMinStep: 1 } },
      color: {
        field: 'status',
        type: 'nominal',
        title: 'Status',
        scale: { domain: [...statuses], range: statuses.map((s) => STATUS_COLORS[s]) },
        legend: { orient: 'bottom', direction: 'horizontal' },
      },
      order: { field: 'order', type: 'quantitative', sort: 'ascending' },
    },
  };
}

// ---- latency -------------------------------------------------------------------------------------

interface LatencyItem {
  name: string;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

function latencyBars(items: LatencyItem[], baseTitle: string, noun: string, opts: ChartOptions): TopLevelSpec {
  const known = items.filter((i) => i.p95Ms !== null);
  const { kept } = topN(known, opts.top ?? DEFAULT_TOP, (i) => i.p95Ms ?? 0, (i) => i.name);
  const labels = uniqueLabels(kept.map((i) => i.name));
  const rows = kept.flatMap((i, k) =>
    (['p50', 'p95', 'p99'] as const).flatMap((p) => {
      const ms = i[`${p}Ms`];
      return ms === null ? [] : [{ label: labels[k] as string, percentile: p, ms }];
    }),
  );
  const note = known.length > kept.length ? `, ${kept.length} slowest of ${known.length} ${noun} by p95` : '';
  return {
    ...base(`${opts.title ?? baseTitle}${note}`, rows),
    height: Math.max(1, kept.length) * Math.round(ROW_STEP * 1.5),
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: null, title: null },
      yOffset: { field: 'percentile', type: 'nominal', sort: ['p50', 'p95', 'p99'] },
      x: { field: 'ms', type: 'quantitative', title: 'Latency (ms)', axis: { format: ',d', tickCount: 5 } },
      color: {
        field: 'percentile',
        type: 'nominal',
        title: 'Percentile',
        scale: { domain: ['p50', 'p95', 'p99'], range: [PERCENTILE_COLORS.p50, PERCENTILE_COLORS.p95, PERCENTILE_COLORS.p99] },
        legend: { orient: 'bottom', direction: 'horizontal' },
      },
    },
  };
}

export function latencyByModelSpec(rows: readonly ModelRow[], opts: ChartOptions = {}): TopLevelSpec {
  const items = rows.map((r) => ({ name: r.model, p50Ms: r.p50Ms, p95Ms: r.p95Ms, p99Ms: r.p99Ms }));
  return latencyBars(items, 'Latency by model: p50, p95, p99 (ms)', 'models', opts);
}

export function latencyByAgentSpec(rows: readonly AgentRow[], opts: ChartOptions = {}): TopLevelSpec {
  const items = rows.map((r) => ({ name: r.agent, p50Ms: r.p50Ms, p95Ms: r.p95Ms, p99Ms: r.p99Ms }));
  return latencyBars(items, 'Latency by agent: p50, p95, p99 (ms)', 'agents', opts);
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${ms / 1000} s`;
}

function binLabel(from: number, to: number): string {
  const [a, b] = [formatDuration(from), formatDuration(to)];
  const unit = (s: string): string => s.slice(s.indexOf(' '));
  return unit(a) === unit(b) ? `${a.slice(0, a.indexOf(' '))}–${b}` : `${a}–${b}`;
}

/**
 * Bins with edges 0, 1, 2, 5, 10, 20, 50 ... ms (latency is long-tailed, equal-width bins would
 * hide it), from the first that holds a call to the last: of a list of durations, or counted already.
 */
export function latencyBins(durations: readonly number[] | DurationHistogram): HistogramBin[] {
  const counts = durations instanceof DurationHistogram ? durations.calls : DurationHistogram.of(durations).calls;
  const first = counts.findIndex((c) => c > 0);
  if (first === -1) return [];
  let last = counts.length - 1;
  while (counts[last] === 0) last--;
  const bins: HistogramBin[] = [];
  for (let k = first; k <= last; k++) bins.push({ label: binLabel(binEdge(k), binEdge(k + 1)), fromMs: binEdge(k), toMs: binEdge(k + 1), calls: counts[k]! });
  return bins;
}

export function latencyHistogramSpec(durations: readonly number[] | DurationHistogram, opts: ChartOptions = {}): TopLevelSpec {
  const bins = latencyBins(durations);
  const calls = bins.reduce((s, b) => s + b.calls, 0);
  return {
    ...base(opts.title ?? `Call durations, ${calls} call${calls === 1 ? '' : 's'} (log-spaced bins)`, bins),
    height: 200,
    mark: { type: 'bar', color: BAR_COLOR },
    encoding: {
      x: { field: 'label', type: 'ordinal', sort: null, title: 'Call duration (ms, s)', axis: { labelAngle: -40 } },
      y: { field: 'calls', type: 'quantitative', title: 'Calls', axis: { format: ',d', tickMinStep: 1 } },
    },
  };
}
