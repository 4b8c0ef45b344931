import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentStep, EventNode, LlmCall, Run, StepNode } from '../src/model/types.js';
import { otlpToLines } from '../src/normalise/otlp.js';
import { jsonl, summaryOf, tempDir } from './helpers.js';

const OTLP = path.join(import.meta.dirname, 'fixtures', 'otlp');
const fixtureLines = (name: string) =>
  readFileSync(path.join(OTLP, name), 'utf8')
    .split('\n')
    .filter((t) => t.trim() !== '')
    .map((t) => JSON.parse(t) as Record<string, unknown>);

/** What load.ts will do: every OTLP line becomes its flat lines, any other line passes through. */
async function loadOtlp(...names: string[]) {
  const dir = tempDir();
  const files = names.map((name) => {
    const flat = fixtureLines(name).flatMap((line) => otlpToLines(line) ?? [line]);
    const file = path.join(dir, name);
    writeFileSync(file, jsonl(...flat));
    return file;
  });
  return summaryOf(files);
}

/** An OTLP line from bare spans (attributes as key → string | number). */
function otlp(spans: Record<string, unknown>[]): Record<string, unknown> {
  const attr = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? { intValue: v } : { doubleValue: v }) : { stringValue: v });
  const withAttrs = spans.map((s) => ({
    ...s,
    attributes: Object.entries((s.attrs as Record<string, unknown>) ?? {}).map(([key, v]) => ({ key, value: attr(v) })),
  }));
  return { resourceSpans: [{ scopeSpans: [{ spans: withAttrs }] }] };
}

const T0 = 1767261600; // 2026-01-01T10:00:00Z
const at = (s: number) => String(BigInt(T0) * 1_000_000_000n + BigInt(Math.round(s * 1000)) * 1_000_000n);

/** The step tree as agent → children, for comparing shapes. */
function shape(nodes: StepNode[]): unknown[] {
  return nodes.map((n) => {
    if (n.kind === 'llm') return `llm:${n.agent}:${n.model}`;
    if (n.kind === 'event') return `event:${n.eventType}`;
    return { [`${n.agentKind}:${n.agent}:${n.status}`]: shape(n.children) };
  });
}

const callRow = (c: LlmCall) => [c.agent, c.provider, c.model, c.inputTokens, c.outputTokens, c.durationMs, c.status, c.costSource, c.costPico];

