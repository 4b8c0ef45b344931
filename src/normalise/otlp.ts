/**
 * OpenTelemetry exports (OTLP JSON: one `{"resourceSpans":[...]}` per line, as the OTel file
 * exporter writes) become flat dialect-D lines that `toEvent` reads, so the run model needs no
 * OTel knowledge. Every line carries `run_id` = the span's traceId.
 *
 * - LLM span (GenAI chat / text_completion / generate_content / completion / embeddings, a model
 *   attribute, OpenInference LLM or EMBEDDING, a pyagent agent span with a model): one `llm_call`
 *   at its end time with `duration_ms` (an unfinished one: `llm_call_start`). An LLM span with
 *   another LLM span beneath it (two instrumentations of one request) is not a call, so its tokens
 *   and cost are not counted twice: a pyagent agent span stays an agent step, others an event.
 * - Agent span (invoke_agent / create_agent, OpenInference AGENT, pyagent agent without a model)
 *   and tool span (execute_tool, OpenInference TOOL): `agent_start` + `agent_end` (`kind` agent or tool).
 * - Root span (no parent) and workflow span (`pyagent.pattern.type` / `gen_ai.workflow.name` on a
 *   span that is none of the above): `pattern_start` + `pattern_end`, around the lines above.
 * - Any other span: one event whose `event_type` is the span name (`span:` + name when the name is
 *   one the engine gives a meaning to, such as `error`).
 *
 * Lines come out in tree order (parents before children, siblings by start time, ends after
 * the children), not sorted by time: the engine attaches a call to the innermost open agent
 * step, and only tree order makes that the span's real ancestor when agents run concurrently.
 * A parent exported in another line cannot be seen: such spans are roots here (no pattern lines).
 */
import { toEvent } from './event.js';
import { isObj, toNumber, type Obj } from './fields.js';

type Attrs = Map<string, unknown>;
type Kind = 'llm' | 'agent' | 'tool' | 'other';

interface OtelSpan {
  traceId: string;
  spanId: string | null;
  parentId: string | null;
  name: string;
  start: bigint | null;
  end: bigint | null;
  attrs: Attrs;
  resource: Attrs;
  /** Error text when the span's status is ERROR, else null. */
  error: string | null;
  seq: number;
}

const A = {
  op: ['gen_ai.operation.name'],
  oiKind: ['openinference.span.kind'],
  stepName: ['gen_ai.agent.name', 'pyagent.agent.name', 'agent.name'],
  callAgent: ['gen_ai.agent.name', 'pyagent.agent.name'],
  pyAgent: ['pyagent.agent.name'],
  toolName: ['gen_ai.tool.name', 'tool.name'],
  provider: ['gen_ai.provider.name', 'gen_ai.system', 'llm.provider', 'llm.system'],
  /** These alone make a span an LLM call. */
  callModel: ['gen_ai.response.model', 'gen_ai.request.model', 'llm.model_name'],
  model: ['gen_ai.response.model', 'gen_ai.request.model', 'llm.model_name', 'embedding.model_name', 'pyagent.cost.model', 'pyagent.agent.model'],
  input: ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt', 'pyagent.cost.input_tokens'],
  output: ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.token_count.completion', 'pyagent.cost.output_tokens'],
  total: ['llm.token_count.total', 'gen_ai.usage.total_tokens'],
  cost: ['llm.cost.total', 'pyagent.cost.total_usd'],
  workflow: ['gen_ai.workflow.name'],
  pattern: ['pyagent.pattern.type'],
  execMs: ['pyagent.exec.duration_ms'],
  errorType: ['error.type'],
} as const;

const AGENT_OPS = new Set(['invoke_agent', 'create_agent']);
const LLM_OPS = new Set(['chat', 'text_completion', 'generate_content', 'completion', 'embeddings']);

/** Null when `line` is not an OTLP trace export; else its spans as flat lines (maybe none). */
export function otlpToLines(line: Obj): Obj[] | null {
  if (!Array.isArray(line.resourceSpans)) return null;
  const traces = new Map<string, OtelSpan[]>();
  for (const span of readSpans(line.resourceSpans)) {
    const list = traces.get(span.traceId);
    if (list) list.push(span);
    else traces.set(span.traceId, [span]);
  }
  const ordered = [...traces].map(([id, spans]) => ({ id, spans, first: earliest(spans) }));
  ordered.sort((a, b) => cmpTime(a.first, b.first) || cmpText(a.id, b.id));
  const out: Obj[] = [];
  for (const t of ordered) {
    const from = out.length;
    convertTrace(t.id, t.spans, out);
    deriveRootStatus(out, from);
  }
  return out;
}

