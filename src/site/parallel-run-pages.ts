import type { PriceTable } from '../prices/price-table.js';
import { WorkerPool } from '../read/parallel/pool.js';
import { planForThreads, type RunPlan } from '../read/parallel/run-index.js';
import { sharedArray } from '../read/parallel/shared-array.js';
import { nameAt, type RunPageNameList, type RunPageNames } from './file-names.js';
import { partPath } from './pages/run-parts.js';
import type { RunFacts } from './pages/site-facts.js';
import type { PageContext } from './pages/site-pages.js';
import type { PreviousSite } from './write/reuse-file.js';
import { writeRunPagesHere, type RunPagesBoard, type WriteRunPagesJob, type WriteRunPagesResult } from './run-pages-job.js';

/**
 * What the run pages need of the site, in columns: the runs' order in the list, each run's page,
 * files and start, and what every page's frame shows. All known once the runs are read, before
 * the rest of the site is prepared. It holds no run's facts: this thread writes run pages long
 * after its own pages, the only ones that need those (see ownPages in build.ts).
 */
export interface RunPagesSite {
  /** The runs' numbers in the plan, in list order. */
  order: Int32Array;
  /** The numbers of the runs with calls (the rows of the exports of calls), in list order. */
  withCalls: Int32Array;
  /** By a run's number in the plan, in shared memory: its page files (1, or its parts), and its start (NaN: none). */
  files: Int32Array;
  starts: Float64Array;
  /** The runs' page names, numbered as the plan numbers the runs. */
  names: RunPageNameList;
  context: Omit<PageContext, 'names' | 'counts'>;
  /** The events read, grouped by run: what the threads build the runs from again. */
  plan: RunPlan;
  /** The same, as the threads are sent it (planForThreads). */
  threadPlan: RunPlan;
}

/**
 * The site the run pages need, from the runs in list order (`at`: a run's number in the plan)
 * and their page names; checks that they list every run of the plan once, named as the plan
 * numbers it.
 */
export function runPagesSite(plan: RunPlan, runs: readonly RunFacts[], names: RunPageNames, context: RunPagesSite['context'], threadPlan = planForThreads(plan)): RunPagesSite {
  const n = plan.ids.length;
  if (runs.length !== n) throw new Error(`${runs.length} runs listed for the ${n} runs of the plan`);
  if (names.size !== n) throw new Error(`${names.size} page names for the ${n} runs of the plan`);
  // In shared memory, like the names: every thread that writes pages reads the same columns.
  const files = sharedArray(Int32Array, n);
  const starts = sharedArray(Float64Array, n);
  const order = new Int32Array(n);
  const withCalls: number[] = [];
  for (let i = 0; i < n; i++) {
    const run = runs[i]!;
    const r = run.at;
    if (plan.ids[r] !== run.id || files[r] !== 0) throw new Error(`run ${JSON.stringify(run.id)} is not in the plan, or is listed twice`);
    if (names.numberOf(run.id) !== r) throw new Error(`run ${JSON.stringify(run.id)}'s page name is not numbered as the plan numbers the run`);
    if (run.pages < 1) throw new Error(`run ${JSON.stringify(run.id)} has no page`);
    order[i] = r;
    files[r] = run.pages;
    // NaN stands for no start: a run's start is a finite time or null.
    starts[r] = run.start ?? NaN;
    if (run.totals.calls > 0) withCalls.push(r);
  }
  return { order, withCalls: Int32Array.from(withCalls), files, starts, names: names.list, context, plan, threadPlan };
}

/** The pages' paths (a run's page, then its other parts), in the order of the run list. */
export function* runPagePaths(site: RunPagesSite): Generator<string> {
  for (const r of site.order) {
    const page = nameAt(site.names, r);
    for (let i = 1; i <= site.files[r]!; i++) yield partPath(page, i);
  }
}

