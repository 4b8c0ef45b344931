/**
 * A run's waterfall timeline as SVG, drawn at build time: one row per agent step and call, in
 * tree order, each bar placed on the run's time axis and linked to its step. Above MAX_ROWS rows
 * it becomes a summary (one row per agent: first start to last end, with its call count), so a
 * 20k-step run does not draw 20k bars. Colours come from report.css classes (light and dark).
 */
import { formatCount, formatDuration } from '../../format/money.js';
import type { Run, StepNode } from '../../model/types.js';
import { escapeHtml as e } from '../html.js';
import { plural } from './plural.js';

export const MAX_ROWS = 150;
const WIDTH = 960;
const LABEL_W = 250;
/** Space kept clear between the label column and the first bar. */
const LABEL_GAP = 8;
const PAD_R = 16;
const ROW_H = 18;
const BAR_H = 12;
const AXIS_H = 22;

interface Row {
  label: string;
  depth: number;
  start: number | null;
  end: number | null;
  status: string;
  agent: boolean;
  href: string | null;
  tip: string;
}

export interface Waterfall {
  svg: string;
  /** Set when the rows were summarised per agent. */
  summarised: boolean;
  rows: number;
  /** Rows there would be without the cap (agents, when summarised). */
  of: number;
}

/** How many rows detailRows makes: one per agent step and call. */
function detailRowCount(nodes: readonly StepNode[]): number {
  let n = 0;
  for (const node of nodes) {
    if (node.kind === 'agent') n += 1 + detailRowCount(node.children);
    else if (node.kind === 'llm') n++;
  }
  return n;
}

function detailRows(nodes: readonly StepNode[], depth: number, href: (n: number) => string, out: Row[]): void {
  for (const n of nodes) {
    if (n.kind === 'agent') {
      out.push({ label: n.agent, depth, start: n.start, end: n.end, status: n.status, agent: true, href: null, tip: `${n.agent} (${n.agentKind}) · ${formatDuration(n.durationMs)} · ${n.status}` });
      detailRows(n.children, depth + 1, href, out);
    } else if (n.kind === 'llm') {
      const who = n.agent ?? '(no agent)';
      out.push({
        label: `#${n.index} ${n.model ?? who}`,
        depth,
        start: n.start,
        end: n.end ?? n.start,
        status: n.status,
        agent: false,
        href: href(n.index),
        tip: `#${n.index} · ${who} · ${n.model ?? 'no model'} · ${formatDuration(n.durationMs)} · ${n.status}`,
      });
    }
  }
}

function summaryRows(run: Run): { rows: Row[]; of: number } {
  const byAgent = new Map<string, { start: number | null; end: number | null; calls: number; failed: number }>();
  for (const c of run.calls) {
    const key = c.agent ?? '(no agent)';
    const a = byAgent.get(key) ?? { start: null, end: null, calls: 0, failed: 0 };
    a.calls++;
    if (c.status === 'failed') a.failed++;
    if (c.start !== null && (a.start === null || c.start < a.start)) a.start = c.start;
    const end = c.end ?? c.start;
    if (end !== null && (a.end === null || end > a.end)) a.end = end;
    byAgent.set(key, a);
  }
  const rows = [...byAgent]
    .sort(([an, a], [bn, b]) => (a.start ?? Infinity) - (b.start ?? Infinity) || (an < bn ? -1 : an > bn ? 1 : 0))
    .slice(0, MAX_ROWS)
    .map(([agent, a]) => ({
      label: `${agent} (${plural(a.calls, 'call')})`,
      depth: 0,
      start: a.start,
      end: a.end,
      status: a.failed > 0 ? 'failed' : 'ok',
      agent: false,
      href: null,
      tip: `${agent}: ${plural(a.calls, 'call')}, ${formatCount(a.failed)} failed, first start to last end`,
    }));
  return { rows, of: byAgent.size };
}

/** A coordinate to two decimals, trailing zeros dropped (`419.29`, `5.1`, `250`): as String() writes hundredths. */
export function svgNumber(n: number): string {
  const k = Math.round(n * 100);
  // Whole hundredths as digits; beyond what an int32 holds (never, for coordinates), String() does it.
  if (!(k > -2147483648 && k < 2147483648)) {
    const v = k / 100;
    return String(Object.is(v, -0) ? 0 : v);
  }
  const abs = k < 0 ? -k : k;
  const whole = (abs / 100) | 0;
  const cents = abs - whole * 100;
  const sign = k < 0 ? '-' : '';
  if (cents === 0) return `${sign}${whole}`;
  return cents % 10 === 0 ? `${sign}${whole}.${cents / 10}` : `${sign}${whole}.${cents < 10 ? '0' : ''}${cents}`;
}

