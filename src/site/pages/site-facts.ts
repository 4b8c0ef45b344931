/**
 * What the pages about the whole report need of the runs, gathered in one pass over them so that
 * the runs need not be held while the site is written: a few facts per run (the run list's row,
 * its pages, the times the 7-day window asks about), sums by workflow, agent, provider and day,
 * every call's duration, and the slowest calls. The few runs a page lists in detail (failed,
 * unpriced, incomplete) are built again from their source when it is rendered.
 *
 * A large build reads its runs from the events kept in shared memory (RunPlan) and builds each
 * again when it is needed; a small one holds them (heldRuns). Both give the same facts.
 */
import { NO_AGENT, NO_WORKFLOW, SummaryAccumulator } from '../../aggregate/summary-accumulator.js';
import { picoToUsd, type LlmCall, type Run, type StepNode } from '../../model/types.js';
import { compareRuns } from '../../model/finalise.js';
import { utcDay } from '../../normalise/timestamp.js';
import type { PriceTable } from '../../prices/price-table.js';
import { PlanRuns } from '../../read/parallel/build-runs.js';
import { DurationHistogram } from '../../charts/duration-histogram.js';
import type { RunPlan } from '../../read/parallel/run-index.js';
import { tokenCountsOf, type TokenCounts } from './cells.js';
import { COLUMNS, StringTable, TOKEN_COUNTS, type CostMark, type CostSnapshot, type FactsMark, type FactsSnapshot, type WindowSnapshot } from './facts-state.js';
import { FactNumbers, PackedRunFacts } from './packed-run-facts.js';
import { runParts } from './run-parts.js';

/** The runs of a site, by number: held in memory, or built again from the events read. */
export interface RunSource {
  readonly count: number;
  /** Run `i`; `text`: with its prompts and responses (the run pages and `calls.jsonl` show them). */
  run(i: number, text: boolean): Run;
}

/** Runs held in memory (their prompts and responses are there or not, as they were read). */
export function heldRuns(runs: readonly Run[]): RunSource {
  return { count: runs.length, run: (i) => runs[i]! };
}

/** Runs built again from a plan each time they are asked for (on this thread). */
export function planRuns(plan: RunPlan, prices: PriceTable): RunSource {
  const lean = new PlanRuns(plan, { prices, keepText: false, local: false });
  const full = new PlanRuns(plan, { prices, keepText: true, local: false });
  return { count: lean.count, run: (i, text) => (text ? full : lean).run(i) };
}

/** A run as the run list, the cost tables and the exports' `runs.csv` show it. */
export interface RunFacts extends Pick<Run, 'id' | 'workflow' | 'pattern' | 'status' | 'statusText' | 'start' | 'end' | 'durationMs' | 'totals'> {
  /** Every input file that contributed lines to the run, sorted. */
  files: readonly string[];
  /** The run's number in its source. */
  at: number;
  tokens: TokenCounts;
  /** The run's agents and models, sorted (the run list's filters). */
  agents: readonly string[];
  models: readonly string[];
  /** Its page files: 1, or its parts (run-parts.ts). */
  pages: number;
  /** The earliest and latest time of its calls (each call's end, else its start); null without one. */
  firstCallTime: number | null;
  lastCallTime: number | null;
  /** Calls with no time. */
  untimedCalls: number;
}

/** A call with its run's id. */
export interface CallRef {
  runId: string;
  call: LlmCall;
}

export interface UnpricedCalls {
  total: number;
  /** Calls by the reason they have no price. */
  reasons: Map<string, number>;
  /** The first UNPRICED_LIST_LIMIT in list order. */
  first: CallRef[];
}

export interface EstimatedParts {
  workflow: Map<string, number>;
  agent: Map<string, number>;
  provider: Map<string, number>;
}

/** Per UTC day (of the call's end, else start, as daily spend counts): estimated cost and unpriced calls. */
export interface DayProvenance {
  estimatedPico: number;
  unpriced: number;
}