/**
 * The run pages of a large site, written by worker threads while this thread renders the other
 * pages, and by this thread too once those are written: each takes runs from a board shared by
 * every thread that writes them (see RunPagesBoard), builds each run again from the events read
 * (kept in shared memory, see RunPlan), renders its page (the same bytes the one-thread build
 * writes), writes it and lets the run go. Run pages are most of a site.
 */
export class ParallelRunPages {
  /** None when this thread and the exports' thread are all the build has (two cores). */
  private readonly pool: WorkerPool | null;

  /** Starts the threads (they load the page code at once), before the runs are known. */
  constructor(
    private readonly prices: PriceTable,
    workers: number,
  ) {
    this.pool = workers > 0 ? new WorkerPool(workers, { keepText: true, fast: true, shared: true, pages: true }) : null;
  }

  /** The job of every thread that writes run pages into `root`: the same board for all. */
  job(root: string, site: RunPagesSite, previous: PreviousSite | undefined, kept: Float64Array | null = null): WriteRunPagesJob {
    return { plan: site.threadPlan, prices: this.prices.state(), root, context: site.context, pages: runPagesBoard(site, previous, kept) };
  }

  /** Writes pages taken from the job's board on every thread of this pool, until none are left. */
  async write(job: WriteRunPagesJob): Promise<WriteRunPagesResult> {
    if (this.pool === null) return { pages: 0, bytes: 0 };
    const results = await this.pool.runJobs<WriteRunPagesResult>('write-run-pages', new Array<WriteRunPagesJob>(this.pool.size).fill(job));
    return { pages: results.reduce((sum, r) => sum + r.pages, 0), bytes: results.reduce((sum, r) => sum + r.bytes, 0) };
  }

  /** Writes pages taken from the same board on this thread, until none are left. */
  writeHere(job: WriteRunPagesJob): Promise<WriteRunPagesResult> {
    return writeRunPagesHere(job);
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}

/**
 * Every run's page, its files, start and neighbours in the list, by the run's number in the plan;
 * no run taken yet. `kept`: by the run's number, the bytes of its pages when they are the previous
 * build's, else NaN (used only where that site has all of them).
 */
export function runPagesBoard(site: RunPagesSite, previous: PreviousSite | undefined, kept: Float64Array | null = null): RunPagesBoard {
  const { order, names, files } = site;
  const n = order.length;
  const b: RunPagesBoard = {
    names,
    files,
    starts: site.starts,
    prev: sharedArray(Int32Array, n),
    next: sharedArray(Int32Array, n),
    claims: sharedArray(Int32Array, 1),
    previous: null,
    kept: null,
    written: sharedArray(Float64Array, n),
    carried: null,
  };
  for (let i = 0; i < n; i++) {
    const r = order[i]!;
    b.prev[r] = i > 0 ? order[i - 1]! : -1;
    b.next[r] = i + 1 < n ? order[i + 1]! : -1;
  }
  if (previous) {
    const firstFile = sharedArray(Int32Array, n);
    let count = 0;
    for (let r = 0; r < n; r++) {
      firstFile[r] = count;
      count += files[r]!;
    }
    const has = sharedArray(Uint8Array, count);
    const keep = kept === null ? null : sharedArray(Float64Array, n);
    for (let r = 0; r < n; r++) {
      const page = nameAt(names, r);
      let all = 1;
      for (let i = 1; i <= files[r]!; i++) {
        const there = previous.has(partPath(page, i)) ? 1 : 0;
        has[firstFile[r]! + i - 1] = there;
        all &= there;
      }
      if (keep !== null) keep[r] = all === 1 ? kept![r]! : NaN;
    }
    b.previous = { root: previous.root, has, firstFile };
    b.kept = keep;
    // The run pages' folder carried over whole: their kept pages are left in the previous site.
    if (previous.carry !== null && keep !== null) b.carried = sharedArray(Uint8Array, n);
  }
  return b;
}
