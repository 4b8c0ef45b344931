import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadTraces } from '../src/read/load.js';
import { parseTimestamp } from '../src/normalise/timestamp.js';
import { parseLine } from '../src/normalise/parse-line.js';
import { percentile, percentilesOf } from '../src/aggregate/percentile.js';
import { InputError } from '../src/errors.js';
import { DIALECTS, jsonl, summaryOf, writeTree } from './helpers.js';
import { readFileSync } from 'node:fs';

const call = (over: Record<string, unknown>) => ({
  event_type: 'llm_call_end',
  agent_name: 'a',
  run_id: 'r1',
  model: 'gpt-4o-mini',
  input_tokens: 1000,
  output_tokens: 1000,
  timestamp: '2026-01-05T10:00:00Z',
  ...over,
});

describe('timestamps', () => {
  it('reads epoch seconds, epoch milliseconds, ISO with and without a zone (UTC)', () => {
    expect(parseTimestamp(1767261600.512)).toBe(1767261600512);
    expect(parseTimestamp(1767261600512)).toBe(1767261600512);
    expect(parseTimestamp('2025-06-09T14:32:01.243Z')).toBe(Date.UTC(2025, 5, 9, 14, 32, 1, 243));
    expect(parseTimestamp('2026-06-16T09:00:01')).toBe(Date.UTC(2026, 5, 16, 9, 0, 1));
    expect(parseTimestamp('2026-06-16 09:00:01')).toBe(Date.UTC(2026, 5, 16, 9, 0, 1));
    expect(parseTimestamp('2026-06-16T11:00:01+02:00')).toBe(Date.UTC(2026, 5, 16, 9, 0, 1));
    expect(parseTimestamp('2026-06-16T09:00:01.250500Z')).toBe(Date.UTC(2026, 5, 16, 9, 0, 1, 250) + 0.5);
    expect(parseTimestamp('yesterday')).toBeNull();
    expect(parseTimestamp(Number.NaN)).toBeNull();
  });
});

describe('line parsing', () => {
  it('gives each kind of bad line its reason', () => {
    expect(parseLine('   ')).toEqual({ kind: 'blank' });
    expect(parseLine('[llm_call] agent=x model=gpt-4o')).toEqual({ kind: 'bad', reason: 'not JSON (plain text)' });
    expect(parseLine('data: {"event_type":"x"}')).toEqual({ kind: 'bad', reason: 'server-sent event frame, not a JSON object' });
    expect(parseLine(': keepalive')).toEqual({ kind: 'bad', reason: 'server-sent event comment, not a JSON object' });
    expect(parseLine('[1,2]')).toEqual({ kind: 'bad', reason: 'a JSON array, not an object' });
    expect(parseLine('42')).toEqual({ kind: 'bad', reason: 'a number, not a JSON object' });
    expect(parseLine('{"event_type":"llm_call","tok').kind).toBe('bad');
    expect((parseLine('{"event_type":"llm_call","tok') as { reason: string }).reason).toMatch(/^truncated JSON/);
  });

  it('accepts Python NaN and Infinity as no value, but not inside strings', () => {
    const r = parseLine('{"a":NaN,"b":-Infinity,"c":"NaN stays","d":Infinity}');
    expect(r).toEqual({ kind: 'object', value: { a: null, b: null, c: 'NaN stays', d: null } });
  });
});

