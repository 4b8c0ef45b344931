/**
 * A run's step tree as HTML, built here rather than in a template: it recurses, and a run can
 * have 20k steps, so it is one tight loop of string pieces. Every trace string passes escapeHtml.
 *
 * Each row reads as the Studio tree: agent, duration, model as written, `in→out` tokens, cost
 * with its provenance, status. Agent steps are `<details>`, open unless the run is large; every
 * call has an id (`step-N`) and a visible permalink.
 *
 * Large runs stay quick to open: above LARGE_RUN_STEPS every list of more than CHUNK steps is cut
 * into closed `<details>` blocks of CHUNK steps (only the first open), so a flat run of 20k calls
 * lays out about 100 rows; above HUGE_RUN_STEPS rows are compact (about 200 bytes a step: parsing
 * 10 MB of HTML is what makes a page slow, closed blocks do not save it) and texts stay in the
 * data exports.
 */
import { formatCount, formatDuration, formatUsd } from '../../format/money.js';
import type { AgentStep, EventNode, LlmCall, PromptMessage, StepNode } from '../../model/types.js';
import { picoToUsd } from '../../model/types.js';
import { escapeHtml as e } from '../html.js';
import { callCostCell, tokensText } from './cells.js';
import { plural } from './plural.js';

export interface StepTreeOptions {
  /** The `id` of call `n` (and the fragment of its permalink). */
  stepId: (n: number) => string;
  /** Agent steps start open. */
  open: boolean;
  /** Prompt and response texts longer than this are cut on the page. */
  textLimit: number;
  priceTable: string;
  /** Prompts and responses start open (small runs). */
  openTexts?: boolean;
  /** Cut lists longer than this into closed blocks; null: never. */
  chunk: number | null;
  /** Short rows without prompts, responses or titles. */
  compact: boolean;
  /**
   * One part of a run in parts (run-parts.ts): agent steps cut by the part's edges, each mapped to
   * the whole step, whose sums and error its row shows.
   */
  whole?: ReadonlyMap<AgentStep, AgentStep>;
}

/** Runs with more steps than this render collapsed with shorter texts, so that they open fast. */
export const LARGE_RUN_STEPS = 300;
export const TEXT_LIMIT = 4000;
export const LARGE_RUN_TEXT_LIMIT = 300;
/** Above this many steps prompts and responses stay in calls.jsonl only: the page must open fast. */
export const HUGE_RUN_STEPS = 2000;
/** Runs with at most this many calls show their prompts and responses open. */
export const OPEN_TEXTS_CALLS = 6;
export const CHUNK = 100;

export function stepTreeOptions(stepCount: number, stepId: (n: number) => string, priceTable: string): StepTreeOptions {
  const large = stepCount > LARGE_RUN_STEPS;
  const huge = stepCount > HUGE_RUN_STEPS;
  return {
    stepId,
    open: !large,
    textLimit: huge ? 0 : large ? LARGE_RUN_TEXT_LIMIT : TEXT_LIMIT,
    priceTable,
    chunk: large ? CHUNK : null,
    compact: huge,
  };
}

export function stepTreeHtml(nodes: readonly StepNode[], opts: StepTreeOptions): string {
  const out: string[] = [];
  tree(nodes, opts, out);
  return out.join('');
}

function tree(nodes: readonly StepNode[], opts: StepTreeOptions, out: string[], top = true): void {
  const cls = `tree${opts.compact ? ' compact' : ''}${top && opts.chunk !== null ? ' large' : ''}`;
  out.push(`<ol class="${cls}">`);
  if (opts.chunk !== null && nodes.length > opts.chunk) {
    for (let i = 0; i < nodes.length; i += opts.chunk) chunk(nodes.slice(i, i + opts.chunk), top && i === 0, opts, out);
  } else {
    for (const n of nodes) node(n, opts, out);
  }
  out.push('</ol>');
}

function node(n: StepNode, opts: StepTreeOptions, out: string[]): void {
  if (n.kind === 'llm') call(n, opts, out);
  else if (n.kind === 'agent') agent(n, opts, out);
  else event(n, out);
}

/** One closed block of steps: `Steps #101–#200`, with the calls, failures and cost inside. */
function chunk(nodes: readonly StepNode[], open: boolean, opts: StepTreeOptions, out: string[]): void {
  const s = sums(nodes);
  const range = s.first === null ? plural(nodes.length, 'step') : s.first === s.last ? `Step #${s.first}` : `Steps #${s.first}–#${s.last}`;
  out.push(
    `<li class="node chunk"><details${open ? ' open' : ''}><summary><span class="n-name">${range}</span>`,
    `<span class="n-num">${formatCount(s.calls)} call${s.calls === 1 ? '' : 's'}${s.failed > 0 ? `, ${formatCount(s.failed)} failed` : ''}</span>`,
    costSum(s),
    s.failed > 0 ? status('failed') : '',
    '</summary><ol class="tree', opts.compact ? ' compact' : '', '">',
  );
  for (const n of nodes) node(n, opts, out);
  out.push('</ol></details></li>');
}

