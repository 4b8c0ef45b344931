import { formatIso, utcDay } from '../normalise/timestamp.js';
import type { LlmCall, Run } from '../model/types.js';
import { picoToUsd } from '../model/types.js';
import { ExactSum } from './exact-sum.js';
import { percentilesOf } from './percentile.js';
import { PicoSum } from './pico-sum.js';
import type { DayRow, RunRef, Summary } from './summary-types.js';

/** How many runs the most-expensive and slowest lists hold. */
export const TOP_RUNS = 10;
export const UNKNOWN_MODEL = '(unknown model)';
export const NO_AGENT = '(no agent)';
export const NO_WORKFLOW = '(no workflow)';

/** What the summary says about its inputs, beside the aggregates of the runs. */
export interface SummaryMeta {
  inputs: string[];
  files: string[];
  spans: number;
  skippedLines: number;
  priceTable: string;
}

interface Bucket {
  calls: number;
  failed: number;
  inputTokens: ExactSum;
  outputTokens: ExactSum;
  cost: PicoSum;
  reported: PicoSum;
  estimated: PicoSum;
  unpriced: number;
  /** Call durations, for percentiles; null where none are shown (providers, workflows). */
  durations: number[] | null;
}
type ModelBucket = Bucket & { providers: Map<string, number>; written: Set<string> };
interface WorkflowBucket {
  runs: number;
  failedRuns: number;
  calls: Bucket;
}
interface DayBucket {
  cost: PicoSum;
  runs: number;
  calls: number;
  models: Map<string, PicoSum>;
}
/** A run in a top list: its sort key and its row. */
interface Ranked {
  key: number;
  id: string;
  ref: RunRef | null;
}

function bucket(): Bucket {
  return { calls: 0, failed: 0, inputTokens: new ExactSum(), outputTokens: new ExactSum(), cost: new PicoSum(), reported: new PicoSum(), estimated: new PicoSum(), unpriced: 0, durations: [] };
}

/** A bucket whose percentiles are never shown: durations are not kept (they are most of the memory). */
function sumsOnly(): Bucket {
  return { ...bucket(), durations: null };
}

function addCall(b: Bucket, c: LlmCall): void {
  b.calls++;
  if (c.status === 'failed') b.failed++;
  if (c.inputTokens !== null) b.inputTokens.add(c.inputTokens);
  if (c.outputTokens !== null) b.outputTokens.add(c.outputTokens);
  if (c.costSource === 'reported') b.reported.add(c.costPico!);
  else if (c.costSource === 'estimated') b.estimated.add(c.costPico!);
  else b.unpriced++;
  if (c.costPico !== null) b.cost.add(c.costPico);
  if (c.durationMs !== null && b.durations !== null) b.durations.push(c.durationMs);
}

function mergeBucket(into: Bucket, from: Bucket): void {
  into.calls += from.calls;
  into.failed += from.failed;
  into.inputTokens.addSum(from.inputTokens);
  into.outputTokens.addSum(from.outputTokens);
  into.cost.addSum(from.cost);
  into.reported.addSum(from.reported);
  into.estimated.addSum(from.estimated);
  into.unpriced += from.unpriced;
  if (into.durations !== null && from.durations !== null) for (const d of from.durations) into.durations.push(d);
}

function getOr<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
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

