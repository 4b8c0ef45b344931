import { roundMs } from '../aggregate/percentile.js';
import { roleOf, type TraceEvent } from './event.js';
import { parseTimestamp } from './timestamp.js';

/**
 * The fast path for the common line shape: one flat JSON object whose values are strings without
 * escapes, numbers, booleans or null. It reads the fields `toEvent` would read straight from the
 * text, without building the parsed object. Anything else (nested values, escapes, text fields,
 * repeated keys, a value of an unusual type, invalid JSON) returns false and the line takes the
 * full path, so the result is always the one `JSON.parse` + `toEvent` gives (a test holds them equal).
 */

// The keys read, each in a slot; aliases are listed in the order `readFields` tries them.
const KEYS = [
  'event_type', 'type', 'agent_name', 'agent', 'run_id', 'trace_id', 'workflow', 'workflow_name', 'pattern', 'pattern_type',
  'provider', 'model', 'model_name', 'input_tokens', 'prompt_tokens', 'output_tokens', 'completion_tokens', 'tokens',
  'token_count', 'total_tokens', 'duration_ms', 'latency_ms', 'elapsed_ms', 'duration_seconds', 'cost_estimate', 'cost_usd',
  'cost', 'timestamp', 'ts', 'time', 'status', 'error', 'error_message', 'message', 'kind', 'call_id', 'target', 'route',
  'selected', 'decision',
] as const;
// Keys whose presence sends the line the full way: containers and the prompt and output texts.
const SLOW_KEYS = ['payload', 'data', 'metadata', 'messages_in', 'messages', 'prompt', 'response', 'completion', 'result_output', 'output'];

const slot = (k: (typeof KEYS)[number]) => KEYS.indexOf(k);
const S = {
  eventType: slot('event_type'), type: slot('type'), agentName: slot('agent_name'), agent: slot('agent'),
  runId: slot('run_id'), traceId: slot('trace_id'), workflow: slot('workflow'), workflowName: slot('workflow_name'),
  pattern: slot('pattern'), patternType: slot('pattern_type'), provider: slot('provider'), model: slot('model'),
  modelName: slot('model_name'), inputTokens: slot('input_tokens'), promptTokens: slot('prompt_tokens'),
  outputTokens: slot('output_tokens'), completionTokens: slot('completion_tokens'), tokens: slot('tokens'),
  tokenCount: slot('token_count'), totalTokens: slot('total_tokens'), durationMs: slot('duration_ms'),
  latencyMs: slot('latency_ms'), elapsedMs: slot('elapsed_ms'), durationSeconds: slot('duration_seconds'),
  costEstimate: slot('cost_estimate'), costUsd: slot('cost_usd'), cost: slot('cost'), timestamp: slot('timestamp'),
  ts: slot('ts'), time: slot('time'), status: slot('status'), error: slot('error'), errorMessage: slot('error_message'),
  message: slot('message'), kind: slot('kind'), callId: slot('call_id'), target: slot('target'), route: slot('route'),
  selected: slot('selected'), decision: slot('decision'),
};
const NKEYS = KEYS.length;

// An open-addressed table from a key's hash to its slot + 1, or to -(index + 1) of a slow key.
const TABLE_MASK = (1 << 9) - 1;
const TABLE = new Int32Array(TABLE_MASK + 1);
function hashOf(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}
function enter(name: string, entry: number): void {
  let p = hashOf(name) & TABLE_MASK;
  while (TABLE[p] !== 0) p = (p + 1) & TABLE_MASK;
  TABLE[p] = entry;
}
KEYS.forEach((name, i) => enter(name, i + 1));
SLOW_KEYS.forEach((name, i) => enter(name, -(i + 1)));
const nameOf = (entry: number): string => (entry > 0 ? KEYS[entry - 1]! : SLOW_KEYS[-entry - 1]!);

// Value kinds of a slot.
const ABSENT = 0;
const STRING = 1;
const NUMBER = 2;
const TRUE = 3;
const FALSE = 4;
const NULL = 5;

const kinds = new Uint8Array(NKEYS);
const starts = new Int32Array(NKEYS);
const ends = new Int32Array(NKEYS);
const nums = new Float64Array(NKEYS);
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

