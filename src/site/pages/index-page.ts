/**
 * The index: inputs, headline numbers and the run table, newest first. Without scripts the table
 * is split into static pages: the index holds the newest runs, and the older ones come in pages of
 * RUNS_PER_PAGE counted from the oldest (list/page-1.html holds the 100 oldest runs), so that a
 * page keeps its runs, and its bytes, when newer runs come in (runListLayout). With scripts,
 * report.js replaces the index's table by a windowed, filterable table over every run, fed by
 * runs-data.js; a list page stays its own runs.
 */
import { formatCount, formatDuration, formatPercent, formatTokens, formatUsd, formatUtcMinute } from '../../format/money.js';
import type { RunFacts } from './site-facts.js';
import { countRunsByDay } from '../../charts/specs.js';
import { chartBlock } from './charts.js';
import {
  countCell, runCostCell, runDurationCell, statusCell, textCell, utcCell, type Cell, type TableModel,
} from './cells.js';
import { plural } from './plural.js';
import type { Linker } from './links.js';
import type { SiteModel } from './site-model.js';
import { renderTemplate } from './templates.js';

export const RUNS_PER_PAGE = 100;

export interface Card {
  label: string;
  text: string;
  value?: string | number | null;
  sub?: string;
  cls?: string;
  badge?: string;
}

/**
 * How `runs` runs are split into static pages: the full pages of RUNS_PER_PAGE counted from the
 * oldest run, of which the newest is on the index with the runs after it (RUNS_PER_PAGE to twice
 * that less one there, or every run when there are fewer), and `pages` list pages for the rest.
 * The runs on list page `n` never change when newer runs are added.
 */
export interface RunListLayout {
  /** The newest runs, on the index. */
  indexRuns: number;
  /** List pages besides the index (list/page-1.html holds the oldest runs). */
  pages: number;
}

export function runListLayout(runs: number): RunListLayout {
  const pages = Math.max(0, Math.floor(runs / RUNS_PER_PAGE) - 1);
  return { indexRuns: runs - pages * RUNS_PER_PAGE, pages };
}

/** Where list page `n` (1: the oldest runs) begins and ends in the list of `runs` runs, newest first. */
export function listPageSlice(runs: number, n: number): { from: number; to: number } {
  return { from: runs - n * RUNS_PER_PAGE, to: runs - (n - 1) * RUNS_PER_PAGE };
}

/** How many HTML pages the static run list has, the index included. */
export function pageCount(runs: number): number {
  return 1 + runListLayout(runs).pages;
}

export function headlineCards(m: SiteModel): Card[] {
  const s = m.summary;
  const ok = s.runs - s.failedRuns - s.incompleteRuns;
  const estimated = s.cost.estimated > 0;
  const costSub = [`${formatUsd(s.cost.reported)} reported`, ...(estimated ? [`${formatUsd(s.cost.estimated, { estimated: true })} estimated`] : [])];
  return [
    { label: 'Runs', text: formatCount(s.runs), value: s.runs, sub: `${formatCount(ok)} ok · ${formatCount(s.failedRuns)} failed · ${formatCount(s.incompleteRuns)} incomplete` },
    { label: 'Success rate', text: formatPercent(ok, s.runs), value: s.runs > 0 ? ok / s.runs : null, sub: 'runs that ended ok' },
    {
      label: 'Total cost',
      text: formatUsd(s.cost.total, { estimated }),
      value: s.cost.total,
      cls: estimated ? 'est' : undefined,
      sub: costSub.join(' · '),
      badge: s.cost.unpricedSteps > 0 ? `${formatCount(s.cost.unpricedSteps)} unpriced` : undefined,
    },
    { label: 'Tokens', text: formatTokens(s.tokens.total), value: s.tokens.total, sub: `${formatTokens(s.tokens.input)} in → ${formatTokens(s.tokens.output)} out` },
    {
      label: 'Call latency p50 · p95',
      text: `${formatDuration(s.latency.p50Ms)} · ${formatDuration(s.latency.p95Ms)}`,
      value: s.latency.p50Ms,
      sub: `p99 ${formatDuration(s.latency.p99Ms)}, per LLM call`,
    },
    {
      label: 'Failed calls',
      text: formatCount(s.failedSteps),
      value: s.failedSteps,
      cls: s.failedSteps > 0 ? 'status-failed' : undefined,
      sub: `of ${plural(s.steps, 'call')} (${formatPercent(s.failedSteps, s.steps)})`,
    },
  ];
}

