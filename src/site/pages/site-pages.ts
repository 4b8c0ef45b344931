/**
 * The multi-page site as a lazy sequence of files: index pages, one page per run, cost (all time
 * and 7 days), latency, errors, the run list data and the two assets. Lazy, so that a site of
 * 100k runs is written page by page rather than held whole in memory.
 */
import type { Run } from '../../model/types.js';
import type { SiteFile } from '../write/site-file.js';
import { formatCount } from '../../format/money.js';
import { costBody } from './cost-page.js';
import { errorsBody } from './errors-page.js';
import { indexBody, listPageSlice, pageCount, runListLayout } from './index-page.js';
import { pageDocument } from './layout.js';
import { latencyBody } from './latency-page.js';
import { listPagePath, PAGE_FILES, siteLinker, type Linker, type PageKey } from './links.js';
import { plural } from './plural.js';
import { runBody, runWaterfall } from './run-page.js';
import { partPath, runParts } from './run-parts.js';
import { runsDataScript } from './runs-data.js';
import type { RowEnds } from '../write/row-file.js';
import type { SiteModel } from './site-model.js';
import { assetText } from './templates.js';
import type { PageNames } from '../file-names.js';

export const RUNS_DATA_FILE = 'assets/runs-data.js';

export interface PageProgress {
  (done: number, total: number): void;
}

/** How many HTML pages the site has. */
export function sitePageTotal(m: SiteModel, withoutRunPages = false): number {
  let runPages = 0;
  if (!withoutRunPages) for (const run of m.facts.runs) runPages += run.pages;
  return pageCount(m.newestFirst.length) + runPages + (m.window ? 4 : 3);
}

/**
 * What every page's frame shows: the names of run pages (for links), the version, the price table
 * and, on the pages about the whole report, its counts.
 */
export interface PageContext {
  names: PageNames;
  /** The part of each call of the runs whose page comes in parts (run-parts.ts), for links to their steps. */
  stepParts?: ReadonlyMap<string, Int32Array>;
  version: string;
  priceTable: string;
  counts?: { runs: number; spans: number };
}

function contextOf(m: SiteModel): PageContext {
  return { names: m.names, stepParts: m.stepParts, version: m.version, priceTable: m.priceTable, counts: { runs: m.summary.runs, spans: m.summary.spans } };
}

