import type { Worker } from 'node:worker_threads';
import { rethrown, type JobFailure } from '../read/parallel/pool.js';
import { startWorker, stopWorker, workerScript } from '../start-worker.js';
import { chartSet, type ChartSet, type RenderedChart, type WantedChart } from './pages/charts.js';

/** A set of charts for the charts' thread to render (chart-worker.ts). */
export interface ChartRequest {
  id: number;
  wanted: readonly WantedChart[];
}

/** The charts' thread's reply to a request. */
export type ChartReply = { id: number; charts: RenderedChart[] } | ({ id: number } & JobFailure);

/**
 * The site's charts rendered on a thread of their own (about 1 s of vega at 1M spans, most of it
 * the same whatever the input's size): the thread starts, and loads vega, while the traces are
 * read; this thread hands it each set of charts as soon as their data is known, and meanwhile
 * makes and writes the pages that show no chart. The SVGs are the same bytes as on this thread
 * (tested). The sets are rendered one after another, in the order asked.
 */
export class ParallelCharts {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (charts: ChartSet) => void; reject: (err: Error) => void }>();
  private next = 0;
  private ended: Error | null = null;
  private closing: Promise<void> | null = null;

  constructor() {
    this.worker = startWorker(workerScript(import.meta.url, 'site/chart-worker.js'), { resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    this.worker.on('message', (reply: ChartReply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if ('jobFailed' in reply) waiting?.reject(rethrown(reply.jobFailed));
      else waiting?.resolve(chartSet(reply.charts));
    });
    this.worker.on('error', (err) => this.end(err));
    this.worker.on('exit', (code) => this.end(new Error(`the charts' thread ended (exit code ${code}) before its charts were rendered`)));
  }

  /** Renders the charts of `wanted` that have data (renderWanted, on the thread). */
  render(wanted: readonly WantedChart[]): Promise<ChartSet> {
    if (this.closing) return Promise.reject(new Error("the charts' thread was asked to stop"));
    if (this.ended) return Promise.reject(this.ended);
    const id = this.next++;
    return new Promise<ChartSet>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const request: ChartRequest = { id, wanted };
      this.worker.postMessage(request);
    });
  }

  /** Stops the thread once the charts asked for are rendered (once, however often it is called). */
  close(): Promise<void> {
    this.closing ??= stopWorker(this.worker).then(() => undefined);
    return this.closing;
  }

  /** The thread failed or ended: every set still asked for fails. */
  private end(err: Error): void {
    this.ended ??= err;
    for (const waiting of this.pending.values()) waiting.reject(err);
    this.pending.clear();
  }
}
