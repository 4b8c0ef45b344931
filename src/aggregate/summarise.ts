import { formatIso, utcDay } from '../normalise/timestamp.js';
import type { LlmCall, Run } from '../model/types.js';
import { picoToUsd } from '../model/types.js';
import { percentilesOf } from './percentile.js';
import { PicoSum } from './pico-sum.js';
import type { DayRow, RunRef, Summary } from './summary-types.js';

export interface SummaryInput {
  inputs: string[];
  files: string[];
  spans: number;
  skippedLines: number;
  runs: readonly Run[];
  priceTable: string;
}

/** How many runs the most-expensive and slowest lists hold. */
export const TOP_RUNS = 10;
export const UNKNOWN_MODEL = '(unknown model)';
export const NO_AGENT = '(no agent)';
export const NO_WORKFLOW = '(no workflow)';

interface Bucket {
  calls: number;
  failed: number;
  inputTokens: number;
  outputTokens: number;
  cost: PicoSum;
  reported: PicoSum;
  estimated: PicoSum;
  unpriced: number;
  durations: number[];
}

function bucket(): Bucket {
  return { calls: 0, failed: 0, inputTokens: 0, outputTokens: 0, cost: new PicoSum(), reported: new PicoSum(), estimated: new PicoSum(), unpriced: 0, durations: [] };
}

function addCall(b: Bucket, c: LlmCall): void {
  b.calls++;
  if (c.status === 'failed') b.failed++;
  b.inputTokens += c.inputTokens ?? 0;
  b.outputTokens += c.outputTokens ?? 0;
  if (c.costSource === 'reported') b.reported.add(c.costPico!);
  else if (c.costSource === 'estimated') b.estimated.add(c.costPico!);
  else b.unpriced++;
  if (c.costPico !== null) b.cost.add(c.costPico);
  if (c.durationMs !== null) b.durations.push(c.durationMs);
}

function getOr<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

/** Largest cost first, then most calls, then name: a stable order on every machine. */
function byCostThenName<T extends { cost: number; calls?: number }>(name: (t: T) => string) {
  return (a: T, b: T) => b.cost - a.cost || (b.calls ?? 0) - (a.calls ?? 0) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);
}

function runRef(r: Run): RunRef {
  return {
    id: r.id,
    workflow: r.workflow,
    status: r.status,
    start: formatIso(r.start),
    durationMs: r.durationMs,
    cost: picoToUsd(r.totals.costPico),
    calls: r.totals.calls,
  };
}