export const RUN_COLUMNS = [
  { label: 'Run' },
  { label: 'Workflow' },
  { label: 'Pattern' },
  { label: 'Status' },
  { label: 'Steps', num: true, title: 'LLM calls' },
  { label: 'Duration', num: true },
  { label: 'Cost (USD)', num: true },
  { label: 'Tokens', num: true, title: 'input + output tokens' },
  { label: 'Start (UTC)', num: true },
];

export function runRow(r: RunFacts, link: Linker): Cell[] {
  const t = r.totals;
  return [
    { text: r.id, href: link.run(r.id), code: true, head: true, cls: 'id' },
    textCell(r.workflow),
    textCell(r.pattern),
    statusCell(r.status, r.statusText),
    countCell(t.calls, t.failedCalls > 0 ? { title: `${formatCount(t.failedCalls)} failed` } : {}),
    runDurationCell(r),
    runCostCell(t),
    tokenCountCell(r),
    utcCell(r.start),
  ];
}

/** A run's token count: `—` when no call records any, the total alone when none is split. */
export function tokenCountCell(r: Pick<RunFacts, 'totals' | 'tokens'>): Cell {
  const t = r.totals;
  if (r.tokens === 'none') return { text: '—', num: true, value: null, title: 'no token counts in the trace' };
  return countCell(t.totalTokens, { title: r.tokens === 'total' ? 'total only, no input/output split' : `${formatTokens(t.inputTokens)} in → ${formatTokens(t.outputTokens)} out` });
}

export function runTable(runs: readonly RunFacts[], link: Linker, caption: string): TableModel {
  const csv = link.data('runs.csv');
  return {
    id: 'run-table',
    caption,
    columns: RUN_COLUMNS,
    rows: runs.map((r) => runRow(r, link)),
    links: csv ? [{ href: csv, label: 'all runs as CSV' }] : [],
    empty: 'No runs were found in the inputs.',
  };
}

/** What a pager says: its landmark label, what a page is called, and its two arrows. */
export interface PagerWords {
  label: string;
  noun: string;
  prevText: string;
  nextText: string;
}

export interface Pager extends Omit<PagerWords, 'noun'> {
  /** Where this page stands (`Part 2 of 5`). */
  where: string;
  prev: string | null;
  next: string | null;
  items: { label: string; href: string | null; current: boolean; gap?: boolean }[];
}

/**
 * The run list's page links, newest first, from page `page` (0: the index) of the index and
 * `pages` list pages: the index ("Newest"), the list pages up to two either side of this one, and
 * page 1 (the oldest runs), with a gap wherever pages are left out. Pages are numbered as
 * listPagePath numbers them (0: the index). A list page with at least three newer list pages
 * links to the same pages whatever their number, so that it stays the same, byte for byte, when
 * newer runs are added (the key of a kept list page, list-page-keys.ts, includes these links).
 */
export interface RunListLinks {
  items: { n: number; current: boolean; gap?: boolean }[];
  prev: number | null;
  next: number | null;
}

export function runListLinks(page: number, pages: number): RunListLinks | null {
  if (pages === 0) return null;
  // In order, the index comes after the newest list page.
  const top = pages + 1;
  const at = page === 0 ? top : page;
  const number = (n: number) => (n === top ? 0 : n);
  const items: RunListLinks['items'] = [];
  let last = top + 1;
  for (let n = top; n >= 1; n--) {
    if (n !== top && n !== 1 && Math.abs(n - at) > 2) continue;
    if (last - n > 1) items.push({ n: -1, current: false, gap: true });
    items.push({ n: number(n), current: n === at });
    last = n;
  }
  return { items, prev: at < top ? number(at + 1) : null, next: at > 1 ? at - 1 : null };
}

/** The run list's pager on page `page` (0: the index) of `pages` list pages; null when there is only the index. */
export function pager(page: number, pages: number, link: Linker): Pager | null {
  const links = runListLinks(page, pages);
  if (links === null) return null;
  return {
    label: 'Run list pages',
    prevText: '← Newer',
    nextText: 'Older →',
    where: page === 0 ? 'Newest runs' : `Page ${formatCount(page)}, counted from the oldest`,
    prev: links.prev === null ? null : link.listPage(links.prev),
    next: links.next === null ? null : link.listPage(links.next),
    items: links.items.map((i) => (i.gap ? { label: '', href: null, current: false, gap: true } : { label: i.n === 0 ? 'Newest' : formatCount(i.n), href: link.listPage(i.n), current: i.current })),
  };
}

