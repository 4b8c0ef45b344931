import { describe, expect, it } from 'vitest';
import type { AgentStep, EventNode, LlmCall, Run } from '../src/model/types.js';
import { fixture, summaryOf, DIALECTS } from './helpers.js';

const callsOf = (r: Run) => r.calls.map((c) => ({ agent: c.agent, model: c.model, status: c.status, source: c.costSource, pico: c.costPico }));
const byId = (runs: Run[], id: string) => runs.find((r) => r.id === id)!;

describe('dialect D: documented span format', () => {
  it('pairs starts with ends and errors, prices and dates every call (sums worked by hand)', async () => {
    const { loaded, summary } = await summaryOf([fixture('d-spans.jsonl')]);
    expect(summary.spans).toBe(8);
    expect(summary.runs).toBe(3);
    // run-9: 410/95 tok reported $0.00012, then a timeout error with no start = a failed call on its own.
    const run9 = byId(loaded.runs, 'run-9');
    expect(run9.status).toBe('failed');
    expect(callsOf(run9)).toEqual([
      { agent: 'summarizer', model: 'gpt-4o-mini', status: 'ok', source: 'reported', pico: 120_000_000 },
      { agent: 'summarizer', model: 'gpt-4o-mini', status: 'failed', source: 'unpriced', pico: null },
    ]);
    expect(run9.calls[1]!.error).toBe('timeout');
    expect(run9.durationMs).toBe(30_812); // 14:00:02.308 → 14:00:33.120
    // run-10: claude-sonnet-4 180 in × $3/M + 140 out × $15/M = $0.00264; gpt-4.1 1000 × $2/M + 500 × $8/M = $0.006.
    const run10 = byId(loaded.runs, 'run-10');
    expect(run10.status).toBe('ok');
    expect(run10.calls.map((c) => c.costPico)).toEqual([2_640_000_000, 6_000_000_000]);
    expect(run10.calls.map((c) => c.costSource)).toEqual(['estimated', 'estimated']);
    expect(run10.calls[0]!.modelId).toBe('claude-sonnet-4');
    expect(run10.calls[0]!.model).toBe('claude-sonnet-4-20250514');
    // run-11: a start with no end is an incomplete call, and its run is incomplete.
    const run11 = byId(loaded.runs, 'run-11');
    expect(run11.status).toBe('incomplete');
    expect(run11.calls[0]!.status).toBe('incomplete');
    expect(run11.calls[0]!.provider).toBe('Other');

    expect(summary.steps).toBe(5);
    expect(summary.failedSteps).toBe(1);
    expect(summary.incompleteSteps).toBe(1);
    expect(summary.failedRuns).toBe(1);
    expect(summary.incompleteRuns).toBe(1);
    expect(summary.tokens).toEqual({ input: 1590, output: 735, total: 2325 });
    expect(summary.cost).toMatchObject({ total: 0.00876, reported: 0.00012, estimated: 0.00864, unpricedSteps: 2 });
    expect(summary.timeRange).toEqual({ start: '2026-01-05T14:00:02.308Z', end: '2026-01-06T08:00:00.000Z' });
    // A call counts on the UTC day its end was recorded: the gpt-4.1 call ends 00:00:00.5 on the 6th.
    expect(summary.byDay.map(({ date, cost, runs, calls }) => ({ date, cost, runs, calls }))).toEqual([
      { date: '2026-01-05', cost: 0.00276, runs: 2, calls: 3 },
      { date: '2026-01-06', cost: 0.006, runs: 1, calls: 2 },
    ]);
    const mini = summary.byModel.find((m) => m.model === 'gpt-4o-mini')!;
    // Linear interpolation over [812.6, 30000]: p50 = 812.6 + 29187.4 × 0.5, p95 × 0.95, p99 × 0.99.
    expect([mini.p50Ms, mini.p95Ms, mini.p99Ms]).toEqual([15_406.3, 28_540.63, 29_708.126]);
    expect(summary.byModel.map((m) => [m.model, m.calls, m.cost, m.unpricedCalls])).toEqual([
      ['gpt-4.1', 1, 0.006, 0],
      ['claude-sonnet-4', 1, 0.00264, 0],
      ['gpt-4o-mini', 2, 0.00012, 1],
      ['acme-finetune-v2', 1, 0, 1],
    ]);
    expect(summary.byProvider).toEqual([
      { provider: 'OpenAI', calls: 3, cost: 0.00612, unpricedCalls: 1 },
      { provider: 'Anthropic', calls: 1, cost: 0.00264, unpricedCalls: 0 },
      { provider: 'Other', calls: 1, cost: 0, unpricedCalls: 1 },
    ]);
  });
});

