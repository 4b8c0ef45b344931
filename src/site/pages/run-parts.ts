/**
 * A run's page in parts. A page's weight is its step list: a browser parses about 10 MB of HTML a
 * second, so a run of 400k steps (100 MB) would take many seconds to open, which is what users of
 * trace viewers complain about most. Above PART_ROWS rows of the step tree (calls, agent steps and
 * other events, in the tree's order), the list is cut into parts of PART_ROWS rows, each its own
 * page (`runs/<name>.html`, then `runs/<name>-part-2.html`, ...) with the run's facts and
 * timeline, so every step keeps a page and a permalink. An agent step cut by a part's edge
 * appears in both parts, with the sums of the whole step.
 */
import type { AgentStep, Run, StepNode } from '../../model/types.js';

/** Rows of the step tree on one page; a run with more comes in parts. */
export const PART_ROWS = 20_000;

export interface RunPart {
  /** 1-based. */
  n: number;
  /** The tree rows on this part: [from, to). */
  from: number;
  to: number;
  /** The first and last call (`#N`) on this part; null when it has none. */
  firstCall: number | null;
  lastCall: number | null;
}

export interface RunParts {
  parts: RunPart[];
  /** The part of each call, by its `index` (1-based); 0 for an index no call has. */
  partOfCall: Int32Array;
}

/** Rows of a node: itself, and for an agent step every row inside it. */
function rowsOf(n: StepNode): number {
  if (n.kind !== 'agent') return 1;
  let rows = 1;
  for (const c of n.children) rows += rowsOf(c);
  return rows;
}

export function treeRows(nodes: readonly StepNode[]): number {
  let rows = 0;
  for (const n of nodes) rows += rowsOf(n);
  return rows;
}

/** The parts of a run's page, or null when it fits on one page (nearly every run). */
export function runParts(run: Run): RunParts | null {
  const rows = treeRows(run.children);
  if (rows <= PART_ROWS) return null;
  const count = Math.ceil(rows / PART_ROWS);
  const parts: RunPart[] = Array.from({ length: count }, (_, i) => ({
    n: i + 1,
    from: i * PART_ROWS,
    to: Math.min(rows, (i + 1) * PART_ROWS),
    firstCall: null,
    lastCall: null,
  }));
  let maxIndex = 0;
  for (const c of run.calls) if (c.index > maxIndex) maxIndex = c.index;
  const partOfCall = new Int32Array(maxIndex + 1);
  let row = 0;
  const walk = (nodes: readonly StepNode[]) => {
    for (const n of nodes) {
      const part = parts[Math.floor(row / PART_ROWS)]!;
      row++;
      if (n.kind === 'agent') walk(n.children);
      else if (n.kind === 'llm') {
        partOfCall[n.index] = part.n;
        if (part.firstCall === null || n.index < part.firstCall) part.firstCall = n.index;
        if (part.lastCall === null || n.index > part.lastCall) part.lastCall = n.index;
      }
    }
  };
  walk(run.children);
  return { parts, partOfCall };
}

/** The part holding call `step` (1 for a run in one part, `partOfCall` undefined). */
export function partOfStep(partOfCall: Int32Array | undefined, step: number): number {
  return partOfCall !== undefined && step >= 0 && step < partOfCall.length ? Math.max(1, partOfCall[step]!) : 1;
}

/** The page of part `n` of the run page `page` (`runs/a-1f2e3d4c.html` → `runs/a-1f2e3d4c-part-2.html`). */
export function partPath(page: string, n: number): string {
  return n <= 1 ? page : `${page.replace(/\.html$/, '')}-part-${n}.html`;
}

/**
 * The tree rows [from, to): the nodes inside, and each agent step cut by an edge as a copy
 * holding only its children inside (`whole` maps such a copy to the step it was cut from).
 */
export function sliceTree(nodes: readonly StepNode[], from: number, to: number, whole: Map<AgentStep, AgentStep>): StepNode[] {
  const out: StepNode[] = [];
  let row = 0;
  const slice = (list: readonly StepNode[], into: StepNode[]) => {
    for (const n of list) {
      if (row >= to) return;
      const start = row;
      const end = start + rowsOf(n);
      if (end <= from) {
        row = end;
      } else if (start >= from && end <= to) {
        into.push(n);
        row = end;
      } else {
        // An agent step across an edge of the range.
        const a = n as AgentStep;
        row = start + 1;
        const children: StepNode[] = [];
        slice(a.children, children);
        const part: AgentStep = { ...a, children };
        whole.set(part, a);
        into.push(part);
        row = end;
      }
    }
  };
  slice(nodes, out);
  return out;
}
