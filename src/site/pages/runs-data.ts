/**
 * The run list for report.js: compact rows (strings that repeat are numbers into lists) in the
 * runs' list order, with the run table's order (newest first) beside them, raw numbers only
 * (report.js formats them as src/format/money.ts does). Loaded from `assets/runs-data.js`, a
 * script that assigns one global, because a page opened from file:// may not fetch JSON; the
 * single file embeds the same object as a JSON block.
 */
import { picoToUsd } from '../../model/types.js';
import { jsonForScript } from '../html.js';
import { runDurationMs } from './cells.js';
import { tableOrder, type RunFacts } from './site-facts.js';
import { rowFile, type RowEnds, type RowMaker } from '../write/row-file.js';
import type { StreamedContent } from '../write/site-file.js';

export const RUNS_GLOBAL = 'TRACE_REPORT_RUNS';

/** Bits of a row's cost flags. */
export const COST_ESTIMATED = 1;
export const COST_HAS_UNPRICED = 2;

export const RUN_FIELDS = [
  'href', 'id', 'workflow', 'pattern', 'status', 'steps', 'failedSteps', 'durationMs', 'cost', 'costFlags',
  'unpricedCalls', 'tokens', 'start', 'agents', 'models',
] as const;

export interface RunsData {
  version: 2;
  fields: typeof RUN_FIELDS;
  statuses: string[];
  /** In the runs' list order (oldest first), so that a rebuild after more runs came in keeps their beginning. */
  rows: unknown[][];
  /** The rows' numbers in the run table's order (newest first). */
  order: number[];
  workflows: string[];
  patterns: string[];
  agents: string[];
  models: string[];
}

class Dictionary {
  private readonly index = new Map<string, number>();
  readonly values: string[] = [];
  id(value: string): number {
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.index.set(value, i);
    }
    return i;
  }
}

const STATUSES = ['ok', 'failed', 'incomplete'];

/** The lists a row's strings are numbers into, filled in row order. */
class RowLists {
  readonly workflows = new Dictionary();
  readonly patterns = new Dictionary();
  readonly agents = new Dictionary();
  readonly models = new Dictionary();

  row(r: RunFacts, href: (runId: string) => string | null): unknown[] {
    const t = r.totals;
    return [
      href(r.id),
      r.id,
      r.workflow === null ? -1 : this.workflows.id(r.workflow),
      r.pattern === null ? -1 : this.patterns.id(r.pattern),
      STATUSES.indexOf(r.status),
      t.calls,
      t.failedCalls,
      runDurationMs(r),
      picoToUsd(t.costPico),
      (t.estimatedPico > 0 ? COST_ESTIMATED : 0) | (t.unpricedCalls > 0 ? COST_HAS_UNPRICED : 0),
      t.unpricedCalls,
      r.tokens !== 'none' ? t.totalTokens : null,
      r.start === null ? null : Math.floor(r.start),
      r.agents.map((a) => this.agents.id(a)),
      r.models.map((m) => this.models.id(m)),
    ];
  }

  /** Numbers `r`'s strings as `row` does, without making its row (a row kept from the previous build). */
  fill(r: RunFacts): void {
    if (r.workflow !== null) this.workflows.id(r.workflow);
    if (r.pattern !== null) this.patterns.id(r.pattern);
    for (const a of r.agents) this.agents.id(a);
    for (const m of r.models) this.models.id(m);
  }

  /** What comes after the rows. */
  lists(order: number[]): Pick<RunsData, 'order' | 'workflows' | 'patterns' | 'agents' | 'models'> {
    return { order, workflows: this.workflows.values, patterns: this.patterns.values, agents: this.agents.values, models: this.models.values };
  }
}

const HEAD = { version: 2, fields: RUN_FIELDS, statuses: STATUSES } as const;

/** `runs` in list order, `table` the same runs newest first. */
export function runsData(runs: readonly RunFacts[], table: readonly RunFacts[], href: (runId: string) => string | null): RunsData {
  const lists = new RowLists();
  const rows = runs.map((r) => lists.row(r, href));
  return { ...HEAD, rows, ...lists.lists(tableOrder(runs, table)) };
}

/** Rows per piece of the script. */
const ROWS_PER_PIECE = 1000;

/**
 * `assets/runs-data.js`: one assignment, the data escaped as for a script block. Made in pieces
 * (the same text as one `jsonForScript` of runsData: the rows come before the lists they number
 * into, which they fill), so that neither the rows nor their text are held whole: at 357,000
 * runs, about 150 MB. With `rows`, a rebuild copies the rows of the runs the previous build had
 * in the same places (the list order puts new runs last) and makes only the others (rowFile).
 */
export function runsDataScript(runs: readonly RunFacts[], table: readonly RunFacts[], href: (runId: string) => string | null, rows?: RowEnds): StreamedContent {
  const empty = jsonForScript({ ...HEAD, rows: [] });
  if (!empty.endsWith('[]}')) throw new Error('the run list data does not begin with its rows');
  const head = `window.${RUNS_GLOBAL} = ${empty.slice(0, -3)}[`;
  const maker = (): RowMaker => {
    const lists = new RowLists();
    return {
      row: (i) => (i === 0 ? '' : ',') + jsonForScript(lists.row(runs[i]!, href)),
      keep: (i) => lists.fill(runs[i]!),
      tail: () => `],${jsonForScript(lists.lists(tableOrder(runs, table))).slice(1)};\n`,
    };
  };
  return rowFile(head, runs.length, maker, rows, ROWS_PER_PIECE);
}
