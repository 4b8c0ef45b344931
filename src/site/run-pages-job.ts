import { setImmediate } from 'node:timers/promises';
import { PlanRuns } from '../read/parallel/build-runs.js';
import { runIdAt, type RunPlan } from '../read/parallel/run-index.js';
import { PriceTable, type PriceTableState } from '../prices/price-table.js';
import { nameAt, type RunPageNameList } from './file-names.js';
import { partPath } from './pages/run-parts.js';
import { runPageFiles, type Neighbour, type PageContext } from './pages/site-pages.js';
import { resolveInside } from './write/site-path.js';
import { carryFiles, keepFiles, writeOrReuse } from './write/reuse-file.js';

/** Runs a thread takes from the board at a time: few enough that the threads finish together. */
export const RUNS_A_CLAIM = 64;

/**
 * Every run page of a site, by the run's number in the plan, in columns (a run's page is a few
 * numbers and the strings it names, not objects), and the shared counter the threads that write
 * them take runs from: each takes the next RUNS_A_CLAIM runs until none are left, so a thread
 * that had other work first (the exports') joins in when it is done, and none waits on another.
 */
export interface RunPagesBoard {
  /** Run r's page is name r (its first file; its other parts are named from it, see partPath). */
  names: RunPageNameList;
  /** Its page files: 1, or its parts. */
  files: Int32Array;
  /** Its start (NaN: none). */
  starts: Float64Array;
  /** Its neighbours in the run list, by their number in the plan (-1: none). */
  prev: Int32Array;
  next: Int32Array;
  /** In shared memory: the number of claims taken so far (claim c is runs c × RUNS_A_CLAIM on). */
  claims: Int32Array;
  /**
   * The site being replaced: per page file, run by run in plan order, whether it holds that
   * page's path (linked instead when unchanged, see reuse-file.ts), and where each run's files
   * start in that list. Null without one.
   */
  previous: { root: string; has: Uint8Array; firstFile: Int32Array } | null;
  /**
   * By a run's number in the plan: the bytes of its page files when they are known to be the
   * previous build's, byte for byte (its key and its neighbours' are the same, see
   * reuse/run-keys.ts), else NaN. They are linked from that site without building the run, as long
   * as they still have those bytes. Null when none are.
   */
  kept: Float64Array | null;
  /** In shared memory, by a run's number in the plan: the bytes of its page files as written (for the next build's `kept`). */
  written: Float64Array;
  /**
   * In shared memory, by a run's number in the plan: 1 when its kept pages were left in the
   * previous site for the swap to carry over (PreviousSite's `carry`) rather than linked. Null
   * when kept pages are linked.
   */
  carried: Uint8Array | null;
}

/** Write run pages taken from `pages` into `root` (on a worker thread), building each run from the plan. */
export interface WriteRunPagesJob {
  plan: RunPlan;
  prices: PriceTableState;
  root: string;
  context: Omit<PageContext, 'names' | 'counts'>;
  pages: RunPagesBoard;
}

export interface WriteRunPagesResult {
  /** Files written (a run whose page comes in parts writes several). */
  pages: number;
  bytes: number;
}

type Linked = (Neighbour & { path: string }) | null;

/** Run `r` of the plan as a neighbour. */
function neighbourOf(job: WriteRunPagesJob, r: number): Linked {
  if (r < 0) return null;
  const t = job.pages.starts[r]!;
  return { id: runIdAt(job.plan, r), start: Number.isNaN(t) ? null : t, path: nameAt(job.pages.names, r) };
}

/**
 * Takes runs from the board, a claim at a time: builds each, renders its page exactly as the
 * one-thread build does (runPageFiles) and writes it with a synchronous write (the folders exist
 * already); the run is then let go. The first failure stops every thread taking more runs and is
 * thrown.
 */
export class RunPagesWriter {
  private readonly runs: PlanRuns;
  private bytes = 0;
  private pages = 0;

  constructor(private readonly job: WriteRunPagesJob) {
    this.runs = new PlanRuns(job.plan, { prices: PriceTable.fromState(job.prices), keepText: true, local: false });
  }

  /** What this writer has written so far. */
  get result(): WriteRunPagesResult {
    return { pages: this.pages, bytes: this.bytes };
  }

  /** Writes the pages of the next RUNS_A_CLAIM runs on the board; false when none were left. */
  next(): boolean {
    const { job, runs } = this;
    const { claims } = job.pages;
    const count = runs.count;
    const from = Atomics.add(claims, 0, 1) * RUNS_A_CLAIM;
    if (from >= count) return false;
    try {
      for (let r = from; r < Math.min(count, from + RUNS_A_CLAIM); r++) this.write(r);
    } catch (err) {
      // No thread takes more runs: the build fails with this error once every thread has stopped.
      stopTaking(job.pages);
      throw err;
    }
    return true;
  }

  private write(r: number): void {
    const { job } = this;
    const { names: pageNames, files, prev: prevs, next: nexts, previous, kept, carried } = job.pages;
    const page = nameAt(pageNames, r);
    const planned = files[r]!;
    if (previous !== null && kept !== null && !Number.isNaN(kept[r]!)) {
      const paths = Array.from({ length: planned }, (_, i) => partPath(page, i + 1));
      const olds = paths.map((p) => resolveInside(previous.root, p));
      if (carried !== null ? carryFiles(olds, kept[r]!) : keepFiles(olds, paths.map((p) => resolveInside(job.root, p)), kept[r]!)) {
        if (carried !== null) carried[r] = 1;
        this.bytes += kept[r]!;
        job.pages.written[r] = kept[r]!;
        this.pages += planned;
        return;
      }
    }
    const run = this.runs.run(r);
    const prev = neighbourOf(job, prevs[r]!);
    const next = neighbourOf(job, nexts[r]!);
    const names = new Map<string, string>([[run.id, page]]);
    if (prev) names.set(prev.id, prev.path);
    if (next) names.set(next.id, next.path);
    let i = 0;
    for (const file of runPageFiles({ ...job.context, names }, run, prev, next)) {
      const path = partPath(page, ++i);
      if (i > planned || file.path !== path) throw new Error(`run ${JSON.stringify(run.id)}: its page ${JSON.stringify(file.path)} is not the one planned`);
      const old = previous !== null && previous.has[previous.firstFile[r]! + i - 1] === 1 ? resolveInside(previous.root, path) : null;
      const bytes = writeOrReuse(resolveInside(job.root, path), file.content, old);
      this.bytes += bytes;
      job.pages.written[r] = job.pages.written[r]! + bytes;
      this.pages++;
    }
    if (i !== planned) throw new Error(`run ${JSON.stringify(run.id)} (${r} of the plan): ${planned} pages were planned, ${i} made`);
  }
}

/** Sets the board's claims past any end, so that no thread takes more runs (the build is failing). */
export function stopTaking(board: RunPagesBoard): void {
  Atomics.store(board.claims, 0, 0x3fffffff);
}

/** Writes run pages taken from the board until none are left (a worker thread's job). */
export function writeRunPages(job: WriteRunPagesJob): WriteRunPagesResult {
  const writer = new RunPagesWriter(job);
  while (writer.next());
  return writer.result;
}

/**
 * The same on the main thread, once its own pages are written: between claims it lets other
 * work in (the threads' replies, a library caller's timers).
 */
export async function writeRunPagesHere(job: WriteRunPagesJob): Promise<WriteRunPagesResult> {
  const writer = new RunPagesWriter(job);
  while (writer.next()) await setImmediate();
  return writer.result;
}
