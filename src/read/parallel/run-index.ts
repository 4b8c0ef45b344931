import { RunRouter } from '../../model/run-router.js';
import { roleOf, type EventRole } from '../../normalise/event.js';
import { lineOf, runIdIdOf, typeIdOf, type EventBatch } from './event-batch.js';
import { sharedArray } from './shared-array.js';
import { sharedTextAt, sharedTexts, type SharedTexts } from './shared-texts.js';

/** A batch with what its events need beyond their columns: their file and the number of its first line. */
export interface PlacedBatch {
  batch: EventBatch;
  /** Index into `RunPlan.files`. */
  file: number;
  /** Added to the batch's line numbers (which count from its chunk's start). */
  lineBase: number;
  /** The number of the batch's first event among all events. */
  first: number;
}

/**
 * Every event of the input, grouped by run: what the threads that build runs read. The columns
 * sit in shared memory, so each thread reads them without a copy.
 */
export interface RunPlan {
  batches: PlacedBatch[];
  files: string[];
  /** Per run (in order of first appearance): its id, and whether the id was made up. */
  ids: string[];
  synthetic: boolean[];
  /** Per run: the file and line of its first event. */
  sourceFile: Int32Array;
  sourceLine: Int32Array;
  /** `order[offsets[r] .. offsets[r + 1]]` are run r's events (numbers among all events), in line order. */
  offsets: Int32Array;
  order: Int32Array;
  /** In a plan sent to threads (planForThreads): the ids and flags in shared memory, `ids` and `synthetic` then empty. */
  shared?: { ids: SharedTexts; synthetic: Uint8Array };
}

/** Run `r`'s id. */
export function runIdAt(plan: RunPlan, r: number): string {
  return plan.shared ? sharedTextAt(plan.shared.ids, r) : plan.ids[r]!;
}

/** Whether run `r`'s id was made up. */
export function syntheticAt(plan: RunPlan, r: number): boolean {
  return plan.shared ? plan.shared.synthetic[r] === 1 : plan.synthetic[r]!;
}

/**
 * The plan as the threads that write a site's pages and exports are sent it: its run ids in
 * shared memory rather than a list of strings that each thread would copy (about 20 MB a thread
 * at 5M spans). Made once, for every such thread.
 */
export function planForThreads(plan: RunPlan, ids: SharedTexts | null = null): RunPlan {
  if (plan.shared) return plan;
  const synthetic = sharedArray(Uint8Array, plan.synthetic.length);
  plan.synthetic.forEach((s, r) => (synthetic[r] = s ? 1 : 0));
  // `ids`: sharedTexts(plan.ids), made already.
  if (ids !== null && ids.ends.length !== plan.ids.length) throw new Error('the ids in shared memory are not the plan’s');
  return { ...plan, ids: [], synthetic: [], shared: { ids: ids ?? sharedTexts(plan.ids), synthetic } };
}

/**
 * The routing pass: reads each event's role and run id from the batches, in input order, and
 * notes its run. Building runs waits until every line was read (a run id can come back at any
 * line), and then runs can be built independently of each other.
 */
export class RunIndex {
  private readonly router = new RunRouter();
  private runOf = new Int32Array(1 << 16);
  private events = 0;
  private readonly batches: PlacedBatch[] = [];
  private readonly files: string[] = [];
  private readonly sourceFile: number[] = [];
  private readonly sourceLine: number[] = [];

  /** Starts a file: position never carries over between files. */
  beginFile(name: string): void {
    this.router.beginFile();
    this.files.push(name);
  }

  /** Routes a batch of the current file whose first line is line `lineBase + 1`. */
  add(batch: EventBatch, lineBase: number): void {
    const file = this.files.length - 1;
    const name = this.files[file]!;
    if (this.events + batch.count > this.runOf.length) {
      const grown = new Int32Array(Math.max(this.runOf.length * 2, this.events + batch.count));
      grown.set(this.runOf.subarray(0, this.events));
      this.runOf = grown;
    }
    this.batches.push({ batch, file, lineBase, first: this.events });
    const { router } = this;
    const table = batch.table;
    // By the batch's string ids: each type's role, and the run each run id was routed to (-1: not
    // yet), which the router would give again for a line that neither starts nor ends a run
    // while no run is renamed (see RunRouter.renames). Two lookups by string a line saved.
    const roles = new Array<EventRole | undefined>(table.length + 1);
    const runOfId = new Int32Array(table.length + 1).fill(-1);
    let renames = router.renames;
    for (let i = 0; i < batch.count; i++) {
      const type = typeIdOf(batch, i);
      const role = (roles[type] ??= roleOf(table[type - 1]!));
      const id = runIdIdOf(batch, i);
      let run = id === 0 || role === 'run_start' || role === 'run_end' ? -1 : runOfId[id]!;
      if (run === -1) {
        const line = lineBase + lineOf(batch, i);
        const known = router.count;
        run = router.route(role, id === 0 ? null : table[id - 1]!, name, line);
        if (router.renames !== renames) {
          runOfId.fill(-1);
          renames = router.renames;
        }
        if (id !== 0) runOfId[id] = run;
        if (run === known) {
          this.sourceFile.push(file);
          this.sourceLine.push(line);
        }
      }
      this.runOf[this.events++] = run;
    }
  }

  /** Groups the events by run (a stable counting sort: line order within each run). */
  plan(): RunPlan {
    const runs = this.router.count;
    const offsets = sharedArray(Int32Array, runs + 1);
    for (let g = 0; g < this.events; g++) offsets[this.runOf[g]! + 1]!++;
    for (let r = 0; r < runs; r++) offsets[r + 1]! += offsets[r]!;
    const next = offsets.slice(0, runs);
    const order = sharedArray(Int32Array, Math.max(1, this.events));
    for (let g = 0; g < this.events; g++) order[next[this.runOf[g]!]!++] = g;
    this.runOf = new Int32Array(0);
    return {
      batches: this.batches,
      files: this.files,
      ids: this.router.ids,
      synthetic: this.router.synthetic,
      sourceFile: sharedInts(this.sourceFile),
      sourceLine: sharedInts(this.sourceLine),
      offsets,
      order,
    };
  }
}

/** The numbers in shared memory: read by every thread that builds runs, not copied to each. */
function sharedInts(list: readonly number[]): Int32Array {
  const a = sharedArray(Int32Array, list.length);
  a.set(list);
  return a;
}

/** Cuts runs 0..n into `parts` consecutive ranges of about the same number of events. */
export function splitRuns(plan: RunPlan, parts: number): [number, number][] {
  const runs = plan.offsets.length - 1;
  const events = plan.offsets[runs]!;
  const ranges: [number, number][] = [];
  let from = 0;
  for (let p = 1; p <= parts && from < runs; p++) {
    let to = from;
    const target = (events * p) / parts;
    while (to < runs && (p === parts || plan.offsets[to]! < target)) to++;
    if (to === from) to = from + 1;
    ranges.push([from, to]);
    from = to;
  }
  return ranges;
}
