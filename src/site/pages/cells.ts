/**
 * Table cells as data: the text (escaped by the template), the class that right-aligns numbers,
 * an optional link of our own, a badge, a share bar. Costs always show their provenance:
 * `~` for estimated, an `unpriced` badge instead of a made-up $0.
 */
import { formatCount, formatDuration, formatPercent, formatTokens, formatUsd, formatUtcMinute } from '../../format/money.js';
import type { CallStatus, LlmCall, Run, RunStatus, RunTotals } from '../../model/types.js';
import { picoToUsd } from '../../model/types.js';
import { escapeHtml } from '../html.js';

export interface Cell {
  text: string;
  /** A link built by a Linker (relative path or in-page anchor), never trace text. */
  href?: string | null;
  num?: boolean;
  /** The raw number or key behind the text (`data-value`), for scripts and tests. */
  value?: string | number | null;
  cls?: string;
  title?: string;
  badge?: string;
  badgeTitle?: string;
  /** Share of the column's whole, 0..100, drawn as a bar. */
  bar?: number;
  code?: boolean;
  /** A row header (`<th scope="row">`). */
  head?: boolean;
}

export interface Column {
  label: string;
  num?: boolean;
  /** Short explanation of the column (`title`, and the header's `abbr`). */
  title?: string;
}

export interface TableModel {
  id?: string;
  caption: string;
  columns: Column[];
  rows: Cell[][];
  foot?: Cell[];
  /** Data files that hold the same numbers (`runs.csv`, `summary.json` ...). */
  links: { href: string; label: string }[];
  empty?: string;
  note?: string;
}

export const LEGEND_ESTIMATED = 'estimated from the price table';

export function textCell(text: string | null | undefined, extra: Partial<Cell> = {}): Cell {
  return { text: text ?? '—', ...extra };
}

export function countCell(n: number, extra: Partial<Cell> = {}): Cell {
  return { text: formatCount(n), num: true, value: n, ...extra };
}

export function durationCell(ms: number | null): Cell {
  return { text: formatDuration(ms), num: true, value: ms };
}

/** A run that never ended (incomplete, one time seen): its 0 ms is no duration at all. */
export function neverEnded(run: Pick<Run, 'status' | 'durationMs'>): boolean {
  return run.status === 'incomplete' && (run.durationMs === null || run.durationMs === 0);
}

/** The run's duration for display: null when it never ended. */
export function runDurationMs(run: Pick<Run, 'status' | 'durationMs'>): number | null {
  return neverEnded(run) ? null : run.durationMs;
}

export function runDurationCell(run: Pick<Run, 'status' | 'durationMs'>): Cell {
  return neverEnded(run) ? { text: '—', num: true, value: null, title: 'never ended' } : durationCell(run.durationMs);
}

/** Whether a run's calls record token counts: none, only totals, or an input/output split. */
export type TokenCounts = 'none' | 'total' | 'split';

export function tokenCountsOf(calls: readonly LlmCall[]): TokenCounts {
  let counts: TokenCounts = 'none';
  for (const c of calls) {
    if (c.inputTokens !== null || c.outputTokens !== null) return 'split';
    if (c.totalTokens !== null) counts = 'total';
  }
  return counts;
}

export function usdCell(usd: number, extra: Partial<Cell> = {}): Cell {
  return { text: formatUsd(usd), num: true, value: usd, ...extra };
}

/** A share of a cost column; `—` for a row whose calls are all unpriced (its share is unknown, not 0%). */
export function costShareCell(part: number, whole: number, unpricedCalls: number, calls: number): Cell {
  if (calls > 0 && unpricedCalls === calls) return { text: '—', num: true, value: null, title: 'no call priced' };
  return percentCell(part, whole);
}

/** The estimated part of a sum: `~$…`, or `—` when nothing in it was estimated. */
export function estimatedCell(usd: number): Cell {
  if (!(usd > 0)) return { text: '—', num: true, value: 0, title: 'nothing estimated' };
  return { text: formatUsd(usd, { estimated: true }), num: true, value: usd, cls: 'est', title: LEGEND_ESTIMATED };
}

export function percentCell(part: number, whole: number): Cell {
  const share = whole > 0 ? (part / whole) * 100 : 0;
  return { text: formatPercent(part, whole), num: true, value: whole > 0 ? part / whole : null, bar: whole > 0 ? share : undefined };
}

export function utcCell(ms: number | string | null): Cell {
  return { text: formatUtcMinute(ms), num: true, value: typeof ms === 'number' ? ms : (ms ?? null), cls: 'mono' };
}

export function statusCell(status: RunStatus | CallStatus, written?: string | null): Cell {
  const title = written && written !== status ? `written as "${written}"` : undefined;
  return { text: status, cls: `status status-${status}`, title };
}

