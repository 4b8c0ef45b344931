/**
 * `build`: traces in, static report site out.
 *   1. read: loadTraces(inputs) → the runs, or for large inputs the events grouped by run (RunPlan)
 *   2. aggregate: one pass over the runs gives the summary and the facts every page about the whole
 *      report reads (site-facts.ts); the 7-day window summarised from the same runs
 *   3. charts: Vega-Lite specs → SVG (the only async rendering step)
 *   4. render: pages as plain functions of the model → SiteFile[] (renderSite, no file system)
 *   5. write: writeSite() builds into a temporary folder and swaps it in. A large build keeps
 *      what the previous build of the same folder wrote for runs that did not change (reuse/):
 *      their pages are linked, not made again, and the exports of calls begin with its rows.
 * A large build also keeps the events it read (reuse/kept-events.ts): the next build of an input
 * that was only appended to reads only the appended lines, and takes the rest from there.
 * For large inputs the runs are never all held: a run is built again from the plan when a page
 * or an export needs it whole. The run pages (most of a site) and the exports of every call are
 * rendered and written by worker threads from step 2 on (they need only the runs' order and
 * names, known after that pass), and by this thread too once its own pages are written.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { SummaryAccumulator } from '../aggregate/summary-accumulator.js';
import type { Summary } from '../aggregate/summary-types.js';
import type { Run, SkippedLine } from '../model/types.js';
import { PriceTable } from '../prices/price-table.js';
import { isStream, resolveInputs, type InputFile } from '../read/inputs.js';
import { CHUNK_BYTES, defaultWorkers, loadTraces, type KeptReading, type LoadResult, type ReadPiece } from '../read/load.js';
import { planForThreads } from '../read/parallel/run-index.js';
import { ParallelExports } from './parallel-exports.js';
import { ParallelRunPages, runPagePaths, runPagesSite, type RunPagesSite } from './parallel-run-pages.js';
import { stopTaking } from './run-pages-job.js';
import { buildStamp, previousBuild, reuseFrame, skippedForRecord, upToDate, type BuildRecord } from './build-stamp.js';
import type { WriteCallExportsResult } from './exports-job.js';
import { CALL_EXPORTS } from './exports.js';
import type { HashedInput, InputRecord } from './reuse/input-hashes.js';
import { FACTS_FILE } from './reuse/facts-snapshot.js';
import { EVENTS_FILE, keptReading, writeKeptEvents, type KeptEventsWritten } from './reuse/kept-events.js';
import { gatherPlanFacts, keptFacts, type PlanFacts } from './reuse/kept-facts.js';
import { listPagesReuse } from './reuse/list-page-keys.js';
import { planReuse, type ReusePlan } from './reuse/plan-reuse.js';
import { readReuseRecord, REUSE_FILE, reuseRecordBytes, type ReuseRecord } from './reuse/reuse-record.js';
import { dataExports } from './exports.js';
import { nameAt, RUN_PAGES_DIR, runFileNames, runFileNamesAfter, type EarlierNames, type PageNames, type RunPageNames } from './file-names.js';
import { sharedTexts, type SharedTexts } from '../read/parallel/shared-texts.js';
import { partPath } from './pages/run-parts.js';
import { preloadCharts } from '../charts/render.js';
import { renderCharts } from './pages/charts.js';
import { plural } from './pages/plural.js';
import { errorDetails } from './pages/errors-page.js';
import { newestFirst, siteFactsOf, type SiteFacts } from './pages/site-facts.js';
import type { SiteInput, SiteModel } from './pages/site-model.js';
import { singleFilePage } from './pages/single-file.js';
import { sitePages, type ListPagesReuse } from './pages/site-pages.js';
import { toolVersion } from './pages/templates.js';
import { windowSummary, type WindowKeeping, type WindowSummary } from './pages/window.js';
import { mayAppendOver, type AppendedFile } from './write/append-over.js';
import type { RowEnds } from './write/row-file.js';
import type { SiteFile } from './write/site-file.js';
import { resolveInside } from './write/site-path.js';
import { prefixOf, regularFileSize, writeNoFollow } from './write/write-file.js';
import { writeSite, type ExternalFiles } from './write/write-site.js';

export interface BuildOptions {
  inputs: string[];
  outDir: string;
  prices?: PriceTable;
  /** One index.html with everything inlined (not CSP-safe). */
  singleFile?: boolean;
  /** Write into a non-empty folder that is not an earlier trace-report site. */
  force?: boolean;
  cwd?: string;
  /** Short progress messages (reading, rendering N/M pages, writing) for a TTY. */
  onProgress?: (message: string) => void;
  /** Threads for reading and for the run pages (see LoadOptions; 0: this thread only). */
  workers?: number;
  parallelFrom?: number;
  chunkBytes?: number;
}

