/**
 * A page per run: facts, links to the earlier and later run and the index, the waterfall, the
 * step tree with a permalink per call, and the run's output. Large runs render collapsed.
 */
import { formatCount, formatDuration, formatTokens, formatUtcMinute } from '../../format/money.js';
import { formatIso } from '../../normalise/timestamp.js';
import type { AgentStep, Run } from '../../model/types.js';
import { neverEnded, runCostCell, tokenCountsOf, type Cell } from './cells.js';
import { plural } from './plural.js';
import type { Linker } from './links.js';
import { CHUNK, HUGE_RUN_STEPS, LARGE_RUN_STEPS, OPEN_TEXTS_CALLS, stepTreeHtml, stepTreeOptions, TEXT_LIMIT } from './step-tree.js';
import { pagerOf } from './index-page.js';
import { PART_ROWS, sliceTree, treeRows, type RunPart } from './run-parts.js';
import { renderTemplate } from './templates.js';
import { MAX_ROWS, waterfallSvg, type Waterfall } from './waterfall.js';

export interface RunPageOptions {
  link: Linker;
  prev: { id: string; start: number | null } | null;
  next: { id: string; start: number | null } | null;
  priceTable: string;
  /** Prefix of the page's element ids (single file: the run's section id); none in the site. */
  sectionId?: string;
  /**
   * One part of a run whose page comes in parts (run-parts.ts), with the links to the others (null
   * in the single file, which holds only the first) and, where several parts are made, the
   * timeline they all show (drawn once).
   */
  part?: { parts: readonly RunPart[]; n: number; href: ((n: number) => string) | null; waterfall?: Waterfall | null };
}

/** Runs are listed by start time, runs without one last: only two dated runs are earlier or later. */
function neighbourLabels(run: Run, other: { start: number | null } | null): { prev: string; next: string } {
  return run.start !== null && other?.start != null
    ? { prev: 'Earlier run', next: 'Later run' }
    : { prev: 'Previous in the list', next: 'Next in the list' };
}

function tokensFact(run: Run): string {
  const t = run.totals;
  const counts = tokenCountsOf(run.calls);
  if (counts === 'none') return 'not recorded';
  if (counts === 'total') return `${formatTokens(t.totalTokens)} total (no input/output split)`;
  return `${formatTokens(t.inputTokens)} in → ${formatTokens(t.outputTokens)} out (${formatTokens(t.totalTokens)} total)`;
}

/** The run's timeline, its bars linked to the steps. */
export function runWaterfall(run: Run, o: Pick<RunPageOptions, 'link' | 'sectionId'>): Waterfall | null {
  return waterfallSvg(run, (n) => `#${o.link.stepId(run.id, n)}`, o.sectionId ? `${o.sectionId}-` : '');
}