describe('bad lines', () => {
  it('reports file:line and a reason, and keeps every good line (BOM, CRLF, NaN, blank lines)', async () => {
    const good = JSON.stringify(call({ duration_ms: 100 }));
    const text =
      '\ufeff' + good + '\r\n' +
      '\r\n' +
      '[llm_call] agent=x\r\n' +
      JSON.stringify(call({ run_id: 'r2' })).replace('"input_tokens":1000', '"input_tokens":NaN') + '\r\n' +
      'data: {"event_type":"llm_call_end"}\r\n' +
      '{"no_type": true}\r\n' +
      JSON.stringify(call({ run_id: 'r3' })) + '\r\n' +
      '{"event_type":"llm_call_end","run_id":"r4","tok';
    const dir = writeTree({ 'win.jsonl': text });
    const r = await loadTraces(['win.jsonl'], { cwd: dir });
    expect(r.skipped.map((s) => `${s.file}:${s.line}: ${s.reason.split(' (')[0]}`)).toEqual([
      'win.jsonl:3: not JSON',
      'win.jsonl:5: server-sent event frame, not a JSON object',
      'win.jsonl:6: JSON object without event_type',
      'win.jsonl:8: truncated JSON',
    ]);
    expect(r.skippedLines).toBe(4);
    expect(r.spans).toBe(3);
    expect(r.runs.map((x) => x.id)).toEqual(['r1', 'r2', 'r3']);
    // NaN tokens are no value: the call keeps its output tokens only.
    expect(r.runs[1]!.calls[0]).toMatchObject({ inputTokens: null, outputTokens: 1000 });
    expect(r.runs[0]!.calls[0]!.durationMs).toBe(100);
  });
});

describe('inputs', () => {
  const tree = () =>
    writeTree({
      'a/one.jsonl': jsonl(call({ run_id: 'one' })),
      'a/deep/two.ndjson': jsonl(call({ run_id: 'two' })),
      'a/deep/three.jsonl.gz': jsonl(call({ run_id: 'three' })),
      'a/four.ndjson.gz': jsonl(call({ run_id: 'four' })),
      'a/notes.txt': 'not a trace',
      'b/five.jsonl': jsonl(call({ run_id: 'five' })),
    });

  it('searches folders recursively for .jsonl and .ndjson, plain or gzipped', async () => {
    const dir = tree();
    const r = await loadTraces(['a'], { cwd: dir });
    expect(r.files).toEqual(['a/deep/three.jsonl.gz', 'a/deep/two.ndjson', 'a/four.ndjson.gz', 'a/one.jsonl']);
    expect(r.runs.map((x) => x.id).sort()).toEqual(['four', 'one', 'three', 'two']);
  });

  it('expands glob patterns and reads each file once however often it is named', async () => {
    const dir = tree();
    const r = await loadTraces(['**/*.jsonl', 'a/one.jsonl', 'a'], { cwd: dir });
    expect(r.files).toEqual(['a/deep/three.jsonl.gz', 'a/deep/two.ndjson', 'a/four.ndjson.gz', 'a/one.jsonl', 'b/five.jsonl']);
    expect(r.spans).toBe(5);
  });

  it('gives the same result whatever the order of the inputs', async () => {
    const one = await summaryOf([path.join(DIALECTS, 'd-spans.jsonl'), path.join(DIALECTS, 'c-studio.jsonl'), path.join(DIALECTS, 'a-recorder.jsonl')]);
    const two = await summaryOf([path.join(DIALECTS, 'a-recorder.jsonl'), path.join(DIALECTS, 'd-spans.jsonl'), path.join(DIALECTS, 'c-studio.jsonl')]);
    expect({ ...one.summary, inputs: [] }).toEqual({ ...two.summary, inputs: [] });
  });

  it('reads gzip by its content, whatever the name', async () => {
    const dir = writeTree({ 'x.jsonl.gz': jsonl(call({ run_id: 'zipped' })) });
    const { renameSync } = await import('node:fs');
    renameSync(path.join(dir, 'x.jsonl.gz'), path.join(dir, 'x.jsonl'));
    const r = await loadTraces(['x.jsonl'], { cwd: dir });
    expect(r.runs.map((x) => x.id)).toEqual(['zipped']);
  });

  it('reports a truncated gzip file and keeps the lines before the cut', async () => {
    const { gzipSync } = await import('node:zlib');
    const { writeFileSync } = await import('node:fs');
    const lines = Array.from({ length: 200 }, (_, i) => JSON.stringify(call({ run_id: `r${i}`, note: 'x'.repeat(i % 50) }))).join('\n');
    const gz = gzipSync(Buffer.from(lines));
    const dir = writeTree({});
    writeFileSync(path.join(dir, 'cut.jsonl.gz'), gz.subarray(0, Math.floor(gz.length * 0.9)));
    const r = await loadTraces(['cut.jsonl.gz'], { cwd: dir });
    expect(r.spans).toBeGreaterThan(100);
    expect(r.spans).toBeLessThan(200);
    expect(r.skipped.at(-1)!.reason).toBe('compressed data ends early');
  });

  it('refuses a missing input, a pattern that matches nothing and an empty folder', async () => {
    const dir = tree();
    await expect(loadTraces(['nope.jsonl'], { cwd: dir })).rejects.toThrow(new InputError('nope.jsonl: no such file or folder'));
    await expect(loadTraces(['**/*.csv'], { cwd: dir })).rejects.toThrow('**/*.csv: pattern matches no file');
    const empty = writeTree({ 'x/readme.txt': 'hi' });
    await expect(loadTraces(['x'], { cwd: empty })).rejects.toThrow('x: folder holds no .jsonl or .ndjson files (plain or .gz)');
  });
});