/**
 * A root span with no error status says nothing about the run's outcome (OpenTelemetry does not
 * carry a child's error up), while a pattern_end without a status reads as success. So the root's
 * end is marked failed when a call of the trace failed, as the run's status would be without it.
 */
function deriveRootStatus(lines: Obj[], from: number): void {
  let failedCall = false;
  for (let i = from; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.event_type === 'llm_call' && l.status === 'failed') failedCall = true;
  }
  if (!failedCall) return;
  for (let i = from; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.event_type === 'pattern_end' && l.parent_span_id === undefined && l.status === undefined) l.status = 'failed';
  }
}

// ---- reading OTLP JSON -------------------------------------------------------------------------

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function readSpans(resourceSpans: unknown[]): OtelSpan[] {
  const out: OtelSpan[] = [];
  for (const r of resourceSpans) {
    if (!isObj(r)) continue;
    const resource = attributesOf(isObj(r.resource) ? r.resource.attributes : undefined);
    for (const scope of [...list(r.scopeSpans), ...list(r.instrumentationLibrarySpans)]) {
      if (!isObj(scope)) continue;
      for (const s of list(scope.spans)) {
        const span = readSpan(s, resource, out.length);
        if (span) out.push(span);
      }
    }
  }
  return out;
}

function readSpan(s: unknown, resource: Attrs, seq: number): OtelSpan | null {
  if (!isObj(s)) return null;
  const traceId = idOf(s.traceId ?? s.trace_id);
  if (traceId === null) return null;
  const attrs = attributesOf(s.attributes);
  const parentId = idOf(s.parentSpanId ?? s.parent_span_id);
  return {
    traceId,
    spanId: idOf(s.spanId ?? s.span_id),
    parentId: parentId !== null && /^(?:0+|A+=+)$/.test(parentId) ? null : parentId, // all-zero id: no parent
    name: typeof s.name === 'string' ? s.name.trim() : '',
    start: nanosOf(s.startTimeUnixNano ?? s.start_time_unix_nano),
    end: nanosOf(s.endTimeUnixNano ?? s.end_time_unix_nano),
    attrs,
    resource,
    error: errorOf(s, attrs),
    seq,
  };
}

function idOf(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

/** OTLP times are uint64 nanoseconds, as a decimal string or a JSON number; 0 means unset. */
function nanosOf(v: unknown): bigint | null {
  let n: bigint | null = null;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) n = BigInt(v.trim());
  else if (typeof v === 'number' && Number.isFinite(v) && v > 0) n = BigInt(Math.trunc(v));
  return n !== null && n > 0n ? n : null;
}

/** Epoch ms to the microsecond, without going through a float of the nanoseconds. */
const msOf = (n: bigint | null): number | null => (n === null ? null : Number(n / 1000n) / 1000);

function attributesOf(v: unknown): Attrs {
  const m: Attrs = new Map();
  if (Array.isArray(v)) {
    for (const kv of v) {
      if (!isObj(kv) || typeof kv.key !== 'string' || m.has(kv.key)) continue;
      const value = valueOf(kv.value, 0);
      if (value !== undefined) m.set(kv.key, value);
    }
  } else if (isObj(v)) {
    // Not OTLP, but some hand-written exports give attributes as a plain object.
    for (const [k, raw] of Object.entries(v)) {
      const value = valueOf(raw, 0);
      if (value !== undefined) m.set(k, value);
    }
  }
  return m;
}

function valueOf(v: unknown, depth: number): unknown {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (!isObj(v) || depth > 8) return undefined;
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  if ('intValue' in v) return toNumber(v.intValue) ?? undefined;
  if ('doubleValue' in v) return toNumber(v.doubleValue) ?? undefined;
  if (isObj(v.arrayValue)) return list(v.arrayValue.values).map((x) => valueOf(x, depth + 1));
  return undefined;
}

