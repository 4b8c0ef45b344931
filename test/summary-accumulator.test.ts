import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SummaryAccumulator, type SummaryMeta } from '../src/aggregate/summary-accumulator.js';
import { loadTraces } from '../src/read/load.js';
import type { Run } from '../src/model/types.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const META: SummaryMeta = { inputs: [], files: [], spans: 0, skippedLines: 0, priceTable: 'x' };

function accumulate(runs: readonly Run[]): SummaryAccumulator {
  const acc = new SummaryAccumulator();
  for (const run of runs) acc.add(run);
  return acc;
}

describe('summary accumulator', () => {
  it('gives the same summary however the runs are split, ordered and sent between threads', async () => {
    const { runs } = await loadTraces(['fixtures', 'test/fixtures/dialects', 'test/fixtures/otlp'], { cwd: ROOT, workers: 0 });
    expect(runs.length).toBeGreaterThan(100);
    const whole = JSON.stringify(accumulate(runs).result(META));

    expect(JSON.stringify(accumulate([...runs].reverse()).result(META))).toBe(whole);

    // Three parts, each as a thread sends it (a structured clone, without its classes), merged out of order.
    const cut = [0, 37, Math.floor(runs.length / 2), runs.length];
    const parts = [0, 1, 2].map((k) => structuredClone(accumulate(runs.slice(cut[k], cut[k + 1]))));
    const merged = new SummaryAccumulator();
    for (const k of [2, 0, 1]) merged.merge(parts[k]!);
    expect(JSON.stringify(merged.result(META))).toBe(whole);

    // One run at a time, each in an accumulator of its own, merged into one.
    const oneByOne = new SummaryAccumulator();
    for (const run of runs) oneByOne.merge(accumulate([run]));
    expect(JSON.stringify(oneByOne.result(META))).toBe(whole);
  });

  it('goes on from a mark, through JSON, as it would have without one, and marks the same again', async () => {
    const { runs } = await loadTraces(['fixtures', 'test/fixtures/dialects', 'test/fixtures/otlp'], { cwd: ROOT, workers: 0 });
    const whole = JSON.stringify(accumulate(runs).result(META));
    const k = Math.floor(runs.length * 0.7);
    const acc = accumulate(runs.slice(0, k));
    const mark = acc.mark();
    const state = JSON.stringify(mark.state);
    // Durations added after the mark are not in it; the mark's copy of the sums does not move either.
    for (const run of runs.slice(k)) acc.add(run);
    expect(JSON.stringify(mark.state)).toBe(state);
    const durations = SummaryAccumulator.durationsAt(mark).map((d) => Float64Array.from(d));
    expect(durations.reduce((n, d) => n + d.length, 0)).toBeGreaterThan(0);
    // Read back as a snapshot is (plain values, the durations with room after them).
    const restored = SummaryAccumulator.restore(JSON.parse(state), durations.map((d) => { const room = new Float64Array(d.length + 5); room.set(d); return room; }));
    expect(JSON.stringify(restored.mark().state)).toBe(state);
    for (const run of runs.slice(k)) restored.add(run);
    expect(JSON.stringify(restored.result(META))).toBe(whole);
    expect(() => SummaryAccumulator.restore(JSON.parse(state), durations.slice(1))).toThrow(/durations/);
  });

  it('sums a model over its agents and workflows, with every call once in the totals and percentiles', () => {
    const call = (agent: string, provider: string, durationMs: number, costPico: number) =>
      ({ agent, provider, model: 'gpt-4o-2024-08-06', modelId: 'gpt-4o', status: 'ok', inputTokens: 10, outputTokens: 5, costPico, costSource: 'reported', durationMs, start: 0, end: durationMs }) as unknown as Run['calls'][number];
    const run = (id: string, workflow: string, calls: Run['calls']) =>
      ({ id, workflow, status: 'ok', start: 0, end: 10, durationMs: 10, totals: { totalTokens: 15 * calls.length, costPico: calls.reduce((s, c) => s + c.costPico!, 0), calls: calls.length }, calls }) as unknown as Run;
    const acc = accumulate([
      run('r1', 'wf-a', [call('planner', 'OpenAI', 100, 1e9), call('coder', 'OpenAI', 300, 2e9)]),
      run('r2', 'wf-b', [call('planner', 'Azure', 200, 3e9)]),
    ]);
    const s = acc.result(META);
    expect(s.steps).toBe(3);
    expect(s.cost.total).toBe(0.006);
    expect(s.latency).toEqual({ p50Ms: 200, p95Ms: 290, p99Ms: 298 });
    expect(s.byModel).toEqual([
      expect.objectContaining({ model: 'gpt-4o', provider: 'OpenAI', written: ['gpt-4o-2024-08-06'], calls: 3, inputTokens: 30, cost: 0.006, p50Ms: 200 }),
    ]);
    // Equal cost: more calls first.
    expect(s.byProvider.map((r) => [r.provider, r.calls, r.cost])).toEqual([
      ['OpenAI', 2, 0.003],
      ['Azure', 1, 0.003],
    ]);
    expect(s.byAgent.map((r) => [r.agent, r.calls, r.cost, r.p50Ms])).toEqual([
      ['planner', 2, 0.004, 150],
      ['coder', 1, 0.002, 300],
    ]);
    expect(s.byWorkflow.map((r) => [r.workflow, r.runs, r.calls, r.cost])).toEqual([
      ['wf-a', 1, 2, 0.003],
      ['wf-b', 1, 1, 0.003],
    ]);
  });
});
