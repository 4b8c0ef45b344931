/**
 * The `summary` terminal dashboard: a header with the totals, the latest runs as trees, cost by
 * model and by workflow with bars, and daily spend. Pure: a Summary and its runs in, text out.
 * Every string from a trace goes through `sanitiseForTerminal` before it is printed.
 */

import type { AgentStep, EventNode, LlmCall, Run, StepNode } from '../model/types.js';
import { picoToUsd } from '../model/types.js';
import type { DayRow, Summary } from '../aggregate/summary-types.js';
import { LatestRuns, type NumberedRun } from '../aggregate/latest-runs.js';
import { cell, createColours, firstLine, layoutColumns, sanitiseForTerminal, truncateToWidth } from './colour.js';
import type { Cell, Colours } from './colour.js';
import { formatCount, formatDuration, formatPercent, formatUsd, formatUtcMinute } from './money.js';

export interface SummaryFormatOptions {
  colour: boolean;
  /** Terminal columns (default 80): sets bar lengths and where long text is cut. */
  width?: number;
  /** How many of the newest runs to draw as trees (default 5; 0 for none). */
  latestRuns?: number;
  /** Replaces the input names in the first line. */
  title?: string;
  /** Rows drawn per run tree before `… N more steps` (default 12). */
  maxRowsPerRun?: number;
}

const TABLE_ROWS = 10;
const MODEL_WIDTH = 36;
const DAYS = 14;
const BLOCKS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** The dashboard for a summary and its runs (all of them, in the order compareRuns gives). */
export function formatSummary(summary: Summary, runs: readonly Run[], opts: SummaryFormatOptions): string {
  const latest = new LatestRuns(opts.latestRuns ?? 5);
  for (const run of runs) latest.add(run);
  return formatSummaryOf(summary, latest.result(), opts, runs.length);
}