function text(a: Attrs, keys: readonly string[]): string | null {
  for (const k of keys) {
    const v = a.get(k);
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return null;
}

function num(a: Attrs, keys: readonly string[]): number | null {
  for (const k of keys) {
    const n = toNumber(a.get(k));
    if (n !== null) return n;
  }
  return null;
}

function isErrorCode(code: unknown): boolean {
  if (code === 2) return true;
  return typeof code === 'string' && /^(?:2|(?:STATUS_CODE_)?ERROR)$/i.test(code.trim());
}

function errorOf(s: Obj, attrs: Attrs): string | null {
  const status = isObj(s.status) ? s.status : null;
  if (!status || !isErrorCode(status.code)) return null;
  if (typeof status.message === 'string' && status.message.trim() !== '') return status.message;
  return text(attrs, A.errorType) ?? exceptionMessage(s.events) ?? 'error';
}

function exceptionMessage(events: unknown): string | null {
  for (const ev of list(events)) {
    if (!isObj(ev) || ev.name !== 'exception') continue;
    const a = attributesOf(ev.attributes);
    const found = text(a, ['exception.message', 'exception.type']);
    if (found) return found;
  }
  return null;
}

// ---- spans to lines ----------------------------------------------------------------------------

function cmpTime(a: bigint | null, b: bigint | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

const cmpText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function bySpanOrder(a: OtelSpan, b: OtelSpan): number {
  return cmpTime(a.start ?? a.end, b.start ?? b.end) || cmpTime(a.end, b.end) || cmpText(a.spanId ?? '', b.spanId ?? '') || a.seq - b.seq;
}

function earliest(spans: readonly OtelSpan[]): bigint | null {
  let min: bigint | null = null;
  for (const s of spans) if (cmpTime(s.start ?? s.end, min) < 0) min = s.start ?? s.end;
  return min;
}

function baseKind(a: Attrs): Kind {
  const op = text(a, A.op)?.toLowerCase() ?? '';
  const oi = text(a, A.oiKind)?.toUpperCase() ?? '';
  if (AGENT_OPS.has(op) || oi === 'AGENT') return 'agent';
  if (op === 'execute_tool' || oi === 'TOOL') return 'tool';
  if (LLM_OPS.has(op) || oi === 'LLM' || oi === 'EMBEDDING' || text(a, A.callModel) !== null) return 'llm';
  if (text(a, A.pyAgent) !== null) return text(a, A.model) !== null ? 'llm' : 'agent';
  return 'other';
}

/** Depth-first, parents before children, siblings by start; cycles and orphans become roots. */
function treeOrder(spans: OtelSpan[]): { span: OtelSpan; depth: number; parent: OtelSpan | null }[] {
  const byId = new Map<string, OtelSpan>();
  for (const s of spans) if (s.spanId !== null && !byId.has(s.spanId)) byId.set(s.spanId, s);
  const children = new Map<OtelSpan, OtelSpan[]>();
  for (const s of spans) {
    const parent = s.parentId === null ? undefined : byId.get(s.parentId);
    if (!parent || parent === s) continue;
    const kids = children.get(parent);
    if (kids) kids.push(s);
    else children.set(parent, [s]);
  }
  for (const kids of children.values()) kids.sort(bySpanOrder);
  const sorted = [...spans].sort(bySpanOrder);
  const hasParent = new Set([...children.values()].flat());
  const out: { span: OtelSpan; depth: number; parent: OtelSpan | null }[] = [];
  const seen = new Set<OtelSpan>();
  const walk = (root: OtelSpan) => {
    const stack = [{ span: root, depth: 0, parent: null as OtelSpan | null }];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (seen.has(node.span)) continue;
      seen.add(node.span);
      out.push(node);
      const kids = children.get(node.span) ?? [];
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i]!, depth: node.depth + 1, parent: node.span });
    }
  };
  for (const s of sorted) if (!hasParent.has(s)) walk(s);
  for (const s of sorted) if (!seen.has(s)) walk(s);
  return out;
}

function convertTrace(traceId: string, spans: OtelSpan[], out: Obj[]): void {
  const nodes = treeOrder(spans);
  const kinds = new Map<OtelSpan, Kind>();
  const llmBelow = new Set<OtelSpan>();
  for (let i = nodes.length - 1; i >= 0; i--) {
    const { span, parent } = nodes[i]!;
    let kind = baseKind(span.attrs);
    if (kind === 'llm' && llmBelow.has(span)) kind = text(span.attrs, A.pyAgent) !== null ? 'agent' : 'other';
    kinds.set(span, kind);
    if (parent && (kind === 'llm' || llmBelow.has(span))) llmBelow.add(parent);
  }
  let workflow: string | null = null;
  let pattern: string | null = null;
  for (const { span } of nodes) {
    workflow ??= text(span.attrs, A.workflow) ?? text(span.attrs, A.pattern);
    pattern ??= text(span.attrs, A.pattern);
  }
  const agentAt = new Map<OtelSpan, string | null>();
  const open: { depth: number; ends: Obj[] }[] = [];
  for (const { span, depth, parent } of nodes) {
    while (open.length > 0 && open[open.length - 1]!.depth >= depth) out.push(...open.pop()!.ends);
    const kind = kinds.get(span)!;
    const parentAgent = parent ? (agentAt.get(parent) ?? null) : null;
    const name = stepName(span, kind);
    agentAt.set(span, kind === 'agent' ? name : parentAgent);
    const ctx: Context = { traceId, workflow, pattern, parentAgent };
    const { starts, ends } = linesOf(span, kind, name, ctx);
    out.push(...starts);
    open.push({ depth, ends });
  }
  while (open.length > 0) out.push(...open.pop()!.ends);
}