export interface BuildResult {
  /** The output folder, absolute. */
  outDir: string;
  /** The page to open (`<outDir>/index.html`), absolute. */
  entry: string;
  pages: number;
  files: number;
  bytes: number;
  skippedLines: number;
  skipped: SkippedLine[];
  summary: Summary;
  /** Where the previous site was moved because it holds files trace-report did not write. */
  kept?: string;
  /** True when the site was already built from the same inputs, options and code, and left as it was. */
  upToDate?: boolean;
}

export interface RenderOptions {
  singleFile?: boolean;
  /** The run pages' names, when already made (runFileNames of the runs). */
  names?: PageNames;
  /** Leave out the run pages: other threads write them (parallel-run-pages.ts). */
  withoutRunPages?: boolean;
  /** Leave out `calls.csv` and `calls.jsonl`: another thread writes them (parallel-exports.ts). */
  withoutCallExports?: boolean;
  /** Where `runs.csv`'s rows end, for the record of a build that keeps one, and which the previous build's file holds. */
  runRows?: RowEnds;
  /** What a rebuild keeps of the previous site's list pages, and records of this site's. */
  listPages?: ListPagesReuse;
  /** Where `assets/runs-data.js`'s rows end, for the record, and which the previous build's file holds. */
  dataRows?: RowEnds;
  onProgress?: (message: string) => void;
  /** Called once the 7-day window's summary is made. */
  onWindow?: () => void;
}

/**
 * A build reads on worker threads from this much input (less than `summary`): the same threads
 * then write the run pages, which pays from a few thousand runs (a 20 MB input of 100k one-step
 * runs builds in half the time; 4 MB is no slower than on one thread).
 */
const BUILD_PARALLEL_FROM = 4 * 1024 * 1024;

/** Every page is counted when it is rendered; progress is reported this often. */
const PROGRESS_EVERY = 500;

/** Step 2-3 for runs held in memory, with their summary: the model every page reads. */
export async function prepareSite(input: SiteInput, opts: RenderOptions = {}): Promise<SiteModel> {
  return siteModel({ ...input, facts: siteFactsOf(input.runs), ownSummary: false }, opts);
}

interface GatheredSite extends Omit<SiteInput, 'runs'> {
  facts: SiteFacts;
  /** The summary was made in the same pass as the facts, from exactly these runs. */
  ownSummary: boolean;
  /** The 7-day window's summary, when made already (windowSummary of the same). */
  window?: WindowSummary | null;
  /** What a build that keeps its facts asks of the window's pass (reuse/kept-facts.ts). */
  windowKeeping?: WindowKeeping | null;
}

/** Step 2-3: names, order, window and charts, from the runs' facts. */
async function siteModel(g: GatheredSite, opts: RenderOptions): Promise<SiteModel> {
  const { facts, summary } = g;
  const names = opts.names ?? runFileNames(facts.runs.map((r) => r.id));
  const window = g.window !== undefined ? g.window : windowSummary(summary, facts, g.ownSummary, g.windowKeeping ?? null);
  opts.onWindow?.();
  opts.onProgress?.('rendering charts');
  const charts = await renderCharts(summary, facts, window);
  const newest = newestFirst(facts.runs);
  return {
    facts,
    summary,
    skipped: g.skipped,
    skippedLines: g.skippedLines,
    names,
    stepParts: facts.stepParts,
    newestFirst: newest,
    errors: errorDetails(newest, facts.source),
    window,
    charts,
    version: toolVersion(),
    priceTable: summary.cost.priceTable,
  };
}

/** Step 4, lazily: the site's files in a fixed order, the data exports included. */
export function* siteFiles(model: SiteModel, opts: RenderOptions = {}): Generator<SiteFile> {
  if (opts.singleFile) {
    opts.onProgress?.('rendering the single file');
    yield singleFilePage(model);
    return;
  }
  yield* sitePages(model, {
    onPage: (done, total) => {
      if (done === total || done % PROGRESS_EVERY === 0) opts.onProgress?.(`rendering pages ${done}/${total}`);
    },
    withoutRunPages: opts.withoutRunPages,
    listPages: opts.listPages,
    dataRows: opts.dataRows,
  });
  yield* dataExports(model.summary, { facts: model.facts.runs, source: model.facts.source }, model.names, model.stepParts, { calls: !opts.withoutCallExports, runRows: opts.runRows });
}

/** Renders the whole site in memory (tests, and callers that write files their own way). */
export async function renderSite(input: SiteInput, opts: RenderOptions = {}): Promise<SiteFile[]> {
  return [...siteFiles(await prepareSite(input, opts), opts)];
}

