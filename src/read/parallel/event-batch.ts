import type { PromptMessage } from '../../model/types.js';
import { roleOf, type TraceEvent } from '../../normalise/event.js';

/**
 * Events in columns, as a worker sends them to the main thread: typed arrays that are handed over
 * without copying, and each distinct string once. Objects per event would cost far more to copy.
 */
const STRINGS = ['type', 'agentField', 'runId', 'workflow', 'pattern', 'provider', 'model', 'status', 'error', 'stepKind', 'callId', 'detail'] as const;
const NUMBERS = ['inputTokens', 'outputTokens', 'totalTokens', 'durationMs', 'costUsd', 'timestamp'] as const;
const NS = STRINGS.length;
const NN = NUMBERS.length;

export interface EventBatch {
  count: number;
  /** The line (1-based, counted from the start of the chunk) each event came from. */
  lines: Int32Array;
  /** count × 12 indexes into `table`, -1 for null. */
  strings: Int32Array;
  /** count × 6 numbers, NaN for null. */
  numbers: Float64Array;
  table: string[];
  /** Prompts and responses, only for the events that have them: [event index, prompt, response]. */
  texts: [number, PromptMessage[] | null, string | null][];
}

export class BatchWriter {
  private count = 0;
  private lines = new Int32Array(1024);
  private strings = new Int32Array(1024 * NS);
  private numbers = new Float64Array(1024 * NN);
  private readonly ids = new Map<string, number>();
  private readonly table: string[] = [];
  private readonly texts: EventBatch['texts'] = [];

  constructor(private readonly keepText: boolean) {}

  push(e: TraceEvent, line: number): void {
    if (this.count === this.lines.length) this.grow();
    const i = this.count++;
    this.lines[i] = line;
    const s = i * NS;
    for (let k = 0; k < NS; k++) this.strings[s + k] = this.intern(e[STRINGS[k]!]);
    const n = i * NN;
    for (let k = 0; k < NN; k++) this.numbers[n + k] = e[NUMBERS[k]!] ?? Number.NaN;
    if (this.keepText && (e.prompt !== null || e.response !== null)) this.texts.push([i, e.prompt, e.response]);
  }

  /** The batch; `shared` puts its columns in shared memory, for several threads to read. */
  finish(shared = false): EventBatch {
    const n = this.count;
    return {
      count: n,
      lines: shared ? copyShared(Int32Array, this.lines, n) : this.lines.slice(0, n),
      strings: shared ? copyShared(Int32Array, this.strings, n * NS) : this.strings.slice(0, n * NS),
      numbers: shared ? copyShared(Float64Array, this.numbers, n * NN) : this.numbers.slice(0, n * NN),
      table: this.table,
      texts: this.texts,
    };
  }

  private intern(s: string | null): number {
    if (s === null) return -1;
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.table.length;
      this.table.push(s);
      this.ids.set(s, id);
    }
    return id;
  }

  private grow(): void {
    const size = this.lines.length * 2;
    const lines = new Int32Array(size);
    lines.set(this.lines);
    const strings = new Int32Array(size * NS);
    strings.set(this.strings);
    const numbers = new Float64Array(size * NN);
    numbers.set(this.numbers);
    this.lines = lines;
    this.strings = strings;
    this.numbers = numbers;
  }
}

function copyShared<T extends Int32Array | Float64Array>(Kind: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, from: T, n: number): T {
  const to = new Kind(new SharedArrayBuffer(n * Kind.BYTES_PER_ELEMENT));
  to.set(from.subarray(0, n));
  return to;
}

/** The buffers to hand over (transfer) with a batch; shared ones are not handed over but shared. */
export function transferables(b: EventBatch): ArrayBuffer[] {
  return [b.lines.buffer, b.strings.buffer, b.numbers.buffer].filter((x): x is ArrayBuffer => x instanceof ArrayBuffer);
}

/** The run id and role-giving type of event `i`, without decoding the rest (for routing). */
export function runIdOf(b: EventBatch, i: number): string | null {
  const id = b.strings[i * NS + 2]!;
  return id === -1 ? null : b.table[id]!;
}

export function typeOf(b: EventBatch, i: number): string {
  return b.table[b.strings[i * NS]!]!;
}

/**
 * Calls `visit` for each event of a batch, in order. The event object is reused from one call to
 * the next: a visitor must copy what it keeps (the run builder copies fields, never the event).
 */
export function forEachEvent(b: EventBatch, visit: (e: TraceEvent, line: number) => void): void {
  const e = emptyEvent();
  let t = 0;
  for (let i = 0; i < b.count; i++) {
    decodeEvent(b, i, e);
    const text = b.texts[t];
    if (text && text[0] === i) {
      e.prompt = text[1];
      e.response = text[2];
      t++;
    }
    visit(e, b.lines[i]!);
  }
}

/** An event object to decode into. */
export function emptyEvent(): TraceEvent {
  return {
    type: '', role: 'other', agentField: null, runId: null, workflow: null, pattern: null, provider: null, model: null,
    inputTokens: null, outputTokens: null, totalTokens: null, durationMs: null, costUsd: null, timestamp: null,
    status: null, error: null, stepKind: null, callId: null, prompt: null, response: null, detail: null,
  };
}

const num = (v: number): number | null => (Number.isNaN(v) ? null : v);

function str(table: readonly string[], id: number): string | null {
  return id === -1 ? null : table[id]!;
}

/** Decodes event `i` of a batch into `e` (prompt and response left null). */
export function decodeEvent(b: EventBatch, i: number, e: TraceEvent): void {
  const { strings: S, numbers: N, table: T } = b;
  // Written out field by field (in the order of STRINGS and NUMBERS): a loop over names here
  // costs more than everything else the main thread does with the event.
  const s = i * NS;
  e.type = T[S[s]!]!;
  e.agentField = str(T, S[s + 1]!);
  e.runId = str(T, S[s + 2]!);
  e.workflow = str(T, S[s + 3]!);
  e.pattern = str(T, S[s + 4]!);
  e.provider = str(T, S[s + 5]!);
  e.model = str(T, S[s + 6]!);
  e.status = str(T, S[s + 7]!);
  e.error = str(T, S[s + 8]!);
  e.stepKind = str(T, S[s + 9]!);
  e.callId = str(T, S[s + 10]!);
  e.detail = str(T, S[s + 11]!);
  const n = i * NN;
  e.inputTokens = num(N[n]!);
  e.outputTokens = num(N[n + 1]!);
  e.totalTokens = num(N[n + 2]!);
  e.durationMs = num(N[n + 3]!);
  e.costUsd = num(N[n + 4]!);
  e.timestamp = num(N[n + 5]!);
  e.role = roleOf(e.type);
  e.prompt = null;
  e.response = null;
}
