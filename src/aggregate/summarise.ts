import type { Run } from '../model/types.js';
import { SummaryAccumulator, type SummaryMeta } from './summary-accumulator.js';
import type { Summary } from './summary-types.js';

export { NO_AGENT, NO_WORKFLOW, TOP_RUNS, UNKNOWN_MODEL } from './summary-accumulator.js';

export interface SummaryInput extends SummaryMeta {
  runs: readonly Run[];
}

/** The aggregates, computed once from the runs; every output reads them from here. */
export function summarise(input: SummaryInput): Summary {
  const acc = new SummaryAccumulator();
  for (const run of input.runs) acc.add(run);
  return acc.result(input);
}