describe('dialect C: Studio flat lines', () => {
  it('delimits runs by position, folds cost_record into its call, marks errors', async () => {
    const { loaded, summary } = await summaryOf([fixture('c-studio.jsonl')]);
    expect(summary.spans).toBe(16);
    expect(loaded.runs.map((r) => [r.id, r.status, r.statusText, r.workflow, r.pattern])).toEqual([
      ['run_7f2', 'failed', 'failed', 'incident-triage', 'triage'],
      ['run_7f3', 'ok', 'success', 'incident-triage', 'triage'],
      ['run_7f4', 'incomplete', null, 'incident-triage', 'triage'],
    ]);
    const [r2, r3, r4] = loaded.runs as [Run, Run, Run];
    const step = r2.children[0] as AgentStep;
    expect(step).toMatchObject({ kind: 'agent', agent: 'Log Analyst', agentKind: 'agent', status: 'failed', error: 'tool timeout', durationMs: 2000 });
    const call = step.children[0] as LlmCall;
    // cost_record: exact split 520/240 and the reported cost, counted once.
    expect(call).toMatchObject({ kind: 'llm', inputTokens: 520, outputTokens: 240, totalTokens: 760, costPico: 5_160_000_000, costSource: 'reported', status: 'failed', error: 'tool timeout', durationMs: 1430 });
    expect(step.children.map((n) => n.kind)).toEqual(['llm', 'event']);
    expect((step.children[1] as EventNode).detail).toBe('tool timeout');
    expect(r2.durationMs).toBe(3000);
    // No cost_record: only a total, so the call cannot be priced and says why.
    expect(r3.calls[0]).toMatchObject({ costSource: 'unpriced', unpricedReason: 'total tokens only, no input/output split', totalTokens: 1000 });
    expect((r3.children[0] as AgentStep).agentKind).toBe('tool');
    // The crashed run is kept: its open agent step is incomplete, its finished call keeps its cost.
    expect((r4.children[0] as AgentStep).status).toBe('incomplete');
    expect(r4.calls[0]).toMatchObject({ status: 'ok', costPico: 2_100_000_000 });
    expect(summary.steps).toBe(3);
    expect(summary.cost).toMatchObject({ total: 0.00726, reported: 0.00726, estimated: 0, unpricedSteps: 1 });
    expect(summary.tokens).toEqual({ input: 720, output: 340, total: 2060 });
    expect(summary.byWorkflow).toEqual([
      { workflow: 'incident-triage', runs: 3, failedRuns: 1, calls: 3, cost: 0.00726, avgCostPerRun: 0.00242, unpricedCalls: 1 },
    ]);
  });
});

