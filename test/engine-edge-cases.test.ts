import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarise } from '../src/aggregate/summarise.js';
import { parseSpanFilter, spanMatcher } from '../src/query/filter.js';
import type { Span } from '../src/model/types.js';
import { loadTraces } from '../src/read/load.js';
import { parseTimestamp } from '../src/normalise/timestamp.js';
import { TraceService } from '../src/service/trace-service.js';
import { formatSpans } from '../src/format/span-output.js';
import { jsonl, writeTree } from './helpers.js';

const load = async (...objects: unknown[]) => {
  const dir = writeTree({ 't.jsonl': jsonl(...objects) });
  return loadTraces(['t.jsonl'], { cwd: dir });
};
const at = (s: number) => `2026-01-05T10:00:${String(s).padStart(2, '0')}Z`;

describe('runs', () => {
  it('a run id on a nested pattern_start names the run opened by position', async () => {
    const r = await load(
      { event_type: 'pattern_start', pattern_type: 'pipeline', timestamp: 1 },
      { event_type: 'pattern_start', payload: { run_id: 'r-1' }, timestamp: 2 },
      { event_type: 'llm_call', agent_name: 'a', model: 'gpt-4o', timestamp: 3 },
      { event_type: 'pattern_end', timestamp: 4 },
      { event_type: 'pattern_end', timestamp: 5 },
    );
    expect(r.runs.map((x) => [x.id, x.syntheticId, x.status, x.calls.length, x.pattern])).toEqual([['r-1', false, 'ok', 1, 'pipeline']]);
  });

  it('a run ended by pattern_end without a status is a success, even after a failed call (formats.md)', async () => {
    const r = await load(
      { event_type: 'pattern_start', run_id: 'r', timestamp: 1 },
      { event_type: 'llm_call_error', agent_name: 'a', model: 'gpt-4o', error: 'retry', timestamp: 2 },
      { event_type: 'llm_call', agent_name: 'a', model: 'gpt-4o', timestamp: 3 },
      { event_type: 'pattern_end', run_id: 'r', timestamp: 4 },
    );
    expect(r.runs[0]!.status).toBe('ok');
  });

  it('a crashed call does not take the end of a later call of another agent', async () => {
    const r = await load(
      { event_type: 'pattern_start', pattern_type: 'p', timestamp: 1 },
      { event_type: 'agent_start', agent_name: 'x', timestamp: 2 },
      { event_type: 'provider_call_start', agent_name: 'openai', payload: { model: 'gpt-4o' }, timestamp: 3 },
      { event_type: 'agent_start', agent_name: 'y', timestamp: 10 },
      { event_type: 'provider_call_start', agent_name: 'openai', payload: { model: 'gpt-4o' }, timestamp: 11 },
      { event_type: 'provider_call_end', agent_name: 'openai', payload: { model: 'gpt-4o', duration_seconds: 1 }, timestamp: 12 },
    );
    expect(r.runs[0]!.calls.map((c) => [c.agent, c.status, c.durationMs])).toEqual([
      ['x', 'incomplete', null],
      ['y', 'ok', 1000],
    ]);
  });
});

