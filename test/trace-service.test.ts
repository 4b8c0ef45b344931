import { describe, expect, it } from 'vitest';
import { TraceService, UsageError } from '../src/index.js';
import { DIALECTS, fixture } from './helpers.js';

describe('TraceService (the library API)', () => {
  it('load returns every event line in file order, with original and normalised fields', async () => {
    const svc = new TraceService();
    const spans = await svc.load(fixture('d-spans.jsonl'));
    expect(spans).toHaveLength(8);
    expect(spans.map((s) => s.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const end = spans[2]!;
    expect(end).toMatchObject({
      eventType: 'llm_call_end',
      agentName: 'summarizer',
      runId: 'run-9',
      workflow: 'digest',
      model: 'gpt-4o-mini',
      modelId: 'gpt-4o-mini',
      inputTokens: 410,
      outputTokens: 95,
      durationMs: 812.6,
      costEstimate: 0.00012,
      timestamp: Date.UTC(2026, 0, 5, 14, 0, 3, 120),
      status: 'ok',
    });
    expect(end.fields).toMatchObject({ event_type: 'llm_call_end', cost_estimate: 0.00012, timestamp: '2026-01-05T14:00:03.120Z' });
  });

  it('query filters as the Studio docs promise', async () => {
    const svc = new TraceService();
    await svc.load([fixture('d-spans.jsonl')]);
    const lines = (q: Parameters<TraceService['query']>[0]) => svc.query(q).map((s) => s.line);
    expect(lines({ eventType: 'llm_call_end' })).toEqual([3, 4, 7]);
    expect(lines({ agentName: 'billing_agent' })).toEqual([2, 4, 6, 7]);
    expect(lines({ minDurationMs: 2000 })).toEqual([4, 5]);
    expect(lines({ maxDurationMs: 1000 })).toEqual([3]);
    expect(lines({ model: 'claude-sonnet-4' })).toEqual([2, 4]);
    expect(lines({ model: 'claude-sonnet-4-20250514' })).toEqual([2, 4]);
    expect(lines({ workflow: 'billing', eventType: 'llm_call_start' })).toEqual([2, 6]);
    expect(lines({ runId: 'run-9' })).toEqual([1, 3, 5]);
    expect(lines({ since: '2026-01-06' })).toEqual([7, 8]);
    expect(lines({ until: '2026-01-05T14:00:03.120Z' })).toEqual([1, 2, 3]);
    expect(lines({ since: 1767621603 })).toEqual([3, 4, 5, 6, 7, 8]);
    expect(lines({ status: 'failed' })).toEqual([5]);
    expect(lines({})).toHaveLength(8);
  });

  it('rejects a filter it does not know or cannot read', async () => {
    const svc = new TraceService();
    await svc.load(fixture('d-spans.jsonl'));
    expect(() => svc.query({ since: 'last tuesday' })).toThrow(UsageError);
    expect(() => svc.query({ minDurationMs: -1 })).toThrow('invalid query: minDurationMs');
    expect(() => svc.query({ agent: 'x' } as never)).toThrow(UsageError);
  });

  it('runs() and summary() describe what was loaded; a new load replaces it', async () => {
    const svc = new TraceService();
    await svc.load(DIALECTS);
    expect(svc.runs()).toHaveLength(9);
    expect(svc.summary().spans).toBe(45);
    await svc.load(fixture('a-recorder.jsonl'));
    expect(svc.runs()).toHaveLength(1);
    expect(svc.summary()).toMatchObject({ spans: 4, runs: 1, steps: 2 });
  });

  it('provider_call lines name the agent from the open step, not the provider', async () => {
    const svc = new TraceService();
    await svc.load(fixture('b-eventbus.jsonl'));
    expect(svc.query({ eventType: 'provider_call_end' }).map((s) => [s.agentName, s.provider, s.fields.agent_name])).toEqual([
      ['extractor', 'openai', 'openai'],
      ['classifier', 'anthropic', 'anthropic'],
    ]);
  });
});
