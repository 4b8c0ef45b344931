import type { PromptMessage } from '../model/types.js';
import { errorText, isObj, type Obj } from './fields.js';
import { createFieldReader, num, str } from './field-reader.js';
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

const FIELDS = {
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
  message: ['message'],
  kind: ['kind'],
  callId: ['call_id'],
  prompt: ['messages_in', 'messages', 'prompt'],
  response: ['response', 'completion'],
  resultOutput: ['result_output', 'output'],
  routing: ['target', 'route', 'selected', 'decision'],
} as const;

const NUMERIC = ['input', 'output', 'total', 'durationMs', 'durationS', 'cost'] as const;
const read = createFieldReader(FIELDS, NUMERIC);

function promptOf(v: unknown): PromptMessage[] | null {
  if (Array.isArray(v)) {
    return v.map((m): PromptMessage => {
      if (!isObj(m)) return { role: 'user', content: typeof m === 'string' ? m : JSON.stringify(m) };
      const content = typeof m.content === 'string' ? m.content : m.content == null ? '' : JSON.stringify(m.content);
      const role = typeof m.role === 'string' ? m.role : 'user';
      return typeof m.name === 'string' ? { role, content, name: m.name } : { role, content };
    });
  }
  return typeof v === 'string' ? [{ role: 'user', content: v }] : null;
}

function textOf(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return null;
  return JSON.stringify(v);
}

/** Normalises one parsed line. Returns null when the line names no event type. */
export function toEvent(line: Obj): TraceEvent | null {
  const f = read(line);
  const typeRaw = str(f.type);
  if (!typeRaw) return null;
  const type = typeRaw.toLowerCase();
  const role = ROLES[type] ?? 'other';
  const durationS = num(f.durationS);
  const durationMs = num(f.durationMs) ?? (durationS === null ? null : roundMs(durationS * 1000));
  let error = errorText(f.error);
  if (!error && (role === 'error' || role === 'call_error')) error = str(f.message) ?? (role === 'error' ? 'error' : null);
  const isCall = role === 'call' || role === 'call_end' || role === 'call_start';
  return {
    type,
    role,
    agentField: str(f.agent),
    runId: str(f.runId),
    workflow: str(f.workflow),
    pattern: str(f.pattern),
    provider: str(f.provider),
    model: str(f.model),
    inputTokens: num(f.input),
    outputTokens: num(f.output),
    totalTokens: num(f.total),
    durationMs,
    costUsd: num(f.cost),
    timestamp: parseTimestamp(f.timestamp),
    status: str(f.status),
    error,
    stepKind: str(f.kind),
    callId: str(f.callId),
    prompt: isCall ? promptOf(f.prompt) : null,
    response: isCall ? textOf(f.response) : null,
    detail: role === 'run_end' ? textOf(f.resultOutput ?? f.response) : role === 'other' ? str(f.routing) : null,
  };
}