/** The aggregates, computed once from the runs; every output reads them from here. */
export function summarise(input: SummaryInput): Summary {
  const all = bucket();
  const models = new Map<string, Bucket & { providers: Map<string, number>; written: Set<string> }>();
  const providers = new Map<string, Bucket>();
  const agents = new Map<string, Bucket>();
  const workflows = new Map<string, { runs: number; failedRuns: number; calls: Bucket }>();
  const days = new Map<string, { cost: PicoSum; runs: number; calls: number; models: Map<string, PicoSum> }>();
  const day = (d: string) => getOr(days, d, () => ({ cost: new PicoSum(), runs: 0, calls: 0, models: new Map<string, PicoSum>() }));
  let failedRuns = 0;
  let incompleteRuns = 0;
  let incompleteSteps = 0;
  let totalTokens = 0;
  let start: number | null = null;
  let end: number | null = null;

  for (const run of input.runs) {
    if (run.status === 'failed') failedRuns++;
    else if (run.status === 'incomplete') incompleteRuns++;
    if (run.start !== null && (start === null || run.start < start)) start = run.start;
    if (run.end !== null && (end === null || run.end > end)) end = run.end;
    totalTokens += run.totals.totalTokens;
    const wf = getOr(workflows, run.workflow ?? NO_WORKFLOW, () => ({ runs: 0, failedRuns: 0, calls: bucket() }));
    wf.runs++;
    if (run.status === 'failed') wf.failedRuns++;
    if (run.start !== null) day(utcDay(run.start)).runs++;
    for (const c of run.calls) {
      addCall(all, c);
      if (c.status === 'incomplete') incompleteSteps++;
      const modelKey = c.modelId ?? UNKNOWN_MODEL;
      const m = getOr(models, modelKey, () => ({ ...bucket(), providers: new Map<string, number>(), written: new Set<string>() }));
      addCall(m, c);
      m.providers.set(c.provider, (m.providers.get(c.provider) ?? 0) + 1);
      if (c.model) m.written.add(c.model);
      addCall(getOr(providers, c.provider, bucket), c);
      addCall(getOr(agents, c.agent ?? NO_AGENT, bucket), c);
      addCall(wf.calls, c);
      // A call's cost counts on the UTC day its end was recorded.
      const when = c.end ?? c.start;
      if (when !== null) {
        const d = day(utcDay(when));
        d.calls++;
        if (c.costPico !== null) {
          d.cost.add(c.costPico);
          getOr(d.models, modelKey, () => new PicoSum()).add(c.costPico);
        }
      }
    }
  }

  const byModel = [...models].map(([model, b]) => ({
    model,
    provider: mostCommon(b.providers),
    written: [...b.written].sort(),
    calls: b.calls,
    failed: b.failed,
    inputTokens: b.inputTokens,
    outputTokens: b.outputTokens,
    cost: b.cost.usd(),
    reportedCost: b.reported.usd(),
    estimatedCost: b.estimated.usd(),
    unpricedCalls: b.unpriced,
    ...percentilesOf(b.durations),
  }));
  byModel.sort(byCostThenName((r) => r.model));
  const byProvider = [...providers].map(([provider, b]) => ({ provider, calls: b.calls, cost: b.cost.usd(), unpricedCalls: b.unpriced }));
  byProvider.sort(byCostThenName((r) => r.provider));
  const byWorkflow = [...workflows].map(([workflow, w]) => ({
    workflow,
    runs: w.runs,
    failedRuns: w.failedRuns,
    calls: w.calls.calls,
    cost: w.calls.cost.usd(),
    avgCostPerRun: w.calls.cost.usd() / w.runs,
    unpricedCalls: w.calls.unpriced,
  }));
  byWorkflow.sort(byCostThenName((r) => r.workflow));
  const byAgent = [...agents].map(([agent, b]) => ({
    agent,
    calls: b.calls,
    failed: b.failed,
    cost: b.cost.usd(),
    unpricedCalls: b.unpriced,
    ...percentilesOf(b.durations),
  }));
  byAgent.sort(byCostThenName((r) => r.agent));
  const byDay: DayRow[] = [...days]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([date, d]) => ({
      date,
      cost: d.cost.usd(),
      runs: d.runs,
      calls: d.calls,
      byModel: [...d.models]
        .map(([model, sum]) => ({ model, cost: sum.usd() }))
        .sort(byCostThenName((r) => r.model)),
    }));

  const runs = input.runs;
  const mostExpensive = [...runs].filter((r) => r.totals.costPico > 0).sort((a, b) => b.totals.costPico - a.totals.costPico || cmpId(a, b));
  const slowest = [...runs].filter((r) => r.durationMs !== null).sort((a, b) => b.durationMs! - a.durationMs! || cmpId(a, b));

  return {
    schemaVersion: 1,
    inputs: input.inputs,
    files: input.files,
    spans: input.spans,
    skippedLines: input.skippedLines,
    runs: runs.length,
    steps: all.calls,
    failedSteps: all.failed,
    incompleteSteps,
    failedRuns,
    incompleteRuns,
    timeRange: { start: formatIso(start), end: formatIso(end) },
    tokens: { input: all.inputTokens, output: all.outputTokens, total: totalTokens },
    cost: {
      total: all.cost.usd(),
      reported: all.reported.usd(),
      estimated: all.estimated.usd(),
      unpricedSteps: all.unpriced,
      priceTable: input.priceTable,
    },
    latency: percentilesOf(all.durations),
    byModel,
    byProvider,
    byWorkflow,
    byAgent,
    byDay,
    mostExpensiveRuns: mostExpensive.slice(0, TOP_RUNS).map(runRef),
    slowestRuns: slowest.slice(0, TOP_RUNS).map(runRef),
  };
}

function cmpId(a: Run, b: Run): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function mostCommon(counts: Map<string, number>): string {
  let best = '';
  let n = -1;
  for (const [k, v] of counts) {
    if (v > n || (v === n && k < best)) {
      best = k;
      n = v;
    }
  }
  return best;
}