/** The facts' pass over runs held in list order (a small build), which keeps nothing for the next. */
function heldFacts(runs: readonly Run[]): PlanFacts {
  const summary = new SummaryAccumulator();
  return { facts: siteFactsOf(runs, summary), summary, snapshot: null, kept: 0, window: null };
}

function countPages(files: Iterable<SiteFile>, seen: { pages: number }): Iterable<SiteFile> {
  return {
    *[Symbol.iterator]() {
      for (const f of files) {
        if (f.path.endsWith('.html')) seen.pages++;
        yield f;
      }
    },
  };
}

export async function buildSite(options: BuildOptions): Promise<BuildResult> {
  const progress = options.onProgress;
  const inputs = await resolveInputs(options.inputs, options.cwd);
  const prices = options.prices ?? PriceTable.bundled();
  // Unchanged inputs, options and code: the site already there is what this build would write.
  progress?.('checking the inputs against the last build');
  const outDir = path.resolve(options.cwd ?? process.cwd(), options.outDir);
  // Read on threads (as a large input is), the stamp is made on a thread of its own too.
  const large = (options.workers ?? defaultWorkers()) > 0 && bytesOf(inputs) >= (options.parallelFrom ?? BUILD_PARALLEL_FROM);
  const { stamping, stamped: stampedEarly, reusable, previous, factsFile, eventsFile } = await lookBack(outDir, inputs, { inputs: options.inputs, prices, singleFile: options.singleFile === true, thread: large });
  if (previous) {
    const { record, summary } = previous;
    return {
      outDir,
      entry: path.join(outDir, 'index.html'),
      pages: record.pages,
      files: record.files,
      bytes: record.bytes,
      skippedLines: record.skippedLines,
      skipped: record.skipped,
      summary,
      upToDate: true,
    };
  }
  progress?.('reading traces');
  // Inputs read on worker threads (large ones) are written as pages by worker threads too: those
  // start as soon as the reading ends, and load their code while this thread builds the runs.
  const threads: { pages: ParallelRunPages | null; exports: ParallelExports | null } = { pages: null, exports: null };
  // An input only appended to since the previous build is read from where that build's reading
  // ended, its earlier events taken from the previous site (reuse/kept-events.ts).
  const reading = large && !options.singleFile && reusable !== null && eventsFile !== null ? keptReading(eventsFile, inputs, reusable.inputs, () => reuseFrame(prices), options.chunkBytes ?? CHUNK_BYTES) : null;
  // A stamp made already (inputs of the recorded sizes) tells before the reading whether they are the same files.
  const kept = reading !== null && (stampedEarly === null || reading.confirmed(stampedEarly.inputs)) ? reading : null;
  try {
    const load = (keptEvents: KeptReading | null) => loadTraces(options.inputs, {
      files: inputs,
      keepText: true,
      prices,
      cwd: options.cwd,
      workers: options.workers,
      parallelFrom: options.parallelFrom ?? BUILD_PARALLEL_FROM,
      chunkBytes: options.chunkBytes,
      // The events stay, for the page-writing threads to build the runs again.
      keepPlan: !options.singleFile,
      // The charts' code loads while the traces are read (on threads, once those were started).
      onReading: preloadCharts,
      onRead: options.singleFile
        ? undefined
        : () => {
            // The exports' thread and this one write run pages too once their own work is done:
            // two threads fewer (none more on two cores).
            threads.pages ??= new ParallelRunPages(prices, Math.max(0, (options.workers ?? defaultWorkers()) - 2));
            threads.exports ??= new ParallelExports(prices);
          },
      onFile: (_file, index, total) => progress?.(`reading traces ${index + 1}/${total} files`),
      kept: keptEvents,
    });
    let loaded = await load(kept);
    // The run pages' names need only the runs' ids: made while the stamp's read may still go on
    // (held here only until ownPages takes them).
    // A rebuild that went on from the events the previous build read names that build's runs as it did.
    const early = earlyNames(loaded, loaded.pieces?.kept === true ? (reusable?.names ?? null) : null);
    // Let go: the record is held to the build's end, its names (4.5 MB at 72k runs) are not needed again.
    if (reusable) reusable.names = null;
    const stamped = await stamping;
    // The inputs, as read for the stamp, were not what the kept events were read from: all read again.
    if (loaded.pieces?.kept === true && (stamped === null || !kept!.confirmed(stamped.inputs))) {
      progress?.('reading traces again: an input changed in the lines read before');
      loaded = await load(null);
      Object.assign(early, earlyNames(loaded, null));
    } else if (loaded.pieces?.kept === true) {
      const { readFiles } = loaded.pieces;
      progress?.(`read only what was appended to the inputs (${readFiles} of ${plural(loaded.files.length, 'input')} read): the events of the lines read before kept from the previous build`);
    }
    const reuse = stamped === null ? null : new BuildReuse(stamped.inputs, reuseFrame(prices), reusable, factsFile);
    return await render(options, loaded, early, threads, stamped?.stamp ?? null, reuse);
  } finally {
    await Promise.all([threads.pages?.close(), threads.exports?.close()]);
  }
}