describe('otlpToLines: what is and is not an OTLP export', () => {
  it('returns null without a resourceSpans array and [] for an empty export', () => {
    expect(otlpToLines({ event_type: 'llm_call' })).toBeNull();
    expect(otlpToLines({ resourceSpans: {} })).toBeNull();
    expect(otlpToLines({ resourceLogs: [] })).toBeNull();
    expect(otlpToLines({ resourceSpans: [] })).toEqual([]);
  });

  it('skips what cannot be read and never throws', () => {
    const junk = { resourceSpans: [null, 5, 'x', { scopeSpans: 'x' }, { scopeSpans: [null, { spans: {} }, { spans: [null, 7, {}, { traceId: 5 }, { traceId: ' ' }] }] }] };
    expect(otlpToLines(junk)).toEqual([]);
    const odd = {
      resourceSpans: [
        {
          resource: 'x',
          scopeSpans: [
            {
              spans: [
                { traceId: 't1', spanId: 's1', parentSpanId: 'gone', name: 42, startTimeUnixNano: 'soon', endTimeUnixNano: -5, attributes: 'x', status: 'bad', events: 'x' },
                {
                  traceId: 't1',
                  spanId: 's2',
                  startTimeUnixNano: '1767261600000000000',
                  endTimeUnixNano: 1767261600500000000.7,
                  attributes: [
                    null,
                    { key: 5 },
                    { key: 'gen_ai.request.model', value: { intValue: 'abc' } },
                    { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } },
                    { key: 'gen_ai.usage.input_tokens', value: { kvlistValue: {} } },
                    { key: 'llm.cost.total', value: { doubleValue: 'NaN' } },
                    { key: 'gen_ai.usage.output_tokens', value: { doubleValue: '12' } },
                  ],
                  status: { code: 'STATUS_CODE_ERROR' },
                  events: [null, { name: 'exception', attributes: [{ key: 'exception.type', value: { stringValue: 'ValueError' } }, { key: 'exception.message', value: { stringValue: 'bad input' } }] }],
                },
              ],
            },
          ],
        },
      ],
    };
    expect(otlpToLines(odd)).toEqual([
      // s2 is a true root (no parent): a run around its call. Its error text comes from the exception event.
      { event_type: 'pattern_start', run_id: 't1', span_id: 's2', timestamp: 1767261600000 },
      { event_type: 'llm_call', run_id: 't1', span_id: 's2', model: 'gpt-4o', output_tokens: 12, duration_ms: 500, timestamp: 1767261600500, call_id: 's2', status: 'failed', error: 'bad input' },
      { event_type: 'pattern_end', run_id: 't1', span_id: 's2', timestamp: 1767261600500, status: 'failed', error: 'bad input' },
      // s1: no times, no name, a parent outside the line: a plain event, not a run.
      { event_type: 'span', run_id: 't1', span_id: 's1', parent_span_id: 'gone' },
    ]);
  });

  it('survives a parent cycle and keeps every span once', () => {
    const line = otlp([
      { traceId: 'c', spanId: 'x', parentSpanId: 'y', name: 'x', startTimeUnixNano: at(1), endTimeUnixNano: at(2) },
      { traceId: 'c', spanId: 'y', parentSpanId: 'x', name: 'y', startTimeUnixNano: at(1.5), endTimeUnixNano: at(1.8) },
      { traceId: 'c', spanId: 'z', parentSpanId: 'z', name: 'z', startTimeUnixNano: at(0.5), endTimeUnixNano: at(0.6) },
    ]);
    expect(otlpToLines(line)!.map((l) => [l.event_type, l.timestamp])).toEqual([
      ['z', 1767261600500],
      ['x', 1767261601000],
      ['y', 1767261601500],
    ]);
  });
});