describe('calls', () => {
  it('pairs a start with an end read before it (a run split across files read in name order)', async () => {
    const dir = writeTree({
      'b.jsonl': jsonl({ event_type: 'llm_call_end', run_id: 'r', agent_name: 'a', model: 'gpt-4o', input_tokens: 10, output_tokens: 5, timestamp: at(5) }),
      'a-later.jsonl': jsonl({ event_type: 'llm_call_start', run_id: 'r', agent_name: 'a', model: 'gpt-4o', timestamp: at(2) }),
    });
    const r = await loadTraces([dir]);
    expect(r.runs[0]!.calls.map((c) => [c.status, c.durationMs])).toEqual([['ok', 3000]]);
    expect(r.runs[0]!.status).toBe('ok');
  });

  it('reads files in natural order: part-9 before part-10', async () => {
    const dir = writeTree({
      'part-10.jsonl': jsonl({ event_type: 'llm_call_end', run_id: 'r', agent_name: 'a', model: 'gpt-4o', timestamp: at(5) }),
      'part-9.jsonl': jsonl({ event_type: 'llm_call_start', run_id: 'r', agent_name: 'a', model: 'gpt-4o', timestamp: at(2) }),
    });
    const r = await loadTraces([dir]);
    expect(r.files.map((f) => path.basename(f))).toEqual(['part-9.jsonl', 'part-10.jsonl']);
  });

  it('pairs many out-of-order ends by call id without slowing down', async () => {
    const lines: unknown[] = [];
    for (let i = 0; i < 20_000; i++) lines.push({ event_type: 'llm_call_start', run_id: 'r', agent_name: 'a', model: 'gpt-4o', call_id: `c${i}`, timestamp: 1 });
    for (let i = 19_999; i >= 0; i--) lines.push({ event_type: 'llm_call_end', run_id: 'r', agent_name: 'a', model: 'gpt-4o', call_id: `c${i}`, duration_ms: i, timestamp: 2 });
    const r = await load(...lines);
    const calls = r.runs[0]!.calls;
    expect(calls).toHaveLength(20_000);
    expect(calls[123]!.durationMs).toBe(123);
    expect(calls.every((c) => c.status === 'ok')).toBe(true);
  });

  it('an error in a tool step is not an LLM call', async () => {
    const r = await load(
      { event_type: 'agent_start', run_id: 'r', agent_name: 'search_logs', kind: 'tool', timestamp: 1 },
      { event_type: 'error', run_id: 'r', agent_name: 'search_logs', model: 'claude-sonnet-4', message: 'tool timeout', timestamp: 2 },
      { event_type: 'agent_end', run_id: 'r', agent_name: 'search_logs', timestamp: 3 },
    );
    expect(r.runs[0]!.calls).toHaveLength(0);
    expect(r.runs[0]!.children[0]).toMatchObject({ kind: 'agent', status: 'failed', error: 'tool timeout' });
  });

  it('the same cost_record written twice is counted once', async () => {
    const record = { event_type: 'cost_record', run_id: 'r', agent_name: 'a', model: 'claude-sonnet-4', input_tokens: 520, output_tokens: 240, cost_usd: 0.00516, timestamp: 3 };
    const r = await load({ event_type: 'llm_call', run_id: 'r', agent_name: 'a', model: 'claude-sonnet-4', tokens: 760, timestamp: 2 }, record, record);
    const s = summarise({ ...r, priceTable: 'x' });
    expect([s.steps, s.cost.total]).toEqual([1, 0.00516]);
  });

  it('takes no negative duration, negative tokens, hexadecimal strings or an impossible cost', async () => {
    const r = await load(
      { event_type: 'llm_call_start', run_id: 'a', agent_name: 'x', model: 'gpt-4o', timestamp: at(5) },
      { event_type: 'llm_call_end', run_id: 'a', agent_name: 'x', model: 'gpt-4o', timestamp: at(1) },
      { event_type: 'llm_call_end', run_id: 'b', model: 'gpt-4o', duration_ms: '-300', input_tokens: -1000, output_tokens: '0x10', timestamp: 1 },
      { event_type: 'llm_call_end', run_id: 'c', model: 'gpt-4o', cost_usd: 1e300, input_tokens: 1000, output_tokens: 0, timestamp: 1 },
    );
    const [a, b, c] = ['a', 'b', 'c'].map((id) => r.runs.find((x) => x.id === id)!.calls[0]!);
    expect(a!.durationMs).toBeNull();
    expect([b!.durationMs, b!.inputTokens, b!.outputTokens]).toEqual([null, null, null]);
    // 1e300 USD is no usable amount: the call is priced from the table instead (1000 × $2.50/M).
    expect([c!.costSource, c!.costPico]).toEqual(['estimated', 2_500_000_000]);
    const s = summarise({ ...r, priceTable: 'x' });
    expect(Number.isFinite(s.cost.total)).toBe(true);
  });
});