/**
 * The build of the site in `outDir` that this one replaces: when it was built from the same stamp
 * (`previous`, and nothing to do), and what this build may keep of it (`reusable`). The stamp's
 * read of every input (`stamping`) serves both, and this build's record. When that site may be
 * up to date, the stamp is awaited here, before anything else is read. When it cannot be (there
 * is none, or an input's size is not the one recorded), it is not: the traces are read meanwhile.
 * The manifest it reads (72k paths at 1M spans) is let go on return.
 */
async function lookBack(
  outDir: string,
  inputs: readonly InputFile[],
  opts: Parameters<typeof buildStamp>[1],
): Promise<{
  stamping: ReturnType<typeof buildStamp>;
  /** The stamp, when awaited here already. */
  stamped: Awaited<ReturnType<typeof buildStamp>> | null;
  reusable: ReuseRecord | null;
  previous: ReturnType<typeof upToDate>;
  factsFile: string | null;
  eventsFile: string | null;
}> {
  const before = previousBuild(outDir);
  // The record of what may be kept is a file of that site, when it lists one.
  const reusable = before !== null && before.files.includes(REUSE_FILE) ? readReuseRecord(path.join(outDir, REUSE_FILE)) : null;
  const mayBeCurrent = before !== null && (reusable === null || sameSizes(inputs, reusable.inputs));
  // Read beside the traces, a large input's stamp is made on a thread of its own (`opts.thread`);
  // awaited before anything else, on this one (a thread would only add its start).
  const stamping = buildStamp(inputs, { ...opts, thread: opts.thread === true && !mayBeCurrent }, reusable?.inputs);
  // Awaited by the caller after the traces are read; should that read fail, not an unhandled rejection.
  stamping.catch(() => undefined);
  const stamped = mayBeCurrent ? await stamping : null;
  // And the snapshot of its facts, read when this build's runs were read (kept-facts.ts).
  const factsFile = reusable !== null && before !== null && before.files.includes(FACTS_FILE) ? path.join(outDir, FACTS_FILE) : null;
  // And the events it read, taken instead of reading the same lines again (kept-events.ts).
  const eventsFile = reusable !== null && before !== null && before.files.includes(EVENTS_FILE) ? path.join(outDir, EVENTS_FILE) : null;
  return { stamping, stamped, reusable, previous: stamped ? upToDate(outDir, before, stamped.stamp) : null, factsFile, eventsFile };
}

/** The bytes of the files of `inputs` (a pipe and a file that cannot be looked at count none). */
function bytesOf(inputs: readonly InputFile[]): number {
  let bytes = 0;
  for (const f of inputs) {
    if (isStream(f)) continue;
    try {
      bytes += statSync(f.path).size;
    } catch {
      // Not there: the reading says so.
    }
  }
  return bytes;
}

/** Whether `inputs` are the recorded inputs by name, each of the recorded size (a pipe never is). */
function sameSizes(inputs: readonly InputFile[], recorded: readonly InputRecord[]): boolean {
  if (inputs.length !== recorded.length) return false;
  const bytes = new Map(recorded.map((r) => [r.name, r.bytes]));
  return inputs.every((f) => {
    if (isStream(f)) return false;
    try {
      return statSync(f.path).size === bytes.get(f.name);
    } catch {
      return false;
    }
  });
}

/**
 * The run pages and the exports of calls as files written elsewhere (writeSite's `external`): the
 * run-page threads (none on two cores) take runs from one board, and the exports' thread and this
 * one join them once their own files are written, so that none waits for another.
 */