export function runBody(run: Run, o: RunPageOptions): string {
  const link = o.link;
  const t = run.totals;
  const nodes = treeRows(run.children);
  const stepId = (n: number) => link.stepId(run.id, n);
  const part = o.part ? o.part.parts[o.part.n - 1] : undefined;
  const whole = new Map<AgentStep, AgentStep>();
  const shown = part ? sliceTree(run.children, part.from, part.to, whole) : run.children;
  const tree = stepTreeHtml(shown, { ...stepTreeOptions(nodes, stepId, o.priceTable), openTexts: t.calls <= OPEN_TEXTS_CALLS, whole });
  const waterfall = o.part?.waterfall !== undefined ? o.part.waterfall : runWaterfall(run, o);
  const cost: Cell = runCostCell(t);
  const output = run.output === null ? null : {
    text: run.output.length > TEXT_LIMIT ? run.output.slice(0, TEXT_LIMIT) : run.output,
    cut: run.output.length > TEXT_LIMIT ? `Showing the first ${formatCount(TEXT_LIMIT)} of ${formatCount(run.output.length)} characters.` : '',
    size: plural(run.output.length, 'character'),
  };
  const neighbour = (r: { id: string; start: number | null } | null, side: 'prev' | 'next') =>
    (r === null ? null : { id: r.id, href: link.run(r.id), start: formatUtcMinute(r.start), label: neighbourLabels(run, r)[side] });
  return renderTemplate('run', {
    sectionId: o.sectionId ?? '',
    run,
    indexHref: link.page('index'),
    errorsHref: link.page('errors'),
    prev: neighbour(o.prev, 'prev'),
    next: neighbour(o.next, 'next'),
    facts: [
      { label: 'Workflow', text: run.workflow ?? '—' },
      { label: 'Pattern', text: run.pattern ?? '—' },
      { label: 'Status', text: run.statusText && run.statusText !== run.status ? `${run.status} (written as "${run.statusText}")` : run.status, cls: `status status-${run.status}` },
      { label: 'Start', text: formatIso(run.start) ?? '—', mono: true },
      { label: 'End', text: neverEnded(run) ? '—' : formatIso(run.end) ?? '—', mono: !neverEnded(run) },
      neverEnded(run) ? { label: 'Duration', text: '—', note: 'never ended' } : { label: 'Duration', text: formatDuration(run.durationMs) },
      { label: 'Steps', text: `${plural(t.calls, 'LLM call')}${t.failedCalls > 0 ? `, ${formatCount(t.failedCalls)} failed` : ''}${t.incompleteCalls > 0 ? `, ${formatCount(t.incompleteCalls)} incomplete` : ''}` },
      { label: 'Tokens', text: tokensFact(run) },
      { label: 'Cost', text: cost.text, cls: cost.cls, badge: cost.badge, title: cost.title ?? cost.badgeTitle, value: t.costPico / 1e12 },
      { label: 'Read from', text: run.files.join(', '), mono: true },
    ],
    syntheticId: run.syntheticId,
    waterfall: waterfall && {
      svg: waterfall.svg,
      note: waterfall.summarised
        ? `This run has more than ${formatCount(MAX_ROWS)} steps: the timeline shows one row per agent (first start to last end)${waterfall.of > waterfall.rows ? `, the first ${formatCount(waterfall.rows)} of ${formatCount(waterfall.of)} agents` : ''}. ${o.part?.href === null ? 'The step list below is the first part of it.' : `Every call is in the step list below${o.part ? `, in ${o.part.parts.length} parts` : ''}.`}`
        : '',
    },
    large: nodes > HUGE_RUN_STEPS
      ? `This run has ${formatCount(nodes)} steps: they come in blocks of ${CHUNK}, collapsed, with short rows, and prompts and responses are left out of this page so that it opens fast (they are in calls.jsonl).`
      : nodes > LARGE_RUN_STEPS ? `This run has ${formatCount(nodes)} steps: they come in blocks of ${CHUNK}, collapsed, and long texts are cut shorter.` : '',
    hasBlocks: nodes > LARGE_RUN_STEPS || run.children.some((n) => n.kind === 'agent'),
    parts: o.part && part ? partsNav(o.part.parts, part, o.part.href) : null,
    tree,
    output,
    callsCsv: link.data('calls.csv'),
    callsJsonl: link.data('calls.jsonl'),
  });
}

/** Which part of the step list this page holds, and the links to the others. */
function partsNav(parts: readonly RunPart[], part: RunPart, href: ((n: number) => string) | null) {
  const rows = parts[parts.length - 1]!.to;
  const calls = part.firstCall === null ? 'no LLM calls' : part.firstCall === part.lastCall ? `step #${part.firstCall}` : `steps #${part.firstCall}–#${part.lastCall}`;
  if (href === null) {
    return {
      text: `This single file shows the first ${formatCount(part.to)} of this run's ${formatCount(rows)} steps (${calls}), so that it stays small enough to send; the site built without --single-file has them all.`,
      pager: null,
    };
  }
  return {
    text: `This run's ${formatCount(rows)} steps come in ${parts.length} parts of up to ${formatCount(PART_ROWS)}, each a page of its own, so that every page opens fast. This is part ${part.n}: rows ${formatCount(part.from + 1)}–${formatCount(part.to)}, ${calls}.`,
    pager: pagerOf(part.n, parts.length, href, { label: 'Parts of this run', noun: 'Part', prevText: '← Earlier steps', nextText: 'Later steps →' }),
  };
}
