/**
 * The index: inputs, headline numbers and the run table, newest first. Without scripts the table
 * is split into static pages of RUNS_PER_PAGE (index.html, list/page-2.html, ...); with scripts,
 * report.js replaces it by a windowed, filterable table over every run, fed by runs-data.js.
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

export function pageCount(runs: number): number {
  return Math.max(1, Math.ceil(runs / RUNS_PER_PAGE));
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

export interface Pager extends PagerWords {
  page: number;
  pages: number;
  prev: string | null;
  next: string | null;
  items: { n: number; href: string | null; current: boolean; gap?: boolean }[];
}

const RUN_LIST_WORDS: PagerWords = { label: 'Run list pages', noun: 'Page', prevText: '← Newer', nextText: 'Older →' };

/** The run list's page links. */
export function pager(page: number, pages: number, link: Linker): Pager | null {
  return pagerOf(page, pages, (n) => link.listPage(n), RUN_LIST_WORDS);
}

/** Page links: first, last, and two either side of the current page; null for a single page. */
export function pagerOf(page: number, pages: number, href: (n: number) => string, words: PagerWords): Pager | null {
  if (pages <= 1) return null;
  const items: Pager['items'] = [];
  let last = 0;
  for (let n = 1; n <= pages; n++) {
    if (n !== 1 && n !== pages && Math.abs(n - page) > 2) continue;
    if (n - last > 1) items.push({ n: -n, href: null, current: false, gap: true });
    items.push({ n, href: href(n), current: n === page });
    last = n;
  }
  return { ...words, page, pages, prev: page > 1 ? href(page - 1) : null, next: page < pages ? href(page + 1) : null, items };
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
  page: number;
  link: Linker;
  /** Runs on this page (single file: the runs that have a section). */
  runs: readonly RunFacts[];
  pages: number;
  /** The explorer's data: `window.TRACE_REPORT_RUNS` from a script file, or this JSON block id. */
  dataBlock?: string;
  /** The way from this page to the site root (`''`, `'../'`), for the explorer's links. */
  root: string;
  note?: string;
}

/** The body of index page `page` (page 1 carries the headline and the inputs). */
export function indexBody(m: SiteModel, o: IndexPageOptions): string {
  const s = m.summary;
  const first = (o.page - 1) * RUNS_PER_PAGE;
  const caption = s.runs === 0
    ? 'Runs'
    : `Runs ${formatCount(first + 1)}–${formatCount(first + o.runs.length)} of ${formatCount(o.dataBlock ? o.runs.length : s.runs)}, newest first`;
  return renderTemplate('index', {
    first: o.page === 1,
    page: o.page,
    pages: o.pages,
    s,
    headline: `${plural(s.spans, 'span')} from ${plural(s.runs, 'run')}`,
    range: s.timeRange.start ? `${formatUtcMinute(s.timeRange.start)} – ${formatUtcMinute(s.timeRange.end)} UTC` : 'no times in the traces',
    cards: headlineCards(m),
    skipped: { count: formatCount(s.skippedLines), href: o.link.page('errors', 'skipped') },
    runsChart: o.page === 1 ? chartBlock(m.charts, 'runs-per-day', 'Runs per day', runsPerDayTable(m, o.link), true) : null,
    table: runTable(o.runs, o.link, caption),
    pager: pager(o.page, o.pages, o.link),
    explorer: { root: o.root, dataBlock: o.dataBlock ?? '' },
    legendTable: o.link.page('cost', 'legend'),
    note: o.note ?? '',
    files: s.files,
  });
}