interface AgentSums {
  calls: number;
  failed: number;
  pico: number;
  estimated: boolean;
  unpriced: number;
  first: number | null;
  last: number | null;
}

function sums(nodes: readonly StepNode[], s: AgentSums = { calls: 0, failed: 0, pico: 0, estimated: false, unpriced: 0, first: null, last: null }): AgentSums {
  for (const n of nodes) {
    if (n.kind === 'agent') sums(n.children, s);
    else if (n.kind === 'llm') {
      s.calls++;
      if (s.first === null || n.index < s.first) s.first = n.index;
      if (s.last === null || n.index > s.last) s.last = n.index;
      if (n.status === 'failed') s.failed++;
      if (n.costPico === null) s.unpriced++;
      else s.pico += n.costPico;
      if (n.costSource === 'estimated') s.estimated = true;
    }
  }
  return s;
}

function status(s: string): string {
  return `<span class="status status-${e(s)}">${e(s)}</span>`;
}

function costSum(s: AgentSums): string {
  if (s.calls === 0) return '';
  if (s.unpriced === s.calls) return ' <span class="badge badge-unpriced">unpriced</span>';
  const unpriced = s.unpriced > 0 ? ` <span class="badge badge-unpriced">+${formatCount(s.unpriced)} unpriced</span>` : '';
  return ` <span class="n-num${s.estimated ? ' est' : ''}">${e(formatUsd(picoToUsd(s.pico), { estimated: s.estimated }))}</span>${unpriced}`;
}

function agent(part: AgentStep, opts: StepTreeOptions, out: string[]): void {
  const a = opts.whole?.get(part) ?? part;
  const s = sums(a.children);
  const cost = costSum(s);
  out.push(
    `<li class="node agent st-${e(a.status)}"><details${opts.open ? ' open' : ''}><summary>`,
    `<span class="n-name">${e(a.agent)}</span><span class="n-kind">${e(a.agentKind)}${a === part ? '' : ', in parts'}</span>`,
    `<span class="n-num">${e(formatDuration(a.durationMs))}</span>`,
    s.calls > 0 ? `<span class="n-num">${formatCount(s.calls)} call${s.calls === 1 ? '' : 's'}${s.failed > 0 ? `, ${formatCount(s.failed)} failed` : ''}</span>` : '',
    cost,
    status(a.status),
    '</summary>',
  );
  // The failed call inside usually carries the same text: show it once, on the call.
  if (a.error && !a.children.some((n) => n.kind === 'llm' && n.error === a.error)) {
    out.push(`<div class="step-body"><pre class="error-text">${e(a.error)}</pre></div>`);
  }
  if (part.children.length > 0) tree(part.children, opts, out, false);
  out.push('</details></li>');
}

/** A huge run's row: the same columns, positional, no titles (report.css lays them out). */
function compactCall(c: LlmCall, opts: StepTreeOptions, out: string[]): void {
  const id = e(opts.stepId(c.index));
  const tokens = tokensText(c.inputTokens, c.outputTokens, c.totalTokens);
  let cost: string;
  if (c.costPico === null) cost = '<span class="badge badge-unpriced">unpriced</span>';
  else cost = `<span${c.costSource === 'estimated' ? ' class="est"' : ''}>${e(formatUsd(picoToUsd(c.costPico), { estimated: c.costSource === 'estimated' }))}</span>`;
  out.push(
    `<li class="node call st-${e(c.status)}" id="${id}"><a href="#${id}">#${c.index}</a><span>${e(c.agent ?? '(no agent)')}</span>`,
    `<span>${e(formatDuration(c.durationMs))}</span><code>${e(c.model ?? c.modelId ?? 'no model')}</code><span>${tokens === "—" ? "—" : `${e(tokens)} tok`}</span>${cost}`,
    c.status === 'ok' ? '' : status(c.status),
    c.error ? `<pre class="error-text">${e(c.error)}</pre>` : '',
    '</li>',
  );
}

