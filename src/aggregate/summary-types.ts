/**
 * The summary object (schemaVersion 1): a public contract. `summary --json` prints it and the
 * site publishes it as `summary.json`. Costs are USD numbers made from exact integer sums.
 * Fields may be added; none may be renamed or removed without a new schemaVersion.
 */

export interface ModelRow {
  model: string;
  provider: string;
  /** The ids as written in the traces that were grouped under `model`. */
  written: string[];
  calls: number;
  failed: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  reportedCost: number;
  estimatedCost: number;
  unpricedCalls: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface ProviderRow {
  provider: string;
  calls: number;
  cost: number;
  unpricedCalls: number;
}

export interface WorkflowRow {
  workflow: string;
  runs: number;
  failedRuns: number;
  calls: number;
  cost: number;
  avgCostPerRun: number;
  unpricedCalls: number;
}

export interface AgentRow {
  agent: string;
  calls: number;
  failed: number;
  cost: number;
  unpricedCalls: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface DayRow {
  date: string;
  cost: number;
  runs: number;
  calls: number;
  /** Cost of the day split by model (normalised id), largest first. */
  byModel: { model: string; cost: number }[];
}

export interface RunRef {
  id: string;
  workflow: string | null;
  status: string;
  start: string | null;
  durationMs: number | null;
  cost: number;
  calls: number;
}

export interface Summary {
  schemaVersion: 1;
  inputs: string[];
  /** Every file read, as named to the user, sorted. */
  files: string[];
  spans: number;
  skippedLines: number;
  runs: number;
  steps: number;
  failedSteps: number;
  incompleteSteps: number;
  failedRuns: number;
  incompleteRuns: number;
  timeRange: { start: string | null; end: string | null };
  tokens: { input: number; output: number; total: number };
  cost: {
    total: number;
    reported: number;
    estimated: number;
    unpricedSteps: number;
    priceTable: string;
  };
  latency: { p50Ms: number | null; p95Ms: number | null; p99Ms: number | null };
  byModel: ModelRow[];
  byProvider: ProviderRow[];
  byWorkflow: WorkflowRow[];
  byAgent: AgentRow[];
  byDay: DayRow[];
  mostExpensiveRuns: RunRef[];
  slowestRuns: RunRef[];
}