/** Page links: first, last, and two either side of the current page; null for a single page. */
export function pagerOf(page: number, pages: number, href: (n: number) => string, words: PagerWords): Pager | null {
  if (pages <= 1) return null;
  const items: Pager['items'] = [];
  let last = 0;
  for (let n = 1; n <= pages; n++) {
    if (n !== 1 && n !== pages && Math.abs(n - page) > 2) continue;
    if (n - last > 1) items.push({ label: '', href: null, current: false, gap: true });
    items.push({ label: formatCount(n), href: href(n), current: n === page });
    last = n;
  }
  const { noun, ...said } = words;
  return { ...said, where: `${noun} ${formatCount(page)} of ${formatCount(pages)}`, prev: page > 1 ? href(page - 1) : null, next: page < pages ? href(page + 1) : null, items };
}

function runsPerDayTable(m: SiteModel, link: Linker): TableModel {
  const days = countRunsByDay(m.facts.runs);
  const csv = link.data('runs.csv');
  return {
    caption: 'Runs per day (UTC day of the start)',
    columns: [{ label: 'Day (UTC)' }, { label: 'Runs', num: true }, { label: 'ok', num: true }, { label: 'Failed', num: true }, { label: 'Incomplete', num: true }],
    rows: days.map((d) => [
      { text: d.date, head: true, cls: 'mono' },
      countCell(d.ok + d.failed + d.incomplete),
      countCell(d.ok),
      countCell(d.failed),
      countCell(d.incomplete),
    ]),
    links: csv ? [{ href: csv, label: 'runs.csv' }] : [],
    empty: 'No run has a start time.',
  };
}

export interface IndexPageOptions {
  /** 0: the index; else list page `page` (1: the oldest runs). */
  page: number;
  link: Linker;
  /** Runs on this page (single file: the runs that have a section). */
  runs: readonly RunFacts[];
  /** List pages besides the index. */
  pages: number;
  /** The explorer's data: `window.TRACE_REPORT_RUNS` from a script file, or this JSON block id. */
  dataBlock?: string;
  /** The way from this page to the site root (`''`, `'../'`), for the explorer's links. */
  root: string;
  note?: string;
}

/**
 * The body of the index (`page` 0: the headline, the inputs and the newest runs) or of a list page.
 * A list page shows nothing of the whole report, only its runs and its links (runListLinks), so
 * that it depends on nothing else.
 */
export function indexBody(m: SiteModel, o: IndexPageOptions): string {
  const s = m.summary;
  const index = o.page === 0;
  const caption = index
    ? s.runs === 0
      ? 'Runs'
      : `Runs 1–${formatCount(o.runs.length)} of ${formatCount(o.dataBlock ? o.runs.length : s.runs)}, newest first`
    : `Runs ${formatCount((o.page - 1) * RUNS_PER_PAGE + 1)}–${formatCount((o.page - 1) * RUNS_PER_PAGE + o.runs.length)}, counted from the oldest; newest first`;
  return renderTemplate('index', {
    first: index,
    page: formatCount(o.page),
    s,
    headline: `${plural(s.spans, 'span')} from ${plural(s.runs, 'run')}`,
    range: index ? (s.timeRange.start ? `${formatUtcMinute(s.timeRange.start)} – ${formatUtcMinute(s.timeRange.end)} UTC` : 'no times in the traces') : startsOf(o.runs),
    cards: index ? headlineCards(m) : [],
    skipped: { count: formatCount(s.skippedLines), href: o.link.page('errors', 'skipped') },
    runsChart: index ? chartBlock(m.charts, 'runs-per-day', 'Runs per day', runsPerDayTable(m, o.link), true) : null,
    table: runTable(o.runs, o.link, caption),
    pager: pager(o.page, o.pages, o.link),
    explorer: { root: o.root, dataBlock: o.dataBlock ?? '' },
    legendTable: o.link.page('cost', 'legend'),
    note: o.note ?? '',
    files: s.files,
  });
}

/** When the runs of a list page (newest first) started. */
function startsOf(runs: readonly RunFacts[]): string {
  const dated = runs.filter((r) => r.start !== null);
  const undated = runs.length - dated.length;
  const without = undated > 0 ? `${plural(undated, 'run')} without a start time` : '';
  if (dated.length === 0) return without;
  const span = `Started ${formatUtcMinute(dated[dated.length - 1]!.start!)} – ${formatUtcMinute(dated[0]!.start!)} UTC`;
  return without ? `${span}; ${without}` : span;
}