describe('dialect B: event-bus export', () => {
  it('nests pattern_start in one run, takes the agent from the open step and ignores hook cost records', async () => {
    const { loaded, summary } = await summaryOf([fixture('b-eventbus.jsonl')]);
    expect(summary.spans).toBe(17);
    expect(loaded.runs.map((r) => [r.id, r.status, r.workflow])).toEqual([
      // Files below the working folder are named relatively, however they were given.
      ['test/fixtures/dialects/b-eventbus.jsonl:1', 'ok', 'pipeline'],
      ['test/fixtures/dialects/b-eventbus.jsonl:10', 'incomplete', 'router'],
    ]);
    const [first, crashed] = loaded.runs as [Run, Run];
    expect(first.syntheticId).toBe(true);
    expect(first.output).toBe('3 findings');
    expect(first.durationMs).toBe(724.988);
    expect(first.calls).toHaveLength(1);
    expect(first.calls[0]).toMatchObject({ agent: 'extractor', provider: 'OpenAI', model: 'gpt-4o-mini', inputTokens: 212, outputTokens: 57, durationMs: 720.4, costPico: 66_000_000, costSource: 'reported' });
    expect((first.children[0] as AgentStep).durationMs).toBe(722.6);
    // provider_call_error has no model: it pairs with the open start, which named the model.
    expect(crashed.calls.map((c) => [c.agent, c.provider, c.model, c.status, c.error, c.costSource])).toEqual([
      ['classifier', 'Anthropic', 'claude-3-5-haiku-20241022', 'failed', '429 Too Many Requests', 'unpriced'],
      ['classifier', 'Anthropic', 'claude-3-5-haiku-20241022', 'ok', null, 'estimated'],
    ]);
    // claude-haiku-3.5: 1000 × $0.80/M + 200 × $4/M = $0.0016; the hook's 250/50 guess changes nothing.
    expect(crashed.calls[1]).toMatchObject({ inputTokens: 1000, outputTokens: 200, costPico: 1_600_000_000 });
    const step = crashed.children[0] as AgentStep;
    expect(step.status).toBe('incomplete');
    expect(step.children.filter((n) => n.kind === 'event').map((n) => (n as EventNode).eventType)).toEqual(['routing_decision', 'cost_record']);
    expect(summary.cost).toMatchObject({ total: 0.001666, reported: 0.000066, estimated: 0.0016, unpricedSteps: 1 });
  });
});

describe('dialect A: Recorder files', () => {
  it('keeps prompts and responses, estimates only where metadata gives tokens', async () => {
    const { loaded, summary } = await summaryOf([fixture('a-recorder.jsonl')]);
    const [run] = loaded.runs as [Run];
    expect(run).toMatchObject({ status: 'ok', workflow: 'voting', pattern: 'voting', output: 'YES (2-1)', durationMs: 2565 });
    expect(run.calls[0]).toMatchObject({ agent: 'voter_a', model: 'gpt-4.1-mini', response: 'YES', costSource: 'unpriced', unpricedReason: 'no token counts', durationMs: null });
    expect(run.calls[0]!.prompt).toEqual([{ role: 'user', content: 'Ship v2 today?' }]);
    // 12 × $0.40/M + 1 × $1.60/M = $0.0000064.
    expect(run.calls[1]).toMatchObject({ costSource: 'estimated', costPico: 6_400_000 });
    expect(summary.cost).toMatchObject({ total: 0.0000064, unpricedSteps: 1 });
  });
});

describe('all dialects together', () => {
  it('adds up to the sum of the files read one by one', async () => {
    const { summary } = await summaryOf([DIALECTS]);
    expect(summary.files.map((f) => f.split('/').pop())).toEqual(['a-recorder.jsonl', 'b-eventbus.jsonl', 'c-studio.jsonl', 'd-spans.jsonl']);
    expect([summary.spans, summary.runs, summary.steps, summary.failedSteps, summary.failedRuns, summary.incompleteRuns]).toEqual([45, 9, 13, 3, 2, 3]);
    // 0.00876 + 0.00726 + 0.001666 + 0.0000064, summed exactly in pico-dollars.
    expect(summary.cost).toMatchObject({ total: 0.0176924, reported: 0.007446, estimated: 0.0102464, unpricedSteps: 5 });
    expect(summary.tokens).toEqual({ input: 3534, output: 1333, total: 5867 });
  });
});