describe('inputs', () => {
  it('reads a file once when a link or a second path leads to it', async () => {
    const dir = writeTree({ 'logs/sub/d.jsonl': jsonl({ event_type: 'llm_call_end', run_id: 'r', model: 'gpt-4o', timestamp: 1 }) });
    symlinkSync(path.join(dir, 'logs/sub'), path.join(dir, 'logs/latest'));
    symlinkSync(path.join(dir, 'logs/sub/d.jsonl'), path.join(dir, 'link.jsonl'));
    const r = await loadTraces(['logs', 'link.jsonl', path.join(dir, 'logs/sub/d.jsonl')], { cwd: dir });
    expect(r.files).toEqual(['link.jsonl']);
    expect(r.runs[0]!.calls).toHaveLength(1);
  });

  it('keeps a line after a byte-order mark in the middle of a file (files joined with cat)', async () => {
    const line = JSON.stringify({ event_type: 'llm_call_end', run_id: 'r', model: 'gpt-4o', timestamp: 1 });
    const dir = writeTree({});
    writeFileSync(path.join(dir, 'joined.jsonl'), `\ufeff${line}\r\n\ufeff${line.replace('"r"', '"s"')}\r\n`);
    const r = await loadTraces(['joined.jsonl'], { cwd: dir });
    expect([r.skippedLines, r.runs.length]).toEqual([0, 2]);
  });

  it('names a file below the working folder relatively however it was given', async () => {
    const dir = writeTree({ 'x/t.jsonl': jsonl({ event_type: 'llm_call_end', model: 'gpt-4o', timestamp: 1 }) });
    const r = await loadTraces([path.join(dir, 'x')], { cwd: dir });
    expect(r.files).toEqual(['x/t.jsonl']);
    expect(r.runs[0]!.id).toBe('x/t.jsonl:1');
  });
});

