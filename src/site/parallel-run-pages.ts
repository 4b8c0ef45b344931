import type { PriceTable } from '../prices/price-table.js';
import { planPart } from '../read/parallel/build-runs.js';
import { WorkerPool } from '../read/parallel/pool.js';
import { splitRuns, type RunPlan } from '../read/parallel/run-index.js';
import { partPath } from './pages/run-parts.js';
import type { RunFacts } from './pages/site-facts.js';
import type { PageContext } from './pages/site-pages.js';
import type { PreviousSite } from './write/reuse-file.js';
import type { RunPageEntry, WriteRunPagesJob, WriteRunPagesResult } from './run-pages-job.js';

/**
 * What the run pages need of the site: the runs in list order, each run's page, and what every
 * page's frame shows. All known once the runs are read, before the rest of the site is prepared.
 */
export interface RunPagesSite {
  /** The runs in list order; `at` is each run's number in the plan. */
  runs: readonly RunFacts[];
  names: ReadonlyMap<string, string>;
  context: Omit<PageContext, 'names' | 'counts'>;
  /** Each run's pages (its page, then its other parts), in the order of `runs`. */
  pages: readonly (readonly string[])[];
  /** The events read, grouped by run: what the threads build the runs from again. */
  plan: RunPlan;
}

/** The site the run pages need, from the runs in list order and their page names. */
export function runPagesSite(plan: RunPlan, runs: readonly RunFacts[], names: ReadonlyMap<string, string>, context: RunPagesSite['context']): RunPagesSite {
  const pages = runs.map((run) => {
    const page = names.get(run.id)!;
    return Array.from({ length: run.pages }, (_, i) => partPath(page, i + 1));
  });
  return { runs, names, context, pages, plan };
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
    for (const pages of site.pages) for (const p of pages) paths.push(p);
    return paths;
  }

  /**
   * Renders and writes every run page into `root` (its folders made already); returns the bytes
   * written. A page the site being replaced (`previous`) has unchanged is linked from it.
   */
  async write(root: string, site: RunPagesSite, previous?: PreviousSite): Promise<number> {
    const { runs, names, context, plan } = site;
    // Each run's page: its file and its neighbours in the list, by the run's place in the plan.
    const entries: RunPageEntry[] = new Array<RunPageEntry>(plan.ids.length);
    const neighbour = (i: number) => {
      const r = runs[i];
      return r === undefined ? null : { id: r.id, start: r.start, path: names.get(r.id)! };
    };
    for (let i = 0; i < runs.length; i++) {
      const run = runs[i]!;
      const r = run.at;
      if (plan.ids[r] !== run.id) throw new Error(`run ${JSON.stringify(run.id)} is not in the plan`);
      const files = site.pages[i]!.map((path) => ({ path, old: previous?.fileFor(path) ?? null }));
      entries[r] = { id: run.id, files, prev: neighbour(i - 1), next: neighbour(i + 1) };
    }
    const prices = this.prices.state();
    const jobs: WriteRunPagesJob[] = splitRuns(plan, this.pool.size).map(([from, to]) => ({
      plan: planPart(plan, from, to),
      from,
      to,
      prices,
      root,
      context,
      pages: entries.slice(from, to),
    }));
    const results = await this.pool.runJobs<WriteRunPagesResult>('write-run-pages', jobs);
    return results.reduce((sum, r) => sum + r.bytes, 0);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