function externalWriters(
  threads: { pages: ParallelRunPages; exports: ParallelExports },
  site: RunPagesSite,
  stepParts: SiteFacts['stepParts'],
  /**
   * What may be kept of the previous site, and the record of this one for the next build (written
   * last, as REUSE_FILE) with the snapshot of its facts (FACTS_FILE, written while the threads
   * work, once the window's pass it holds a mark of is done: `windowDone`); null: none.
   */
  reuse: {
    plan: ReusePlan;
    record: (pageBytes: Float64Array, ends: WriteCallExportsResult['ends']) => ReuseRecord;
    facts: ((abs: string) => number) | null;
    /** Writes the events read (EVENTS_FILE), with the snapshot of the facts; only what follows the earlier file's first pieces when it can be finished from that file (`earlier`). */
    events: ((abs: string, earlier: string | null) => KeptEventsWritten) | null;
    windowDone: Promise<void>;
  } | null,
): ExternalFiles & { pages: number } {
  const planned = site.files.reduce((sum, files) => sum + files, 0);
  const writesFacts = reuse !== null && reuse.facts !== null;
  const writesEvents = reuse !== null && reuse.events !== null;
  return {
    pages: planned,
    // A run page (they all go in one folder) and the files at the top: not every run page's path,
    // made as a string for it (72k at 1M spans).
    folders: [nameAt(site.names, 0), ...threads.exports.paths, FACTS_FILE],
    // Listed as they are asked for: held as strings, the paths of 5M spans' pages were about 30 MB while the pages were written.
    paths: {
      *[Symbol.iterator]() {
        yield* runPagePaths(site);
        yield* threads.exports.paths;
        if (writesFacts) yield FACTS_FILE;
        if (writesEvents) yield EVENTS_FILE;
        if (reuse) yield REUSE_FILE;
      },
    },
    write: async (root, previous, ownWritten) => {
      const job = threads.pages.job(root, site, previous, reuse?.plan.kept ?? null);
      // The previous build's file at a site path, when that site is another folder (never the files being written).
      const earlier = (p: string): string | null => (previous && previous.root !== root ? previous.fileFor(p) : null);
      // The exports are begun from the previous build's.
      const csv = earlier(CALL_EXPORTS[0]);
      const jsonl = earlier(CALL_EXPORTS[1]);
      const rows = reuse?.plan.keptRows;
      // And only when they are still the size that build wrote (not edited since).
      const begun =
        rows && csv !== null && jsonl !== null && sizeIs(csv, rows.ends.csv) && sizeIs(jsonl, rows.ends.jsonl)
          ? { runs: rows.runs, csv: { from: csv, ends: rows.ends.csv }, jsonl: { from: jsonl, ends: rows.ends.jsonl } }
          : undefined;
      // Where those files allow it, their kept rows are put before the new ones at the swap rather
      // than copied now (append-over.ts): the new rows are written alone.
      const starts = begun ? [prefixOf(begun.csv, begun.runs), prefixOf(begun.jsonl, begun.runs)] : [];
      const atSwap = starts.length > 0 && starts.every((p) => mayAppendOver(p.from, p.bytes, p.size));
      const kept = begun && atSwap ? { ...begun, atSwap } : begun;
      const appended: AppendedFile[] = atSwap ? starts.map((p, k) => ({ path: CALL_EXPORTS[k]!, keep: p.bytes, size: p.size })) : [];
      // This thread takes runs from the board too once its own pages are written; when they
      // failed, the build fails, and no thread takes more runs.
      const here = ownWritten.then((ok) => {
        if (ok) return threads.pages.writeHere(job);
        stopTaking(job.pages);
        return { pages: 0, bytes: 0 };
      });
      // The events read are finished from the earlier site's file at the swap where it begins with
      // them (kept-events.ts).
      const earlierEvents = earlier(EVENTS_FILE);
      // The snapshot of the facts is written while the threads work, once the window's pass (which
      // it holds a mark of) is done, or this thread's own pages are written without one. Should it
      // fail, no thread takes more runs.
      const facts = reuse
        ? Promise.race([reuse.windowDone, ownWritten])
            .then((ok) => {
              if (ok === false) return 0;
              const kept = writeKept(reuse, root, earlierEvents);
              if (kept.appended !== null) appended.push({ path: EVENTS_FILE, ...kept.appended });
              return kept.bytes;
            })
            .catch((e: unknown) => {
              stopTaking(job.pages);
              throw e;
            })
        : Promise.resolve(0);
      const [pages, exports, own, factsWritten] = await Promise.allSettled([threads.pages.write(job), threads.exports.write(root, site, stepParts, job, kept), here, facts]);
      // Their work is done: the threads and what they hold go before this thread lists the site's files.
      await Promise.all([threads.pages.close(), threads.exports.close()]);
      if (factsWritten.status === 'rejected') throw factsWritten.reason;
      if (pages.status === 'rejected') throw pages.reason;
      if (exports.status === 'rejected') throw exports.reason;
      if (own.status === 'rejected') throw own.reason;
      const factsBytes = factsWritten.value;
      const count = pages.value.pages + exports.value.pages.pages + own.value.pages;
      if (count !== planned) throw new Error(`${count} run pages were written of the ${planned} planned`);
      let record = 0;
      if (reuse) {
        const pageBytes = Float64Array.from(site.order, (r) => job.pages.written[r]!);
        record = writeNoFollow(resolveInside(root, REUSE_FILE), reuseRecordBytes(reuse.record(pageBytes, exports.value.ends)));
      }
      return { bytes: pages.value.bytes + exports.value.pages.bytes + exports.value.bytes + own.value.bytes + factsBytes + record, carried: carriedPages(site, job.pages.carried), appended };
    },
  };
}