describe('otlpToLines: GenAI semantic conventions', () => {
  it('converts nested agent → tool → llm spans and a second trace, in tree order (fixture worked by hand)', () => {
    const [line] = fixtureLines('genai.jsonl');
    const A = '4bf92f3577b34da6a3ce929d0e0e4736';
    const a = { run_id: A, workflow: 'trip-planning' };
    const root = '00f067aa0ba902b7';
    const B = '5b8aa5a2d2c872e8321cf37308d69df2';
    expect(otlpToLines(line!)).toEqual([
      { event_type: 'pattern_start', ...a, span_id: root, span_name: 'trip-planning', timestamp: 1767261600000 },
      { event_type: 'agent_start', ...a, span_id: 'a1a1a1a1a1a1a1a1', parent_span_id: root, span_name: 'invoke_agent researcher', agent_name: 'researcher', kind: 'agent', timestamp: 1767261600100 },
      // Nanos given as strings; 1.450250 s - 0.200 s = 1250.25 ms, kept to the microsecond.
      {
        event_type: 'llm_call', ...a, span_id: 'b1b1b1b1b1b1b1b1', parent_span_id: 'a1a1a1a1a1a1a1a1', span_name: 'chat gpt-4o-mini',
        agent_name: 'researcher', provider: 'openai', model: 'gpt-4o-mini-2024-07-18', input_tokens: 1000, output_tokens: 500,
        duration_ms: 1250.25, timestamp: 1767261601450.25, call_id: 'b1b1b1b1b1b1b1b1',
      },
      { event_type: 'agent_start', ...a, span_id: 'c1c1c1c1c1c1c1c1', parent_span_id: 'a1a1a1a1a1a1a1a1', span_name: 'execute_tool search_flights', agent_name: 'search_flights', kind: 'tool', timestamp: 1767261601500 },
      // A call inside a tool belongs to the agent that used the tool.
      {
        event_type: 'llm_call', ...a, span_id: 'b2b2b2b2b2b2b2b2', parent_span_id: 'c1c1c1c1c1c1c1c1', span_name: 'chat claude-sonnet-4',
        agent_name: 'researcher', provider: 'anthropic', model: 'claude-sonnet-4-20250514', input_tokens: 180, output_tokens: 140,
        duration_ms: 300, timestamp: 1767261601900, call_id: 'b2b2b2b2b2b2b2b2',
      },
      { event_type: 'agent_end', ...a, span_id: 'c1c1c1c1c1c1c1c1', parent_span_id: 'a1a1a1a1a1a1a1a1', span_name: 'execute_tool search_flights', agent_name: 'search_flights', kind: 'tool', timestamp: 1767261602000, duration_ms: 500 },
      { event_type: 'agent_end', ...a, span_id: 'a1a1a1a1a1a1a1a1', parent_span_id: root, span_name: 'invoke_agent researcher', agent_name: 'researcher', kind: 'agent', timestamp: 1767261603000, duration_ms: 2900 },
      // writer starts the instant researcher ends: tree order still closes one before opening the other.
      { event_type: 'agent_start', ...a, span_id: 'a2a2a2a2a2a2a2a2', parent_span_id: root, span_name: 'invoke_agent writer', agent_name: 'writer', kind: 'agent', timestamp: 1767261603000 },
      {
        event_type: 'llm_call', ...a, span_id: 'b3b3b3b3b3b3b3b3', parent_span_id: 'a2a2a2a2a2a2a2a2', span_name: 'chat gpt-4o-mini',
        agent_name: 'writer', provider: 'openai', model: 'gpt-4o-mini', duration_ms: 1800, timestamp: 1767261604900,
        call_id: 'b3b3b3b3b3b3b3b3', status: 'failed', error: 'timeout',
      },
      {
        event_type: 'agent_end', ...a, span_id: 'a2a2a2a2a2a2a2a2', parent_span_id: root, span_name: 'invoke_agent writer', agent_name: 'writer', kind: 'agent',
        timestamp: 1767261605000, duration_ms: 2000, status: 'failed', error: 'writer gave up',
      },
      // The root's status is OK: its end says nothing, so the run's status comes from its steps.
      // The root span has no error status, but a call of the trace failed: the run's end says so.
      { event_type: 'pattern_end', ...a, span_id: root, span_name: 'trip-planning', timestamp: 1767261605000, status: 'failed' },
      // Second trace: nanos as JSON numbers, older gen_ai.system / prompt_tokens names, resource
      // service.name "unknown_service:python" is no workflow.
      { event_type: 'pattern_start', run_id: B, span_id: 'd1d1d1d1d1d1d1d1', span_name: 'openai.chat', timestamp: 1767261700000 },
      {
        event_type: 'llm_call', run_id: B, span_id: 'd1d1d1d1d1d1d1d1', span_name: 'openai.chat', provider: 'openai', model: 'gpt-4o',
        input_tokens: 300, output_tokens: 120, duration_ms: 900, timestamp: 1767261700900, call_id: 'd1d1d1d1d1d1d1d1',
      },
      { event_type: 'pattern_end', run_id: B, span_id: 'd1d1d1d1d1d1d1d1', span_name: 'openai.chat', timestamp: 1767261700900 },
    ]);
  });

  it('converts nanoseconds without losing precision, to the microsecond', () => {
    const line = otlp([
      { traceId: 'p', spanId: 's', name: 'chat', attrs: { 'gen_ai.operation.name': 'chat' }, startTimeUnixNano: '1767261600123456789', endTimeUnixNano: '1767261601123457788' },
    ]);
    const call = otlpToLines(line)!.find((l) => l.event_type === 'llm_call')!;
    expect(call.timestamp).toBe(1767261601123.457);
    expect(call.duration_ms).toBe(1000); // 1 000 000 999 ns = 1 000 000 µs
  });

  it('gives spans named like engine events a name of their own', () => {
    const line = otlp([
      { traceId: 'r', spanId: 'root', name: 'job', startTimeUnixNano: at(0), endTimeUnixNano: at(3) },
      { traceId: 'r', spanId: 'e', parentSpanId: 'root', name: 'error', startTimeUnixNano: at(1), endTimeUnixNano: at(1.5) },
      { traceId: 'r', spanId: 'f', parentSpanId: 'root', name: 'agent_end', startTimeUnixNano: at(2), endTimeUnixNano: at(2.5) },
      { traceId: 'r', spanId: 'g', parentSpanId: 'root', name: 'db.query', startTimeUnixNano: at(2.6), endTimeUnixNano: at(2.7) },
    ]);
    expect(otlpToLines(line)!.map((l) => l.event_type)).toEqual(['pattern_start', 'span:error', 'span:agent_end', 'db.query', 'pattern_end']);
  });

  it('writes llm_call_start for an LLM span that never ended', () => {
    const line = otlp([{ traceId: 'u', spanId: 's', parentSpanId: 'q', name: 'chat', attrs: { 'gen_ai.request.model': 'gpt-4o' }, startTimeUnixNano: at(1), endTimeUnixNano: '0' }]);
    expect(otlpToLines(line)).toEqual([
      { event_type: 'llm_call_start', run_id: 'u', span_id: 's', parent_span_id: 'q', span_name: 'chat', model: 'gpt-4o', timestamp: 1767261601000, call_id: 's' },
    ]);
  });
});