function doc(c: PageContext, path: string, key: PageKey | null, title: string, body: (link: Linker) => string, dataScripts?: string[]): SiteFile & { content: string } {
  const link = siteLinker(path, c.names, c.stepParts);
  return {
    path,
    content: pageDocument({
      title,
      current: key,
      link,
      body: body(link),
      bodyClass: `page-${key ?? 'run'}`,
      version: c.version,
      priceTable: c.priceTable,
      dataScripts: dataScripts?.map((s) => link.asset(s.replace(/^assets\//, ''))!),
      counts: c.counts,
    }),
  };
}

/** A run's neighbours in the list, as its page shows them. */
export interface Neighbour {
  id: string;
  start: number | null;
}

/**
 * One run's page, or its parts when its step list is too long for one (run-parts.ts); `c.names`
 * must name the run and its neighbours. It shows no counts of the whole report, so that it
 * depends only on the run and its neighbours: a rebuild after more traces came in leaves the
 * pages of the runs that did not change byte for byte the same.
 */
export function* runPageFiles(c: PageContext, run: Run, prev: Neighbour | null, next: Neighbour | null): Generator<SiteFile & { content: string }> {
  const path = c.names.get(run.id)!;
  const frame = { ...c, counts: undefined };
  const title = `Run ${run.id} · trace report`;
  const split = runParts(run);
  if (split === null) {
    yield doc(frame, path, null, title, (link) => runBody(run, { link, prev, next, priceTable: c.priceTable }));
    return;
  }
  // Made one at a time (a part is a few MB), with the timeline drawn once for all of them.
  const { parts } = split;
  const waterfall = runWaterfall(run, { link: siteLinker(path, c.names, c.stepParts) });
  for (const p of parts) {
    const partTitle = p.n === 1 ? title : `Run ${run.id}, part ${p.n} of ${parts.length} · trace report`;
    yield doc(frame, partPath(path, p.n), null, partTitle, (link) =>
      runBody(run, { link, prev, next, priceTable: c.priceTable, part: { parts, n: p.n, href: (n) => link.file(partPath(path, n))!, waterfall } }));
  }
}

/** What a rebuild keeps of the previous site's run list pages (list-page-keys.ts), and what it records of this site's. */
export interface ListPagesReuse {
  /** The size of list page `n` in the previous site when that is this page byte for byte; else null. */
  kept(n: number): number | null;
  /** Each list page's size in bytes (page n at n − 1), filled as the pages are made. */
  bytes: Float64Array;
}

export interface SitePagesOptions {
  onPage?: PageProgress;
  /** Leave out the run pages (another thread writes them, see parallel-run-pages.ts). */
  withoutRunPages?: boolean;
  listPages?: ListPagesReuse;
  /** Where the rows of `assets/runs-data.js` end, for the record of a build that keeps one, and which the previous build's file holds. */
  dataRows?: RowEnds;
}

export function* sitePages(m: SiteModel, opts: SitePagesOptions = {}): Generator<SiteFile> {
  const onPage = opts.onPage;
  const c = contextOf(m);
  const total = sitePageTotal(m, opts.withoutRunPages);
  let done = 0;
  const tick = () => onPage?.(++done, total);
  const listed = m.newestFirst.length;
  const { indexRuns, pages } = runListLayout(listed);
  const title = `${plural(m.summary.runs, 'run')} · trace report`;
  yield doc(c, PAGE_FILES.index, 'index', title, (link) => indexBody(m, { page: 0, pages, runs: m.newestFirst.slice(0, indexRuns), link, root: '' }), [RUNS_DATA_FILE]);
  tick();
  // The list pages, newest first, show nothing of the whole report (no counts in the frame, no
  // explorer over every run: a list page is its runs, with scripts too): each depends only on its
  // runs and its links, and a rebuild keeps those it has already.
  const frame = { ...c, counts: undefined };
  const reuse = opts.listPages;
  for (let page = pages; page >= 1; page--) {
    const path = listPagePath(page);
    const { from, to } = listPageSlice(listed, page);
    const render = () =>
      doc(frame, path, 'index', `Runs, page ${formatCount(page)} · trace report`, (link) => indexBody(m, { page, pages, runs: m.newestFirst.slice(from, to), link, root: '../' })).content;
    const kept = reuse?.kept(page) ?? null;
    const content = kept === null ? render() : { kept, render };
    if (reuse) reuse.bytes[page - 1] = kept ?? Buffer.byteLength(content as string);
    yield { path, content };
    tick();
  }

  yield doc(c, PAGE_FILES.cost, 'cost', 'Cost · trace report', (link) =>
    costBody({ key: 'cost', summary: m.summary, facts: m.facts, prefix: '', window: m.window }, m.charts, link));
  tick();
  if (m.window) {
    const w = m.window;
    yield doc(c, PAGE_FILES['cost-7d'], 'cost-7d', `Cost, last ${w.window.days} days · trace report`, (link) =>
      costBody({ key: 'cost-7d', summary: w.summary, facts: w.facts, prefix: 'w-', window: w }, m.charts, link));
    tick();
  }
  yield doc(c, PAGE_FILES.latency, 'latency', 'Latency · trace report', (link) => latencyBody(m.summary, m.facts, m.charts, link));
  tick();
  yield doc(c, PAGE_FILES.errors, 'errors', 'Errors · trace report', (link) => errorsBody(m.summary, m.newestFirst, m.errors, m.skipped, link));
  tick();

  const runs = m.facts.runs;
  for (let i = 0; i < runs.length && !opts.withoutRunPages; i++) {
    const run = m.facts.source.run(runs[i]!.at, true);
    for (const file of runPageFiles(c, run, runs[i - 1] ?? null, runs[i + 1] ?? null)) {
      yield file;
      tick();
    }
  }

  yield { path: RUNS_DATA_FILE, content: runsDataScript(m.facts.runs, m.newestFirst, (id) => m.names.get(id) ?? null, opts.dataRows) };
  yield { path: 'assets/report.css', content: assetText('report.css') };
  yield { path: 'assets/report.js', content: assetText('report.js') };
}
