import { forEachRun } from '../read/parallel/build-runs.js';
import type { RunPlan } from '../read/parallel/run-index.js';
import { PriceTable, type PriceTableState } from '../prices/price-table.js';
import { runPageFile, type Neighbour, type PageContext } from './pages/site-pages.js';
import { resolveInside } from './write/site-path.js';
import { writeOrReuse } from './write/reuse-file.js';

/** A run's page: its file, and its neighbours in the list (with their files). */
export interface RunPageEntry {
  id: string;
  path: string;
  /** The previous build's file for this page, linked instead when unchanged (reuse-file.ts). */
  old: string | null;
  prev: (Neighbour & { path: string }) | null;
  next: (Neighbour & { path: string }) | null;
}

/**
 * Build runs `from` to `to` of a plan (which holds only their ids) and write their pages into
 * `root` (on a worker thread); `pages[k]` is run `from + k`'s page.
 */
export interface WriteRunPagesJob {
  plan: RunPlan;
  from: number;
  to: number;
  prices: PriceTableState;
  root: string;
  context: Omit<PageContext, 'names' | 'counts'>;
  pages: RunPageEntry[];
}

export interface WriteRunPagesResult {
  pages: number;
  bytes: number;
}

/**
 * Builds each run, renders its page exactly as the one-thread build does (runPageFile) and
 * writes it with a synchronous write (the folders exist already); the run is then let go. The
 * first failure is thrown.
 */
export function writeRunPages(job: WriteRunPagesJob): WriteRunPagesResult {
  const prices = PriceTable.fromState(job.prices);
  let bytes = 0;
  let k = 0;
  forEachRun(job.plan, job.from, job.to, { prices, keepText: true, local: true }, (run) => {
    const entry = job.pages[k++]!;
    if (entry.id !== run.id) throw new Error(`run ${JSON.stringify(run.id)} built where ${JSON.stringify(entry.id)} was planned`);
    const names = new Map<string, string>([[entry.id, entry.path]]);
    if (entry.prev) names.set(entry.prev.id, entry.prev.path);
    if (entry.next) names.set(entry.next.id, entry.next.path);
    const file = runPageFile({ ...job.context, names }, run, entry.prev, entry.next);
    bytes += writeOrReuse(resolveInside(job.root, file.path), file.content, entry.old);
  });
  return { pages: k, bytes };
}