/** One call's cost: reported, `~` estimated, or an `unpriced` badge with its reason. */
export function callCostCell(c: Pick<LlmCall, 'costPico' | 'costSource' | 'unpricedReason'>, priceTable: string): Cell {
  if (c.costSource === 'unpriced' || c.costPico === null) {
    return { text: '', num: true, value: null, badge: 'unpriced', badgeTitle: c.unpricedReason ?? 'unpriced' };
  }
  const usd = picoToUsd(c.costPico);
  if (c.costSource === 'estimated') {
    return { text: formatUsd(usd, { estimated: true }), num: true, value: usd, cls: 'est', title: `${LEGEND_ESTIMATED} (${priceTable})` };
  }
  return { text: formatUsd(usd), num: true, value: usd, title: 'reported by the trace' };
}

/**
 * A sum of costs: `~` when any part is estimated, and an `N unpriced` badge when calls are
 * missing from it. A sum made only of unpriced calls is `unpriced`, never $0.00.
 */
export function sumCostCell(usd: number, estimatedUsd: number, unpricedCalls: number, calls: number): Cell {
  if (calls > 0 && unpricedCalls === calls) {
    return { text: '', num: true, value: null, badge: 'unpriced', badgeTitle: `${formatCount(calls)} call${calls === 1 ? '' : 's'}, none priced` };
  }
  const estimated = estimatedUsd > 0;
  const cell: Cell = {
    text: formatUsd(usd, { estimated }),
    num: true,
    value: usd,
    cls: estimated ? 'est' : undefined,
    title: estimated ? `${formatUsd(estimatedUsd)} of it ${LEGEND_ESTIMATED}` : undefined,
  };
  if (unpricedCalls > 0) {
    cell.badge = `+${formatCount(unpricedCalls)} unpriced`;
    cell.badgeTitle = `${formatCount(unpricedCalls)} call${unpricedCalls === 1 ? '' : 's'} without a price, not counted in the sum`;
  }
  return cell;
}

export function runCostCell(t: RunTotals): Cell {
  return sumCostCell(picoToUsd(t.costPico), picoToUsd(t.estimatedPico), t.unpricedCalls, t.calls);
}

/** `in→out` tokens; the total alone where the trace gave no split. */
export function tokensText(input: number | null, output: number | null, total: number | null): string {
  if (input !== null || output !== null) return `${formatTokens(input ?? 0)}→${formatTokens(output ?? 0)}`;
  if (total !== null) return `${formatTokens(total)} total`;
  return '—';
}

export function tokensCell(input: number | null, output: number | null, total: number | null): Cell {
  const text = tokensText(input, output, total);
  return { text: text === '—' ? text : `${text} tok`, num: true, value: (input ?? 0) + (output ?? 0) || total };
}

/**
 * A cell's HTML: `<th scope="row">` or `<td>`, its class, `data-value` and title, the text (in
 * `<code>`, a link of our own), a badge and a share bar, every value escaped. Written out rather
 * than as a closure in the table partial: a run list page has 900 cells, and the run list's pages
 * took a fifth less time in their templates.
 */
export function cellHtml(c: Cell): string {
  let html = c.head ? '<th scope="row"' : '<td';
  if (c.num || c.cls) html += ` class="${escapeHtml(`${c.num ? 'num' : ''} ${c.cls || ''}`.trim())}"`;
  // A number's text never needs escaping; a key given as the value may.
  if (typeof c.value === 'number') html += ` data-value="${c.value}"`;
  else if (c.value !== undefined && c.value !== null) html += ` data-value="${escapeHtml(c.value)}"`;
  if (c.title) html += ` title="${escapeHtml(c.title)}"`;
  html += '>';
  if (c.bar !== undefined) html += '<span class="share">';
  if (c.href) html += `<a href="${escapeHtml(c.href)}">`;
  html += c.code ? `<code>${escapeHtml(c.text)}</code>` : escapeHtml(c.text);
  if (c.href) html += '</a>';
  if (c.badge) html += ` <span class="badge badge-unpriced"${c.badgeTitle ? ` title="${escapeHtml(c.badgeTitle)}"` : ''}>${escapeHtml(c.badge)}</span>`;
  if (c.bar !== undefined) {
    const width = Math.max(c.bar > 0 ? 1 : 0, Math.round(c.bar * 64) / 100);
    html += `<svg class="bar" width="64" height="8" viewBox="0 0 64 8" aria-hidden="true" focusable="false"><rect class="track" width="64" height="8" rx="2"/><rect class="fill" width="${width}" height="8" rx="2"/></svg></span>`;
  }
  return html + (c.head ? '</th>' : '</td>');
}