/**
 * Writes the snapshot of the facts (FACTS_FILE) and the events read (EVENTS_FILE), each once, and
 * lets their writers go: they hold the facts and the events, which this thread lets go once its
 * own pages are written (ownPages), not at the end of the run pages. Returns their bytes, and
 * where the earlier site's events file (`earlierEvents`) is to be finished at the swap, when it is.
 */
function writeKept(
  reuse: { facts: ((abs: string) => number) | null; events: ((abs: string, earlier: string | null) => KeptEventsWritten) | null },
  root: string,
  earlierEvents: string | null,
): { bytes: number; appended: KeptEventsWritten['appended'] } {
  const { facts, events } = reuse;
  reuse.facts = null;
  reuse.events = null;
  const factsBytes = facts === null ? 0 : facts(resolveInside(root, FACTS_FILE));
  const kept = events === null ? { bytes: 0, appended: null } : events(resolveInside(root, EVENTS_FILE), earlierEvents);
  return { bytes: factsBytes + kept.bytes, appended: kept.appended };
}

/** The run pages left in the previous site for the swap to carry over (`carried`, by a run's number in the plan), in the order of the run list. */
function carriedPages(site: RunPagesSite, carried: Uint8Array | null): string[] {
  const paths: string[] = [];
  if (carried === null) return paths;
  for (const r of site.order) {
    if (carried[r] !== 1) continue;
    const page = nameAt(site.names, r);
    for (let i = 1; i <= site.files[r]!; i++) paths.push(partPath(page, i));
  }
  return paths;
}

/** Whether `file` is a regular file (not a link) of the size that `ends` ends at. */
function sizeIs(file: string, ends: Float64Array): boolean {
  return ends.length > 0 && regularFileSize(file) === ends[ends.length - 1];
}

/** The run pages' names made before the site's other steps (runFileNames of the plan's ids), and the ids in shared memory, for ownPages to take. */
interface EarlyNames {
  names: RunPageNames | null;
  ids: SharedTexts | null;
}

/** The names of the runs of `loaded`'s plan, given the previous build's names of its runs when it went on from them (runFileNamesAfter). */
function earlyNames(loaded: LoadResult, earlier: EarlierNames | null): EarlyNames {
  const plan = loaded.plan;
  if (!plan) return { names: null, ids: null };
  const ids = sharedTexts(plan.ids);
  return { names: runFileNamesAfter(plan.ids, ids, earlier), ids };
}

async function render(
  options: BuildOptions,
  loaded: LoadResult,
  early: EarlyNames,
  /** The threads that write the run pages and the exports of calls, for a site read into a plan. */
  threads: { pages: ParallelRunPages | null; exports: ParallelExports | null },
  stamp: string | null,
  /** This build's inputs as read for its stamp, and what it may keep of the previous site; null: nothing (a pipe). */
  reuse: BuildReuse | null,
): Promise<BuildResult> {
  const own = await ownPages(options, loaded, early, threads, reuse);
  const { seen } = own;
  const record = (w: { files: number; bytes: number }): BuildRecord => ({
    stamp: stamp ?? '',
    pages: seen.pages,
    ...w,
    skippedLines: loaded.skippedLines,
    skipped: skippedForRecord(loaded.skipped),
  });
  const written = await writeSite(options.outDir, own.files, {
    force: options.force,
    cwd: options.cwd,
    record: stamp === null ? undefined : record,
    external: own.external,
    // The run pages of runs that did not change stay in the folder they are in.
    carry: own.external ? RUN_PAGES_DIR : undefined,
  });
  return {
    outDir: written.dir,
    entry: path.join(written.dir, 'index.html'),
    pages: seen.pages,
    files: written.files,
    bytes: written.bytes,
    skippedLines: loaded.skippedLines,
    skipped: loaded.skipped,
    summary: own.summary(),
    ...(written.kept ? { kept: written.kept } : {}),
  };
}