/** What a cost page reads of its runs (all of them, or the 7-day window's, cut to its calls). */
export interface CostFacts {
  /** The runs in list order (compareRuns). */
  runs: readonly RunFacts[];
  unpriced: UnpricedCalls;
  /** The estimated part of each workflow's, agent's and provider's cost (USD), keyed as summarise() keys them. */
  estimated: EstimatedParts;
  days: ReadonlyMap<string, DayProvenance>;
}

export interface SiteFacts extends CostFacts {
  source: RunSource;
  /** Every call's duration, where it has one, counted into bins and at the latency page's thresholds. */
  durations: DurationHistogram;
  /** The SLOWEST_CALLS longest calls, longest first (ties by run id, then step). */
  slowest: CallRef[];
  /** The latest time any run or call records (exact; the summary's ISO text drops sub-milliseconds). */
  latest: number | null;
  /** The part of each call of the runs whose page comes in parts (run-parts.ts), for links. */
  stepParts: Map<string, Int32Array>;
}

/** Unpriced calls listed one by one, at most this many (all are counted, all are in calls.csv). */
export const UNPRICED_LIST_LIMIT = 500;
export const SLOWEST_CALLS = 50;
/** The latency page counts the calls at least this long (ms). */
export const THRESHOLDS_MS = [1000, 2000, 5000, 10_000, 30_000, 60_000];

export function callTime(c: LlmCall): number | null {
  return c.end ?? c.start;
}

/** Whether call a comes before b among the slowest: slower, or as slow and first by run id, then step (a total order: a run's id is unique in a site). */
function slower(a: CallRef, b: CallRef): boolean {
  const da = a.call.durationMs!;
  const db = b.call.durationMs!;
  return da > db || (da === db && (a.runId < b.runId || (a.runId === b.runId && a.call.index < b.call.index)));
}

function agentsOf(nodes: readonly StepNode[], out: Set<string>): Set<string> {
  for (const n of nodes) {
    if (n.kind === 'agent') {
      out.add(n.agent);
      agentsOf(n.children, out);
    } else if (n.kind === 'llm' && n.agent) out.add(n.agent);
  }
  return out;
}

/**
 * The cost facts of runs fed one at a time. Fed in list order (`inOrder`), it lists the first
 * unpriced calls as they come; otherwise they are found in the runs' source once the runs are
 * sorted (`costFacts`).
 */
export class CostFactsBuilder {
  protected readonly runs: PackedRunFacts[] = [];
  private readonly unpriced: UnpricedCalls = { total: 0, reasons: new Map(), first: [] };
  private readonly estimatedPico: EstimatedParts = { workflow: new Map(), agent: new Map(), provider: new Map() };
  private readonly days = new Map<string, DayProvenance>();
  /** The runs' numbers (times and totals), in columns. */
  private readonly numbers: FactNumbers;
  /** String lists many runs share (agents, models, files), kept once: a tree of their strings. */
  private readonly lists: ListNode = { list: null, next: null };

  /** `expected`: the number of runs that will be added, when known. */
  constructor(
    private readonly inOrder: boolean,
    expected?: number,
  ) {
    this.numbers = new FactNumbers(expected);
  }

  /** The list equal to `list` seen first, or `list`. Looked up string by string, as no joined key is safe from strings a trace writes. */
  private shared(list: readonly string[]): readonly string[] {
    let node = this.lists;
    for (const s of list) {
      node.next ??= new Map();
      let child = node.next.get(s);
      if (child === undefined) {
        child = { list: null, next: null };
        node.next.set(s, child);
      }
      node = child;
    }
    return (node.list ??= list);
  }

