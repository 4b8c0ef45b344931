import { DAY_MS, formatIso, utcDay } from '../normalise/timestamp.js';
import type { LlmCall, Run } from '../model/types.js';
import { picoToUsd } from '../model/types.js';
import { ExactSum } from './exact-sum.js';
import { percentilesInPlace, type Percentiles } from './percentile.js';
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

/** Numbers in a typed array that grows: sent to another thread as one block, not number by number. */
interface Durations {
  values: Float64Array;
  length: number;
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
  durations: Durations | null;
}
type ModelBucket = Bucket & { providers: Map<string, number>; written: Set<string> };

/**
 * The calls of one workflow, agent, model and provider. Each call is added to its group only;
 * the tables (all calls, by model, provider, agent, workflow) are sums of groups, made when the
 * summary is read. A run's calls mostly fall into a few groups, so a call costs one bucket's
 * sums instead of five.
 */
interface Group {
  workflow: string;
  agent: string;
  model: string;
  provider: string;
  /** The model ids as written (c.model), for the model's `written` list. */
  written: Set<string>;
  calls: Bucket;
}
interface DayBucket {
  cost: PicoSum;
  runs: number;
  calls: number;
  models: Map<string, PicoSum>;
}
/** Two halves of a PicoSum, and an ExactSum's parts, as plain values. */
type PicoState = { thousands: number; rest: number };
type ExactState = { whole: number; parts: readonly number[] };
interface GroupState {
  workflow: string;
  agent: string;
  model: string;
  provider: string;
  written: string[];
  calls: { calls: number; failed: number; inputTokens: ExactState; outputTokens: ExactState; cost: PicoState; reported: PicoState; estimated: PicoState; unpriced: number; durations: number | null };
}
/** A SummaryAccumulator as plain values (its `mark`), but for its groups' durations. */
export interface AccumulatorState {
  runs: number;
  failedRuns: number;
  incompleteRuns: number;
  incompleteSteps: number;
  totalTokens: ExactState;
  start: number | null;
  end: number | null;
  workflows: [string, number, number][];
  groups: GroupState[];
  days: [string, { cost: PicoState; runs: number; calls: number; models: [string, PicoState][] }][];
  mostExpensive: Ranked[];
  slowest: Ranked[];
}

/** An accumulator's plain values at a point, and the groups whose durations reach back to it. */
export interface AccumulatorMark {
  state: AccumulatorState;
  durations: { groups: readonly Group[]; lengths: readonly number[] };
}

/** A run in a top list: its sort key and its row. */
interface Ranked {
  key: number;
  id: string;
  ref: RunRef | null;
}

function bucket(): Bucket {
  return { calls: 0, failed: 0, inputTokens: new ExactSum(), outputTokens: new ExactSum(), cost: new PicoSum(), reported: new PicoSum(), estimated: new PicoSum(), unpriced: 0, durations: { values: new Float64Array(16), length: 0 } };
}

/** Room for `more` durations after the ones there. */
function reserve(d: Durations, more: number): void {
  if (d.length + more <= d.values.length) return;
  const grown = new Float64Array(Math.max(d.values.length * 2, d.length + more));
  grown.set(d.values.subarray(0, d.length));
  d.values = grown;
}


/** A table's bucket whose percentiles are shown: the groups it sums, which hold the durations. */
type Parted = Bucket & { parts: Bucket[] };

/**
 * The percentiles of the durations of `parts` (groups), put side by side in `scratch` (room for
 * every duration) and rearranged there: the same as of their durations merged into one list.
 */
function percentilesOfParts(parts: readonly Bucket[], scratch: Float64Array): Percentiles {
  let n = 0;
  for (const b of parts) {
    const d = b.durations;
    if (d === null) continue;
    scratch.set(d.values.subarray(0, d.length), n);
    n += d.length;
  }
  return percentilesInPlace(scratch.subarray(0, n));
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
  const d = b.durations;
  if (c.durationMs !== null && d !== null) {
    if (d.length === d.values.length) reserve(d, 1);
    d.values[d.length++] = c.durationMs;
  }
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
  const d = into.durations;
  if (d !== null && from.durations !== null) {
    reserve(d, from.durations.length);
    d.values.set(from.durations.values.subarray(0, from.durations.length), d.length);
    d.length += from.durations.length;
  }
}