describe('runs, steps and costs (formats.md rules)', () => {
  const load = async (...objects: unknown[]) => {
    const dir = writeTree({ 't.jsonl': jsonl(...objects) });
    return loadTraces(['t.jsonl'], { cwd: dir });
  };

  it('a nested pattern_start is not a new run; lines after the outer end start a new one', async () => {
    const r = await load(
      { event_type: 'pattern_start', pattern_type: 'p', timestamp: 1 },
      { event_type: 'pattern_start', pattern_type: 'inner', timestamp: 2 },
      { event_type: 'pattern_end', timestamp: 3 },
      { event_type: 'llm_call', agent_name: 'x', model: 'gpt-4o', timestamp: 4 },
      { event_type: 'pattern_end', status: 'cancelled', timestamp: 5 },
      { event_type: 'pattern_start', pattern_type: 'q', timestamp: 6 },
      { event_type: 'pattern_end', timestamp: 7 },
    );
    expect(r.runs.map((x) => [x.id, x.pattern, x.calls.length, x.status, x.statusText])).toEqual([
      ['t.jsonl:1', 'p', 1, 'failed', 'cancelled'],
      ['t.jsonl:6', 'q', 0, 'ok', null],
    ]);
  });

  it('an agent step that ends while one inside it is open closes alone: later lines go to the inner one', async () => {
    const r = await load(
      { event_type: 'pattern_start', pattern_type: 'p', timestamp: 1 },
      { event_type: 'agent_start', agent_name: 'outer', timestamp: 2 },
      { event_type: 'agent_start', agent_name: 'inner', timestamp: 3 },
      { event_type: 'agent_end', agent_name: 'outer', timestamp: 4 },
      { event_type: 'tool_call', timestamp: 5 },
      { event_type: 'agent_end', agent_name: 'inner', timestamp: 6 },
      { event_type: 'pattern_end', timestamp: 7 },
    );
    const [outer] = r.runs[0]!.children;
    // Numbers are epoch seconds: 4 is 4,000 ms.
    expect(outer).toMatchObject({ kind: 'agent', agent: 'outer', end: 4000, status: 'ok' });
    const inner = outer?.kind === 'agent' ? outer.children[0] : undefined;
    expect(inner).toMatchObject({ kind: 'agent', agent: 'inner', end: 6000, status: 'ok' });
    expect(inner?.kind === 'agent' && inner.children.map((c) => (c.kind === 'event' ? c.eventType : c.kind))).toEqual(['tool_call']);
  });

  it('an end named by its call id pairs with that start, not the newest; the next end pairs with the one left', async () => {
    const line = (over: Record<string, unknown>) => ({ agent_name: 'a', run_id: 'r', model: 'gpt-4o', ...over });
    const r = await load(
      line({ event_type: 'llm_call_start', call_id: 'first', timestamp: 1 }),
      line({ event_type: 'llm_call_start', call_id: 'second', timestamp: 2 }),
      line({ event_type: 'llm_call_end', call_id: 'first', input_tokens: 10, output_tokens: 1, timestamp: 3 }),
      line({ event_type: 'llm_call_end', input_tokens: 20, output_tokens: 2, timestamp: 4 }),
    );
    expect(r.runs[0]!.calls.map((c) => [c.start, c.end, c.inputTokens, c.status])).toEqual([
      [1000, 3000, 10, 'ok'],
      [2000, 4000, 20, 'ok'],
    ]);
  });

  it('a run id on the line wins over position, across files', async () => {
    const dir = writeTree({
      '1.jsonl': jsonl(call({ run_id: 'shared', timestamp: '2026-01-05T10:00:00Z' })),
      '2.jsonl': jsonl(call({ run_id: 'shared', timestamp: '2026-01-05T10:00:05Z' })),
    });
    const r = await loadTraces([dir]);
    expect(r.runs).toHaveLength(1);
    expect(r.runs[0]!.calls).toHaveLength(2);
    expect(r.runs[0]!.durationMs).toBe(5000);
    expect(r.runs[0]!.files.map((f) => path.basename(f))).toEqual(['1.jsonl', '2.jsonl']);
  });

  it('a reported cost is never changed, even when the table would say otherwise', async () => {
    const r = await load(call({ cost_usd: 0.5 }));
    expect(r.runs[0]!.calls[0]).toMatchObject({ costPico: 500_000_000_000, costSource: 'reported' });
  });

  it('unpriced calls say why and count as unpriced, never as $0', async () => {
    const r = await load(
      call({ run_id: 'a', model: 'default' }),
      call({ run_id: 'b', model: 'in-house-7b' }),
      call({ run_id: 'c', input_tokens: null, output_tokens: null }),
      call({ run_id: 'd', model: '' }),
    );
    expect(r.runs.map((x) => [x.calls[0]!.costSource, x.calls[0]!.costPico, x.calls[0]!.unpricedReason])).toEqual([
      ['unpriced', null, 'placeholder model "default"'],
      ['unpriced', null, 'model not in the price table (2026-09-23)'],
      ['unpriced', null, 'no token counts'],
      ['unpriced', null, 'no model'],
    ]);
    const { summarise } = await import('../src/aggregate/summarise.js');
    const s = summarise({ ...r, priceTable: r.prices.date });
    expect(s.cost).toMatchObject({ total: 0, unpricedSteps: 4 });
  });

  it('keys under payload, data and metadata, and the alternative names, are all read', async () => {
    const r = await load(
      { type: 'llm_call_end', payload: { run_id: 'p', agent: 'x', model: 'gpt-4o', prompt_tokens: 100, completion_tokens: 10, latency_ms: 5, cost: 0.001 }, timestamp: 1 },
      { event_type: 'llm_call_end', data: { run_id: 'd', agent_name: 'y', model: 'gpt-4o', input_tokens: 100, output_tokens: 10, elapsed_ms: 7 }, timestamp: 1 },
      { event_type: 'llm_call', metadata: { trace_id: 'm', model: 'gpt-4o', input_tokens: 100, output_tokens: 10, duration_seconds: 1.5 }, agent: 'z', timestamp: 1 },
    );
    expect(r.runs.map((x) => [x.id, x.calls[0]!.agent, x.calls[0]!.inputTokens, x.calls[0]!.outputTokens, x.calls[0]!.durationMs, x.calls[0]!.costSource])).toEqual([
      ['m', 'z', 100, 10, 1500, 'estimated'],
      ['d', 'y', 100, 10, 7, 'estimated'],
      ['p', 'x', 100, 10, 5, 'reported'],
    ]);
  });

  it('a cost_record is counted once and only by the call before it of the same agent and model', async () => {
    const r = await load(
      { event_type: 'llm_call', run_id: 'r', agent_name: 'a', model: 'gpt-4o', tokens: 30, timestamp: 1 },
      { event_type: 'llm_call', run_id: 'r', agent_name: 'b', model: 'gpt-4o', tokens: 30, timestamp: 2 },
      { event_type: 'cost_record', run_id: 'r', agent_name: 'a', model: 'gpt-4o', input_tokens: 20, output_tokens: 10, cost_usd: 0.25, timestamp: 3 },
      { event_type: 'cost_record', run_id: 'r', agent_name: 'a', model: 'gpt-4o', input_tokens: 20, output_tokens: 10, cost_usd: 0.5, timestamp: 4 },
    );
    const calls = r.runs[0]!.calls;
    // The second record finds no uncosted call of agent a, so it stands for a call of its own.
    expect(calls.map((c) => [c.agent, c.costSource, c.costPico])).toEqual([
      ['a', 'reported', 250_000_000_000],
      ['b', 'unpriced', null],
      ['a', 'reported', 500_000_000_000],
    ]);
  });

  it('a cost_record repeated after its call was costed is counted once, by the agent’s latest call then and later', async () => {
    const rec = (usd: number, t: number) => ({ event_type: 'cost_record', run_id: 'r', agent_name: 'a', model: 'gpt-4o', cost_usd: usd, timestamp: t });
    const llm = (agent: string, t: number) => ({ event_type: 'llm_call', run_id: 'r', agent_name: agent, model: 'gpt-4o', tokens: 30, timestamp: t });
    const r = await load(
      llm('a', 1), rec(0.1, 2),
      llm('a', 3), rec(0.2, 4),
      llm('b', 5),
      // Every call of a is costed: the record repeats a's latest call (#2), not its first.
      rec(0.2, 6),
      // A call of a made after that is the one a repeat names next.
      llm('a', 7), rec(0.3, 8), rec(0.3, 9),
    );
    const run = r.runs[0]!;
    expect(run.calls.map((c) => [c.agent, c.costPico])).toEqual([
      ['a', 100_000_000_000],
      ['a', 200_000_000_000],
      ['b', null],
      ['a', 300_000_000_000],
    ]);
    expect(run.children.filter((n) => n.kind === 'event').map((n) => n.kind === 'event' && [n.detail, n.source.line])).toEqual([
      ['repeats the cost record of step #2: counted once', 6],
      ['repeats the cost record of step #4: counted once', 9],
    ]);
  });

  it('an error fails the latest call of its step, after an outer step ended while it was open', async () => {
    const llm = (agent: string, t: number) => ({ event_type: 'llm_call', run_id: 'r', agent_name: agent, model: 'gpt-4o', tokens: 30, timestamp: t });
    const r = await load(
      { event_type: 'pattern_start', run_id: 'r', pattern_type: 'p', timestamp: 1 },
      { event_type: 'agent_start', run_id: 'r', agent_name: 'outer', timestamp: 2 },
      llm('outer', 3),
      { event_type: 'agent_start', run_id: 'r', agent_name: 'inner', timestamp: 4 },
      llm('inner', 5),
      { event_type: 'agent_end', run_id: 'r', agent_name: 'outer', timestamp: 6 },
      { event_type: 'error', run_id: 'r', agent_name: 'inner', message: 'boom', timestamp: 7 },
      { event_type: 'pattern_end', run_id: 'r', timestamp: 8 },
    );
    const run = r.runs[0]!;
    expect(run.calls.map((c) => [c.agent, c.status, c.error, c.source.line])).toEqual([
      ['outer', 'ok', null, 3],
      ['inner', 'failed', 'boom', 5],
    ]);
  });

  it('lines outside any run form a run of their own, named by file and line', async () => {
    const r = await load({ event_type: 'llm_call', agent_name: 'a', model: 'gpt-4o', timestamp: 1 }, { event_type: 'llm_call', agent_name: 'a', model: 'gpt-4o', timestamp: 2 });
    expect(r.runs.map((x) => [x.id, x.syntheticId, x.calls.length, x.status])).toEqual([['t.jsonl:1', true, 2, 'ok']]);
  });
});