/** Largest key first, then id: a total order, so top lists merge to the same list in any order. */
function byKeyThenId(a: Ranked, b: Ranked): number {
  return b.key - a.key || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Keeps `item` if it ranks in the top list; its row is made (`ref`) only then. */
function keepTop(list: Ranked[], item: Ranked, run?: Run): void {
  if (list.length === TOP_RUNS && byKeyThenId(item, list[TOP_RUNS - 1]!) >= 0) return;
  if (run) item.ref = runRef(run);
  list.push(item);
  list.sort(byKeyThenId);
  if (list.length > TOP_RUNS) list.length = TOP_RUNS;
}

/**
 * The aggregates of a set of runs, added one run at a time. Two accumulators over different runs
 * merge into the one a single pass over all of them gives (sums are exact, lists are ordered by
 * total orders), so runs can be summarised on several threads.
 */
export class SummaryAccumulator {
  runs = 0;
  failedRuns = 0;
  incompleteRuns = 0;
  incompleteSteps = 0;
  totalTokens = new ExactSum();
  start: number | null = null;
  end: number | null = null;
  all = bucket();
  models = new Map<string, ModelBucket>();
  providers = new Map<string, Bucket>();
  agents = new Map<string, Bucket>();
  workflows = new Map<string, WorkflowBucket>();
  days = new Map<string, DayBucket>();
  mostExpensive: Ranked[] = [];
  slowest: Ranked[] = [];

  private day(d: string): DayBucket {
    return getOr(this.days, d, () => ({ cost: new PicoSum(), runs: 0, calls: 0, models: new Map<string, PicoSum>() }));
  }

  add(run: Run): void {
    this.runs++;
    if (run.status === 'failed') this.failedRuns++;
    else if (run.status === 'incomplete') this.incompleteRuns++;
    if (run.start !== null && (this.start === null || run.start < this.start)) this.start = run.start;
    if (run.end !== null && (this.end === null || run.end > this.end)) this.end = run.end;
    this.totalTokens.add(run.totals.totalTokens);
    const wf = getOr(this.workflows, run.workflow ?? NO_WORKFLOW, () => ({ runs: 0, failedRuns: 0, calls: sumsOnly() }));
    wf.runs++;
    if (run.status === 'failed') wf.failedRuns++;
    if (run.start !== null) this.day(utcDay(run.start)).runs++;
    for (const c of run.calls) {
      addCall(this.all, c);
      if (c.status === 'incomplete') this.incompleteSteps++;
      const modelKey = c.modelId ?? UNKNOWN_MODEL;
      const m = getOr(this.models, modelKey, () => ({ ...bucket(), providers: new Map<string, number>(), written: new Set<string>() }));
      addCall(m, c);
      m.providers.set(c.provider, (m.providers.get(c.provider) ?? 0) + 1);
      if (c.model) m.written.add(c.model);
      addCall(getOr(this.providers, c.provider, sumsOnly), c);
      addCall(getOr(this.agents, c.agent ?? NO_AGENT, bucket), c);
      addCall(wf.calls, c);
      // A call's cost counts on the UTC day its end was recorded.
      const when = c.end ?? c.start;
      if (when !== null) {
        const d = this.day(utcDay(when));
        d.calls++;
        if (c.costPico !== null) {
          d.cost.add(c.costPico);
          getOr(d.models, modelKey, () => new PicoSum()).add(c.costPico);
        }
      }
    }
    if (run.totals.costPico > 0) keepTop(this.mostExpensive, { key: run.totals.costPico, id: run.id, ref: null }, run);
    if (run.durationMs !== null) keepTop(this.slowest, { key: run.durationMs, id: run.id, ref: null }, run);
  }

  /** Adds the aggregates of other runs (an accumulator, or one sent from another thread). */
  merge(other: SummaryAccumulator): void {
    const o = revive(other);
    this.runs += o.runs;
    this.failedRuns += o.failedRuns;
    this.incompleteRuns += o.incompleteRuns;
    this.incompleteSteps += o.incompleteSteps;
    this.totalTokens.addSum(o.totalTokens);
    if (o.start !== null && (this.start === null || o.start < this.start)) this.start = o.start;
    if (o.end !== null && (this.end === null || o.end > this.end)) this.end = o.end;
    mergeBucket(this.all, o.all);
    for (const [k, b] of o.models) {
      const m = getOr(this.models, k, () => ({ ...bucket(), providers: new Map<string, number>(), written: new Set<string>() }));
      mergeBucket(m, b);
      for (const [p, n] of b.providers) m.providers.set(p, (m.providers.get(p) ?? 0) + n);
      for (const w of b.written) m.written.add(w);
    }
    for (const [k, b] of o.providers) mergeBucket(getOr(this.providers, k, sumsOnly), b);
    for (const [k, b] of o.agents) mergeBucket(getOr(this.agents, k, bucket), b);
    for (const [k, w] of o.workflows) {
      const into = getOr(this.workflows, k, () => ({ runs: 0, failedRuns: 0, calls: sumsOnly() }));
      into.runs += w.runs;
      into.failedRuns += w.failedRuns;
      mergeBucket(into.calls, w.calls);
    }
    for (const [k, d] of o.days) {
      const into = this.day(k);
      into.cost.addSum(d.cost);
      into.runs += d.runs;
      into.calls += d.calls;
      for (const [m, sum] of d.models) getOr(into.models, m, () => new PicoSum()).addSum(sum);
    }
    for (const r of o.mostExpensive) keepTop(this.mostExpensive, r);
    for (const r of o.slowest) keepTop(this.slowest, r);
  }

  /** The summary object. */
  result(meta: SummaryMeta): Summary {
    const byModel = [...this.models].map(([model, b]) => ({
      model,
      provider: mostCommon(b.providers),
      written: [...b.written].sort(),
      calls: b.calls,
      failed: b.failed,
      inputTokens: b.inputTokens.value(),
      outputTokens: b.outputTokens.value(),
      cost: b.cost.usd(),
      reportedCost: b.reported.usd(),
      estimatedCost: b.estimated.usd(),
      unpricedCalls: b.unpriced,
      ...percentilesOf(b.durations ?? []),
    }));
    byModel.sort(byCostThenName((r) => r.model));
    const byProvider = [...this.providers].map(([provider, b]) => ({ provider, calls: b.calls, cost: b.cost.usd(), unpricedCalls: b.unpriced }));
    byProvider.sort(byCostThenName((r) => r.provider));
    const byWorkflow = [...this.workflows].map(([workflow, w]) => ({
      workflow,
      runs: w.runs,
      failedRuns: w.failedRuns,
      calls: w.calls.calls,
      cost: w.calls.cost.usd(),
      avgCostPerRun: w.calls.cost.usd() / w.runs,
      unpricedCalls: w.calls.unpriced,
    }));
    byWorkflow.sort(byCostThenName((r) => r.workflow));
    const byAgent = [...this.agents].map(([agent, b]) => ({
      agent,
      calls: b.calls,
      failed: b.failed,
      cost: b.cost.usd(),
      unpricedCalls: b.unpriced,
      ...percentilesOf(b.durations ?? []),
    }));
    byAgent.sort(byCostThenName((r) => r.agent));
    const byDay: DayRow[] = [...this.days]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([date, d]) => ({
        date,
        cost: d.cost.usd(),
        runs: d.runs,
        calls: d.calls,
        byModel: [...d.models].map(([model, sum]) => ({ model, cost: sum.usd() })).sort(byCostThenName((r) => r.model)),
      }));
    const all = this.all;
    return {
      schemaVersion: 1,
      inputs: meta.inputs,
      files: meta.files,
      spans: meta.spans,
      skippedLines: meta.skippedLines,
      runs: this.runs,
      steps: all.calls,
      failedSteps: all.failed,
      incompleteSteps: this.incompleteSteps,
      failedRuns: this.failedRuns,
      incompleteRuns: this.incompleteRuns,
      timeRange: { start: formatIso(this.start), end: formatIso(this.end) },
      tokens: { input: all.inputTokens.value(), output: all.outputTokens.value(), total: this.totalTokens.value() },
      cost: {
        total: all.cost.usd(),
        reported: all.reported.usd(),
        estimated: all.estimated.usd(),
        unpricedSteps: all.unpriced,
        priceTable: meta.priceTable,
      },
      latency: percentilesOf(all.durations ?? []),
      byModel,
      byProvider,
      byWorkflow,
      byAgent,
      byDay,
      mostExpensiveRuns: this.mostExpensive.map((r) => r.ref!),
      slowestRuns: this.slowest.map((r) => r.ref!),
    };
  }
}