interface OwnPages {
  /** This thread's own pages and files (all of them without other threads), rendered as they are written; to be asked for once. */
  files: () => Promise<Iterable<SiteFile>>;
  /** The run pages and the exports of calls, written by other threads and then this one too. */
  external: (ExternalFiles & { pages: number }) | undefined;
  /** Pages rendered so far (the run pages written elsewhere counted from the start). */
  seen: { pages: number };
  /** The summary, once the files were asked for. */
  summary: () => Summary;
}

/** Writes the pieces the inputs were read in for the next build (kept-events.ts), holding nothing else of the load. */
function keptEventsWriter(frame: string, chunkBytes: number, files: readonly string[], pieces: readonly ReadPiece[]): (abs: string, earlier: string | null) => KeptEventsWritten {
  return (abs, earlier) => writeKeptEvents(abs, frame, chunkBytes, files, pieces, earlier);
}

/** What a build knows for keeping the previous site's files: its inputs as read for its stamp, its frame, and the previous build's record. */
class BuildReuse {
  constructor(
    readonly inputs: HashedInput[],
    readonly frame: string,
    private previous: ReuseRecord | null,
    /** The previous build's snapshot of its facts, when it wrote one. */
    readonly facts: string | null,
  ) {}

  /** The previous build's record, once: it is let go when this build's runs were compared with it. */
  takePrevious(): ReuseRecord | null {
    const p = this.previous;
    this.previous = null;
    return p;
  }
}

/**
 * Step 2 for a build, and what steps 3-5 start from. The summary and the facts come from one pass
 * over the runs (built again from the plan one at a time, or held). Only this thread's own pages
 * need the facts, the names by id and the accumulator, and they are let go once those pages are
 * rendered: the run pages this thread writes next need none of them (at 1M spans, the facts kept
 * about 15 MB of this thread's heap and 12 MB of typed arrays alive until the last run page). An
 * async function keeps its parameters and variables while it waits (`render` waits for the whole
 * writing), so they are made here, in a function that returns once the runs' keys are made (on
 * the exports' thread, during the facts' pass), and held only by `held`.
 */
