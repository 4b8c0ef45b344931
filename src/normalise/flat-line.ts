import { roundMs } from '../aggregate/percentile.js';
import { escapedText, hashOf, sameAscii, TextCache, textOf as decode, viewOf } from './bytes.js';
import { roleOf, type EventRole, type TraceEvent } from './event.js';
import { DECODED_TEXT, ESCAPED_TEXT, NATIVE_COLUMNS, NATIVE_NUMBERS, type NativeBlock } from './native-scan.js';
import { fastIsoBytes, parseTimestamp } from './timestamp.js';

/**
 * The fast path for the common line shape: one flat JSON object whose values are strings,
 * numbers, booleans or null. It reads the fields `toEvent` would read straight from the line's
 * UTF-8 bytes, without decoding the line or building the parsed object; a string value with
 * escapes is decoded alone (JSON.parse of its bytes). Anything else (nested values, text fields,
 * repeated keys, escapes in a key or the type or at either end of a value read, a value of an
 * unusual type, invalid JSON) returns false and the line takes the full path, so the result is
 * always the one `JSON.parse` + `toEvent` gives (tests hold them equal).
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
function enter(name: string, entry: number): void {
  let p = hashOf(name) & TABLE_MASK;
  while (TABLE[p] !== 0) p = (p + 1) & TABLE_MASK;
  TABLE[p] = entry;
}
KEYS.forEach((name, i) => enter(name, i + 1));
SLOW_KEYS.forEach((name, i) => enter(name, -(i + 1)));
const nameOf = (entry: number): string => (entry > 0 ? KEYS[entry - 1]! : SLOW_KEYS[-entry - 1]!);

/**
 * Each key's bytes and its closing quote, as little-endian 32-bit words (the last one padded with
 * zero bytes), for comparing four bytes at a time: slot k's words start at KEY_WORDS[k * WORDS].
 */
const WORDS = Math.ceil((Math.max(...KEYS.map((k) => k.length)) + 1) / 4);
const KEY_LENGTH = Int32Array.from(KEYS, (k) => k.length + 1);
const KEY_WORDS = new Uint32Array(KEYS.length * WORDS);
KEYS.forEach((k, slot) => {
  const bytes = Array.from(`${k}"`, (c) => c.charCodeAt(0));
  bytes.forEach((b, i) => (KEY_WORDS[slot * WORDS + (i >> 2)] = KEY_WORDS[slot * WORDS + (i >> 2)]! | (b << ((i & 3) * 8))));
});

/**
 * The slot of each key of the last line read, by its place in the line (-1: a key not read):
 * lines of one shape repeat their keys in the same order, so a key is first compared with the
 * one at its place in the last line, four bytes at a time, instead of hashed and looked up.
 * Lines of different types have different keys: after the first value (the type, mostly), the
 * places are those of the last line whose first value hashed alike (one of SHAPES rows).
 */
const MAX_PREDICTED = 64;
const SHAPES = 16;
const predicted = new Int32Array(SHAPES * MAX_PREDICTED).fill(-1);

/** The low `r` bytes of a word, for r = 0..3. */
const TAIL_MASK = [0, 0xff, 0xffff, 0xffffff];

/** Whether the bytes at `i` are the key in `slot` and its closing quote (all before `end`). */
function isKeyAt(s: Buffer, i: number, end: number, slot: number): boolean {
  const n = KEY_LENGTH[slot]!;
  if (i + n > end) return false;
  const view = viewOf(s);
  const at = slot * WORDS;
  const whole = n >> 2;
  for (let w = 0; w < whole; w++) if (view.getUint32(i + 4 * w, true) !== KEY_WORDS[at + w]) return false;
  const tail = n & 3;
  if (tail === 0) return true;
  const last = i + 4 * whole;
  // A whole word when the line has it (it always has, after a key, unless it is cut short).
  if (last + 4 <= end) return ((view.getUint32(last, true) & TAIL_MASK[tail]!) >>> 0) === KEY_WORDS[at + whole];
  for (let k = 0; k < tail; k++) if (s[last + k] !== ((KEY_WORDS[at + whole]! >>> (k * 8)) & 0xff)) return false;
  return true;
}

