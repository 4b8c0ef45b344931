import type { PriceTable } from '../prices/price-table.js';
import { planPart } from '../read/parallel/build-runs.js';
import { WorkerPool } from '../read/parallel/pool.js';
import { splitRuns, type RunPlan } from '../read/parallel/run-index.js';
import { partPath } from './pages/run-parts.js';
import type { RunFacts } from './pages/site-facts.js';
import type { PageContext } from './pages/site-pages.js';
import type { PreviousSite } from './write/reuse-file.js';
import type { RunPagesPart, WriteRunPagesJob, WriteRunPagesResult } from './run-pages-job.js';

/**
 * What the run pages need of the site: the runs in list order, each run's page, and what every
 * page's frame shows. All known once the runs are read, before the rest of the site is prepared.
 */
export interface RunPagesSite {
  /** The runs in list order; `at` is each run's number in the plan. */
  runs: readonly RunFacts[];
  names: ReadonlyMap<string, string>;
  context: Omit<PageContext, 'names' | 'counts'>;
  /** The events read, grouped by run: what the threads build the runs from again. */
  plan: RunPlan;
}

/** The site the run pages need, from the runs in list order and their page names. */
export function runPagesSite(plan: RunPlan, runs: readonly RunFacts[], names: ReadonlyMap<string, string>, context: RunPagesSite['context']): RunPagesSite {
  return { runs, names, context, plan };
}

/**
 * The run pages of a large site, written by worker threads while this thread renders the other
 * pages: each thread builds its share of the runs again from the events read (kept in shared
 * memory, see RunPlan), renders each run's page as soon as the run is built (the same bytes the
 * one-thread build writes), writes it and lets the run go. Run pages are most of a site.
 */
export class ParallelRunPages {
  private readonly pool: WorkerPool;

  /** Starts the threads (they load the page code at once), before the runs are known. */
  constructor(
    private readonly prices: PriceTable,
    workers: number,
  ) {
    this.pool = new WorkerPool(workers, { keepText: true, fast: true, shared: true, pages: true });
  }

  /** The pages' paths (a run's page, then its other parts), in the order of the run list. */
  paths(site: RunPagesSite): string[] {
    const paths: string[] = [];
    for (const run of site.runs) {
      const page = site.names.get(run.id)!;
      for (let i = 1; i <= run.pages; i++) paths.push(partPath(page, i));
    }
    return paths;
  }

  /**
   * Renders and writes every run page into `root` (its folders made already); returns the bytes
   * written. A page the site being replaced (`previous`) has unchanged is linked from it.
   */
  async write(root: string, site: RunPagesSite, previous?: PreviousSite): Promise<number> {
    const { plan, context } = site;
    const columns = runPageColumns(site);
    const prices = this.prices.state();
    const jobs: WriteRunPagesJob[] = splitRuns(plan, this.pool.size).map(([from, to]) => ({
      plan: planPart(plan, from, to),
      from,
      to,
      prices,
      root,
      context,
      pages: pagesPart(columns, from, to, plan.ids, previous),
    }));
    const results = await this.pool.runJobs<WriteRunPagesResult>('write-run-pages', jobs);
    return results.reduce((sum, r) => sum + r.bytes, 0);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

/** Every run's page, its files, start and neighbours in the list, by the run's number in the plan. */
interface RunPageColumns {
  paths: string[];
  files: Int32Array;
  starts: Float64Array;
  prev: Int32Array;
  next: Int32Array;
}

function runPageColumns(site: RunPagesSite): RunPageColumns {
  const { runs, names, plan } = site;
  const n = plan.ids.length;
  if (runs.length !== n) throw new Error(`${runs.length} runs listed for the ${n} runs of the plan`);
  const c: RunPageColumns = { paths: new Array<string>(n), files: new Int32Array(n), starts: new Float64Array(n), prev: new Int32Array(n), next: new Int32Array(n) };
  for (let i = 0; i < n; i++) {
    const run = runs[i]!;
    const r = run.at;
    if (plan.ids[r] !== run.id || c.files[r] !== 0) throw new Error(`run ${JSON.stringify(run.id)} is not in the plan, or is listed twice`);
    c.paths[r] = names.get(run.id)!;
    c.files[r] = run.pages;
    // NaN stands for no start: a run's start is a finite time or null.
    c.starts[r] = run.start ?? NaN;
    c.prev[r] = i > 0 ? runs[i - 1]!.at : -1;
    c.next[r] = i + 1 < n ? runs[i + 1]!.at : -1;
  }
  return c;
}

/** The columns of runs `from` to `to`, with the neighbours they link to outside that range. */
function pagesPart(c: RunPageColumns, from: number, to: number, ids: readonly string[], previous: PreviousSite | undefined): RunPagesPart {
  const prev = c.prev.slice(from, to);
  const next = c.next.slice(from, to);
  const at = Int32Array.from(new Set([...prev, ...next].filter((r) => r >= 0 && (r < from || r >= to)))).sort();
  let has: Uint8Array | null = null;
  if (previous) {
    let pages = 0;
    for (let r = from; r < to; r++) pages += c.files[r]!;
    has = new Uint8Array(pages);
    let f = 0;
    for (let r = from; r < to; r++) for (let i = 1; i <= c.files[r]!; i++) has[f++] = previous.fileFor(partPath(c.paths[r]!, i)) === null ? 0 : 1;
  }
  return {
    paths: c.paths.slice(from, to),
    files: c.files.slice(from, to),
    starts: c.starts.slice(from, to),
    prev,
    next,
    outside: { at, ids: Array.from(at, (r) => ids[r]!), paths: Array.from(at, (r) => c.paths[r]!), starts: Float64Array.from(at, (r) => c.starts[r]!) },
    previous: has === null ? null : { root: previous!.root, has },
  };
}
