import type { PromptMessage } from '../model/types.js';
import { errorText, isObj, toNumber, type Obj } from './fields.js';
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

const ROLES = new Map<string, EventRole>([
  ['pattern_start', 'run_start'],
  ['run_start', 'run_start'],
  ['workflow_start', 'run_start'],
  ['pattern_end', 'run_end'],
  ['run_end', 'run_end'],
  ['workflow_end', 'run_end'],
  ['agent_start', 'step_start'],
  ['tool_start', 'step_start'],
  ['agent_end', 'step_end'],
  ['tool_end', 'step_end'],
  ['llm_call_start', 'call_start'],
  ['provider_call_start', 'call_start'],
  ['llm_call_end', 'call_end'],
  ['provider_call_end', 'call_end'],
  ['llm_call_error', 'call_error'],
  ['provider_call_error', 'call_error'],
  ['llm_call', 'call'],
  ['cost_record', 'cost'],
  ['error', 'error'],
]);

/**
 * The names each field goes by (formats.md): the first name given wins within a container.
 * Written out as plain property reads because this runs for every line.
 */
function readFields(o: Obj) {
  return {
    type: given(o.event_type) ?? given(o.type),
    agent: given(o.agent_name) ?? given(o.agent),
    runId: given(o.run_id) ?? given(o.trace_id),
    workflow: given(o.workflow) ?? given(o.workflow_name),
    pattern: given(o.pattern) ?? given(o.pattern_type),
    provider: given(o.provider),
    model: given(o.model) ?? given(o.model_name),
    input: tokens(o.input_tokens) ?? tokens(o.prompt_tokens),
    output: tokens(o.output_tokens) ?? tokens(o.completion_tokens),
    total: tokens(o.tokens) ?? tokens(o.token_count) ?? tokens(o.total_tokens),
    durationMs: amount(o.duration_ms) ?? amount(o.latency_ms) ?? amount(o.elapsed_ms),
    durationS: amount(o.duration_seconds),
    cost: numeric(o.cost_estimate) ?? numeric(o.cost_usd) ?? numeric(o.cost),
    timestamp: given(o.timestamp) ?? given(o.ts) ?? given(o.time),
    status: given(o.status),
    error: given(o.error) ?? given(o.error_message),
    message: given(o.message),
    kind: given(o.kind),
    callId: given(o.call_id),
    prompt: given(o.messages_in) ?? given(o.messages) ?? given(o.prompt),
    response: given(o.response) ?? given(o.completion),
    resultOutput: given(o.result_output) ?? given(o.output),
    routing: given(o.target) ?? given(o.route) ?? given(o.selected) ?? given(o.decision),
  };
}

type Fields = ReturnType<typeof readFields>;
const CONTAINERS = ['payload', 'data', 'metadata'] as const;

/**
 * A key may sit at the top level, under `payload` (dialect B), `data` (older B) or `metadata`
 * (dialect A): the first container, in that order, that gives a value wins.
 */
function fieldsOf(line: Obj): Fields {
  const f = readFields(line);
  for (const name of CONTAINERS) {
    const c = line[name];
    if (!isObj(c)) continue;
    const inner = readFields(c);
    for (const k in inner) {
      const key = k as keyof Fields;
      if (f[key] === undefined) (f as Record<keyof Fields, unknown>)[key] = inner[key];
    }
  }
  return f;
}

/** A value that counts as given: not null, not an empty string, not NaN or ±Infinity. */
function given(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v.trim() === '' ? undefined : v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  return v;
}

function numeric(v: unknown): number | undefined {
  return toNumber(v) ?? undefined;
}

/** Counts and durations: a negative one is no value. */
function amount(v: unknown): number | undefined {
  const n = toNumber(v);
  return n === null || n < 0 ? undefined : n;
}

/** More tokens than this in one call is a broken counter, not a count. */
const MAX_TOKENS = 1e12;

function tokens(v: unknown): number | undefined {
  const n = amount(v);
  return n === undefined || n > MAX_TOKENS ? undefined : n;
}

function str(v: unknown): string | null {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

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

/** What an event type does to the run model (`other` for any type not listed). */
export function roleOf(type: string): EventRole {
  return ROLES.get(type) ?? 'other';
}

/** Normalises one parsed line. Returns null when the line names no event type. */
export function toEvent(line: Obj): TraceEvent | null {
  const f = fieldsOf(line);
  const typeRaw = str(f.type);
  if (!typeRaw) return null;
  const type = typeRaw.toLowerCase();
  const role = roleOf(type);
  const durationMs = f.durationMs ?? (f.durationS === undefined ? null : roundMs(f.durationS * 1000));
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
    inputTokens: f.input ?? null,
    outputTokens: f.output ?? null,
    totalTokens: f.total ?? null,
    durationMs,
    costUsd: f.cost ?? null,
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
