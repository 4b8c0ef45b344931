import { forEachRun } from '../read/parallel/build-runs.js';
import type { RunPlan } from '../read/parallel/run-index.js';
import { PriceTable, type PriceTableState } from '../prices/price-table.js';
import { runPageFiles, type Neighbour, type PageContext } from './pages/site-pages.js';
import { resolveInside } from './write/site-path.js';
import { writeOrReuse } from './write/reuse-file.js';

/**
 * A run's page: its files (the page, then its other parts if it comes in parts), and its
 * neighbours in the list (with their pages).
 */
export interface RunPageEntry {
  id: string;
  /** `old`: the previous build's file at that path, linked instead when unchanged (reuse-file.ts). */
  files: { path: string; old: string | null }[];
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
  /** Files written (a run whose page comes in parts writes several). */
  pages: number;
  bytes: number;
}

/**
 * Builds each run, renders its page exactly as the one-thread build does (runPageFiles) and
 * writes it with a synchronous write (the folders exist already); the run is then let go. The
 * first failure is thrown.
 */
export function writeRunPages(job: WriteRunPagesJob): WriteRunPagesResult {
  const prices = PriceTable.fromState(job.prices);
  let bytes = 0;
  let pages = 0;
  let k = 0;
  forEachRun(job.plan, job.from, job.to, { prices, keepText: true, local: true }, (run) => {
    const entry = job.pages[k++]!;
    if (entry.id !== run.id) throw new Error(`run ${JSON.stringify(run.id)} built where ${JSON.stringify(entry.id)} was planned`);
    const names = new Map<string, string>([[entry.id, entry.files[0]!.path]]);
    if (entry.prev) names.set(entry.prev.id, entry.prev.path);
    if (entry.next) names.set(entry.next.id, entry.next.path);
    let i = 0;
    for (const file of runPageFiles({ ...job.context, names }, run, entry.prev, entry.next)) {
      const planned = entry.files[i++];
      if (planned?.path !== file.path) throw new Error(`run ${JSON.stringify(run.id)}: its page ${JSON.stringify(file.path)} is not the one planned`);
      bytes += writeOrReuse(resolveInside(job.root, file.path), file.content, planned.old);
      pages++;
    }
    if (i !== entry.files.length) throw new Error(`run ${JSON.stringify(run.id)}: ${entry.files.length} pages were planned, ${i} made`);
  });
  return { pages, bytes };
}
