/**
 * Everything the pages read, computed once before rendering: the runs and their summary, the
 * run page names, the newest-first order, the 7-day window and the rendered charts.
 */
import type { Summary } from '../../aggregate/summary-types.js';
import type { Run, SkippedLine } from '../../model/types.js';
import type { ChartSet } from './charts.js';
import type { WindowSummary } from './window.js';

export interface SiteInput {
  runs: readonly Run[];
  summary: Summary;
  skipped: readonly SkippedLine[];
  skippedLines: number;
}

export interface SiteModel extends SiteInput {
  /** Run id → `runs/<name>.html` (src/site/file-names.ts). */
  names: ReadonlyMap<string, string>;
  /** The part of each call of the runs whose page comes in parts (run-parts.ts). */
  stepParts: ReadonlyMap<string, Int32Array>;
  /** The run table's order: latest start first, runs without a start last. */
  newestFirst: readonly Run[];
  window: WindowSummary | null;
  charts: ChartSet;
  version: string;
  priceTable: string;
}

/** Latest start first; runs without a start time after them, by id. */
export function newestFirst(runs: readonly Run[]): Run[] {
  const dated = runs.filter((r) => r.start !== null);
  const undated = runs.filter((r) => r.start === null);
  dated.sort((a, b) => b.start! - a.start! || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  undated.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return [...dated, ...undated];
}
