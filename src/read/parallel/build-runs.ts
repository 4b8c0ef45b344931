import { finaliseRun } from '../../model/finalise.js';
import { RunBuilder } from '../../model/run-builder.js';
import type { Run } from '../../model/types.js';
import type { PriceTable } from '../../prices/price-table.js';
import { decodeEvent, emptyEvent, lineOf, textAt, textEntryOf } from './event-batch.js';
import { runIdAt, syntheticAt, type PlacedBatch, type RunPlan } from './run-index.js';

/**
 * Builds runs `from` to `to` of a plan, each from its events in line order, exactly as the
 * one-pass loader does, and hands each finished run to `visit`. The plan holds only this
 * range's ids and first lines when `local` (a worker's job): `ids[0]` is then run `from`.
 */
export function forEachRun(plan: RunPlan, from: number, to: number, o: RunMakerOptions, visit: (run: Run) => void): void {
  const maker = new PlanRuns(plan, o.local ? { ...o, from } : o);
  for (let r = from; r < to; r++) visit(maker.run(r));
}

export interface RunMakerOptions {
  prices: PriceTable;
  keepText: boolean;
  /** The plan holds only the range's ids and first lines (planPart): `ids[0]` is run `from`. */
  local: boolean;
  /** With `local`: the first run of the plan's range. */
  from?: number;
}

/**
 * Builds any run of a plan from its events, in any order: run by run as forEachRun does, or a
 * few picked out (the site's pages look up the details of the runs they list).
 */
export class PlanRuns {
  private readonly e = emptyEvent();
  private readonly batches: BatchCursor;

  constructor(
    private readonly plan: RunPlan,
    private readonly o: RunMakerOptions,
  ) {
    this.batches = new BatchCursor(plan.batches);
  }

  get count(): number {
    return this.plan.offsets.length - 1;
  }

  /** Run `r` (its number in the whole plan), built afresh. */
  run(r: number): Run {
    const { plan, o, e, batches } = this;
    const k0 = o.local ? r - (o.from ?? 0) : r;
    const builder = new RunBuilder(runIdAt(plan, k0), syntheticAt(plan, k0), { file: plan.files[plan.sourceFile[k0]!]!, line: plan.sourceLine[k0]! }, o.keepText);
    for (let k = plan.offsets[r]!; k < plan.offsets[r + 1]!; k++) {
      const g = plan.order[k]!;
      const placed = batches.of(g);
      const i = g - placed.first;
      decodeEvent(placed.batch, i, e);
      const texts = placed.batch.texts;
      if (o.keepText && texts !== null) {
        const k = textEntryOf(texts, i);
        if (k !== -1) [e.prompt, e.response] = textAt(texts, k);
      }
      builder.add(e, plan.files[placed.file]!, placed.lineBase + lineOf(placed.batch, i));
    }
    return finaliseRun(builder, o.prices);
  }
}

/** The batch that holds an event, by the event's number among all; looked up from the last one found, as a run's events mostly sit in the same or nearby batches. */
export class BatchCursor {
  private readonly firsts: number[];
  private bi = 0;

  constructor(private readonly batches: readonly PlacedBatch[]) {
    this.firsts = batches.map((b) => b.first);
  }

  of(g: number): PlacedBatch {
    const { firsts } = this;
    let bi = this.bi;
    if (g < firsts[bi]! || (bi + 1 < firsts.length && g >= firsts[bi + 1]!)) this.bi = bi = batchOf(firsts, g);
    return this.batches[bi]!;
  }
}

/** The batch holding event `g`: the last whose first event is at or before it. */
function batchOf(firsts: readonly number[], g: number): number {
  let lo = 0;
  let hi = firsts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (firsts[mid]! <= g) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The plan for runs `from` to `to` only: that range's ids and first lines (see `local`), and only
 * the batches that hold their events (each thread gets a copy of the batches' strings).
 */
export function planPart(plan: RunPlan, from: number, to: number): RunPlan {
  if (plan.shared) throw new Error('a part of a plan made for threads');
  let lo = Infinity;
  let hi = -1;
  for (let k = plan.offsets[from]!; k < plan.offsets[to]!; k++) {
    const g = plan.order[k]!;
    if (g < lo) lo = g;
    if (g > hi) hi = g;
  }
  const firsts = plan.batches.map((b) => b.first);
  const batches = hi === -1 ? [] : plan.batches.slice(batchOf(firsts, lo), batchOf(firsts, hi) + 1);
  return {
    ...plan,
    batches,
    ids: plan.ids.slice(from, to),
    synthetic: plan.synthetic.slice(from, to),
    sourceFile: plan.sourceFile.slice(from, to),
    sourceLine: plan.sourceLine.slice(from, to),
  };
}