// Value kinds of a slot.
const ABSENT = 0;
const STRING = 1;
const NUMBER = 2;
const TRUE = 3;
const FALSE = 4;
const NULL = 5;
/** A string with bytes above ASCII: decoded as UTF-8 when read. */
const WIDE = 6;
/** A string with escapes (`\"`, `\n`, `\u00e9`…): decoded by JSON.parse when read. */
const ESCAPED = 7;

/**
 * The length of the escape at `s[i]` (a backslash): 2, or 6 for `\uXXXX`; 0 for one JSON does
 * not have (JSON.parse refuses the line, on the full path).
 */
function escapeLength(s: Buffer, i: number, end: number): number {
  const e = i + 1 < end ? s[i + 1]! : 0;
  if (e === 117 /* u */) return i + 6 <= end && isHex(s[i + 2]!) && isHex(s[i + 3]!) && isHex(s[i + 4]!) && isHex(s[i + 5]!) ? 6 : 0;
  return e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116 ? 2 : 0;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** The string of a slot's bytes that are not its string's as they stand: above ASCII, or escaped. */
function decodedAt(s: Buffer, k: number): string {
  return kinds[k] === ESCAPED ? escapedText(s, starts[k]!, ends[k]!) : decode(s, starts[k]!, ends[k]!, true);
}

const kinds = new Uint8Array(NKEYS);
const starts = new Int32Array(NKEYS);
const ends = new Int32Array(NKEYS);
const nums = new Float64Array(NKEYS);
const hashes = new Int32Array(NKEYS);
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

/**
 * Whether a value's first or last byte stops the fast path: white space `String.prototype.trim`
 * removes (ASCII up to the space), or a byte above ASCII, which may start or end such a space
 * (U+00A0, U+2028, U+FEFF…); the full path reads those values.
 */
function trims(c: number): boolean {
  return c <= 32 || c >= 0x80;
}

/**
 * Scans the bytes `s[start, end)` as a flat JSON object, filling the slots. Returns false for
 * anything the fast path does not take. Bytes above ASCII are only ever inside strings, where a
 * decoder leaves the quotes and backslashes around them as they are, so the scan finds the same
 * structure as JSON.parse of the decoded line.
 */
function scan(s: Buffer, start: number, end: number): boolean {
  kinds.fill(ABSENT);
  let i = start;
  // As parseLine: a line is an object only when it starts with `{`, or with a space or tab
  // before it (a line starting with CR is not one, though JSON.parse would skip the CR).
  const first = s[i]!;
  if (first !== 123 && first !== 32 && first !== 9) return false;
  while (i < end && isSpace(s[i]!)) i++;
  if (s[i] !== 123 /* { */) return false;
  i++;
  while (i < end && isSpace(s[i]!)) i++;
  if (s[i] === 125 /* } */) return false; // {} names no event type
  let row = 0;
  for (let place = 0; ; place++) {
    if (s[i] !== 34 /* " */) return false;
    i++;
    let id = -1;
    const guess = place < MAX_PREDICTED ? predicted[row + place]! : -1;
    if (guess !== -1 && isKeyAt(s, i, end, guess)) {
      id = guess;
      i += KEY_LENGTH[guess]!;
    } else {
      const keyStart = i;
      // The loop over a string's bytes is written out three times (a key, a value not read, a
      // value read): one helper for all three measured about 9% slower on this, the hottest loop.
      let h = 0;
      for (;;) {
        if (i >= end) return false;
        const c = s[i]!;
        if (c === 34) break;
        if (c === 92 || c < 32) return false;
        h = (Math.imul(h, 31) + c) | 0;
        i++;
      }
      const keyEnd = i;
      i++;
      for (let p = h & TABLE_MASK; TABLE[p] !== 0; p = (p + 1) & TABLE_MASK) {
        const entry = TABLE[p]!;
        const name = nameOf(entry);
        if (name.length !== keyEnd - keyStart) continue;
        let k = 0;
        while (k < name.length && name.charCodeAt(k) === s[keyStart + k]!) k++;
        if (k === name.length) {
          if (entry < 0) return false;
          id = entry - 1;
          break;
        }
      }
      if (place < MAX_PREDICTED) predicted[row + place] = id;
    }
    while (i < end && isSpace(s[i]!)) i++;
    if (s[i] !== 58 /* : */) return false;
    i++;
    while (i < end && isSpace(s[i]!)) i++;
    if (id !== -1 && kinds[id] !== ABSENT) return false; // a repeated key: JSON.parse keeps the last
    const c = s[i]!;
    if (c === 34) {
      i++;
      const vs = i;
      if (id === -1) {
        // A value not read: only checked.
        for (;;) {
          if (i >= end) return false;
          const d = s[i]!;
          if (d === 34) break;
          if (d < 32) return false;
          if (d === 92) {
            const n = escapeLength(s, i, end);
            if (n === 0) return false;
            i += n;
            continue;
          }
          i++;
        }
      } else {
        let vh = 0;
        let high = 0;
        // Where the last escape ends (-1: none).
        let escapesEnd = -1;
        for (;;) {
          if (i >= end) return false;
          const d = s[i]!;
          if (d === 34) break;
          if (d < 32) return false;
          if (d === 92) {
            const n = escapeLength(s, i, end);
            if (n === 0) return false;
            for (const stop = i + n; i < stop; i++) vh = (Math.imul(vh, 31) + s[i]!) | 0;
            escapesEnd = i;
            continue;
          }
          vh = (Math.imul(vh, 31) + d) | 0;
          high |= d;
          i++;
        }
        // Values trimmed by the full path (`given`, `str`) take it; so do those with an escape
        // at either end, which may stand for white space.
        if (i > vs && (trims(s[vs]!) || trims(s[i - 1]!))) return false;
        if (escapesEnd !== -1 && (s[vs] === 92 || escapesEnd === i)) return false;
        kinds[id] = escapesEnd !== -1 ? ESCAPED : high >= 0x80 ? WIDE : STRING;
        starts[id] = vs;
        ends[id] = i;
        hashes[id] = vh;
        if (place === 0) row = (vh & (SHAPES - 1)) * MAX_PREDICTED;
      }
      i++;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      let neg = false;
      if (c === 45) {
        neg = true;
        i++;
      }
      // The digits after the sign: the sign is applied once, below, on both ways of reading them.
      const ns = i;
      let m = 0;
      let digits = 0;
      let frac = 0;
      let d = s[i]!;
      if (d === 48) {
        i++;
        digits++;
        d = s[i]!;
      } else if (d >= 49 && d <= 57) {
        while (d >= 48 && d <= 57) {
          m = m * 10 + (d - 48);
          digits++;
          d = s[++i]!;
        }
      } else return false;
      if (d === 46 /* . */) {
        d = s[++i]!;
        if (!(d >= 48 && d <= 57)) return false;
        while (d >= 48 && d <= 57) {
          m = m * 10 + (d - 48);
          digits++;
          frac++;
          d = s[++i]!;
        }
      }
      let exp = 0;
      if (d === 101 || d === 69) {
        d = s[++i]!;
        let eneg = false;
        if (d === 43 || d === 45) {
          eneg = d === 45;
          d = s[++i]!;
        }
        if (!(d >= 48 && d <= 57)) return false;
        while (d >= 48 && d <= 57) {
          exp = exp * 10 + (d - 48);
          if (exp > 1000) exp = 1000;
          d = s[++i]!;
        }
        if (eneg) exp = -exp;
      }
      if (id !== -1) {
        let v: number;
        const p = exp - frac;
        // Exact when the digits fit in a double and the power of ten is exact: one rounding.
        if (digits <= 15 && p >= -22 && p <= 22) v = p >= 0 ? m * POW10[p]! : m / POW10[-p]!;
        else v = Number(s.toString('latin1', ns, i));
        if (!Number.isFinite(v)) return false;
        nums[id] = neg ? -v : v;
        kinds[id] = NUMBER;
      }
    } else if (c === 116 /* t */) {
      if (s[i + 1] !== 114 || s[i + 2] !== 117 || s[i + 3] !== 101) return false;
      i += 4;
      if (id !== -1) kinds[id] = TRUE;
    } else if (c === 102 /* f */) {
      if (s[i + 1] !== 97 || s[i + 2] !== 108 || s[i + 3] !== 115 || s[i + 4] !== 101) return false;
      i += 5;
      if (id !== -1) kinds[id] = FALSE;
    } else if (c === 110 /* n */) {
      if (s[i + 1] !== 117 || s[i + 2] !== 108 || s[i + 3] !== 108) return false;
      i += 4;
      if (id !== -1) kinds[id] = NULL;
    } else {
      return false; // an object, an array, NaN, or not JSON
    }
    if (i > end) return false;
    while (i < end && isSpace(s[i]!)) i++;
    const sep = s[i]!;
    i++;
    if (sep === 125 /* } */) break;
    if (sep !== 44 /* , */) return false;
    while (i < end && isSpace(s[i]!)) i++;
  }
  while (i < end && isSpace(s[i]!)) i++;
  return i === end;
}

// What a slot holds, read the way `readFields` reads it. A value of another type than the field
// expects (a number where text is expected, true as an error, a numeric string) is rare: the full
// path takes the line (`bad`).
let bad = false;

/** A text slot that is given (a non-empty string): the slot; -1 when not given (absent, null, ""). */
function givenAt(k: number): number {
  const kind = kinds[k];
  if (kind === STRING || kind === WIDE || kind === ESCAPED) return ends[k]! > starts[k]! ? k : -1;
  if (kind !== ABSENT && kind !== NULL) bad = true;
  return -1;
}

function textSlot(a: number, b = -1, c = -1, d = -1): number {
  let k = givenAt(a);
  if (k === -1 && b !== -1) k = givenAt(b);
  if (k === -1 && c !== -1) k = givenAt(c);
  if (k === -1 && d !== -1) k = givenAt(d);
  return k;
}

const ANY = 0;
const AMOUNT = 1;
const TOKENS = 2;

/** A numeric slot: its number when it passes the test; null, booleans and failing numbers are no value (NaN). */
function numberAt(k: number, test: number): number {
  const kind = kinds[k];
  if (kind === NUMBER) {
    const n = nums[k]!;
    if (test === ANY || (n >= 0 && (test === AMOUNT || n <= 1e12))) return n;
    return Number.NaN;
  }
  if (kind === STRING || kind === WIDE || kind === ESCAPED) bad = true; // a numeric string: the full path reads it
  return Number.NaN;
}

function numberOf(test: number, a: number, b = -1, c = -1): number {
  let n = numberAt(a, test);
  if (Number.isNaN(n) && b !== -1) n = numberAt(b, test);
  if (Number.isNaN(n) && c !== -1) n = numberAt(c, test);
  return n;
}

/** The timestamp of a slot: undefined when not given; null when given but not a time. */
function timestampAt(s: Buffer, k: number): number | null | undefined {
  const kind = kinds[k];
  if (kind === STRING) return ends[k]! > starts[k]! ? (fastIsoBytes(s, starts[k]!, ends[k]!) ?? parseTimestamp(decode(s, starts[k]!, ends[k]!, false))) : undefined;
  if (kind === WIDE || kind === ESCAPED) return parseTimestamp(decodedAt(s, k));
  if (kind === NUMBER) return parseTimestamp(nums[k]);
  if (kind === TRUE || kind === FALSE) bad = true;
  return undefined;
}

/** The literal text of a slot standing for the default error message. */
export const ERROR_TEXT = -2;

/**
 * A flat line, read: for each text column of an event (in EventBatch order: type, agent, run id,
 * workflow, pattern, provider, model, status, error, kind, call id, detail) the slot holding it
 * (-1 for null, ERROR_TEXT for "error"), and the numbers (NaN for null).
 */
export const flat = {
  text: new Int32Array(12),
  type: '',
  role: 'other' as EventRole,
  timestamp: Number.NaN,
  inputTokens: Number.NaN,
  outputTokens: Number.NaN,
  totalTokens: Number.NaN,
  durationMs: Number.NaN,
  costUsd: Number.NaN,
};

/** Where a slot's text is in the line, and its hash (for interning without a copy). */
export const slotStart = (k: number): number => starts[k]!;
export const slotEnd = (k: number): number => ends[k]!;
export const slotHash = (k: number): number => hashes[k]!;
/** Whether a slot's text has bytes above ASCII or escapes: its hash is then not its string's (see `slotText`). */
export const slotWide = (k: number): boolean => kinds[k] === WIDE || kinds[k] === ESCAPED;
/** Whether a slot's text has escapes (the tests tell it from one with bytes above ASCII). */
export const slotEscaped = (k: number): boolean => kinds[k] === ESCAPED;
/** The string of a slot whose text has bytes above ASCII or escapes (`slotWide`). */
export const slotText = (s: Buffer, k: number): string => decodedAt(s, k);

// Event types seen lately, by the hash of their text: the type string and its role are made once.
const TYPE_CACHE = 64;
const cachedType: (string | undefined)[] = new Array<string | undefined>(TYPE_CACHE);
const cachedRole: EventRole[] = new Array<EventRole>(TYPE_CACHE).fill('other');

function typeAt(s: Buffer, k: number): boolean {
  // Types with bytes above ASCII or escapes are rare enough to leave to the full path.
  if (kinds[k] === WIDE || kinds[k] === ESCAPED) return false;
  const start = starts[k]!;
  const end = ends[k]!;
  const c = hashes[k]! & (TYPE_CACHE - 1);
  const known = cachedType[c];
  if (known !== undefined && sameAscii(known, s, start, end)) {
    flat.type = known;
    flat.role = cachedRole[c]!;
    return true;
  }
  const raw = decode(s, start, end, false);
  // Upper-case types are lower-cased by the full path; they are rare enough to leave to it.
  if (raw.toLowerCase() !== raw) return false;
  cachedType[c] = raw;
  cachedRole[c] = roleOf(raw);
  flat.type = raw;
  flat.role = cachedRole[c]!;
  return true;
}

/**
 * Reads the bytes `s[start, end)` into `flat` when the line has the flat shape; false when it
 * must take the full path.
 */
export function scanFlatLine(s: Buffer, start: number, end: number): boolean {
  if (!scan(s, start, end)) return false;
  bad = false;
  const typeSlot = textSlot(S.eventType, S.type);
  if (typeSlot === -1 || bad || !typeAt(s, typeSlot)) return false;
  const role = flat.role;
  const t = flat.text;
  t[0] = typeSlot;
  t[1] = textSlot(S.agentName, S.agent);
  t[2] = textSlot(S.runId, S.traceId);
  t[3] = textSlot(S.workflow, S.workflowName);
  t[4] = textSlot(S.pattern, S.patternType);
  t[5] = textSlot(S.provider);
  t[6] = textSlot(S.model, S.modelName);
  t[7] = textSlot(S.status);
  let error = textSlot(S.error, S.errorMessage);
  if (error === -1 && (role === 'error' || role === 'call_error')) {
    error = textSlot(S.message);
    if (error === -1 && role === 'error') error = ERROR_TEXT;
  }
  t[8] = error;
  t[9] = textSlot(S.kind);
  t[10] = textSlot(S.callId);
  t[11] = role === 'other' ? textSlot(S.target, S.route, S.selected, S.decision) : -1;
  flat.inputTokens = numberOf(TOKENS, S.inputTokens, S.promptTokens);
  flat.outputTokens = numberOf(TOKENS, S.outputTokens, S.completionTokens);
  flat.totalTokens = numberOf(TOKENS, S.tokens, S.tokenCount, S.totalTokens);
  const ms = numberOf(AMOUNT, S.durationMs, S.latencyMs, S.elapsedMs);
  const seconds = Number.isNaN(ms) ? numberOf(AMOUNT, S.durationSeconds) : Number.NaN;
  flat.durationMs = Number.isNaN(ms) ? (Number.isNaN(seconds) ? Number.NaN : roundMs(seconds * 1000)) : ms;
  flat.costUsd = numberOf(ANY, S.costEstimate, S.costUsd, S.cost);
  // The first timestamp given wins even when it cannot be read (`given(a) ?? given(b)`).
  let when = timestampAt(s, S.timestamp);
  if (when === undefined) when = timestampAt(s, S.ts);
  if (when === undefined) when = timestampAt(s, S.time);
  flat.timestamp = when ?? Number.NaN;
  return !bad;
}

/** The compiled scan's columns (native/flat-scan.c), in order: EventBatch's twelve, then the message. */
const MESSAGE_COLUMN = 12;
const ERROR_COLUMN = 8;
const DETAIL_COLUMN = 11;

/**
 * Puts line `r` of a block the compiled scan read (see NativeBlock) into `flat`, as
 * `scanFlatLine` would have for the same bytes; false when it must be read here after all. Its
 * columns take the slots 0-12, whose places `flatToEvent` reads as for a line scanned here.
 */
export function takeNativeLine(s: Buffer, block: NativeBlock, r: number): boolean {
  const at = r * NATIVE_COLUMNS;
  for (let c = 0; c < NATIVE_COLUMNS; c++) {
    const start = block.textStart[at + c]!;
    if (start === -1) {
      kinds[c] = ABSENT;
      continue;
    }
    const flags = block.textWide[at + c]!;
    kinds[c] = (flags & ESCAPED_TEXT) !== 0 ? ESCAPED : (flags & DECODED_TEXT) !== 0 ? WIDE : STRING;
    starts[c] = start;
    ends[c] = block.textEnd[at + c]!;
    hashes[c] = block.textHash[at + c]!;
  }
  if (kinds[0] === ABSENT || !typeAt(s, 0)) return false;
  const role = flat.role;
  const t = flat.text;
  for (let c = 0; c < t.length; c++) t[c] = kinds[c] === ABSENT ? -1 : c;
  // Which text an error takes, and whether a line has a detail, follow its type's role, as in `scanFlatLine`.
  if (t[ERROR_COLUMN] === -1 && (role === 'error' || role === 'call_error')) {
    t[ERROR_COLUMN] = kinds[MESSAGE_COLUMN] !== ABSENT ? MESSAGE_COLUMN : role === 'error' ? ERROR_TEXT : -1;
  }
  if (role !== 'other') t[DETAIL_COLUMN] = -1;
  const n = r * NATIVE_NUMBERS;
  const nums = block.numbers;
  flat.inputTokens = nums[n]!;
  flat.outputTokens = nums[n + 1]!;
  flat.totalTokens = nums[n + 2]!;
  flat.durationMs = nums[n + 3]!;
  flat.costUsd = nums[n + 4]!;
  flat.timestamp = nums[n + 5]!;
  return true;
}

// The strings of the values read (`readFlatLine`), made once for values that repeat.
const texts = new TextCache();

function textOf(s: Buffer, slot: number): string | null {
  if (slot === -1) return null;
  if (slot === ERROR_TEXT) return 'error';
  if (kinds[slot] === WIDE || kinds[slot] === ESCAPED) return decodedAt(s, slot);
  return texts.ascii(s, starts[slot]!, ends[slot]!, hashes[slot]!);
}

const orNull = (n: number): number | null => (Number.isNaN(n) ? null : n);

/**
 * Reads the bytes `s[start, end)` into `e` when the line has the flat shape; returns false (and
 * leaves `e` in any state) when the line must take the full path.
 */
export function readFlatLine(s: Buffer, start: number, end: number, e: TraceEvent): boolean {
  if (!scanFlatLine(s, start, end)) return false;
  flatToEvent(s, e);
  return true;
}

/** Fills `e` from the line `flat` holds (read from `s` by `scanFlatLine` or `takeNativeLine`). */
export function flatToEvent(s: Buffer, e: TraceEvent): void {
  const t = flat.text;
  e.type = flat.type;
  e.role = flat.role;
  e.agentField = textOf(s, t[1]!);
  e.runId = textOf(s, t[2]!);
  e.workflow = textOf(s, t[3]!);
  e.pattern = textOf(s, t[4]!);
  e.provider = textOf(s, t[5]!);
  e.model = textOf(s, t[6]!);
  e.status = textOf(s, t[7]!);
  e.error = textOf(s, t[8]!);
  e.stepKind = textOf(s, t[9]!);
  e.callId = textOf(s, t[10]!);
  e.detail = textOf(s, t[11]!);
  e.inputTokens = orNull(flat.inputTokens);
  e.outputTokens = orNull(flat.outputTokens);
  e.totalTokens = orNull(flat.totalTokens);
  e.durationMs = orNull(flat.durationMs);
  e.costUsd = orNull(flat.costUsd);
  e.timestamp = orNull(flat.timestamp);
  e.prompt = null;
  e.response = null;
}