/** The dashboard when only the newest runs were kept (LatestRuns), not all of them. */
export function formatSummaryOf(summary: Summary, latest: readonly NumberedRun[], opts: SummaryFormatOptions, totalRuns = summary.runs): string {
  const c = createColours(opts.colour);
  const width = opts.width ?? 80;
  const sections = [
    headerLines(summary, c, width, opts.title),
    latestRunsLines(totalRuns, summary, latest, c, width, opts.latestRuns ?? 5, opts.maxRowsPerRun ?? 12),
    costByModelLines(summary, c, width),
    costByWorkflowLines(summary, c),
    dailySpendLines(summary.byDay, c, width),
  ].filter((lines) => lines.length > 0);
  return `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

function clean(s: string, max: number): string {
  return truncateToWidth(sanitiseForTerminal(s), max);
}

function inputLabel(inputs: string[]): string {
  const names = inputs.map((i) => (i === '-' ? 'stdin' : sanitiseForTerminal(i)));
  if (names.length === 0) return 'no inputs';
  return names.length <= 2 ? names.join(', ') : `${names.slice(0, 2).join(', ')} +${names.length - 2} more`;
}

function headerLines(s: Summary, c: Colours, width: number, title: string | undefined): string[] {
  const label = title === undefined ? inputLabel(s.inputs) : sanitiseForTerminal(title);
  const first = `${c.bold(label)} — ${plural(s.spans, 'span')} from ${plural(s.runs, 'run')}`;
  const { start, end } = s.timeRange;
  const segments: Cell[] = [
    cell(start !== null && end !== null ? `${formatUtcMinute(start)} → ${formatUtcMinute(end)} UTC` : 'no timestamps'),
    totalCostCell(s, c),
    cell(`${plural(s.tokens.total, 'token')} (${formatCount(s.tokens.input)} in, ${formatCount(s.tokens.output)} out)`),
  ];
  const callNotes = [
    s.failedSteps > 0 ? `${formatCount(s.failedSteps)} failed` : '',
    s.incompleteSteps > 0 ? `${formatCount(s.incompleteSteps)} incomplete` : '',
  ].filter(Boolean);
  segments.push(cell(`${plural(s.steps, 'LLM call')}${callNotes.length > 0 ? ` (${callNotes.join(', ')})` : ''}`));
  if (s.failedRuns > 0) segments.push(cell(plural(s.failedRuns, 'failed run'), c.red));
  if (s.incompleteRuns > 0) segments.push(cell(plural(s.incompleteRuns, 'incomplete run'), c.yellow));
  if (s.skippedLines > 0) segments.push(cell(plural(s.skippedLines, 'skipped line'), c.yellow));
  return [first, ...wrapSegments(segments, width, ' · ', c)];
}

function totalCostCell(s: Summary, c: Colours): Cell {
  const { total, estimated, unpricedSteps } = s.cost;
  if (s.steps > 0 && unpricedSteps === s.steps) return cell(`cost unpriced (${plural(unpricedSteps, 'unpriced call')})`, c.yellow);
  const notes = [
    estimated > 0 ? `${formatUsd(estimated)} estimated` : '',
    unpricedSteps > 0 ? plural(unpricedSteps, 'unpriced call') : '',
  ].filter(Boolean);
  const usd = formatUsd(total);
  const tail = notes.length > 0 ? ` (${notes.join(', ')})` : '';
  return { text: `cost ${usd}${tail}`, painted: `cost ${c.bold(usd)}${tail}` };
}

/** Segments packed into lines no wider than `width` (a segment wider than that gets a line of its own). */
function wrapSegments(segments: Cell[], width: number, sep: string, c: Colours): string[] {
  const lines: string[] = [];
  let text = '';
  let painted = '';
  for (const seg of segments) {
    if (text !== '' && text.length + sep.length + seg.text.length > width) {
      lines.push(painted);
      text = '';
      painted = '';
    }
    painted += (text === '' ? '' : c.dim(sep)) + (seg.painted ?? seg.text);
    text += (text === '' ? '' : sep) + seg.text;
  }
  if (text !== '') lines.push(painted);
  return lines;
}

// ---- latest runs --------------------------------------------------------------------------

interface TreeContext {
  c: Colours;
  errorWidth: number;
  rows: Cell[][];
  left: number;
  estimatedShown: boolean;
}

function latestRunsLines(totalRuns: number, s: Summary, latest: readonly NumberedRun[], c: Colours, width: number, count: number, maxRows: number): string[] {
  if (count <= 0 || latest.length === 0) return [];
  const order = latest.slice(0, count);
  const ctx: TreeContext = { c, errorWidth: Math.min(100, Math.max(24, width - 56)), rows: [], left: 0, estimatedShown: false };
  const blocks: { header: string; first: number; end: number }[] = [];
  for (const { run, number } of order) {
    const first = ctx.rows.length;
    ctx.left = maxRows;
    const header = runHeader(run, number, ctx);
    walk(run.children, '', null, true, ctx);
    blocks.push({ header, first, end: ctx.rows.length });
  }
  const laidOut = layoutColumns(ctx.rows, ['left', 'right', 'left', 'right', 'right', 'left']);
  const title = `${c.bold('Latest runs')} ${c.dim(`(newest first, ${formatCount(order.length)} of ${formatCount(totalRuns)})`)}`;
  const lines = [title];
  for (const b of blocks) lines.push(b.header, ...laidOut.slice(b.first, b.end));
  if (ctx.estimatedShown) lines.push(c.dim(`~ = estimated from the price table (${sanitiseForTerminal(s.cost.priceTable)})`));
  return lines;
}

function runHeader(run: Run, number: number, ctx: TreeContext): string {
  const { c } = ctx;
  const label = run.workflow ?? run.pattern ?? run.id;
  const t = run.totals;
  const cost = costCell(t.costPico, t.estimatedPico > 0, t.unpricedCalls, t.calls - t.unpricedCalls, false, ctx);
  const parts = [
    c.bold(`Run #${number}`),
    c.cyan(clean(label, 40)),
    plural(t.calls, 'step'),
    formatDuration(run.durationMs),
    cost.painted ?? cost.text,
  ];
  if (t.unpricedCalls > 0 && t.unpricedCalls < t.calls) parts.push(c.yellow(`+${formatCount(t.unpricedCalls)} unpriced`));
  if (run.status === 'failed') parts.push(c.red(`✗ ${clean(run.statusText ?? 'failed', 24)}`));
  if (run.status === 'incomplete') parts.push(c.yellow('… incomplete'));
  parts.push(c.dim(formatUtcMinute(run.start)));
  if (label !== run.id) parts.push(c.dim(clean(run.id, 40)));
  return parts.join('  ');
}