describe('OTLP through the engine (converted, then loadTraces)', () => {
  it('GenAI: runs by trace id, steps nested, tokens and costs worked by hand', async () => {
    const { loaded, summary } = await loadOtlp('genai.jsonl');
    expect(summary.spans).toBe(14);
    expect(loaded.runs.map((r) => [r.id, r.workflow, r.status, r.statusText, r.durationMs])).toEqual([
      ['4bf92f3577b34da6a3ce929d0e0e4736', 'trip-planning', 'failed', 'failed', 5000],
      ['5b8aa5a2d2c872e8321cf37308d69df2', null, 'ok', null, 900],
    ]);
    const [a, b] = loaded.runs as [Run, Run];
    expect(shape(a.children)).toEqual([
      { 'agent:researcher:ok': ['llm:researcher:gpt-4o-mini-2024-07-18', { 'tool:search_flights:ok': ['llm:researcher:claude-sonnet-4-20250514'] }] },
      { 'agent:writer:failed': ['llm:writer:gpt-4o-mini'] },
    ]);
    expect((a.children[1] as AgentStep).error).toBe('writer gave up');
    // gpt-4o-mini 1000 × $0.15/M + 500 × $0.60/M = $0.00045; claude-sonnet-4 180 × $3/M + 140 × $15/M = $0.00264.
    expect(a.calls.map(callRow)).toEqual([
      ['researcher', 'OpenAI', 'gpt-4o-mini-2024-07-18', 1000, 500, 1250.25, 'ok', 'estimated', 450_000_000],
      ['researcher', 'Anthropic', 'claude-sonnet-4-20250514', 180, 140, 300, 'ok', 'estimated', 2_640_000_000],
      ['writer', 'OpenAI', 'gpt-4o-mini', null, null, 1800, 'failed', 'unpriced', null],
    ]);
    expect(a.calls[0]!.start).toBe(1767261600200);
    expect(a.calls[2]!.error).toBe('timeout');
    expect(a.totals).toMatchObject({ calls: 3, failedCalls: 1, inputTokens: 1180, outputTokens: 640, costPico: 3_090_000_000, unpricedCalls: 1 });
    // gpt-4o 300 × $2.50/M + 120 × $10/M = $0.00195.
    expect(b.calls.map(callRow)).toEqual([[null, 'OpenAI', 'gpt-4o', 300, 120, 900, 'ok', 'estimated', 1_950_000_000]]);
    expect(summary.cost).toMatchObject({ total: 0.00504, estimated: 0.00504, reported: 0 });
  });

  it('OpenInference: CHAIN root, AGENT, RETRIEVER, EMBEDDING, TOOL, reported llm.cost.total, base64 ids', async () => {
    const { loaded, summary } = await loadOtlp('openinference.jsonl');
    expect(summary.spans).toBe(11);
    expect(loaded.runs).toHaveLength(1);
    const run = loaded.runs[0]!;
    // No workflow attribute anywhere: the resource's service.name names the run.
    expect([run.id, run.workflow, run.status, run.start, run.end]).toEqual(['S/kvNXezTaajzpKdDg5HNg==', 'support-bot', 'ok', 1767265200000, 1767265204000]);
    expect(shape(run.children)).toEqual([
      {
        'agent:support-agent:ok': [
          'event:retrieve',
          'llm:support-agent:text-embedding-3-small',
          'llm:support-agent:gpt-4o-mini',
          { 'tool:lookup_order:ok': [] },
          'llm:support-agent:gemini-2.5-flash',
          'event:post', // the engine lower-cases event types; span_name keeps the case
        ],
      },
    ]);
    const step = run.children[0] as AgentStep;
    expect(step.durationMs).toBe(3980);
    expect((step.children[0] as EventNode).timestamp).toBe(1767265200020);
    // Reported $0.00036 kept; gemini-2.5-flash 2000 × $0.15/M + 1000 × $0.60/M = $0.0009 estimated.
    expect(run.calls.map(callRow)).toEqual([
      ['support-agent', 'Other', 'text-embedding-3-small', 8, null, 50, 'ok', 'unpriced', null],
      ['support-agent', 'OpenAI', 'gpt-4o-mini', 1200, 300, 1000, 'ok', 'reported', 360_000_000],
      ['support-agent', 'Google', 'gemini-2.5-flash', 2000, 1000, 2200, 'ok', 'estimated', 900_000_000],
    ]);
    expect(run.calls[0]!.unpricedReason).toMatch(/^model not in the price table/);
    expect(run.totals).toMatchObject({ inputTokens: 3208, outputTokens: 1300, costPico: 1_260_000_000, reportedPico: 360_000_000, estimatedPico: 900_000_000 });
  });

  it("pyagent's own spans, one trace over two lines: aggregate costs on pattern and agent spans are not counted twice", async () => {
    const { loaded, summary } = await loadOtlp('pyagent.jsonl');
    expect(summary.spans).toBe(11);
    expect(loaded.runs).toHaveLength(1);
    const run = loaded.runs[0]!;
    expect([run.id, run.workflow, run.pattern, run.status, run.statusText, run.durationMs]).toEqual([
      '0af7651916cd43dd8448eb211c80319c',
      'pipeline',
      'pipeline',
      'failed',
      'failed',
      5000,
    ]);
    // extractor: a pyagent agent span with a model and no LLM span below is the call itself.
    // reviewer: it has a chat span below, so it is a step and only the chat span is a call.
    expect(shape(run.children)).toEqual([
      'llm:extractor:gpt-4o-mini',
      { 'agent:analyst:ok': ['llm:analyst:gpt-4.1'] },
      { 'agent:reviewer:ok': ['llm:reviewer:gpt-4o'] },
      { 'agent:checker:failed': [] },
    ]);
    expect((run.children[1] as AgentStep).durationMs).toBe(1999.5); // pyagent.exec.duration_ms
    expect((run.children[3] as AgentStep).error).toBe('validation failed');
    // $0.000066 reported + gpt-4.1 1000 × $2/M + 500 × $8/M = $0.006 + gpt-4o 400 × $2.50/M + 100 × $10/M = $0.002:
    // $0.008066, the pattern span's own total, counted once.
    expect(run.calls.map(callRow)).toEqual([
      ['extractor', 'OpenAI', 'gpt-4o-mini', 212, 57, 722, 'ok', 'reported', 66_000_000],
      ['analyst', 'OpenAI', 'gpt-4.1', 1000, 500, 1800, 'ok', 'estimated', 6_000_000_000],
      ['reviewer', 'OpenAI', 'gpt-4o', 400, 100, 800, 'ok', 'estimated', 2_000_000_000],
    ]);
    expect(run.totals.costPico).toBe(8_066_000_000);
  });

  it('attaches each call to its own agent when agents run concurrently', async () => {
    const line = otlp([
      { traceId: 'par', spanId: 'r', name: 'fan-out', attrs: { 'gen_ai.workflow.name': 'vote' }, startTimeUnixNano: at(0), endTimeUnixNano: at(10) },
      { traceId: 'par', spanId: 'p', parentSpanId: 'r', name: 'invoke_agent p', attrs: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'p' }, startTimeUnixNano: at(0.5), endTimeUnixNano: at(9.5) },
      { traceId: 'par', spanId: 'q', parentSpanId: 'r', name: 'invoke_agent q', attrs: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'q' }, startTimeUnixNano: at(1), endTimeUnixNano: at(9) },
      { traceId: 'par', spanId: 'pc', parentSpanId: 'p', name: 'chat', attrs: { 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 10 }, startTimeUnixNano: at(2), endTimeUnixNano: at(5) },
      { traceId: 'par', spanId: 'qc', parentSpanId: 'q', name: 'chat', attrs: { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 20 }, startTimeUnixNano: at(3), endTimeUnixNano: at(6) },
      { traceId: 'par', spanId: 'ts', parentSpanId: 'q', name: 'tool', attrs: { 'openinference.span.kind': 'TOOL' }, startTimeUnixNano: at(7), endTimeUnixNano: at(8), status: { code: 2, message: 'no such file' } },
    ]);
    const dir = tempDir();
    const file = path.join(dir, 'par.jsonl');
    writeFileSync(file, jsonl(...otlpToLines(line)!));
    const { loaded } = await summaryOf([file]);
    const run = loaded.runs[0]!;
    expect(run.workflow).toBe('vote');
    expect(shape(run.children)).toEqual([
      { 'agent:p:ok': ['llm:p:gpt-4o-mini'] },
      { 'agent:q:ok': ['llm:q:gpt-4o', { 'tool:tool:failed': [] }] },
    ]);
  });

  it('double instrumentation: an LLM span with an LLM span below it is an event, not a second call', async () => {
    const line = otlp([
      { traceId: 'dbl', spanId: 'outer', parentSpanId: 'x', name: 'ChatOpenAI', attrs: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o', 'llm.token_count.prompt': 100 }, startTimeUnixNano: at(0), endTimeUnixNano: at(2) },
      { traceId: 'dbl', spanId: 'inner', parentSpanId: 'outer', name: 'chat gpt-4o', attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 100 }, startTimeUnixNano: at(0.1), endTimeUnixNano: at(1.9) },
    ]);
    expect(otlpToLines(line)!.map((l) => [l.event_type, l.span_id])).toEqual([
      ['ChatOpenAI', 'outer'],
      ['llm_call', 'inner'],
    ]);
  });
});

describe('OTLP files through the loader', () => {
  it('counts each OpenTelemetry span once, however many events it becomes', async () => {
    const { loadTraces: load } = await import('../src/read/load.js');
    const r = await load([path.join(import.meta.dirname, 'fixtures', 'otlp')]);
    // 8 spans in genai.jsonl, 8 in openinference.jsonl, 7 in pyagent.jsonl.
    expect(r.spans).toBe(23);
    expect(r.skippedLines).toBe(0);
  });
});
