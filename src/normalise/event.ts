import type { PromptMessage } from '../model/types.js';
import { containersOf, errorText, isObj, pick, pickNumber, pickString, type Obj } from './fields.js';
import { parseTimestamp } from './timestamp.js';
import { roundMs } from '../aggregate/percentile.js';

/**
 * One trace line with its fields found and named once, whatever the dialect. The run model is
 * built from these alone; `raw` is kept only for the library's spans.
 */
export interface TraceEvent {
  /** Event type as written, lower-cased (`llm_call_end`, `pattern_start`, ...). */
  type: string;
  role: EventRole;
  /** `agent_name`/`agent` as written (on `provider_call_*` lines this is the provider). */
  agentField: string | null;
  runId: string | null;
  workflow: string | null;
  pattern: string | null;
  provider: string | null;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
  durationMs: number | null;
  costUsd: number | null;
  timestamp: number | null;
  status: string | null;
  error: string | null;
  /** `agent` or `tool` on agent_start lines. */
  stepKind: string | null;
  callId: string | null;
  prompt: PromptMessage[] | null;
  response: string | null;
  /** Any other short text worth showing for the event (routing target, final output). */
  detail: string | null;
}

/** What an event does to the run model. */
export type EventRole =
  | 'run_start'
  | 'run_end'
  | 'step_start'
  | 'step_end'
  | 'call_start'
  | 'call_end'
  | 'call_error'
  | 'call'
  | 'cost'
  | 'error'
  | 'other';

const ROLES: Record<string, EventRole> = {
  pattern_start: 'run_start',
  run_start: 'run_start',
  workflow_start: 'run_start',
  pattern_end: 'run_end',
  run_end: 'run_end',
  workflow_end: 'run_end',
  agent_start: 'step_start',
  tool_start: 'step_start',
  agent_end: 'step_end',
  tool_end: 'step_end',
  llm_call_start: 'call_start',
  provider_call_start: 'call_start',
  llm_call_end: 'call_end',
  provider_call_end: 'call_end',
  llm_call_error: 'call_error',
  provider_call_error: 'call_error',
  llm_call: 'call',
  cost_record: 'cost',
  error: 'error',
};

const K = {
  type: ['event_type', 'type'],
  agent: ['agent_name', 'agent'],
  runId: ['run_id', 'trace_id'],
  workflow: ['workflow', 'workflow_name'],
  pattern: ['pattern', 'pattern_type'],
  provider: ['provider'],
  model: ['model', 'model_name'],
  input: ['input_tokens', 'prompt_tokens'],
  output: ['output_tokens', 'completion_tokens'],
  total: ['tokens', 'token_count', 'total_tokens'],
  durationMs: ['duration_ms', 'latency_ms', 'elapsed_ms'],
  durationS: ['duration_seconds'],
  cost: ['cost_estimate', 'cost_usd', 'cost'],
  timestamp: ['timestamp', 'ts', 'time'],
  status: ['status'],
  error: ['error', 'error_message'],
  kind: ['kind'],
  callId: ['call_id'],
  response: ['response', 'completion'],
  resultOutput: ['result_output', 'output'],
  routing: ['target', 'route', 'selected', 'decision'],
} as const;

function promptOf(containers: readonly Obj[]): PromptMessage[] | null {
  const v = pick(containers, ['messages_in', 'messages']);
  if (Array.isArray(v)) {
    return v.map((m): PromptMessage => {
      if (!isObj(m)) return { role: 'user', content: typeof m === 'string' ? m : JSON.stringify(m) };
      const content = typeof m.content === 'string' ? m.content : m.content == null ? '' : JSON.stringify(m.content);
      const role = typeof m.role === 'string' ? m.role : 'user';
      return typeof m.name === 'string' ? { role, content, name: m.name } : { role, content };
    });
  }
  const prompt = pick(containers, ['prompt']);
  return typeof prompt === 'string' ? [{ role: 'user', content: prompt }] : null;
}

function textOf(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return null;
  return JSON.stringify(v);
}

/** Normalises one parsed line. Returns null when the line names no event type. */
export function toEvent(line: Obj): TraceEvent | null {
  const c = containersOf(line);
  const typeRaw = pickString(c, K.type);
  if (!typeRaw) return null;
  const type = typeRaw.toLowerCase();
  const role = ROLES[type] ?? 'other';
  const durationS = pickNumber(c, K.durationS);
  const durationMs = pickNumber(c, K.durationMs) ?? (durationS === null ? null : roundMs(durationS * 1000));
  const costValue = pick(c, K.cost);
  let error = errorText(pick(c, K.error));
  if (!error && (role === 'error' || role === 'call_error')) error = pickString(c, ['message']) ?? (role === 'error' ? 'error' : null);
  const isCall = role === 'call' || role === 'call_end' || role === 'call_start';
  const output = role === 'run_end' ? textOf(pick(c, [...K.resultOutput, 'response'])) : null;
  return {
    type,
    role,
    agentField: pickString(c, K.agent),
    runId: pickString(c, K.runId),
    workflow: pickString(c, K.workflow),
    pattern: pickString(c, K.pattern),
    provider: pickString(c, K.provider),
    model: pickString(c, K.model),
    inputTokens: pickNumber(c, K.input),
    outputTokens: pickNumber(c, K.output),
    totalTokens: pickNumber(c, K.total),
    durationMs,
    costUsd: typeof costValue === 'number' || typeof costValue === 'string' ? pickNumber(c, K.cost) : null,
    timestamp: parseTimestamp(pick(c, K.timestamp)),
    status: pickString(c, K.status),
    error,
    stepKind: pickString(c, K.kind),
    callId: pickString(c, K.callId),
    prompt: isCall ? promptOf(c) : null,
    response: isCall ? textOf(pick(c, K.response)) : null,
    detail: output ?? (role === 'other' ? pickString(c, K.routing) : null),
  };
}