describe('percentiles', () => {
  it('interpolate linearly between ranks, as numpy and DuckDB quantile_cont', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10], 99)).toBe(10);
    expect(percentile([], 50)).toBeNull();
    expect(percentile([0, 100], 95)).toBe(95);
  });

  it('selected (large inputs) equal the sorted ones, whatever the order, spread and repeats', () => {
    let seed = 3;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const sorted = (v: number[]) => {
      const a = Float64Array.from(v).sort();
      return { p50Ms: percentile(a, 50), p95Ms: percentile(a, 95), p99Ms: percentile(a, 99) };
    };
    const shapes: ((n: number) => number[])[] = [
      (n) => Array.from({ length: n }, () => Math.round(rand() * 5_000_000) / 1000),
      (n) => Array.from({ length: n }, () => Math.floor(rand() * 4)), // few distinct values
      (n) => Array.from({ length: n }, () => 7), // all equal
      (n) => Array.from({ length: n }, (_, i) => i), // ascending
      (n) => Array.from({ length: n }, (_, i) => n - i), // descending
      (n) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? i : n - i)), // organ pipe
      // A shuffle of 0 … n - 1: the value after each rank is one more, found only in the right place.
      (n) => {
        const v = Array.from({ length: n }, (_, i) => i);
        for (let i = n - 1; i > 0; i--) {
          const j = Math.floor(rand() * (i + 1));
          [v[i], v[j]] = [v[j]!, v[i]!];
        }
        return v;
      },
      (n) => Array.from({ length: n }, () => (rand() < 0.5 ? -0 : 0)),
      (n) => Array.from({ length: n }, () => 10 ** (rand() * 12) * (rand() < 0.1 ? -1 : 1)),
      // NaN sorts last (a sort is used then): anywhere in the values, once or often.
      (n) => Array.from({ length: n }, (_, i) => (i === n >> 1 ? Number.NaN : Math.round(rand() * 1000))),
      (n) => Array.from({ length: n }, (_, i) => (i === 0 ? Number.NaN : Math.round(rand() * 1000))),
      (n) => Array.from({ length: n }, () => (rand() < 0.3 ? Number.NaN : rand())),
    ];
    for (const shape of shapes) {
      for (const n of [255, 256, 257, 1000, 1001, 4097, 20_011, 100_000]) {
        const values = shape(n);
        expect(percentilesOf(values), `${shape.toString()} n=${n}`).toEqual(sorted(values));
      }
    }
    expect(percentilesOf([])).toEqual({ p50Ms: null, p95Ms: null, p99Ms: null });
  });
});

