import type { PriceTable } from '../prices/price-table.js';
import { WorkerPool } from '../read/parallel/pool.js';
import type { RunPlan } from '../read/parallel/run-index.js';
import { CALL_EXPORTS } from './exports.js';
import type { WriteCallExportsJob } from './exports-job.js';
import type { RunFacts } from './pages/site-facts.js';
import type { ExternalFiles } from './write/write-site.js';

/**
 * The exports of every call (`calls.csv`, `calls.jsonl`, most of the bytes of a large site's data)
 * written by a thread of their own, which builds each run once more from the events read and
 * writes its rows to both files: this thread meanwhile renders the pages about the whole report,
 * and the run-page threads their pages.
 */
export class ParallelExports {
  private readonly pool = new WorkerPool(1, { keepText: true, fast: true, shared: true });

  constructor(private readonly prices: PriceTable) {}

  /** The two files, as files another writer puts in the site: `runs` in list order, with their pages. */
  files(plan: RunPlan, runs: readonly RunFacts[], names: ReadonlyMap<string, string>, stepParts: ReadonlyMap<string, Int32Array>): ExternalFiles {
    const listed = runs.filter((r) => r.totals.calls > 0);
    const job: Omit<WriteCallExportsJob, 'root'> = {
      plan,
      order: Int32Array.from(listed, (r) => r.at),
      pages: listed.map(({ id, at }) => {
        if (plan.ids[at] !== id) throw new Error(`run ${JSON.stringify(id)} is not in the plan`);
        const page = names.get(id);
        if (page === undefined) throw new Error(`no page name for run ${JSON.stringify(id)}`);
        return page;
      }),
      stepParts: new Map(stepParts),
      prices: this.prices.state(),
    };
    return {
      paths: CALL_EXPORTS,
      write: async (root) => (await this.pool.runJobs<number>('write-call-exports', [{ ...job, root }]))[0]!,
    };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
