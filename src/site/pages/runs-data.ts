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

export function runsData(runs: readonly RunFacts[], href: (runId: string) => string | null): RunsData {
  const workflows = new Dictionary();
  const patterns = new Dictionary();
  const agents = new Dictionary();
  const models = new Dictionary();
  const rows = runs.map((r) => {
    const t = r.totals;
    return [
      href(r.id),
      r.id,
      r.workflow === null ? -1 : workflows.id(r.workflow),
      r.pattern === null ? -1 : patterns.id(r.pattern),
      STATUSES.indexOf(r.status),
      t.calls,
      t.failedCalls,
      runDurationMs(r),
      picoToUsd(t.costPico),
      (t.estimatedPico > 0 ? COST_ESTIMATED : 0) | (t.unpricedCalls > 0 ? COST_HAS_UNPRICED : 0),
      t.unpricedCalls,
      r.tokens !== 'none' ? t.totalTokens : null,
      r.start === null ? null : Math.floor(r.start),
      r.agents.map((a) => agents.id(a)),
      r.models.map((m) => models.id(m)),
    ];
  });
  return {
    version: 1,
    fields: RUN_FIELDS,
    statuses: STATUSES,
    workflows: workflows.values,
    patterns: patterns.values,
    agents: agents.values,
    models: models.values,
    rows,
  };
}

/** `assets/runs-data.js`: one assignment, the data escaped as for a script block. */
export function runsDataScript(data: RunsData): string {
  return `window.${RUNS_GLOBAL} = ${jsonForScript(data)};\n`;
}