/** Groups by workflow, then agent: an agent's calls mostly use one model or a few. */
type Groups = Map<string, Map<string, Group[]>>;

/** Every group, in no particular order (nothing made of them depends on it). */
function* groupsIn(groups: Groups): Generator<Group> {
  for (const byAgent of groups.values()) for (const list of byAgent.values()) yield* list;
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
  /** Runs by workflow (their calls are in the groups). */
  workflows = new Map<string, { runs: number; failedRuns: number }>();
  /** The groups of calls, by workflow, agent, model and provider. */
  groups: Groups = new Map();
  days = new Map<string, DayBucket>();
  mostExpensive: Ranked[] = [];
  slowest: Ranked[] = [];
  /** The group the last call went to: the next call of a run is mostly of the same one. */
  private last: Group | null = null;
  /** The day the last call counted on (its number since 1970, its bucket) and its sum for one model. */
  private lastDayNumber = Number.NaN;
  private lastDay: DayBucket | null = null;
  private lastDayModel: string | null = null;
  private lastDayModelSum: PicoSum | null = null;

  private day(d: string): DayBucket {
    return getOr(this.days, d, () => ({ cost: new PicoSum(), runs: 0, calls: 0, models: new Map<string, PicoSum>() }));
  }

  /** The bucket of the UTC day of `when` (as utcDay counts it), looked up only when the day changes: a run and its calls mostly fall on one. */
  private dayAt(when: number): DayBucket {
    const dayNumber = Math.floor(when / DAY_MS);
    if (dayNumber !== this.lastDayNumber || this.lastDay === null) {
      this.lastDayNumber = dayNumber;
      this.lastDay = this.day(utcDay(when));
      this.lastDayModel = null;
    }
    return this.lastDay;
  }

  private group(workflow: string, agent: string, model: string, provider: string): Group {
    let byAgent = this.groups.get(workflow);
    if (byAgent === undefined) this.groups.set(workflow, (byAgent = new Map()));
    let list = byAgent.get(agent);
    if (list === undefined) byAgent.set(agent, (list = []));
    for (const g of list) if (g.model === model && g.provider === provider) return g;
    const g: Group = { workflow, agent, model, provider, written: new Set<string>(), calls: bucket() };
    list.push(g);
    return g;
  }

  add(run: Run): void {
    this.runs++;
    if (run.status === 'failed') this.failedRuns++;
    else if (run.status === 'incomplete') this.incompleteRuns++;
    if (run.start !== null && (this.start === null || run.start < this.start)) this.start = run.start;
    if (run.end !== null && (this.end === null || run.end > this.end)) this.end = run.end;
    this.totalTokens.add(run.totals.totalTokens);
    const workflow = run.workflow ?? NO_WORKFLOW;
    const wf = getOr(this.workflows, workflow, () => ({ runs: 0, failedRuns: 0 }));
    wf.runs++;
    if (run.status === 'failed') wf.failedRuns++;
    if (run.start !== null) this.dayAt(run.start).runs++;
    for (const c of run.calls) {
      if (c.status === 'incomplete') this.incompleteSteps++;
      const modelKey = c.modelId ?? UNKNOWN_MODEL;
      const agent = c.agent ?? NO_AGENT;
      let g = this.last;
      if (g === null || g.workflow !== workflow || g.agent !== agent || g.model !== modelKey || g.provider !== c.provider) {
        g = this.group(workflow, agent, modelKey, c.provider);
        this.last = g;
      }
      addCall(g.calls, c);
      if (c.model) g.written.add(c.model);
      // A call's cost counts on the UTC day its end was recorded.
      const when = c.end ?? c.start;
      if (when !== null) {
        const d = this.dayAt(when);
        d.calls++;
        if (c.costPico !== null) {
          d.cost.add(c.costPico);
          if (this.lastDayModel !== modelKey || this.lastDayModelSum === null) {
            this.lastDayModel = modelKey;
            this.lastDayModelSum = getOr(d.models, modelKey, () => new PicoSum());
          }
          this.lastDayModelSum.add(c.costPico);
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
    for (const [k, w] of o.workflows) {
      const into = getOr(this.workflows, k, () => ({ runs: 0, failedRuns: 0 }));
      into.runs += w.runs;
      into.failedRuns += w.failedRuns;
    }
    for (const g of groupsIn(o.groups)) {
      const into = this.group(g.workflow, g.agent, g.model, g.provider);
      mergeBucket(into.calls, g.calls);
      for (const w of g.written) into.written.add(w);
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

  /**
   * The accumulator as it is now, for a snapshot (facts-snapshot.ts): its plain values, copied,
   * and where each group's durations end now. Durations are only ever appended to, so they are
   * read up to there later (`durationsAt`), when the snapshot is written, and not copied here.
   */
  mark(): AccumulatorMark {
    const groups: Group[] = [];
    const states: GroupState[] = [];
    const lengths: number[] = [];
    for (const g of groupsIn(this.groups)) {
      const b = g.calls;
      if (b.durations !== null) {
        groups.push(g);
        lengths.push(b.durations.length);
      }
      states.push({
        workflow: g.workflow,
        agent: g.agent,
        model: g.model,
        provider: g.provider,
        written: [...g.written],
        calls: { calls: b.calls, failed: b.failed, inputTokens: b.inputTokens, outputTokens: b.outputTokens, cost: b.cost, reported: b.reported, estimated: b.estimated, unpriced: b.unpriced, durations: b.durations === null ? null : b.durations.length },
      });
    }
    const state: AccumulatorState = structuredClone({
      runs: this.runs,
      failedRuns: this.failedRuns,
      incompleteRuns: this.incompleteRuns,
      incompleteSteps: this.incompleteSteps,
      totalTokens: this.totalTokens,
      start: this.start,
      end: this.end,
      workflows: [...this.workflows].map(([k, w]): [string, number, number] => [k, w.runs, w.failedRuns]),
      groups: states,
      days: [...this.days].map(([k, d]): AccumulatorState['days'][number] => [k, { cost: d.cost, runs: d.runs, calls: d.calls, models: [...d.models] }]),
      mostExpensive: this.mostExpensive,
      slowest: this.slowest,
    });
    return { state, durations: { groups, lengths } };
  }

  /** The durations of each group that keeps them, as far as they went when `mark` was taken (views, not copies). */
  static durationsAt(mark: AccumulatorMark): Float64Array[] {
    const { groups, lengths } = mark.durations;
    return groups.map((g, k) => g.calls.durations!.values.subarray(0, lengths[k]));
  }

  /** An accumulator as `mark` found it (`durations`: durationsAt's arrays, one a group that keeps them, in order, taken as they are; one may be longer than the group's durations, room for more). */
  static restore(state: AccumulatorState, durations: readonly Float64Array[]): SummaryAccumulator {
    const a = new SummaryAccumulator();
    a.runs = state.runs;
    a.failedRuns = state.failedRuns;
    a.incompleteRuns = state.incompleteRuns;
    a.incompleteSteps = state.incompleteSteps;
    a.totalTokens = ExactSum.from(state.totalTokens);
    a.start = state.start;
    a.end = state.end;
    for (const [k, runs, failedRuns] of state.workflows) a.workflows.set(k, { runs, failedRuns });
    let next = 0;
    for (const g of state.groups) {
      const into = a.group(g.workflow, g.agent, g.model, g.provider);
      for (const w of g.written) into.written.add(w);
      const c = g.calls;
      let kept: Durations | null = null;
      if (c.durations !== null) {
        const values = durations[next++];
        if (values === undefined || values.length < c.durations) throw new Error('the durations of a group are not the ones its snapshot counts');
        // Kept as they are: an array read for it may have room for more after them.
        kept = { values, length: c.durations };
      }
      into.calls = { calls: c.calls, failed: c.failed, inputTokens: ExactSum.from(c.inputTokens), outputTokens: ExactSum.from(c.outputTokens), cost: PicoSum.from(c.cost), reported: PicoSum.from(c.reported), estimated: PicoSum.from(c.estimated), unpriced: c.unpriced, durations: kept };
    }
    if (next !== durations.length) throw new Error('a snapshot has more durations than groups that keep them');
    for (const [k, d] of state.days) a.days.set(k, { cost: PicoSum.from(d.cost), runs: d.runs, calls: d.calls, models: new Map(d.models.map(([m, sum]) => [m, PicoSum.from(sum)])) });
    a.mostExpensive = state.mostExpensive.map((r) => ({ ...r }));
    a.slowest = state.slowest.map((r) => ({ ...r }));
    return a;
  }

  /**
   * The tables' buckets, each the sum of its groups. Their durations are not copied together:
   * where percentiles are shown, a bucket lists its groups (`parts`), whose durations are put
   * side by side in one scratch array only while its percentiles are selected (percentilesOfParts).
   */
  private tables() {
    const all: Parted = { ...sumsOnly(), parts: [] };
    const models = new Map<string, ModelBucket & Parted>();
    const providers = new Map<string, Bucket>();
    const agents = new Map<string, Parted>();
    const workflows = new Map<string, Bucket>();
    let durations = 0;
    for (const g of groupsIn(this.groups)) {
      const b = g.calls;
      durations += b.durations?.length ?? 0;
      mergeBucket(all, b);
      all.parts.push(b);
      const m = getOr(models, g.model, () => ({ ...sumsOnly(), providers: new Map<string, number>(), written: new Set<string>(), parts: [] }));
      mergeBucket(m, b);
      m.parts.push(b);
      m.providers.set(g.provider, (m.providers.get(g.provider) ?? 0) + b.calls);
      for (const w of g.written) m.written.add(w);
      mergeBucket(getOr(providers, g.provider, sumsOnly), b);
      const a = getOr(agents, g.agent, () => ({ ...sumsOnly(), parts: [] }));
      mergeBucket(a, b);
      a.parts.push(b);
      mergeBucket(getOr(workflows, g.workflow, sumsOnly), b);
    }
    return { all, models, providers, agents, workflows, scratch: new Float64Array(durations) };
  }

  /** The summary object. */
  result(meta: SummaryMeta): Summary {
    const t = this.tables();
    const byModel = [...t.models].map(([model, b]) => ({
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
      ...percentilesOfParts(b.parts, t.scratch),
    }));
    byModel.sort(byCostThenName((r) => r.model));
    const byProvider = [...t.providers].map(([provider, b]) => ({ provider, calls: b.calls, cost: b.cost.usd(), unpricedCalls: b.unpriced }));
    byProvider.sort(byCostThenName((r) => r.provider));
    const byWorkflow = [...this.workflows].map(([workflow, w]) => {
      const calls = t.workflows.get(workflow) ?? sumsOnly();
      return {
        workflow,
        runs: w.runs,
        failedRuns: w.failedRuns,
        calls: calls.calls,
        cost: calls.cost.usd(),
        avgCostPerRun: calls.cost.usd() / w.runs,
        unpricedCalls: calls.unpriced,
      };
    });
    byWorkflow.sort(byCostThenName((r) => r.workflow));
    const byAgent = [...t.agents].map(([agent, b]) => ({
      agent,
      calls: b.calls,
      failed: b.failed,
      cost: b.cost.usd(),
      unpricedCalls: b.unpriced,
      ...percentilesOfParts(b.parts, t.scratch),
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
    const all = t.all;
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
      latency: percentilesOfParts(all.parts, t.scratch),
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
  // Only merged from, never added to: what it remembers of its last call is not used.
  const a = o as SummaryAccumulator;
  a.totalTokens = ExactSum.from(a.totalTokens);
  for (const g of groupsIn(a.groups)) reviveBucket(g.calls);
  for (const d of a.days.values()) {
    d.cost = PicoSum.from(d.cost);
    for (const [k, sum] of d.models) d.models.set(k, PicoSum.from(sum));
  }
  return a;
}