/** White space `String.prototype.trim` removes, for a code unit at either end of a value. */
function trims(c: number): boolean {
  if (c <= 32) return true;
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * Scans `s[start, end)` as a flat JSON object, filling the slots. Returns false for anything
 * the fast path does not take.
 */
function scan(s: string, start: number, end: number): boolean {
  kinds.fill(ABSENT);
  let i = start;
  while (i < end && isSpace(s.charCodeAt(i))) i++;
  if (s.charCodeAt(i) !== 123 /* { */) return false;
  i++;
  while (i < end && isSpace(s.charCodeAt(i))) i++;
  if (s.charCodeAt(i) === 125 /* } */) return false; // {} names no event type
  for (;;) {
    if (s.charCodeAt(i) !== 34 /* " */) return false;
    i++;
    const keyStart = i;
    let h = 0;
    for (;;) {
      if (i >= end) return false;
      const c = s.charCodeAt(i);
      if (c === 34) break;
      if (c === 92 || c < 32) return false;
      h = (Math.imul(h, 31) + c) | 0;
      i++;
    }
    const keyEnd = i;
    i++;
    let id = -1;
    for (let p = h & TABLE_MASK; TABLE[p] !== 0; p = (p + 1) & TABLE_MASK) {
      const entry = TABLE[p]!;
      const name = nameOf(entry);
      if (name.length !== keyEnd - keyStart) continue;
      let k = 0;
      while (k < name.length && name.charCodeAt(k) === s.charCodeAt(keyStart + k)) k++;
      if (k === name.length) {
        if (entry < 0) return false;
        id = entry - 1;
        break;
      }
    }
    while (i < end && isSpace(s.charCodeAt(i))) i++;
    if (s.charCodeAt(i) !== 58 /* : */) return false;
    i++;
    while (i < end && isSpace(s.charCodeAt(i))) i++;
    if (id !== -1 && kinds[id] !== ABSENT) return false; // a repeated key: JSON.parse keeps the last
    const c = s.charCodeAt(i);
    if (c === 34) {
      i++;
      const vs = i;
      for (;;) {
        if (i >= end) return false;
        const d = s.charCodeAt(i);
        if (d === 34) break;
        if (d === 92 || d < 32) return false;
        i++;
      }
      if (id !== -1) {
        // Values trimmed by the full path (`given`, `str`) take it.
        if (i > vs && (trims(s.charCodeAt(vs)) || trims(s.charCodeAt(i - 1)))) return false;
        kinds[id] = STRING;
        starts[id] = vs;
        ends[id] = i;
      }
      i++;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      const ns = i;
      let neg = false;
      if (c === 45) {
        neg = true;
        i++;
      }
      let m = 0;
      let digits = 0;
      let frac = 0;
      let d = s.charCodeAt(i);
      if (d === 48) {
        i++;
        digits++;
        d = s.charCodeAt(i);
      } else if (d >= 49 && d <= 57) {
        while (d >= 48 && d <= 57) {
          m = m * 10 + (d - 48);
          digits++;
          d = s.charCodeAt(++i);
        }
      } else return false;
      if (d === 46 /* . */) {
        d = s.charCodeAt(++i);
        if (!(d >= 48 && d <= 57)) return false;
        while (d >= 48 && d <= 57) {
          m = m * 10 + (d - 48);
          digits++;
          frac++;
          d = s.charCodeAt(++i);
        }
      }
      let exp = 0;
      if (d === 101 || d === 69) {
        d = s.charCodeAt(++i);
        let eneg = false;
        if (d === 43 || d === 45) {
          eneg = d === 45;
          d = s.charCodeAt(++i);
        }
        if (!(d >= 48 && d <= 57)) return false;
        while (d >= 48 && d <= 57) {
          exp = exp * 10 + (d - 48);
          if (exp > 1000) exp = 1000;
          d = s.charCodeAt(++i);
        }
        if (eneg) exp = -exp;
      }
      if (id !== -1) {
        let v: number;
        const p = exp - frac;
        // Exact when the digits fit in a double and the power of ten is exact: one rounding.
        if (digits <= 15 && p >= -22 && p <= 22) v = p >= 0 ? m * POW10[p]! : m / POW10[-p]!;
        else v = Number(s.slice(ns, i));
        if (!Number.isFinite(v)) return false;
        nums[id] = neg ? -v : v;
        kinds[id] = NUMBER;
      }
    } else if (c === 116 /* t */) {
      if (s.charCodeAt(i + 1) !== 114 || s.charCodeAt(i + 2) !== 117 || s.charCodeAt(i + 3) !== 101) return false;
      i += 4;
      if (id !== -1) kinds[id] = TRUE;
    } else if (c === 102 /* f */) {
      if (s.charCodeAt(i + 1) !== 97 || s.charCodeAt(i + 2) !== 108 || s.charCodeAt(i + 3) !== 115 || s.charCodeAt(i + 4) !== 101) return false;
      i += 5;
      if (id !== -1) kinds[id] = FALSE;
    } else if (c === 110 /* n */) {
      if (s.charCodeAt(i + 1) !== 117 || s.charCodeAt(i + 2) !== 108 || s.charCodeAt(i + 3) !== 108) return false;
      i += 4;
      if (id !== -1) kinds[id] = NULL;
    } else {
      return false; // an object, an array, NaN, or not JSON
    }
    if (i > end) return false;
    while (i < end && isSpace(s.charCodeAt(i))) i++;
    const sep = s.charCodeAt(i);
    i++;
    if (sep === 125 /* } */) break;
    if (sep !== 44 /* , */) return false;
    while (i < end && isSpace(s.charCodeAt(i))) i++;
  }
  while (i < end && isSpace(s.charCodeAt(i))) i++;
  return i === end;
}

// What a slot holds, read the way `readFields` reads it. A value of another type than the field
// expects (a number where text is expected, true as an error, a numeric string) is rare: the full
// path takes the line (`bad`).
let text = '';
let bad = false;

/** A text slot: its string when given, undefined when not given (absent, null or ""). */
function textAt(k: number): string | undefined {
  const kind = kinds[k];
  if (kind === STRING) return ends[k]! > starts[k]! ? text.slice(starts[k], ends[k]) : undefined;
  if (kind === ABSENT || kind === NULL) return undefined;
  bad = true;
  return undefined;
}

function textOf(a: number, b = -1, c = -1, d = -1): string | null {
  return textAt(a) ?? (b === -1 ? null : (textAt(b) ?? (c === -1 ? null : (textAt(c) ?? (d === -1 ? null : (textAt(d) ?? null))))));
}

const ANY = 0;
const AMOUNT = 1;
const TOKENS = 2;

/** A numeric slot: its number when it passes the test; null, booleans and failing numbers are no value. */
function numberAt(k: number, test: number): number | undefined {
  const kind = kinds[k];
  if (kind === NUMBER) {
    const n = nums[k]!;
    if (test === ANY || (n >= 0 && (test === AMOUNT || n <= 1e12))) return n;
    return undefined;
  }
  if (kind === STRING) bad = true; // a numeric string: the full path reads it
  return undefined;
}

function numberOf(test: number, a: number, b = -1, c = -1): number | null {
  return numberAt(a, test) ?? (b === -1 ? null : (numberAt(b, test) ?? (c === -1 ? null : (numberAt(c, test) ?? null))));
}

function timestampAt(k: number): number | null | undefined {
  const kind = kinds[k];
  if (kind === STRING) return ends[k]! > starts[k]! ? parseTimestamp(text.slice(starts[k], ends[k])) : undefined;
  if (kind === NUMBER) return parseTimestamp(nums[k]);
  if (kind === TRUE || kind === FALSE) bad = true;
  return undefined;
}

/**
 * Reads `s[start, end)` into `e` when the line has the flat shape; returns false (and leaves `e`
 * in any state) when the line must take the full path.
 */
export function readFlatLine(s: string, start: number, end: number, e: TraceEvent): boolean {
  if (!scan(s, start, end)) return false;
  text = s;
  bad = false;
  const typeRaw = textOf(S.eventType, S.type);
  if (typeRaw === null || bad) return false;
  const type = typeRaw.toLowerCase();
  const role = roleOf(type);
  e.type = type;
  e.role = role;
  e.agentField = textOf(S.agentName, S.agent);
  e.runId = textOf(S.runId, S.traceId);
  e.workflow = textOf(S.workflow, S.workflowName);
  e.pattern = textOf(S.pattern, S.patternType);
  e.provider = textOf(S.provider);
  e.model = textOf(S.model, S.modelName);
  e.inputTokens = numberOf(TOKENS, S.inputTokens, S.promptTokens);
  e.outputTokens = numberOf(TOKENS, S.outputTokens, S.completionTokens);
  e.totalTokens = numberOf(TOKENS, S.tokens, S.tokenCount, S.totalTokens);
  const ms = numberOf(AMOUNT, S.durationMs, S.latencyMs, S.elapsedMs);
  const seconds = ms === null ? numberOf(AMOUNT, S.durationSeconds) : null;
  e.durationMs = ms ?? (seconds === null ? null : roundMs(seconds * 1000));
  e.costUsd = numberOf(ANY, S.costEstimate, S.costUsd, S.cost);
  // The first timestamp given wins even when it cannot be read (`given(a) ?? given(b)`).
  let t = timestampAt(S.timestamp);
  if (t === undefined) t = timestampAt(S.ts);
  if (t === undefined) t = timestampAt(S.time);
  e.timestamp = t ?? null;
  e.status = textOf(S.status);
  e.error = textOf(S.error, S.errorMessage);
  if (e.error === null && (role === 'error' || role === 'call_error')) e.error = textOf(S.message) ?? (role === 'error' ? 'error' : null);
  e.stepKind = textOf(S.kind);
  e.callId = textOf(S.callId);
  e.prompt = null;
  e.response = null;
  e.detail = role === 'other' ? textOf(S.target, S.route, S.selected, S.decision) : null;
  return !bad;
}