describe('fixtures stay as written', () => {
  it('the dialect fixtures are the formats.md examples', () => {
    const b = readFileSync(path.join(DIALECTS, 'b-eventbus.jsonl'), 'utf8').split('\n');
    expect(b[0]).toBe('{"timestamp":1767261600.500112,"event_type":"pattern_start","agent_name":"","pattern_type":"pipeline","payload":{"pattern_type":"pipeline"}}');
  });
});

describe('dialect C errors', () => {
  it('an error naming a model in a step with no call is a failed call; one after a call fails that call', async () => {
    const dir = writeTree({
      't.jsonl': jsonl(
        { event_type: 'pattern_start', workflow: 'w', run_id: 'r', timestamp: '2026-01-05T10:00:00' },
        { event_type: 'agent_start', agent_name: 'A', timestamp: '2026-01-05T10:00:01' },
        { event_type: 'error', agent_name: 'A', model: 'claude-sonnet-4', message: '529 Overloaded', timestamp: '2026-01-05T10:00:02' },
        { event_type: 'agent_end', agent_name: 'A', timestamp: '2026-01-05T10:00:02' },
        { event_type: 'agent_start', agent_name: 'B', timestamp: '2026-01-05T10:00:03' },
        { event_type: 'error', agent_name: 'B', message: 'tool crashed', timestamp: '2026-01-05T10:00:04' },
        { event_type: 'agent_end', agent_name: 'B', timestamp: '2026-01-05T10:00:04' },
        { event_type: 'pattern_end', run_id: 'r', status: 'failed', timestamp: '2026-01-05T10:00:05' },
      ),
    });
    const r = await loadTraces(['t.jsonl'], { cwd: dir });
    const run = r.runs[0]!;
    expect(run.calls.map((c) => [c.agent, c.model, c.status, c.error])).toEqual([['A', 'claude-sonnet-4', 'failed', '529 Overloaded']]);
    // The error line says when the call failed, not how long it ran.
    expect(run.calls[0]!.durationMs).toBeNull();
    expect(run.children.map((n) => (n.kind === 'agent' ? [n.agent, n.status, n.error] : n.kind))).toEqual([
      ['A', 'failed', '529 Overloaded'],
      ['B', 'failed', 'tool crashed'],
    ]);
  });
});