interface Context {
  traceId: string;
  workflow: string | null;
  pattern: string | null;
  /** Name of the nearest agent span above this one, in this line. */
  parentAgent: string | null;
}

function stepName(span: OtelSpan, kind: Kind): string | null {
  const own = kind === 'tool' ? text(span.attrs, A.toolName) : text(span.attrs, A.stepName);
  return own ?? (span.name || null);
}

/** Sets only the fields that have a value, so lines stay as small as dialect D's. */
function line(fields: Record<string, unknown>): Obj {
  const o: Obj = {};
  for (const [k, v] of Object.entries(fields)) if (v !== null && v !== undefined) o[k] = v;
  return o;
}

function linesOf(span: OtelSpan, kind: Kind, name: string | null, ctx: Context): { starts: Obj[]; ends: Obj[] } {
  const a = span.attrs;
  const start = msOf(span.start);
  const end = msOf(span.end);
  const durationMs = span.start !== null && span.end !== null && span.end >= span.start ? msOf(span.end - span.start) : null;
  const failed = span.error === null ? null : 'failed';
  const ownWorkflow = text(a, A.workflow) ?? text(a, A.pattern);
  const base = {
    run_id: ctx.traceId,
    workflow: ownWorkflow ?? ctx.workflow,
    pattern: text(a, A.pattern) ?? ctx.pattern,
    span_id: span.spanId,
    parent_span_id: span.parentId,
    span_name: span.name || null,
  };
  const starts: Obj[] = [];
  const ends: Obj[] = [];
  const isRoot = span.parentId === null;
  if (isRoot || (kind === 'other' && ownWorkflow !== null)) {
    const service = isRoot ? text(span.resource, ['service.name']) : null;
    const workflow = base.workflow ?? (service && !service.startsWith('unknown_service') ? service : null);
    starts.push(line({ event_type: 'pattern_start', ...base, workflow, timestamp: start }));
    if (end !== null) ends.push(line({ event_type: 'pattern_end', ...base, workflow, timestamp: end, status: failed, error: span.error }));
    if (kind === 'other') return { starts, ends };
  }
  if (kind === 'llm') {
    starts.push(
      line({
        event_type: end === null && start !== null ? 'llm_call_start' : 'llm_call',
        ...base,
        agent_name: text(a, A.callAgent) ?? ctx.parentAgent,
        provider: text(a, A.provider),
        model: text(a, A.model),
        input_tokens: num(a, A.input),
        output_tokens: num(a, A.output),
        total_tokens: num(a, A.total),
        cost_usd: num(a, A.cost),
        duration_ms: durationMs,
        timestamp: end ?? start,
        call_id: span.spanId,
        status: failed,
        error: span.error,
      }),
    );
  } else if (kind === 'agent' || kind === 'tool') {
    starts.push(line({ event_type: 'agent_start', ...base, agent_name: name, kind, timestamp: start }));
    if (end !== null) {
      const ms = num(a, A.execMs) ?? durationMs;
      ends.unshift(line({ event_type: 'agent_end', ...base, agent_name: name, kind, timestamp: end, duration_ms: ms, status: failed, error: span.error }));
    }
  } else {
    starts.push(line({ event_type: eventType(span.name), ...base, agent_name: ctx.parentAgent, timestamp: start, duration_ms: durationMs, status: failed, error: span.error }));
  }
  return { starts, ends };
}

/** A span named like an engine event (`error`, `agent_end`) must not act as one. */
function eventType(name: string): string {
  const type = name || 'span';
  return toEvent({ event_type: type })?.role === 'other' ? type : `span:${type}`;
}
