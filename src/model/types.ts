/**
 * The run model: what every dialect is normalised into, and what every later stage
 * (aggregates, terminal output, the static site) reads. Nothing here knows about files
 * or dialects.
 *
 * Times are epoch milliseconds (UTC), `null` where the trace does not say.
 * Money is held as integer pico-dollars (1e-12 USD) so that sums are exact and do not
 * depend on the order in which they are added; convert with `picoToUsd` for display.
 */

export type RunStatus = 'ok' | 'failed' | 'incomplete';
export type CallStatus = 'ok' | 'failed' | 'incomplete';
export type CostSource = 'reported' | 'estimated' | 'unpriced';

/** Where a thing was read: the input file as named to the user, and its 1-based line. */
export interface SourceRef {
  file: string;
  line: number;
}

export interface LlmCall {
  kind: 'llm';
  /** 1-based position of this call in its run (the `#step-N` permalink). */
  index: number;
  agent: string | null;
  provider: string;
  /** The model id as written in the trace (`anthropic/claude-sonnet-4-20250514`). */
  model: string | null;
  /** Normalised id used for grouping and prices (`claude-sonnet-4`); null for placeholders. */
  modelId: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  /** Total tokens when the trace gives only a total (dialect C `tokens`), else in + out. */
  totalTokens: number | null;
  start: number | null;
  end: number | null;
  durationMs: number | null;
  /** Integer pico-dollars; null when unpriced. */
  costPico: number | null;
  costSource: CostSource;
  /** Why a call is unpriced (no tokens, unknown model, ...), for the report. */
  unpricedReason: string | null;
  status: CallStatus;
  error: string | null;
  /** Prompt messages (dialect A `messages_in`), kept whole. */
  prompt: PromptMessage[] | null;
  response: string | null;
  source: SourceRef;
}

export interface PromptMessage {
  role: string;
  content: string;
  name?: string | null;
}

export interface AgentStep {
  kind: 'agent';
  agent: string;
  /** `agent` or `tool`, as written in `kind`. */
  agentKind: string;
  start: number | null;
  end: number | null;
  durationMs: number | null;
  status: CallStatus;
  error: string | null;
  children: StepNode[];
  source: SourceRef;
}

/** Any other event kept as part of its step (`compression`, `routing_decision`, `error`, ...). */
export interface EventNode {
  kind: 'event';
  eventType: string;
  agent: string | null;
  timestamp: number | null;
  /** A short human-readable detail (error message, routing target), if any. */
  detail: string | null;
  source: SourceRef;
}

export type StepNode = LlmCall | AgentStep | EventNode;

export interface RunTotals {
  calls: number;
  failedCalls: number;
  incompleteCalls: number;
  inputTokens: number;
  outputTokens: number;
  /** in + out, plus totals given without a split. */
  totalTokens: number;
  costPico: number;
  reportedPico: number;
  estimatedPico: number;
  unpricedCalls: number;
}

export interface Run {
  id: string;
  /** True when the trace gave no id and one was made from the file and line. */
  syntheticId: boolean;
  workflow: string | null;
  pattern: string | null;
  status: RunStatus;
  /** The status as written (`success`, `failed`, `cancelled`), null when derived. */
  statusText: string | null;
  start: number | null;
  end: number | null;
  durationMs: number | null;
  /** Top-level steps in trace order. */
  children: StepNode[];
  /** Every LLM call of the run in trace order (the same objects as in the tree). */
  calls: LlmCall[];
  totals: RunTotals;
  /** Final output of the run where the trace records it (`result_output`, pattern_end `response`). */
  output: string | null;
  source: SourceRef;
  /** Every input file that contributed lines to the run, sorted. */
  files: string[];
}

/** One event line as read, with normalised fields beside its original ones. */
export interface Span {
  eventType: string;
  agentName: string | null;
  runId: string;
  workflow: string | null;
  pattern: string | null;
  provider: string | null;
  model: string | null;
  modelId: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  durationMs: number | null;
  /** The cost as written on the line (any of `cost_estimate`, `cost_usd`, `cost`), in USD. */
  costEstimate: number | null;
  /** Epoch milliseconds. */
  timestamp: number | null;
  /** `ok` or `failed` where the line says; null otherwise. */
  status: string | null;
  error: string | null;
  file: string;
  line: number;
  /** The line's original fields, untouched. */
  fields: Record<string, unknown>;
}

export interface SkippedLine {
  file: string;
  line: number;
  reason: string;
}

export const PICO_PER_USD = 1e12;

export function picoToUsd(pico: number): number {
  return pico / PICO_PER_USD;
}

export function usdToPico(usd: number): number {
  return Math.round(usd * PICO_PER_USD);
}