describe('timestamp fast path', () => {
  it('reads every common ISO shape exactly as the general reader does', async () => {
    const { fastIso, parseTimestampSlow } = await import('../src/normalise/timestamp.js');
    const samples: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const ms = Date.UTC(2020, 0, 1) + i * 7_919_999_937;
      const iso = new Date(ms).toISOString();
      samples.push(iso, iso.slice(0, 19), iso.slice(0, 19) + 'Z', iso.slice(0, 23) + String(i % 1000).padStart(3, '0'), iso.slice(0, 21) + 'Z');
    }
    // Leap seconds (RFC 3339): the next second's start, on either path.
    samples.push('2016-12-31T23:59:60Z', '2016-12-31T23:59:60.5Z', '1969-06-11T10:45:60.1234567', '9999-12-31T23:59:60');
    samples.push('2024-02-29T23:59:59.999999Z', '2026-06-16T09:00:01', '0026-01-05T00:00:00Z', '1900-02-28T12:00:00.5Z', '2000-02-29T00:00:00Z', '1969-12-31T23:59:59.999Z');
    // Every day of 1600 to 2400 at noon: leap years by the Gregorian rule.
    for (let day = Date.UTC(1600, 0, 1); day < Date.UTC(2400, 0, 1); day += 86_400_000 * 13) samples.push(new Date(day + 43_200_000).toISOString());
    for (const s of samples) expect(fastIso(s), s).toBe(parseTimestampSlow(s));
    expect(parseTimestampSlow('2016-12-31T23:59:60Z')).toBe(Date.UTC(2017, 0, 1));
    expect(parseTimestampSlow('2016-12-31 23:59:60.25+00:00')).toBe(Date.UTC(2017, 0, 1) + 250);
    expect(parseTimestampSlow('2017-01-01T08:59:60+09:00')).toBe(Date.UTC(2017, 0, 1));
    expect(parseTimestampSlow('2016-12-31T23:59:61Z')).toBeNull();
    for (const bad of ['20é6-10-13T05:35:26.819Z', '2O26-01-01T00:00:00Z', '2026-02-30T00:00:00Z', '1900-02-29T00:00:00Z', '2026-00-10T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T00:00:00.Z', '2026-01-01Tab:00:00Z']) {
      expect(fastIso(bad), bad).toBeNull();
    }
  });
});