  /** Adds run number `at` of its source; `pages`: its page files. */
  add(run: Run, at: number, pages: number): void {
    let first: number | null = null;
    let last: number | null = null;
    let untimed = 0;
    const models = new Set<string>();
    for (const c of run.calls) {
      const t = callTime(c);
      if (t === null || !Number.isFinite(t)) untimed++;
      else {
        if (first === null || t < first) first = t;
        if (last === null || t > last) last = t;
      }
      const m = c.modelId ?? c.model;
      if (m) models.add(m);
      if (c.costSource === 'estimated' && c.costPico !== null) {
        add(this.estimatedPico.workflow, run.workflow ?? NO_WORKFLOW, c.costPico);
        add(this.estimatedPico.agent, c.agent ?? NO_AGENT, c.costPico);
        add(this.estimatedPico.provider, c.provider, c.costPico);
      }
      if (c.costSource === 'unpriced') {
        this.unpriced.total++;
        const reason = c.unpricedReason ?? 'unpriced';
        this.unpriced.reasons.set(reason, (this.unpriced.reasons.get(reason) ?? 0) + 1);
        if (this.inOrder && this.unpriced.first.length < UNPRICED_LIST_LIMIT) this.unpriced.first.push({ runId: run.id, call: c });
      }
      if (t !== null) {
        const day = utcDay(t);
        let d = this.days.get(day);
        if (d === undefined) {
          d = { estimatedPico: 0, unpriced: 0 };
          this.days.set(day, d);
        }
        if (c.costSource === 'estimated') d.estimatedPico += c.costPico ?? 0;
        else if (c.costSource === 'unpriced') d.unpriced++;
      }
    }
    const row = this.numbers.add(run, first, last);
    const facts = new PackedRunFacts(this.numbers, row, run, {
      files: this.shared(run.files),
      at,
      tokens: tokenCountsOf(run.calls),
      agents: this.shared([...agentsOf(run.children, new Set())].sort()),
      models: this.shared([...models].sort()),
      pages,
      untimedCalls: untimed,
    });
    this.runs.push(facts);
  }

  /**
   * The cost facts as they are now, for a snapshot of the runs added so far (costSnapshot): the
   * sums, copied. Only for runs not fed in list order: the first unpriced calls are then found
   * once the runs are sorted, from the source.
   */
  protected costMark(): CostMark {
    if (this.inOrder) throw new Error('only the facts of runs fed by their number are kept between builds');
    const pairs = (m: Map<string, number>): [string, number][] => [...m];
    return {
      runs: this.runs.length,
      unpriced: { total: this.unpriced.total, reasons: pairs(this.unpriced.reasons) },
      estimated: { workflow: pairs(this.estimatedPico.workflow), agent: pairs(this.estimatedPico.agent), provider: pairs(this.estimatedPico.provider) },
      days: [...this.days].map(([k, d]) => [k, d.estimatedPico, d.unpriced]),
    };
  }

  /** The cost facts of the runs added before `mark` as plain values and columns, made from the runs' facts (which never change once added) and the sums the mark copied. */
  protected costSnapshot(strings: StringTable, mark: CostMark): CostSnapshot {
    const n = mark.runs;
    // In the order they were added: the facts may have been sorted into list order since.
    const byRow: PackedRunFacts[] = new Array<PackedRunFacts>(n);
    for (const f of this.runs) if (f.row < n) byRow[f.row] = f;
    const columns = new Int32Array(n * COLUMNS);
    const lists = new Map<readonly string[], number>();
    const listOf = (list: readonly string[]): number => {
      let k = lists.get(list);
      if (k === undefined) lists.set(list, (k = lists.size));
      return k;
    };
    for (let i = 0; i < n; i++) {
      const f = byRow[i];
      if (f === undefined) throw new Error(`row ${i} has no facts`);
      const o = i * COLUMNS;
      columns[o] = strings.of(f.workflow);
      columns[o + 1] = strings.of(f.pattern);
      columns[o + 2] = strings.of(f.status);
      columns[o + 3] = strings.of(f.statusText);
      columns[o + 4] = listOf(f.files);
      columns[o + 5] = listOf(f.agents);
      columns[o + 6] = listOf(f.models);
      columns[o + 7] = TOKEN_COUNTS.indexOf(f.tokens);
      columns[o + 8] = f.pages;
      columns[o + 9] = f.untimedCalls;
      columns[o + 10] = f.at;
    }
    const { runs: _runs, ...sums } = mark;
    return {
      runs: n,
      numbers: this.numbers.prefix(n),
      columns,
      state: { lists: [...lists.keys()].map((list) => list.map((s) => strings.of(s))), ...sums },
    };
  }