/** A cost, `~` when any of it is estimated; `unpriced` when nothing in it has a price. */
function costCell(pico: number, estimated: boolean, unpriced: number, priced: number, keepZeros: boolean, ctx: TreeContext): Cell {
  const { c } = ctx;
  if (priced === 0 && unpriced > 0) return cell('unpriced', c.yellow);
  if (estimated) ctx.estimatedShown = true;
  return cell(formatUsd(picoToUsd(pico), { estimated, keepZeros }));
}

function walk(nodes: StepNode[], indent: string, parentAgent: string | null, top: boolean, ctx: TreeContext): void {
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if (node === undefined) continue;
    if (ctx.left <= 0) {
      const more = `… ${formatCount(nodes.length - i)} more${top ? (nodes.length - i === 1 ? ' step' : ' steps') : ''}`;
      ctx.rows.push([{ text: `${indent}└── ${more}`, painted: ctx.c.dim(`${indent}└── ${more}`) }]);
      return;
    }
    ctx.left--;
    const last = i === nodes.length - 1;
    const branch = `${indent}${last ? '└── ' : '├── '}`;
    const childIndent = `${indent}${last ? '    ' : '│   '}`;
    if (node.kind === 'llm') ctx.rows.push(callRow(node, branch, parentAgent, ctx));
    else if (node.kind === 'event') ctx.rows.push(eventRow(node, branch, ctx));
    else {
      const only = node.children.length === 1 ? node.children[0] : undefined;
      if (only !== undefined && only.kind === 'llm') {
        ctx.rows.push(callRow(only, branch, null, ctx, node));
      } else {
        ctx.rows.push(agentRow(node, branch, ctx));
        walk(node.children, childIndent, node.agent, false, ctx);
      }
    }
  }
}

function labelCell(branch: string, label: string, paint: (s: string) => string, ctx: TreeContext): Cell {
  return { text: branch + label, painted: ctx.c.dim(branch) + paint(label) };
}

function agentLabel(step: AgentStep): string {
  const name = clean(step.agent, 32);
  return step.agentKind === 'agent' || step.agentKind === '' ? name : `${name} (${clean(step.agentKind, 12)})`;
}

function tokensText(input: number | null, output: number | null, total: number | null): string {
  if (input !== null || output !== null) return `${input === null ? '—' : formatCount(input)}→${output === null ? '—' : formatCount(output)} tok`;
  return total === null ? '' : `${formatCount(total)} tok`;
}

/** One LLM call; `agent` is set when the call is the only child of that agent step, drawn as one row. */
function callRow(call: LlmCall, branch: string, parentAgent: string | null, ctx: TreeContext, agent?: AgentStep): Cell[] {
  const { c } = ctx;
  let label: string;
  if (agent !== undefined) label = agentLabel(agent);
  else if (call.agent !== null && call.agent !== parentAgent) label = clean(call.agent, 32);
  else if (parentAgent === null && call.provider !== '') label = clean(call.provider, 32);
  else label = `step ${call.index}`;
  const unpriced = call.costSource === 'unpriced' ? 1 : 0;
  const failed = call.status === 'failed' || agent?.status === 'failed';
  const status = failed ? 'failed' : call.status === 'incomplete' || agent?.status === 'incomplete' ? 'incomplete' : 'ok';
  return [
    labelCell(branch, label, agent === undefined && label.startsWith('step ') ? c.dim : (s) => s, ctx),
    cell(formatDuration(agent?.durationMs ?? call.durationMs)),
    cell(call.model === null ? '' : clean(call.model, MODEL_WIDTH), c.cyan),
    cell(tokensText(call.inputTokens, call.outputTokens, call.inputTokens === null && call.outputTokens === null ? call.totalTokens : null)),
    costCell(call.costPico ?? 0, call.costSource === 'estimated', unpriced, 1 - unpriced, true, ctx),
    statusCell(status, call.error ?? agent?.error ?? null, ctx),
  ];
}

function descendantCalls(nodes: StepNode[], into: LlmCall[] = []): LlmCall[] {
  for (const n of nodes) {
    if (n.kind === 'llm') into.push(n);
    else if (n.kind === 'agent') descendantCalls(n.children, into);
  }
  return into;
}

function sumOrNull(values: (number | null)[]): number | null {
  let sum: number | null = null;
  for (const v of values) if (v !== null) sum = (sum ?? 0) + v;
  return sum;
}

