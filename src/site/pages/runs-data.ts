/**
 * The run list for report.js: compact rows (strings that repeat are numbers into lists), newest
 * first, raw numbers only (report.js formats them as src/format/money.ts does). Loaded from
 * `assets/runs-data.js`, a script that assigns one global, because a page opened from file://
 * may not fetch JSON; the single file embeds the same object as a JSON block.
 */
import { picoToUsd } from '../../model/types.js';
import { jsonForScript } from '../html.js';
import { runDurationMs } from './cells.js';
import type { RunFacts } from './site-facts.js';

export const RUNS_GLOBAL = 'TRACE_REPORT_RUNS';

/** Bits of a row's cost flags. */
export const COST_ESTIMATED = 1;
export const COST_HAS_UNPRICED = 2;

export const RUN_FIELDS = [
  'href', 'id', 'workflow', 'pattern', 'status', 'steps', 'failedSteps', 'durationMs', 'cost', 'costFlags',
  'unpricedCalls', 'tokens', 'start', 'agents', 'models',
] as const;

export interface RunsData {
  version: 1;
  fields: typeof RUN_FIELDS;
  statuses: string[];
  workflows: string[];
  patterns: string[];
  agents: string[];
  models: string[];
  rows: unknown[][];
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

  /** The data without its rows. */
  data(): Omit<RunsData, 'rows'> {
    return {
      version: 1,
      fields: RUN_FIELDS,
      statuses: STATUSES,
      workflows: this.workflows.values,
      patterns: this.patterns.values,
      agents: this.agents.values,
      models: this.models.values,
    };
  }
}

export function runsData(runs: readonly RunFacts[], href: (runId: string) => string | null): RunsData {
  const lists = new RowLists();
  const rows = runs.map((r) => lists.row(r, href));
  return { ...lists.data(), rows };
}

/** Rows per piece of the script. */
const ROWS_PER_PIECE = 1000;

/**
 * `assets/runs-data.js`: one assignment, the data escaped as for a script block. Made in pieces
 * (the same text as one `jsonForScript` of runsData: the rows come last in the object), so that
 * neither the rows nor their text are held whole: at 357,000 runs, about 150 MB.
 */
export function* runsDataScript(runs: readonly RunFacts[], href: (runId: string) => string | null): Generator<string> {
  // The lists come before the rows in the object, and are filled by the rows: a first pass fills them.
  const lists = new RowLists();
  for (const r of runs) lists.row(r, href);
  const head = jsonForScript({ ...lists.data(), rows: [] });
  if (!head.endsWith('[]}')) throw new Error('the run list data does not end with its rows');
  yield `window.${RUNS_GLOBAL} = ${head.slice(0, -2)}`;
  for (let from = 0; from < runs.length; from += ROWS_PER_PIECE) {
    let piece = from === 0 ? '' : ',';
    const to = Math.min(runs.length, from + ROWS_PER_PIECE);
    for (let i = from; i < to; i++) piece += (i === from ? '' : ',') + jsonForScript(lists.row(runs[i]!, href));
    yield piece;
  }
  yield ']};\n';
}