  /** Gives this (new) builder the facts `costSnapshot` took (`idOf`: a run's id by its number in the source). */
  protected restoreCost(snap: CostSnapshot, strings: readonly string[], idOf: (i: number) => string): void {
    if (this.inOrder || this.runs.length > 0) throw new Error('facts are restored into a new builder of runs fed by their number');
    const at = (k: number): string | null => (k === -1 ? null : strings[k]!);
    const lists = snap.state.lists.map((list) => this.shared(list.map((k) => strings[k]!)));
    const n = snap.runs;
    if (snap.columns.length !== n * COLUMNS) throw new Error('the columns of the facts are not those of their runs');
    this.numbers.restore(snap.numbers, n);
    for (let i = 0; i < n; i++) {
      const o = i * COLUMNS;
      const c = snap.columns;
      const tokens = TOKEN_COUNTS[c[o + 7]!];
      const status = at(c[o + 2]!) as Run['status'] | null;
      const number = c[o + 10]!;
      if (tokens === undefined || status === null || number < 0) throw new Error(`the facts of row ${i} are not whole`);
      const run = { id: idOf(number), workflow: at(c[o]!), pattern: at(c[o + 1]!), status, statusText: at(c[o + 3]!) };
      this.runs.push(new PackedRunFacts(this.numbers, i, run, { files: lists[c[o + 4]!]!, at: number, tokens, agents: lists[c[o + 5]!]!, models: lists[c[o + 6]!]!, pages: c[o + 8]!, untimedCalls: c[o + 9]! }));
    }
    this.unpriced.total = snap.state.unpriced.total;
    for (const [k, v] of snap.state.unpriced.reasons) this.unpriced.reasons.set(k, v);
    for (const part of ['workflow', 'agent', 'provider'] as const) for (const [k, v] of snap.state.estimated[part]) this.estimatedPico[part].set(k, v);
    for (const [k, estimatedPico, unpriced] of snap.state.days) this.days.set(k, { estimatedPico, unpriced });
  }

  /** The facts, the runs sorted into list order unless they came in it. */
  costFacts(source: RunSource | null): CostFacts {
    if (!this.inOrder) this.runs.sort(compareRuns);
    this.numbers.trim();
    const usd = (m: Map<string, number>) => new Map([...m].map(([k, v]) => [k, picoToUsd(v)]));
    const e = this.estimatedPico;
    const unpriced = this.inOrder || source === null ? this.unpriced : { ...this.unpriced, first: firstUnpriced(this.runs, source) };
    return { runs: this.runs, unpriced, estimated: { workflow: usd(e.workflow), agent: usd(e.agent), provider: usd(e.provider) }, days: this.days };
  }
}

interface ListNode {
  list: readonly string[] | null;
  next: Map<string, ListNode> | null;
}

function add(m: Map<string, number>, k: string, v: number): void {
  m.set(k, (m.get(k) ?? 0) + v);
}

/** The first UNPRICED_LIST_LIMIT unpriced calls in list order, from the runs that have any. */
function firstUnpriced(runs: readonly RunFacts[], source: RunSource): CallRef[] {
  const out: CallRef[] = [];
  for (const f of runs) {
    if (out.length >= UNPRICED_LIST_LIMIT) break;
    if (f.totals.unpricedCalls === 0) continue;
    const run = source.run(f.at, false);
    for (const c of run.calls) {
      if (c.costSource !== 'unpriced') continue;
      if (out.length >= UNPRICED_LIST_LIMIT) break;
      out.push({ runId: run.id, call: c });
    }
  }
  return out;
}