async function ownPages(options: BuildOptions, loaded: LoadResult, made: EarlyNames, threads: { pages: ParallelRunPages | null; exports: ParallelExports | null }, reuse: BuildReuse | null): Promise<OwnPages> {
  options.onProgress?.('summarising the runs');
  const plan = loaded.plan;
  const elsewhere = plan && plan.ids.length > 0 && threads.pages && threads.exports ? { pages: threads.pages, exports: threads.exports, threadPlan: planForThreads(plan, made.ids) } : null;
  // Named as the plan numbers the runs (`at`, for the threads): from the plan's ids, before the
  // facts, so that the exports' thread makes the runs' keys meanwhile (it has nothing else to do yet).
  const early = plan ? (made.names ?? runFileNames(plan.ids)) : null;
  made.names = null;
  // A build that records its site goes on from the previous build's facts where it can, and keeps its own.
  const keeping = plan && elsewhere && reuse ? { frame: reuse.frame, inputs: reuse.inputs, previous: reuse.facts } : null;
  const keys = elsewhere && reuse ? elsewhere.exports.runKeys({ plan: elsewhere.threadPlan, names: early!.list, inputs: reuse.inputs, frame: reuse.frame }) : null;
  // Awaited below; a failure of the facts' pass must not leave it an unhandled rejection.
  keys?.catch(() => undefined);
  // Read once the keys are being made: they wait for nothing else.
  const kept = { facts: plan ? keptFacts(plan, keeping) : null };
  const gathered = plan ? gatherPlanFacts(plan, loaded.prices, keeping, kept) : heldFacts(loaded.runs);
  const { facts, summary: acc, window: windowKeeping } = gathered;
  if (gathered.kept > 0) options.onProgress?.(`summarised ${facts.runs.length - gathered.kept} runs, the facts of ${gathered.kept} kept from the previous build`);

  const names = early ?? runFileNames(facts.runs.map((r) => r.id));
  // The run pages need only the runs in order, their names and the frame's facts: the other
  // threads write them from here on, while this thread summarises and renders the charts.
  const context = { version: toolVersion(), priceTable: loaded.prices.date };
  const summarise = (from: SummaryAccumulator): Summary =>
    from.result({
      inputs: loaded.inputs,
      files: loaded.files,
      spans: loaded.spans,
      skippedLines: loaded.skippedLines,
      priceTable: loaded.prices.date,
    });
  // After a facts' pass that went on from the previous build's, the keys are still being made:
  // this thread makes the summary and the 7-day window's meanwhile. Once the keys are made, the
  // run pages' threads are given their runs first, and these wait for the charts (as in a fresh
  // build, whose exports' thread must begin its long work as soon as it can).
  let ahead: { summary: Summary; window?: WindowSummary | null } | null = null;
  // Settled once the window's pass is done: the snapshot of the facts holds a mark of it.
  let windowMadeNow!: () => void;
  const windowMade = new Promise<void>((resolve) => (windowMadeNow = resolve));
  let windowSaid = false;
  const windowDone = (): void => {
    if (windowSaid) return;
    windowSaid = true;
    if (windowKeeping && windowKeeping.keptRuns > 0) options.onProgress?.(`the 7-day window: the facts of ${windowKeeping.keptRuns} runs kept from the previous build`);
    windowMadeNow();
  };
  if (keys && gathered.kept > 0) {
    let made = false;
    void keys.then(() => (made = true), () => (made = true));
    // The thread's answer, if it came during the pass, is heard once this thread lets it in.
    const letIn = () => new Promise((resolve) => setImmediate(resolve));
    await letIn();
    if (!made) {
      ahead = { summary: summarise(acc) };
      await letIn();
      if (!made) {
        ahead.window = windowSummary(ahead.summary, facts, true, windowKeeping);
        windowDone();
      }
    }
  }
  const reusePlan = keys && reuse ? planReuse(await keys, facts.runs, reuse.frame, reuse.takePrevious()) : null;
  // Filled as this thread writes `runs.csv` and `assets/runs-data.js`, before the record is made.
  const rowEnds = (kept: RowEnds['kept']): RowEnds => ({ ends: new Float64Array(facts.runs.length), size: 0, kept });
  const runRows = reusePlan ? rowEnds(reusePlan.keptRunRows) : undefined;
  const dataRows = reusePlan ? rowEnds(reusePlan.keptDataRows) : undefined;
  // Made with the list pages, once the runs are in the run list's order.
  let lists: (ListPagesReuse & { keys: Buffer }) | undefined;
  const recorded =
    reuse && reusePlan && runRows && dataRows
      ? {
          plan: reusePlan,
          // The snapshot of the facts goes with the record of the site, and the events read.
          facts: gathered.snapshot,
          events: loaded.pieces ? keptEventsWriter(reuse.frame, options.chunkBytes ?? CHUNK_BYTES, loaded.files, loaded.pieces.list) : null,
          windowDone: windowMade,
          record: (pageBytes: Float64Array, ends: WriteCallExportsResult['ends']): ReuseRecord => {
            if (lists === undefined) throw new Error('the reuse record is made once the list pages are');
            const ids = elsewhere?.threadPlan.shared?.ids;
            return {
              frame: reuse.frame, inputs: reuse.inputs.map((i) => i.record), keys: reusePlan.keys, pageBytes, runEnds: runRows.ends, dataEnds: dataRows.ends, dataBytes: dataRows.size, callEnds: ends, listKeys: lists.keys, listBytes: lists.bytes,
              names: ids !== undefined && ids.ends.length === names.size ? { ids, names: names.list } : null,
            };
          },
        }
      : null;
  const external = elsewhere && plan ? externalWriters(elsewhere, runPagesSite(plan, facts.runs, names, context, elsewhere.threadPlan), facts.stepParts, recorded) : undefined;
  const seen = { pages: external?.pages ?? 0 };
  let held: { facts: SiteFacts; names: RunPageNames; acc: SummaryAccumulator } | null = { facts, names, acc };
  let summary: Summary | undefined;
  const files = async (): Promise<Iterable<SiteFile>> => {
    if (held === null) throw new Error("a build's own pages are rendered once");
    const { facts, names, acc } = held;
    held = null;
    const made = ahead;
    ahead = null;
    summary = made?.summary ?? summarise(acc);
    if (summary.cost.priceTable !== context.priceTable) throw new Error('the run pages were given another price table than the summary has');
    const model = await siteModel(
      { facts, summary, ownSummary: true, skipped: loaded.skipped, skippedLines: loaded.skippedLines, windowKeeping, ...(made?.window !== undefined ? { window: made.window } : {}) },
      { onProgress: options.onProgress, names, onWindow: windowDone },
    );
    if (recorded) lists = listPagesReuse(recorded.plan, facts.runs, model.newestFirst, reuse!.frame);
    options.onProgress?.(`writing ${options.outDir}`);
    // Pages are rendered as they are written: the whole site is never in memory at once.
    const pages = siteFiles(model, { singleFile: options.singleFile, onProgress: options.onProgress, withoutRunPages: external !== undefined, withoutCallExports: external !== undefined, runRows, dataRows, listPages: lists });
    return countPages(pages, seen);
  };
  return {
    files,
    external,
    seen,
    summary: () => {
      if (summary === undefined) throw new Error('the summary is made with the pages');
      return summary;
    },
  };
}