function agentRow(step: AgentStep, branch: string, ctx: TreeContext): Cell[] {
  const calls = descendantCalls(step.children);
  const models = [...new Set(calls.map((x) => x.model).filter((m): m is string => m !== null))];
  const unpriced = calls.filter((x) => x.costSource === 'unpriced').length;
  const input = sumOrNull(calls.map((x) => x.inputTokens));
  const output = sumOrNull(calls.map((x) => x.outputTokens));
  const row: Cell[] = [
    labelCell(branch, agentLabel(step), (s) => s, ctx),
    cell(formatDuration(step.durationMs)),
    models.length === 1 ? cell(clean(models[0] ?? '', MODEL_WIDTH), ctx.c.cyan) : cell(models.length > 1 ? `${models.length} models` : ''),
    cell(tokensText(input, output, input === null && output === null ? sumOrNull(calls.map((x) => x.totalTokens)) : null)),
    calls.length === 0
      ? cell('')
      : costCell(
          calls.reduce((sum, x) => sum + (x.costPico ?? 0), 0),
          calls.some((x) => x.costSource === 'estimated'),
          unpriced,
          calls.length - unpriced,
          true,
          ctx,
        ),
    step.status === 'ok' && unpriced > 0 && unpriced < calls.length
      ? cell(plural(unpriced, 'unpriced call'), ctx.c.yellow)
      : statusCell(step.status, step.error, ctx),
  ];
  return row;
}

function eventRow(event: EventNode, branch: string, ctx: TreeContext): Cell[] {
  const isError = event.eventType === 'error';
  const paint = isError ? ctx.c.red : ctx.c.dim;
  const detail = event.detail === null ? '' : truncateToWidth(firstLine(event.detail), ctx.errorWidth);
  return [labelCell(branch, clean(event.eventType, 32), paint, ctx), cell(''), cell(''), cell(''), cell(''), cell(detail, paint)];
}

function statusCell(status: string, error: string | null, ctx: TreeContext): Cell {
  if (status === 'failed') {
    const message = error === null ? '' : firstLine(error);
    return cell(message === '' ? '✗ failed' : `✗ failed: ${truncateToWidth(message, ctx.errorWidth)}`, ctx.c.red);
  }
  if (status === 'incomplete') return cell('… incomplete', ctx.c.yellow);
  return cell('');
}

// ---- cost tables and daily spend ----------------------------------------------------------