/** The whole site's facts, and (when asked) its summary, from one pass over the runs. */
export class SiteFactsBuilder extends CostFactsBuilder {
  private readonly durations = new DurationHistogram(THRESHOLDS_MS);
  private readonly slowest: CallRef[] = [];
  /** The run number of each of `slowest`. */
  private readonly slowestAt: number[] = [];
  private latest: number | null = null;
  private readonly stepParts = new Map<string, Int32Array>();

  constructor(
    inOrder: boolean,
    private readonly summary: SummaryAccumulator | null,
    expected?: number,
  ) {
    super(inOrder, expected);
  }

  addRun(run: Run, at: number): void {
    const split = runParts(run);
    if (split !== null) this.stepParts.set(run.id, split.partOfCall);
    this.add(run, at, split === null ? 1 : split.parts.length);
    this.summary?.add(run);
    this.see(run.end);
    this.see(run.start);
    for (const call of run.calls) {
      this.see(callTime(call));
      if (call.durationMs === null) continue;
      this.durations.add(call.durationMs);
      const ref = { runId: run.id, call };
      const top = this.slowest;
      if (top.length === SLOWEST_CALLS && !slower(ref, top[top.length - 1]!)) continue;
      let i = top.length;
      while (i > 0 && slower(ref, top[i - 1]!)) i--;
      top.splice(i, 0, ref);
      this.slowestAt.splice(i, 0, at);
      if (top.length > SLOWEST_CALLS) {
        top.pop();
        this.slowestAt.pop();
      }
    }
  }

  /**
   * The facts of the runs added so far (by their number, from 0), and their summary's
   * accumulator, as they are now: the sums copied, the rest read later by `snapshotAt` (the facts
   * of a run and the durations added never change). For a later build to go on from (restore).
   */
  mark(): FactsMark {
    if (this.summary === null) throw new Error('facts are kept between builds with their summary');
    return {
      cost: this.costMark(),
      // Copies: the histogram's counts (`state`), the slowest calls' numbers.
      site: { durations: this.durations.state(), slowest: this.slowest.map((ref, k): [number, number] => [this.slowestAt[k]!, ref.call.index]), latest: this.latest },
      split: this.stepParts.size,
      summary: this.summary.mark(),
    };
  }

  /** The snapshot of the runs before `mark` (taken of this builder), made now, with the window's facts of the same runs when given (window.ts). */
  snapshotAt(mark: FactsMark, window: { snapshotAt(strings: StringTable): WindowSnapshot } | null = null): FactsSnapshot {
    const strings = new StringTable();
    const cost = this.costSnapshot(strings, mark.cost);
    const runs: [string, Int32Array][] = [];
    for (const entry of this.stepParts) {
      if (runs.length === mark.split) break;
      runs.push(entry);
    }
    const stepParts = new Int32Array(runs.reduce((n, [, parts]) => n + parts.length, 0));
    let o = 0;
    for (const [, parts] of runs) {
      stepParts.set(parts, o);
      o += parts.length;
    }
    return {
      ...cost,
      strings: strings.list,
      site: { ...mark.site, split: runs.map(([id, parts]) => [id, parts.length]) },
      stepParts,
      summary: { state: mark.summary.state, durations: SummaryAccumulator.durationsAt(mark.summary) },
      window: window?.snapshotAt(strings) ?? null,
    };
  }

