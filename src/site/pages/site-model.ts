/**
 * Everything the pages read, computed once before rendering: the facts of the runs and their
 * summary, the run page names, the newest-first order, the 7-day window and the rendered charts.
 */
import type { Summary } from '../../aggregate/summary-types.js';
import type { Run, SkippedLine } from '../../model/types.js';
import type { ChartSet } from './charts.js';
import type { ErrorDetails } from './errors-page.js';
import type { RunFacts, SiteFacts } from './site-facts.js';
import type { WindowSummary } from './window.js';
import type { PageNames } from '../file-names.js';

export { newestFirst } from './site-facts.js';

/** The runs (in list order, compareRuns) and their summary, held in memory. */
export interface SiteInput {
  runs: readonly Run[];
  summary: Summary;
  skipped: readonly SkippedLine[];
  skippedLines: number;
}

export interface SiteModel {
  /** What the pages need of the runs, and where to build each run again (`facts.source`). */
  facts: SiteFacts;
  summary: Summary;
  skipped: readonly SkippedLine[];
  skippedLines: number;
  /** Run id → `runs/<name>.html` (src/site/file-names.ts). */
  names: PageNames;
  /** The part of each call of the runs whose page comes in parts (run-parts.ts). */
  stepParts: ReadonlyMap<string, Int32Array>;
  /** The run table's order: latest start first, runs without a start last. */
  newestFirst: readonly RunFacts[];
  /** What the errors page lists of the runs. */
  errors: ErrorDetails;
  window: WindowSummary | null;
  charts: ChartSet;
  version: string;
  priceTable: string;
}