/** `█` blocks with eighth-block ends; anything above zero shows at least a sliver. */
export function bar(value: number, max: number, width: number): string {
  if (!(max > 0) || !(value > 0)) return '';
  const eighths = Math.max(1, Math.round((Math.min(value, max) / max) * width * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + BLOCKS[eighths % 8];
}

function barCell(value: number, max: number, width: number, c: Colours): Cell {
  const blocks = bar(value, max, width);
  const fill = ' '.repeat(width - blocks.length);
  return { text: blocks + fill, painted: c.magenta(blocks) + fill };
}

function barWidth(width: number, used: number): number {
  return Math.min(30, Math.max(8, width - used));
}

function costByModelLines(s: Summary, c: Colours, width: number): string[] {
  if (s.byModel.length === 0) return [];
  const rows = [...s.byModel].sort((a, b) => b.cost - a.cost || b.calls - a.calls || (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
  const shown = rows.slice(0, TABLE_ROWS);
  const max = Math.max(0, ...shown.map((r) => r.cost));
  const bw = barWidth(width, 58);
  const table: Cell[][] = [['model', 'provider', 'calls', 'cost', '', 'share'].map((h) => cell(h, c.dim))];
  for (const r of shown) {
    const allUnpriced = r.cost === 0 && r.unpricedCalls > 0 && r.unpricedCalls === r.calls;
    table.push([
      cell(clean(r.model, 28), c.cyan),
      cell(clean(r.provider, 16)),
      cell(formatCount(r.calls)),
      allUnpriced ? cell('unpriced', c.yellow) : cell(formatUsd(r.cost)),
      barCell(r.cost, max, bw, c),
      cell(allUnpriced ? '—' : formatPercent(r.cost, s.cost.total)),
    ]);
  }
  const lines = [c.bold('Cost by model'), ...layoutColumns(table, ['left', 'left', 'right', 'right', 'left', 'right'], { indent: '  ' })];
  const rest = rows.slice(TABLE_ROWS);
  if (rest.length > 0) {
    const cost = rest.reduce((sum, r) => sum + r.cost, 0);
    lines.push(c.dim(`  … ${plural(rest.length, 'more model')}, ${formatUsd(cost)}`));
  }
  const unpriced = rows.filter((r) => r.unpricedCalls > 0);
  if (unpriced.length > 0) {
    const total = unpriced.reduce((sum, r) => sum + r.unpricedCalls, 0);
    const which = unpriced.slice(0, 5).map((r) => `${clean(r.model, 28)} ${formatCount(r.unpricedCalls)}`);
    if (unpriced.length > 5) which.push(`+${unpriced.length - 5} more`);
    lines.push(c.yellow(`  ${plural(total, 'unpriced call')} (${which.join(', ')}): no price known, not counted as $0`));
  }
  return lines;
}

function costByWorkflowLines(s: Summary, c: Colours): string[] {
  if (s.byWorkflow.length === 0) return [];
  const rows = [...s.byWorkflow].sort((a, b) => b.cost - a.cost || b.runs - a.runs || (a.workflow < b.workflow ? -1 : a.workflow > b.workflow ? 1 : 0));
  const table: Cell[][] = [['workflow', 'runs', 'cost', 'avg/run'].map((h) => cell(h, c.dim))];
  for (const r of rows.slice(0, TABLE_ROWS)) {
    const allUnpriced = r.cost === 0 && r.unpricedCalls > 0 && r.unpricedCalls === r.calls;
    table.push([
      cell(clean(r.workflow, 32), c.cyan),
      cell(formatCount(r.runs)),
      allUnpriced ? cell('unpriced', c.yellow) : cell(formatUsd(r.cost)),
      allUnpriced ? cell('—') : cell(formatUsd(r.avgCostPerRun)),
      r.unpricedCalls > 0 && !allUnpriced ? cell(`+${formatCount(r.unpricedCalls)} unpriced`, c.yellow) : cell(''),
    ]);
  }
  const lines = [c.bold('Cost by workflow'), ...layoutColumns(table, ['left', 'right', 'right', 'right', 'left'], { indent: '  ' })];
  const rest = rows.slice(TABLE_ROWS);
  if (rest.length > 0) {
    const cost = rest.reduce((sum, r) => sum + r.cost, 0);
    lines.push(c.dim(`  … ${plural(rest.length, 'more workflow')}, ${formatUsd(cost)}`));
  }
  return lines;
}

const DAY_MS = 86_400_000;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The last 14 calendar days of the data (UTC), days without calls shown empty. */
function lastDays(byDay: DayRow[]): { date: string; ms: number; row: DayRow | null }[] {
  const dated = byDay
    .map((row) => ({ row, ms: Date.parse(`${row.date}T00:00:00Z`) }))
    .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d.row.date) && Number.isFinite(d.ms))
    .sort((a, b) => a.ms - b.ms);
  const lastEntry = dated[dated.length - 1];
  const firstEntry = dated[0];
  if (lastEntry === undefined || firstEntry === undefined) return [];
  const byMs = new Map(dated.map((d) => [d.ms, d.row]));
  const days = [];
  for (let ms = Math.max(firstEntry.ms, lastEntry.ms - (DAYS - 1) * DAY_MS); ms <= lastEntry.ms; ms += DAY_MS) {
    days.push({ date: new Date(ms).toISOString().slice(0, 10), ms, row: byMs.get(ms) ?? null });
  }
  return days;
}

function dailySpendLines(byDay: DayRow[], c: Colours, width: number): string[] {
  const days = lastDays(byDay);
  if (days.length === 0) return [];
  const max = Math.max(0, ...days.map((d) => d.row?.cost ?? 0));
  const bw = barWidth(width, 44);
  const table: Cell[][] = days.map((d) => [
    cell(`${d.date} ${WEEKDAYS[new Date(d.ms).getUTCDay()] ?? ''}`),
    barCell(d.row?.cost ?? 0, max, bw, c),
    cell(formatUsd(d.row?.cost ?? 0)),
    cell(d.row === null ? '' : plural(d.row.calls, 'call'), c.dim),
  ]);
  const title = `${c.bold('Daily spend')} ${c.dim(`(UTC, last ${plural(days.length, 'day')})`)}`;
  return [title, ...layoutColumns(table, ['left', 'left', 'right', 'right'], { indent: '  ' })];
}