describe('query', () => {
  it('reads the same spans without finishing the runs when it needs only the spans', async () => {
    const ROOT = path.resolve(import.meta.dirname, '..');
    const spans = (keepRuns: boolean) => {
      const out: string[] = [];
      return loadTraces(['test/fixtures/dialects'], { cwd: ROOT, keepRuns, onSpan: (s) => void out.push(JSON.stringify(s)) }).then((r) => ({ r, out }));
    };
    const all = await spans(true);
    const lean = await spans(false);
    expect(all.r.runs.length).toBe(9);
    expect(lean.r.runs).toEqual([]);
    expect(lean.out).toEqual(all.out);
    expect(lean.out).toHaveLength(all.r.spans);
    expect({ ...lean.r, runs: [] }).toEqual({ ...all.r, runs: [] });
    // Read on worker threads (no spans asked for), the runs are left the same way.
    const threads = await loadTraces(['test/fixtures/dialects'], { cwd: ROOT, keepRuns: false, workers: 2, parallelFrom: 0 });
    expect(threads.runs).toEqual([]);
    expect(threads.spans).toBe(all.r.spans);
  });

  it('gives the spans a filter passes exactly as the full path with whole runs does, fields included, reading flat lines the fast way', async () => {
    const ROOT = path.resolve(import.meta.dirname, '..');
    const filters = [{}, { status: 'failed' }, { eventType: 'llm_call_end' }, { model: 'claude-sonnet-4' }, { agentName: 'billing_agent' }, { minDurationMs: 1000 }, { since: '2026-01-05T14:00:02Z' }, { workflow: 'digest' }];
    let taken = 0;
    for (const inputs of [['fixtures'], ['test/fixtures/dialects'], ['test/fixtures/otlp'], ['test/fixtures/hostile']]) {
      const full: Span[] = [];
      // The reference: every line parsed whole, and the runs built whole (`query` keeps only their context).
      const plain = await loadTraces(inputs, { cwd: ROOT, fastPath: false, onSpan: (s) => void full.push(s) });
      for (const filter of filters) {
        const match = spanMatcher(parseSpanFilter(filter));
        const found: Span[] = [];
        const fast = await loadTraces(inputs, { cwd: ROOT, keepRuns: false, spanFilter: match, onSpan: (s) => void found.push(s) });
        expect(found, `${inputs[0]} ${JSON.stringify(filter)}`).toEqual(full.filter(match));
        expect(fast.skipped).toEqual(plain.skipped);
        expect(fast.spans).toBe(plain.spans);
        taken += found.length;
        // For outputs that show no original fields (the table, CSV), the same spans without them,
        // read on this thread or on worker threads (tiny chunks: runs and their context cross them).
        const bare: Span[] = [];
        await loadTraces(inputs, { cwd: ROOT, keepRuns: false, spanFilter: match, spanFields: false, onSpan: (s) => void bare.push(s) });
        expect(bare).toEqual(found.map((s) => ({ ...s, fields: {} })));
        const threaded: Span[] = [];
        const onThreads = await loadTraces(inputs, { cwd: ROOT, keepRuns: false, spanFilter: match, spanFields: false, workers: 2, parallelFrom: 0, chunkBytes: 2048, onSpan: (s) => void threaded.push(s) });
        expect(threaded, `${inputs[0]} ${JSON.stringify(filter)} on threads`).toEqual(bare);
        expect(onThreads.skipped).toEqual(plain.skipped);
        expect(onThreads.skippedLines).toBe(plain.skippedLines);
        expect(onThreads.spans).toBe(plain.spans);
        // With their fields (JSON output): read again from the lines in the files on this thread
        // (`fixtures` holds gzipped files, and is read on this thread alone).
        const fielded: Span[] = [];
        await loadTraces(inputs, { cwd: ROOT, keepRuns: false, spanFilter: match, workers: 2, parallelFrom: 0, chunkBytes: 2048, onSpan: (s) => void fielded.push(s) });
        expect(fielded, `${inputs[0]} ${JSON.stringify(filter)} on threads, with fields`).toEqual(found);
      }
    }
    expect(taken).toBeGreaterThan(1000);
  });

  it('gives each span the status of the call: a line with an error is failed', async () => {
    const dir = writeTree({
      'q.jsonl': jsonl(
        { event_type: 'llm_call_end', run_id: 'r', model: 'gpt-4o', error: 'boom', timestamp: 1 },
        { event_type: 'llm_call_end', run_id: 'r', model: 'gpt-4o', status: 'error', timestamp: 2 },
        { event_type: 'llm_call_end', run_id: 'r', model: 'gpt-4o', status: 'success', timestamp: 3 },
      ),
    });
    const svc = new TraceService({ cwd: dir });
    await svc.load('q.jsonl');
    expect(svc.query({ status: 'failed' }).map((s) => s.line)).toEqual([1, 2]);
    expect(svc.query({ status: 'ok' }).map((s) => s.line)).toEqual([3]);
  });

  it('--until with a date alone includes that whole day', () => {
    expect(parseSpanFilter({ until: '2026-01-05' }).until).toBe(Date.UTC(2026, 0, 6) - 1);
    expect(parseSpanFilter({ since: '2026-01-05' }).since).toBe(Date.UTC(2026, 0, 5));
  });

  it('prints a span whose fields are nested too deeply, instead of crashing', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = [deep];
    const span = { eventType: 'x', agentName: null, runId: 'r', workflow: null, pattern: null, provider: null, model: null, modelId: null, inputTokens: null, outputTokens: null, durationMs: null, costEstimate: null, timestamp: null, status: null, error: null, file: 'f', line: 1, fields: { deep } };
    expect(JSON.parse(formatSpans([span], 'jsonl', { colour: false }))).toMatchObject({ runId: 'r', fields: '(nested too deeply to print)' });
  });
});

describe('timestamps', () => {
  it('refuses a day that does not exist and reads an hour-only offset', () => {
    expect(parseTimestamp('2026-02-30T10:00:00')).toBeNull();
    expect(parseTimestamp('2026-01-05T10:00:00+05')).toBe(Date.UTC(2026, 0, 5, 5));
  });
});

describe('token counts', () => {
  it('takes a count above a trillion as broken, and prices fractional counts to the pico-dollar', async () => {
    const r = await load(
      { event_type: 'llm_call', run_id: 'a', model: 'gpt-4o', input_tokens: 1e300, output_tokens: 10, timestamp: 1 },
      { event_type: 'llm_call', run_id: 'b', model: 'gpt-4o', input_tokens: 0.3, output_tokens: 0, timestamp: 1 },
    );
    const [a, b] = ['a', 'b'].map((id) => r.runs.find((x) => x.id === id)!.calls[0]!);
    // 10 output tokens × $10/M = $0.0001; the broken input count is no value.
    expect([a!.inputTokens, a!.costPico]).toEqual([null, 100_000_000]);
    // 0.3 × $2.50/M = 750,000 pico-dollars.
    expect([b!.costSource, b!.costPico]).toEqual(['estimated', 750_000]);
  });
});