/** Largest cost first, then most calls, then name: a stable order on every machine. */
function byCostThenName<T extends { cost: number; calls?: number }>(name: (t: T) => string) {
  return (a: T, b: T) => b.cost - a.cost || (b.calls ?? 0) - (a.calls ?? 0) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);
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

function reviveBucket<B extends Bucket>(b: B): B {
  b.inputTokens = ExactSum.from(b.inputTokens);
  b.outputTokens = ExactSum.from(b.outputTokens);
  b.cost = PicoSum.from(b.cost);
  b.reported = PicoSum.from(b.reported);
  b.estimated = PicoSum.from(b.estimated);
  return b;
}

/**
 * An accumulator as it arrives from another thread has its fields but not its classes: the sums
 * are made whole again (an accumulator of this thread passes through unchanged in meaning).
 */
function revive(o: SummaryAccumulator): SummaryAccumulator {
  if (o instanceof SummaryAccumulator) return o;
  const a = o as SummaryAccumulator;
  a.totalTokens = ExactSum.from(a.totalTokens);
  reviveBucket(a.all);
  for (const b of a.models.values()) reviveBucket(b);
  for (const b of a.providers.values()) reviveBucket(b);
  for (const b of a.agents.values()) reviveBucket(b);
  for (const w of a.workflows.values()) reviveBucket(w.calls);
  for (const d of a.days.values()) {
    d.cost = PicoSum.from(d.cost);
    for (const [k, sum] of d.models) d.models.set(k, PicoSum.from(sum));
  }
  return a;
}
