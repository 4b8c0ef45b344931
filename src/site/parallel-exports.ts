import type { PriceTable } from '../prices/price-table.js';
import { WorkerPool } from '../read/parallel/pool.js';
import { CALL_EXPORTS } from './exports.js';
import type { WriteCallExportsJob, WriteCallExportsResult } from './exports-job.js';
import type { RunPagesSite } from './parallel-run-pages.js';
import type { WriteRunPagesJob, WriteRunPagesResult } from './run-pages-job.js';

/**
 * The exports of every call (`calls.csv`, `calls.jsonl`, most of the bytes of a large site's data)
 * written by a thread of their own, which builds each run once more from the events read and
 * writes its rows to both files: this thread meanwhile renders the pages about the whole report,
 * and the run-page threads their pages. Once the exports are written, the thread writes run pages
 * with those threads until none are left.
 */
export class ParallelExports {
  private readonly pool = new WorkerPool(1, { keepText: true, fast: true, shared: true });

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
    const [calls] = await this.pool.runJobs<WriteCallExportsResult>('write-call-exports', [job]);
    const [written] = await this.pool.runJobs<WriteRunPagesResult>('write-run-pages', [pages]);
    return { bytes: calls!.bytes, ends: calls!.ends, pages: written! };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
