import type { PriceTable } from '../prices/price-table.js';
import { WorkerPool } from '../read/parallel/pool.js';
import { CALL_EXPORTS } from './exports.js';
import type { WriteCallExportsJob, WriteCallExportsResult, WriteCallExportsThenPagesResult } from './exports-job.js';
import type { RunPagesSite } from './parallel-run-pages.js';
import type { WriteRunPagesJob, WriteRunPagesResult } from './run-pages-job.js';
import type { PlanOrderKeys, RunKeysJob } from './reuse/run-keys.js';

/**
 * The exports of every call (`calls.csv`, `calls.jsonl`, most of the bytes of a large site's data)
 * written by a thread of their own, which builds each run once more from the events read and
 * writes its rows to both files: this thread meanwhile renders the pages about the whole report,
 * and the run-page threads their pages. Once the exports are written, the thread writes run pages
 * with those threads until none are left.
 */
export class ParallelExports {
  // The run pages' code loads as the thread starts (`pages`): the thread writes run pages after the exports.
  private readonly pool = new WorkerPool(1, { keepText: true, fast: true, shared: true, pages: true });

  constructor(private readonly prices: PriceTable) {}

  /** The two files' paths. */
  readonly paths = CALL_EXPORTS;

  /**
   * Writes the two files into `root`, then the run pages `pages` still has to give; returns the
   * bytes of the files and what the pages came to.
   */
  async write(
    root: string,
    site: RunPagesSite,
    stepParts: ReadonlyMap<string, Int32Array>,
    pages: WriteRunPagesJob,
    kept?: WriteCallExportsJob['kept'],
  ): Promise<{ bytes: number; ends: WriteCallExportsResult['ends']; pages: WriteRunPagesResult }> {
    const job: WriteCallExportsJob = {
      plan: site.threadPlan,
      order: site.withCalls,
      pages: pages.pages.names,
      stepParts: new Map(stepParts),
      prices: this.prices.state(),
      root,
      ...(kept ? { kept } : {}),
    };
    // One job: the thread goes on to the run pages without waiting for this one to hear of the
    // exports (this thread renders its own pages without a break, two seconds at 1M spans).
    const [done] = await this.pool.runJobs<WriteCallExportsThenPagesResult>('write-call-exports-then-pages', [{ exports: job, pages }]);
    return { bytes: done!.calls.bytes, ends: done!.calls.ends, pages: done!.pages };
  }

  /**
   * The runs' keys (run-keys.ts), in the plan's order, made on this thread while the caller
   * gathers the runs' facts: the thread has nothing else to do until the runs' order is known.
   */
  async runKeys(job: RunKeysJob): Promise<PlanOrderKeys | null> {
    const [made] = await this.pool.runJobs<PlanOrderKeys | null>('run-keys', [job]);
    return made!;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