function clip(label: string, depth: number): string {
  const max = Math.max(8, 36 - depth * 2);
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

/** A tick step of 1, 2 or 5 times a power of ten (or of minutes and hours), at least `raw`. */
export function niceStep(raw: number): number {
  const steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000];
  for (const s of steps) if (s >= raw) return s;
  return Math.ceil(raw / 86_400_000) * 86_400_000;
}

/**
 * `idPrefix` keeps the label clip's id unique where several runs share a page (the single file).
 * Labels are cut by length and, since glyph widths vary, clipped to their column too: a wide
 * name never runs under the bars.
 */
export function waterfallSvg(run: Run, href: (step: number) => string, idPrefix = ''): Waterfall | null {
  let rows: Row[] = [];
  let summarised = false;
  let of: number;
  // Counted first: a run of 400k steps is summarised without making a row for each of them.
  if (detailRowCount(run.children) > MAX_ROWS) {
    const summary = summaryRows(run);
    rows = summary.rows;
    of = summary.of;
    summarised = true;
  } else {
    detailRows(run.children, 0, href, rows);
    of = rows.length;
  }
  const timed = rows.filter((r) => r.start !== null);
  if (timed.length === 0) return null;
  const t0 = Math.min(run.start ?? Infinity, ...timed.map((r) => r.start!));
  const t1 = Math.max(run.end ?? -Infinity, ...timed.map((r) => r.end ?? r.start!));
  const span = Math.max(t1 - t0, 1);
  const plotW = WIDTH - LABEL_W - PAD_R;
  const x = (t: number) => LABEL_W + ((t - t0) / span) * plotW;
  const height = AXIS_H + rows.length * ROW_H + 6;
  const clipId = `${idPrefix}wf-labels`;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="Timeline of ${plural(rows.length, 'step')} over ${e(formatDuration(t1 - t0))}">`,
    `<title>Timeline, ${e(formatDuration(t1 - t0))}</title>`,
    `<defs><clipPath id="${e(clipId)}"><rect x="0" y="0" width="${LABEL_W - LABEL_GAP}" height="${height}"/></clipPath></defs>`,
  ];
  const step = niceStep(span / 5);
  for (let t = 0; t <= span + 1e-9; t += step) {
    const gx = svgNumber(x(t0 + t));
    const anchor = t === 0 ? 'start' : x(t0 + t) > WIDTH - PAD_R - 20 ? 'end' : 'middle';
    parts.push(
      `<line class="grid" x1="${gx}" x2="${gx}" y1="${AXIS_H - 4}" y2="${height}"/>`,
      `<text class="axis" x="${gx}" y="${AXIS_H - 8}" text-anchor="${anchor}">${e(t === 0 ? '0' : formatDuration(t))}</text>`,
    );
  }
  rows.forEach((row, i) => {
    const y = AXIS_H + i * ROW_H;
    const label = `<text class="lbl" x="${4 + row.depth * 10}" y="${svgNumber(y + ROW_H / 2 + 4)}" clip-path="url(#${e(clipId)})">${e(clip(row.label, row.depth))}</text>`;
    let bar = '';
    if (row.start !== null) {
      const bx = x(row.start);
      const bw = Math.max(x(row.end ?? row.start) - bx, 2);
      const cls = row.agent ? 'b-agent' : `b-${row.status === 'failed' || row.status === 'incomplete' ? row.status : 'ok'}`;
      bar = `<rect class="${cls}" x="${svgNumber(bx)}" y="${svgNumber(y + (ROW_H - BAR_H) / 2)}" width="${svgNumber(bw)}" height="${BAR_H}" rx="2"/>`;
    }
    const body = `<title>${e(row.tip)}</title>${label}${bar}`;
    parts.push(row.href ? `<a href="${e(row.href)}">${body}</a>` : `<g>${body}</g>`);
  });
  parts.push('</svg>');
  return { svg: parts.join(''), summarised, rows: rows.length, of };
}
