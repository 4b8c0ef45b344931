import { forEachRun } from '../read/parallel/build-runs.js';
import type { RunPlan } from '../read/parallel/run-index.js';
import { PriceTable, type PriceTableState } from '../prices/price-table.js';
import { partPath } from './pages/run-parts.js';
import { runPageFiles, type Neighbour, type PageContext } from './pages/site-pages.js';
import { resolveInside } from './write/site-path.js';
import { writeOrReuse } from './write/reuse-file.js';

/**
 * What a thread needs to write the pages of runs `from` to `to` of a plan, in columns (a run's
 * page is a few numbers and the strings it names, not objects): `k` is run `from + k`.
 */
export interface RunPagesPart {
  /** Run k's page (its first file; its other parts are named from it, see partPath). */
  paths: string[];
  /** Its page files: 1, or its parts. */
  files: Int32Array;
  /** Its start (NaN: none). */
  starts: Float64Array;
  /** Its neighbours in the run list, by their number in the plan (-1: none). */
  prev: Int32Array;
  next: Int32Array;
  /** The neighbours outside `from` to `to`: their numbers in the plan (ascending), ids, pages and starts. */
  outside: { at: Int32Array; ids: string[]; paths: string[]; starts: Float64Array };
  /**
   * The site being replaced: per page file, in order, whether it holds that page's path (linked
   * instead when unchanged, see reuse-file.ts). Null without one.
   */
  previous: { root: string; has: Uint8Array } | null;
}

/** Build runs `from` to `to` of a plan (which holds only their ids) and write their pages into `root` (on a worker thread). */
export interface WriteRunPagesJob {
  plan: RunPlan;
  from: number;
  to: number;
  prices: PriceTableState;
  root: string;
  context: Omit<PageContext, 'names' | 'counts'>;
  pages: RunPagesPart;
}

export interface WriteRunPagesResult {
  /** Files written (a run whose page comes in parts writes several). */
  pages: number;
  bytes: number;
}

type Linked = (Neighbour & { path: string }) | null;

/** Run `r` of the plan as a neighbour: from the job's own runs, or from those outside them. */
function neighbourOf(job: WriteRunPagesJob, r: number): Linked {
  if (r < 0) return null;
  const p = job.pages;
  if (r >= job.from && r < job.to) {
    const k = r - job.from;
    return { id: job.plan.ids[k]!, start: startOf(p.starts[k]!), path: p.paths[k]! };
  }
  const o = p.outside;
  let lo = 0;
  let hi = o.at.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = o.at[mid]!;
    if (at === r) return { id: o.ids[mid]!, start: startOf(o.starts[mid]!), path: o.paths[mid]! };
    if (at < r) lo = mid + 1;
    else hi = mid - 1;
  }
  throw new Error(`run ${r} of the plan is a neighbour the job was not given`);
}

function startOf(t: number): number | null {
  return Number.isNaN(t) ? null : t;
}

/**
 * Builds each run, renders its page exactly as the one-thread build does (runPageFiles) and
 * writes it with a synchronous write (the folders exist already); the run is then let go. The
 * first failure is thrown.
 */
export function writeRunPages(job: WriteRunPagesJob): WriteRunPagesResult {
  const prices = PriceTable.fromState(job.prices);
  const { paths, files, prev: prevs, next: nexts, previous } = job.pages;
  let bytes = 0;
  let pages = 0;
  let k = 0;
  forEachRun(job.plan, job.from, job.to, { prices, keepText: true, local: true }, (run) => {
    const at = job.from + k;
    const page = paths[k]!;
    const planned = files[k]!;
    const prev = neighbourOf(job, prevs[k]!);
    const next = neighbourOf(job, nexts[k]!);
    k++;
    const names = new Map<string, string>([[run.id, page]]);
    if (prev) names.set(prev.id, prev.path);
    if (next) names.set(next.id, next.path);
    let i = 0;
    for (const file of runPageFiles({ ...job.context, names }, run, prev, next)) {
      const path = partPath(page, ++i);
      if (i > planned || file.path !== path) throw new Error(`run ${JSON.stringify(run.id)}: its page ${JSON.stringify(file.path)} is not the one planned`);
      const old = previous !== null && previous.has[pages] === 1 ? resolveInside(previous.root, path) : null;
      bytes += writeOrReuse(resolveInside(job.root, path), file.content, old);
      pages++;
    }
    if (i !== planned) throw new Error(`run ${JSON.stringify(run.id)} (${at} of the plan): ${planned} pages were planned, ${i} made`);
  });
  if (k !== job.to - job.from) throw new Error(`${job.to - job.from} runs were planned, ${k} built`);
  return { pages, bytes };
}