  /**
   * A builder, and its summary's accumulator, with the facts of `snap` (the first runs of
   * `source`, whose ids `idOf` gives: the strings the source holds already) in it: the next run to
   * add is number `snap.runs`.
   */
  static restore(snap: FactsSnapshot, source: RunSource, idOf: (i: number) => string): SiteFactsBuilder {
    const summary = SummaryAccumulator.restore(snap.summary.state, snap.summary.durations);
    // Room for one row: the numbers read come with room for every run (FactNumbers.restore).
    const b = new SiteFactsBuilder(false, summary, 1);
    b.restoreCost(snap, snap.strings, idOf);
    b.durations.restore(snap.site.durations);
    for (const [at, index] of snap.site.slowest) {
      const run = source.run(at, false);
      const call = run.calls.find((c) => c.index === index);
      if (call === undefined || call.durationMs === null) throw new Error(`run ${at} has no call ${index} with a duration`);
      b.slowest.push({ runId: run.id, call });
      b.slowestAt.push(at);
    }
    b.latest = snap.site.latest;
    let o = 0;
    for (const [id, calls] of snap.site.split) {
      b.stepParts.set(id, snap.stepParts.slice(o, o + calls));
      o += calls;
    }
    if (o !== snap.stepParts.length) throw new Error('the parts of calls are not those of the runs in parts');
    return b;
  }

  /** The summary's accumulator this builder adds to. */
  get accumulator(): SummaryAccumulator | null {
    return this.summary;
  }

  private see(t: number | null): void {
    if (t !== null && Number.isFinite(t) && (this.latest === null || t > this.latest)) this.latest = t;
  }

  siteFacts(source: RunSource): SiteFacts {
    return { ...this.costFacts(source), source, durations: this.durations, slowest: this.slowest, latest: this.latest, stepParts: this.stepParts };
  }
}

/**
 * One pass over every run of `source` (without their texts): the site's facts, and the summary
 * when `summary` is given. `inOrder`: the source holds the runs in list order already.
 */
export function gatherSiteFacts(source: RunSource, inOrder: boolean, summary: SummaryAccumulator | null = null): SiteFacts {
  const builder = new SiteFactsBuilder(inOrder, summary, source.count);
  for (let i = 0; i < source.count; i++) builder.addRun(source.run(i, false), i);
  return builder.siteFacts(source);
}

/** The facts of runs held in list order (what `renderSite` is given), and their summary when `summary` is given. */
export function siteFactsOf(runs: readonly Run[], summary: SummaryAccumulator | null = null): SiteFacts {
  return gatherSiteFacts(heldRuns(runs), true, summary);
}

/**
 * Where the run of each number (`at`) is in `runs` (the list order): the runs' numbers are
 * 0..n−1, each once, or this throws.
 */
export function listPlaces(runs: readonly RunFacts[]): Int32Array {
  const place = new Int32Array(runs.length).fill(-1);
  runs.forEach((r, i) => {
    if (!(r.at >= 0 && r.at < place.length) || place[r.at] !== -1) throw new Error(`run ${r.id} has no number of its own`);
    place[r.at] = i;
  });
  return place;
}

/** Where each run of `table` (the run table's order, newestFirst) is in `runs` (the list order). */
export function tableOrder(runs: readonly RunFacts[], table: readonly RunFacts[]): number[] {
  // By each run's number: a map keyed by 360k objects took 0.2 s at 5M spans.
  const place = listPlaces(runs);
  return table.map((r) => {
    const i = r.at >= 0 && r.at < place.length ? place[r.at]! : -1;
    if (i === -1 || runs[i] !== r) throw new Error(`run ${r.id} is in the run table but not in the list`);
    return i;
  });
}

/** Latest start first; runs without a start time after them, by id. */
export function newestFirst<T extends Pick<Run, 'start' | 'id'>>(runs: readonly T[]): T[] {
  const dated = runs.filter((r) => r.start !== null);
  const undated = runs.filter((r) => r.start === null);
  dated.sort((a, b) => b.start! - a.start! || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  undated.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return [...dated, ...undated];
}