function call(c: LlmCall, opts: StepTreeOptions, out: string[]): void {
  if (opts.compact) return compactCall(c, opts, out);
  const id = e(opts.stepId(c.index));
  const cost = callCostCell(c, opts.priceTable);
  const costHtml = cost.badge
    ? `<span class="badge badge-unpriced" title="${e(cost.badgeTitle)}">unpriced</span><span class="sr-only"> (${e(cost.badgeTitle)})</span>`
    : `<span class="n-num${cost.cls ? ` ${cost.cls}` : ''}"${cost.title ? ` title="${e(cost.title)}"` : ''}>${e(cost.text)}</span>`;
  const model = c.model ?? c.modelId;
  const tokens = tokensText(c.inputTokens, c.outputTokens, c.totalTokens);
  out.push(
    `<li class="node call st-${e(c.status)}" id="${id}"><div class="call-row">`,
    `<a class="permalink" href="#${id}" aria-label="Step ${c.index}, link to this step">#${c.index}</a>`,
    `<span class="n-name">${e(c.agent ?? '(no agent)')}</span>`,
    `<span class="n-num n-dur">${e(formatDuration(c.durationMs))}</span>`,
    `<span class="n-model">${model ? `<code${c.modelId && c.modelId !== model ? ` title="priced as ${e(c.modelId)}"` : ''}>${e(model)}</code>` : '<span class="n-kind">no model</span>'}</span>`,
    `<span class="n-num n-tok">${tokens === '—' ? 'no tokens' : `${e(tokens)} tok`}</span>`,
    `<span class="n-cost">${costHtml}</span>`,
    status(c.status),
    '</div>',
  );
  const body: string[] = [];
  if (c.error) body.push(`<pre class="error-text">${e(c.error)}</pre>`);
  if (opts.textLimit > 0 && c.prompt && c.prompt.length > 0) promptHtml(c.prompt, opts.textLimit, opts.openTexts === true, body);
  if (opts.textLimit > 0 && c.response) textBlock('Response', c.response, opts.textLimit, opts.openTexts === true, body);
  if (body.length > 0) out.push('<div class="step-body">', ...body, '</div>');
  out.push('</li>');
}

function event(ev: EventNode, out: string[]): void {
  out.push(
    '<li class="node event"><div class="event-row">',
    `<span class="n-kind">${e(ev.eventType)}</span>`,
    ev.agent ? `<span>${e(ev.agent)}</span>` : '',
    ev.detail ? `<span>${e(ev.detail)}</span>` : '',
    '</div></li>',
  );
}

function size(chars: number): string {
  return `${formatCount(chars)} character${chars === 1 ? '' : 's'}`;
}

function cut(text: string, limit: number): { shown: string; cutNote: string } {
  if (text.length <= limit) return { shown: text, cutNote: '' };
  // Never split a surrogate pair.
  let end = limit;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return {
    shown: text.slice(0, end),
    cutNote: `<p class="truncated">Showing the first ${formatCount(end)} of ${size(text.length)}; the whole text is in calls.jsonl.</p>`,
  };
}

/** The latest messages matter most: the budget is spent from the last message backwards. */
function promptHtml(messages: readonly PromptMessage[], limit: number, open: boolean, out: string[]): void {
  const total = messages.reduce((n, m) => n + m.content.length, 0);
  out.push(`<details class="io"${open ? ' open' : ''}><summary>Prompt · ${formatCount(messages.length)} message${messages.length === 1 ? '' : 's'} · ${size(total)}</summary>`);
  const allow: number[] = [];
  let remaining = limit;
  let first = messages.length;
  while (first > 0 && remaining > 0) {
    first--;
    const n = messages[first]!.content.length;
    allow[first] = Math.max(Math.min(n, remaining), Math.min(n, 200));
    remaining -= n;
  }
  if (first > 0) {
    out.push(`<p class="truncated">${formatCount(first)} earlier message${first === 1 ? '' : 's'} not shown; the whole prompt is in calls.jsonl.</p>`);
  }
  for (let i = first; i < messages.length; i++) {
    const m = messages[i]!;
    const { shown, cutNote } = cut(m.content, allow[i] ?? 200);
    out.push(
      `<div class="msg"><div class="role">${e(m.role)}${m.name ? ` · ${e(m.name)}` : ''}</div>`,
      `<pre class="text">${e(shown)}</pre>${cutNote}</div>`,
    );
  }
  out.push('</details>');
}

function textBlock(label: string, text: string, limit: number, open: boolean, out: string[]): void {
  const { shown, cutNote } = cut(text, limit);
  out.push(`<details class="io"${open ? ' open' : ''}><summary>${label} · ${size(text.length)}</summary><pre class="text">${e(shown)}</pre>${cutNote}</details>`);
}
