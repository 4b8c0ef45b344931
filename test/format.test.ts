import { describe, expect, it } from 'vitest';
import type { AgentStep, EventNode, LlmCall, Run, RunTotals, Span, StepNode } from '../src/model/types.js';
import type { Summary } from '../src/aggregate/summary-types.js';
import {
  formatCount,
  formatDuration,
  formatIsoUtc,
  formatPercent,
  formatTokens,
  formatUsd,
  formatUtcMinute,
  plainNumber,
} from '../src/format/money.js';
import { createColours, displayWidth, layoutColumns, cell, sanitiseForTerminal, truncateToWidth } from '../src/format/colour.js';
import { csvCell, toCsv } from '../src/format/csv.js';
import { bar, formatSummary } from '../src/format/terminal-summary.js';
import { formatSpans, spanOutputChunks, spanToJson, SPAN_CSV_HEADER } from '../src/format/span-output.js';

const ESC = '\u001b';
const ms = (iso: string): number => Date.parse(iso);
const pico = (usd: number): number => Math.round(usd * 1e12);

// ---- in-memory builders ---------------------------------------------------------------------

let line = 0;
function call(p: Partial<LlmCall> & { index: number }): LlmCall {
  const inputTokens = p.inputTokens ?? null;
  const outputTokens = p.outputTokens ?? null;
  return {
    kind: 'llm',
    agent: null,
    provider: 'openai',
    model: null,
    modelId: null,
    inputTokens,
    outputTokens,
    totalTokens: inputTokens === null && outputTokens === null ? null : (inputTokens ?? 0) + (outputTokens ?? 0),
    start: null,
    end: null,
    durationMs: null,
    costPico: null,
    costSource: 'unpriced',
    unpricedReason: null,
    status: 'ok',
    error: null,
    prompt: null,
    response: null,
    source: { file: 'traces/a.jsonl', line: ++line },
    ...p,
  };
}

function agent(name: string, children: StepNode[], p: Partial<AgentStep> = {}): AgentStep {
  return { kind: 'agent', agent: name, agentKind: 'agent', start: null, end: null, durationMs: null, status: 'ok', error: null, children, source: { file: 'traces/a.jsonl', line: ++line }, ...p };
}

function event(eventType: string, detail: string | null, agentName: string | null = null): EventNode {
  return { kind: 'event', eventType, agent: agentName, timestamp: null, detail, source: { file: 'traces/a.jsonl', line: ++line } };
}

function collect(nodes: StepNode[], into: LlmCall[] = []): LlmCall[] {
  for (const n of nodes) {
    if (n.kind === 'llm') into.push(n);
    else if (n.kind === 'agent') collect(n.children, into);
  }
  return into;
}

function run(p: Partial<Run> & { id: string; children: StepNode[] }): Run {
  const calls = collect(p.children);
  const totals: RunTotals = {
    calls: calls.length,
    failedCalls: calls.filter((x) => x.status === 'failed').length,
    incompleteCalls: calls.filter((x) => x.status === 'incomplete').length,
    inputTokens: calls.reduce((s, x) => s + (x.inputTokens ?? 0), 0),
    outputTokens: calls.reduce((s, x) => s + (x.outputTokens ?? 0), 0),
    totalTokens: calls.reduce((s, x) => s + (x.totalTokens ?? 0), 0),
    costPico: calls.reduce((s, x) => s + (x.costPico ?? 0), 0),
    reportedPico: calls.reduce((s, x) => s + (x.costSource === 'reported' ? (x.costPico ?? 0) : 0), 0),
    estimatedPico: calls.reduce((s, x) => s + (x.costSource === 'estimated' ? (x.costPico ?? 0) : 0), 0),
    unpricedCalls: calls.filter((x) => x.costSource === 'unpriced').length,
  };
  return {
    syntheticId: false, workflow: null, pattern: null, status: 'ok', statusText: null, start: null, end: null,
    durationMs: null, calls, totals, output: null, source: { file: 'traces/a.jsonl', line: 1 }, files: ['traces/a.jsonl'],
    ...p,
  };
}

// Four runs, passed sorted by start ascending as the CLI does.
function demoRuns(): Run[] {
  return [
    run({
      id: 'run-9', workflow: 'digest', pattern: 'pipeline', start: ms('2026-01-05T14:00:02.308Z'), durationMs: 812.6,
      children: [
        call({ index: 1, agent: 'summarizer', model: 'gpt-4o-mini', modelId: 'gpt-4o-mini', inputTokens: 410, outputTokens: 95, durationMs: 812.6, costPico: pico(0.00012), costSource: 'reported' }),
      ],
    }),
    run({
      id: 'run_7f2', workflow: 'incident-triage', pattern: 'triage', status: 'failed', statusText: 'failed', start: ms('2026-01-07T09:30:00Z'), durationMs: 3000,
      children: [
        agent('Log Analyst', [
          call({ index: 1, agent: 'Log Analyst', provider: 'anthropic', model: 'claude-sonnet-4', modelId: 'claude-sonnet-4', inputTokens: 520, outputTokens: 240, durationMs: 1430, costPico: pico(0.00516), costSource: 'reported', status: 'failed', error: 'tool timeout' }),
          event('error', 'tool timeout', 'Log Analyst'),
        ], { durationMs: 2000, status: 'failed', error: 'tool timeout' }),
      ],
    }),
    run({
      id: 'run-c', pattern: 'supervisor', start: ms('2026-01-08T18:22:00Z'), durationMs: 3400,
      children: [
        agent('router', [
          call({ index: 1, agent: 'router', provider: 'anthropic', model: 'anthropic/claude-sonnet-4-20250514', modelId: 'claude-sonnet-4', inputTokens: 100, outputTokens: 20, durationMs: 420, costPico: pico(0.0006), costSource: 'estimated' }),
        ], { durationMs: 450 }),
        agent('billing_agent', [
          call({ index: 2, agent: 'billing_agent', provider: 'anthropic', model: 'claude-sonnet-4', modelId: 'claude-sonnet-4', inputTokens: 180, outputTokens: 140, durationMs: 2400, costPico: pico(0.0084), costSource: 'reported' }),
          call({ index: 3, agent: 'billing_agent', provider: 'other', model: 'default', modelId: null, inputTokens: 50, outputTokens: 10, durationMs: 300 }),
        ], { durationMs: 2750 }),
        call({ index: 4, agent: 'supervisor', model: 'gpt-4o', modelId: 'gpt-4o', durationMs: 150, status: 'failed', error: `rate limit ${ESC}[2Jexceeded\nretry after 20s` }),
      ],
    }),
    run({
      id: 'traces/b.jsonl:12', syntheticId: true, status: 'incomplete', start: ms('2026-01-08T20:00:00Z'),
      children: [
        agent('extractor', [call({ index: 1, agent: 'extractor', model: 'gpt-4o-mini', modelId: 'gpt-4o-mini', status: 'incomplete' })], { status: 'incomplete' }),
      ],
    }),
  ];
}

function demoSummary(): Summary {
  return {
    schemaVersion: 1,
    inputs: ['traces/a.jsonl', 'traces/b.jsonl', 'traces/c.jsonl'],
    files: ['traces/a.jsonl', 'traces/b.jsonl', 'traces/c.jsonl'],
    spans: 23, skippedLines: 2, runs: 4, steps: 7, failedSteps: 2, incompleteSteps: 1, failedRuns: 1, incompleteRuns: 1,
    timeRange: { start: '2026-01-05T14:00:02.308Z', end: '2026-01-08T20:00:05.000Z' },
    tokens: { input: 1260, output: 505, total: 1765 },
    cost: { total: 0.01428, reported: 0.01368, estimated: 0.0006, unpricedSteps: 3, priceTable: '2026-01-01' },
    latency: { p50Ms: 420, p95Ms: 2400, p99Ms: 2400 },
    byModel: [
      { model: 'claude-sonnet-4', provider: 'anthropic', written: ['claude-sonnet-4', 'anthropic/claude-sonnet-4-20250514'], calls: 3, failed: 1, inputTokens: 800, outputTokens: 400, cost: 0.01416, reportedCost: 0.01356, estimatedCost: 0.0006, unpricedCalls: 0, p50Ms: 1430, p95Ms: 2400, p99Ms: 2400 },
      { model: 'gpt-4o-mini', provider: 'openai', written: ['gpt-4o-mini'], calls: 2, failed: 0, inputTokens: 410, outputTokens: 95, cost: 0.00012, reportedCost: 0.00012, estimatedCost: 0, unpricedCalls: 1, p50Ms: 812.6, p95Ms: 812.6, p99Ms: 812.6 },
      { model: 'default', provider: 'other', written: ['default'], calls: 1, failed: 0, inputTokens: 50, outputTokens: 10, cost: 0, reportedCost: 0, estimatedCost: 0, unpricedCalls: 1, p50Ms: 300, p95Ms: 300, p99Ms: 300 },
      { model: 'gpt-4o', provider: 'openai', written: ['gpt-4o'], calls: 1, failed: 1, inputTokens: 0, outputTokens: 0, cost: 0, reportedCost: 0, estimatedCost: 0, unpricedCalls: 1, p50Ms: 150, p95Ms: 150, p99Ms: 150 },
    ],
    byProvider: [],
    byWorkflow: [
      { workflow: 'digest', runs: 1, failedRuns: 0, calls: 1, cost: 0.00012, avgCostPerRun: 0.00012, unpricedCalls: 0 },
      { workflow: 'incident-triage', runs: 1, failedRuns: 1, calls: 1, cost: 0.00516, avgCostPerRun: 0.00516, unpricedCalls: 0 },
      { workflow: 'supervisor', runs: 1, failedRuns: 0, calls: 4, cost: 0.009, avgCostPerRun: 0.009, unpricedCalls: 2 },
      { workflow: '(none)', runs: 1, failedRuns: 0, calls: 1, cost: 0, avgCostPerRun: 0, unpricedCalls: 1 },
    ],
    byAgent: [],
    byDay: [
      { date: '2026-01-08', cost: 0.009, runs: 2, calls: 5, byModel: [] },
      { date: '2026-01-05', cost: 0.00012, runs: 1, calls: 1, byModel: [] },
      { date: '2026-01-07', cost: 0.00516, runs: 1, calls: 1, byModel: [] },
    ],
    mostExpensiveRuns: [],
    slowestRuns: [],
  };
}

function span(p: Partial<Span> & { eventType: string; line: number }): Span {
  return {
    agentName: null, runId: 'run-9', workflow: null, pattern: null, provider: null, model: null, modelId: null,
    inputTokens: null, outputTokens: null, durationMs: null, costEstimate: null, timestamp: null, status: null,
    error: null, file: 'traces/a.jsonl', fields: {}, ...p,
  };
}

function demoSpans(): Span[] {
  return [
    span({
      eventType: 'llm_call_end', line: 2, agentName: 'summarizer', workflow: 'digest', pattern: 'pipeline', provider: 'openai',
      model: 'gpt-4o-mini', modelId: 'gpt-4o-mini', inputTokens: 410, outputTokens: 95, durationMs: 812.6, costEstimate: 0.00012,
      timestamp: ms('2026-01-05T14:00:03.120Z'), status: 'ok',
      fields: { event_type: 'llm_call_end', agent_name: 'summarizer', input_tokens: 410, cost_estimate: 0.00012, extra: { nested: [1, 2] } },
    }),
    span({
      eventType: 'llm_call_error', line: 3, agentName: '=HYPERLINK("http://x","click")', workflow: 'digest', provider: 'openai',
      model: 'gpt-4o-mini', modelId: 'gpt-4o-mini', durationMs: 30000, timestamp: ms('2026-01-05T14:00:33.120Z'), status: 'failed',
      error: `timeout, "again"${ESC}[31m\r\nsecond line`, fields: { event_type: 'llm_call_error', error: 'timeout' },
    }),
    span({
      eventType: 'cost_record', line: 7, runId: 'run_7f2', workflow: '-42.5', provider: '+cmd', model: '@sum(1)', costEstimate: -0.5,
      inputTokens: 6.6e-7, error: '\tTAB', file: 'b,c.jsonl', fields: { note: '\u202eevil\u009b2J' },
    }),
  ];
}

/** A small RFC 4180 reader, to read back what `toCsv` writes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (ch === '"') { quoted = false; i++; continue; }
      field += ch; i++; continue;
    }
    if (ch === '"' && field === '') { quoted = true; i++; continue; }
    if (ch === ',') { record.push(field); field = ''; i++; continue; }
    if (ch === '\r' && text[i + 1] === '\n') { record.push(field); records.push(record); record = []; field = ''; i += 2; continue; }
    if (ch === '\r' || ch === '\n' || ch === '"') throw new Error(`bare ${JSON.stringify(ch)} at ${i}`);
    field += ch; i++;
  }
  if (field !== '' || record.length > 0) throw new Error('last record not ended by CRLF');
  return records;
}

const stripSgr = (s: string): string => s.replace(/\u001b\[\d+m/g, '');

describe('UTC times', () => {
  it('writes whole milliseconds exactly as toISOString does', async () => {
    const { isoOfWholeMs } = await import('../src/normalise/timestamp.js');
    const edges = [0, 1, 999, 1000, 59_999, 86_399_999, 86_400_000, 951_782_400_000, 1_767_571_200_123, 253_402_300_799_999, 253_402_300_800_000, -1, -86_400_001];
    let seed = 3;
    for (let i = 0; i < 5000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      edges.push(Math.floor((seed / 2 ** 32) * 4e12));
    }
    for (const ms of edges) expect(isoOfWholeMs(ms), String(ms)).toBe(new Date(ms).toISOString());
    expect(formatIsoUtc(-1.5)).toBe(new Date(-1.5).toISOString());
    expect(formatIsoUtc(1.9)).toBe('1970-01-01T00:00:00.001Z');
  });
});

describe('money, durations and counts', () => {
  it('formats USD with cents above a dollar and significant digits below', () => {
    expect(formatUsd(null)).toBe('unpriced');
    expect(formatUsd(Number.NaN)).toBe('unpriced');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(0.0092)).toBe('$0.0092');
    expect(formatUsd(0.0084)).toBe('$0.0084');
    expect(formatUsd(0.0084, { keepZeros: true })).toBe('$0.00840');
    expect(formatUsd(0.000066)).toBe('$0.000066');
    expect(formatUsd(0.000066, { keepZeros: true })).toBe('$0.0000660');
    expect(formatUsd(0.00516, { significant: 2 })).toBe('$0.0052');
    expect(formatUsd(0.123456)).toBe('$0.123');
    expect(formatUsd(0.5)).toBe('$0.50');
    expect(formatUsd(0.01)).toBe('$0.01');
    expect(formatUsd(0.0099996)).toBe('$0.01');
    expect(formatUsd(0.99951)).toBe('$1.00');
    expect(formatUsd(1)).toBe('$1.00');
    expect(formatUsd(12.4)).toBe('$12.40');
    expect(formatUsd(999.999)).toBe('$1,000.00');
    expect(formatUsd(1234.56)).toBe('$1,234.56');
    expect(formatUsd(1234567.891)).toBe('$1,234,567.89');
    expect(formatUsd(1e-12)).toBe('$0.000000000001');
    expect(formatUsd(-0.0092)).toBe('-$0.0092');
    expect(formatUsd(-1234.5)).toBe('-$1,234.50');
    expect(formatUsd(0.00012, { estimated: true })).toBe('~$0.00012');
    expect(formatUsd(0.00012, { estimated: true, keepZeros: true })).toBe('~$0.000120');
    expect(formatUsd(0, { estimated: true })).toBe('~$0.00');
  });

  it('formats durations choosing the unit after rounding', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
    expect(formatDuration(0)).toBe('0ms');
    expect(formatDuration(812.4)).toBe('812ms');
    expect(formatDuration(812.6)).toBe('813ms');
    expect(formatDuration(999.4)).toBe('999ms');
    expect(formatDuration(999.5)).toBe('1.0s');
    expect(formatDuration(2400)).toBe('2.4s');
    expect(formatDuration(2449)).toBe('2.4s');
    expect(formatDuration(59_949)).toBe('59.9s');
    expect(formatDuration(59_950)).toBe('1m 00s');
    expect(formatDuration(192_000)).toBe('3m 12s');
    expect(formatDuration(3_599_499)).toBe('59m 59s');
    expect(formatDuration(3_599_500)).toBe('1h 00m');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
    expect(formatDuration(90_000_000)).toBe('25h 00m');
    expect(formatDuration(-1500)).toBe('-1.5s');
  });

  it('groups digits by hand, en-US style', () => {
    expect(formatTokens(null)).toBe('—');
    expect(formatTokens(0)).toBe('0');
    expect(formatTokens(999)).toBe('999');
    expect(formatTokens(1000)).toBe('1,000');
    expect(formatTokens(1240)).toBe('1,240');
    expect(formatTokens(1_234_567)).toBe('1,234,567');
    expect(formatCount(-3000)).toBe('-3,000');
    // Every length of a first group, up to a trillion.
    expect([12_345, 123_456, 100_000, 1_234_567_890, 12_345_678_901, 999_999_999_999, 1_000_000_000_000].map(formatCount)).toEqual([
      '12,345', '123,456', '100,000', '1,234,567,890', '12,345,678,901', '999,999,999,999', '1,000,000,000,000',
    ]);
    expect(formatCount(2.5)).toBe('3');
    expect(formatCount(-0.2)).toBe('0');
    expect(formatCount(Number.POSITIVE_INFINITY)).toBe('—');
  });

  it('formats shares, UTC times and plain decimals', () => {
    expect(formatPercent(1, 3)).toBe('33.3%');
    expect(formatPercent(1, 1)).toBe('100.0%');
    expect(formatPercent(0, 5)).toBe('0.0%');
    expect(formatPercent(0.0001, 1)).toBe('<0.1%');
    expect(formatPercent(1, 0)).toBe('—');
    expect(formatUtcMinute('2026-01-05T14:00:59.999Z')).toBe('2026-01-05 14:00');
    expect(formatUtcMinute(ms('2026-01-09T18:22:00Z'))).toBe('2026-01-09 18:22');
    expect(formatUtcMinute(null)).toBe('—');
    expect(formatUtcMinute('garbage')).toBe('—');
    expect(formatIsoUtc(ms('2026-01-05T14:00:03.120Z'))).toBe('2026-01-05T14:00:03.120Z');
    expect(formatIsoUtc(1e20)).toBeNull();
    expect(plainNumber(6.6e-7)).toBe('0.00000066');
    expect(plainNumber(-1e-7)).toBe('-0.0000001');
    expect(plainNumber(1.5e21)).toBe('1500000000000000000000');
    expect(plainNumber(0.00012)).toBe('0.00012');
    expect(plainNumber(812.6)).toBe('812.6');
  });
});

describe('terminal text', () => {
  it('has no escape codes when colour is off, and SGR codes when on', () => {
    const off = createColours(false);
    const on = createColours(true);
    expect(off.red('x') + off.bold('y') + off.dim('z')).toBe('xyz');
    expect(on.red('x')).toBe(`${ESC}[31mx${ESC}[39m`);
    expect(on.bold('')).toBe('');
  });

  it('neutralises escapes and controls from trace text', () => {
    expect(sanitiseForTerminal(`a${ESC}[2Jb`)).toBe('ab');
    expect(sanitiseForTerminal(`a${ESC}[1;31mred${ESC}[0m`)).toBe('ared');
    expect(sanitiseForTerminal(`${ESC}]0;pwned\u0007title`)).toBe('title');
    expect(sanitiseForTerminal(`${ESC}]8;;http://evil${ESC}\\link${ESC}]8;;${ESC}\\`)).toBe('link');
    expect(sanitiseForTerminal(`x\u009b2Jy`)).toBe('xy');
    expect(sanitiseForTerminal(`${ESC}Pdevice${ESC}\\ok`)).toBe('ok');
    expect(sanitiseForTerminal(`${ESC}c${ESC}7reset`)).toBe('reset');
    expect(sanitiseForTerminal('bell\u0007 nul\u0000 del\u007f')).toBe('bell nul del');
    expect(sanitiseForTerminal('two\r\nlines\tand tab')).toBe('two lines and tab');
    expect(sanitiseForTerminal('\u202eevil\u2066')).toBe('evil');
    expect(sanitiseForTerminal(`lone ${ESC}`)).toBe('lone ');
    expect(sanitiseForTerminal('ünïcødé 日本 ✓')).toBe('ünïcødé 日本 ✓');
  });

  it('measures and cuts by display width', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(truncateToWidth('abcdef', 4)).toBe('abc…');
    expect(truncateToWidth('abcd', 4)).toBe('abcd');
    expect(truncateToWidth('日本語', 4)).toBe('日…');
  });

  it('aligns columns outside the colour codes', () => {
    const c = createColours(true);
    const rows = [
      [cell('a', c.red), cell('1')],
      [cell('日本'), cell('1,000', c.bold), cell('')],
    ];
    const plainLines = layoutColumns(rows, ['left', 'right']);
    expect(plainLines.map(stripSgr)).toEqual(['a         1', '日本  1,000']);
  });

  it('draws bars in eighths, a sliver for any positive value', () => {
    expect(bar(1, 1, 4)).toBe('████');
    expect(bar(0.5, 1, 4)).toBe('██');
    expect(bar(0.3, 1, 4)).toBe('█▎'); // 0.3 × 32 eighths = 9.6 → 10 = 1 full + 2/8
    expect(bar(0.35, 1, 4)).toBe('█▍'); // 11.2 → 11 = 1 full + 3/8
    expect(bar(0.0001, 1, 4)).toBe('▏');
    expect(bar(0, 1, 4)).toBe('');
    expect(bar(1, 0, 4)).toBe('');
  });
});

const SPAN_TABLE = [
  'time                      event           run      agent                     model        duration  tokens      cost  status',
  '2026-01-05T14:00:03.120Z  llm_call_end    run-9    summarizer                gpt-4o-mini     813ms  410→95  $0.00012  ok',
  '2026-01-05T14:00:33.120Z  llm_call_error  run-9    =HYPERLINK("http://x","…  gpt-4o-mini     30.0s                    failed: timeout, "again"',
  '—                         cost_record     run_7f2                            @sum(1)                   0→—    -$0.50  TAB',
  '3 spans',
  '',
].join('\n');

const GOLDEN_SUMMARY = [
  'traces/a.jsonl, traces/b.jsonl +1 more — 23 spans from 4 runs',
  '2026-01-05 14:00 → 2026-01-08 20:00 UTC',
  'cost $0.0143 ($0.0006 estimated, 3 unpriced calls)',
  '1,765 tokens (1,260 in, 505 out) · 7 LLM calls (2 failed, 1 incomplete)',
  '1 failed run · 1 incomplete run · 2 skipped lines',
  '',
  'Latest runs (newest first, 4 of 4)',
  'Run #4  traces/b.jsonl:12  1 step  —  unpriced  … incomplete  2026-01-08 20:00',
  '└── extractor          —  gpt-4o-mini                                        unpriced  … incomplete',
  'Run #3  supervisor  4 steps  3.4s  ~$0.009  +2 unpriced  2026-01-08 18:22  run-c',
  '├── router         450ms  anthropic/claude-sonnet-4-20250514   100→20 tok  ~$0.000600',
  '├── billing_agent   2.8s  2 models                            230→150 tok    $0.00840  1 unpriced call',
  '│   ├── step 2      2.4s  claude-sonnet-4                     180→140 tok    $0.00840',
  '│   └── step 3     300ms  default                               50→10 tok    unpriced',
  '└── supervisor     150ms  gpt-4o                                             unpriced  ✗ failed: rate limit exceeded',
  'Run #2  incident-triage  1 step  3.0s  $0.00516  ✗ failed  2026-01-07 09:30  run_7f2',
  '└── Log Analyst     2.0s  claude-sonnet-4                     520→240 tok    $0.00516  ✗ failed: tool timeout',
  '    ├── step 1      1.4s  claude-sonnet-4                     520→240 tok    $0.00516  ✗ failed: tool timeout',
  '    └── error                                                                          tool timeout',
  'Run #1  digest  1 step  813ms  $0.00012  2026-01-05 14:00  run-9',
  '└── summarizer     813ms  gpt-4o-mini                          410→95 tok   $0.000120',
  '~ = estimated from the price table (2026-01-01)',
  '',
  'Cost by model',
  '  model            provider   calls      cost                          share',
  '  claude-sonnet-4  anthropic      3   $0.0142  ██████████████████████  99.2%',
  '  gpt-4o-mini      openai         2  $0.00012  ▏                        0.8%',
  '  default          other          1  unpriced                              —',
  '  gpt-4o           openai         1  unpriced                              —',
  '  3 unpriced calls (gpt-4o-mini 1, default 1, gpt-4o 1): no price known, not counted as $0',
  '',
  'Cost by workflow',
  '  workflow         runs      cost   avg/run',
  '  supervisor          1    $0.009    $0.009  +2 unpriced',
  '  incident-triage     1  $0.00516  $0.00516',
  '  digest              1  $0.00012  $0.00012',
  '  (none)              1  unpriced         —',
  '',
  'Daily spend (UTC, last 4 days)',
  '  2026-01-05 Mon  ▍                               $0.00012   1 call',
  '  2026-01-06 Tue                                     $0.00',
  '  2026-01-07 Wed  █████████████████▎              $0.00516   1 call',
  '  2026-01-08 Thu  ██████████████████████████████    $0.009  5 calls',
  '',
].join('\n');

describe('formatSummary', () => {
  it('renders the dashboard (golden, no colour)', () => {
    const out = formatSummary(demoSummary(), demoRuns(), { colour: false });
    expect(out).toBe(GOLDEN_SUMMARY);
    expect(out).not.toContain(ESC);
  });

  it('with colour, differs from the plain output only by SGR codes', () => {
    const out = formatSummary(demoSummary(), demoRuns(), { colour: true });
    expect(out).toContain(`${ESC}[31m✗ failed: rate limit exceeded${ESC}[39m`);
    expect(stripSgr(out)).toBe(GOLDEN_SUMMARY);
  });

  it('neutralises escapes in names, models, ids and errors even with colour on', () => {
    const evil = `${ESC}[2J${ESC}]0;pwned\u0007`;
    const runs = [
      run({
        id: `id${evil}`, workflow: `wf${evil}`, start: 0,
        children: [
          agent(`agent${evil}\nx`, [call({ index: 1, model: `m${evil}`, status: 'failed', error: `boom${evil}` })], { status: 'failed' }),
          event(`ev${evil}`, `detail${evil}`),
        ],
      }),
    ];
    const summary: Summary = { ...demoSummary(), inputs: [`in${evil}.jsonl`], byModel: [{ ...demoSummary().byModel[0]!, model: `m${evil}`, provider: `p${evil}` }] };
    for (const colour of [false, true]) {
      const out = stripSgr(formatSummary(summary, runs, { colour }));
      expect(out).not.toContain(ESC);
      expect(out).not.toContain('\u0007');
      expect(out).not.toContain('[2J');
      expect(out).not.toContain('pwned');
      expect(out).toContain('in.jsonl — 23 spans');
      expect(out).toContain('Run #1  wf  1 step');
      expect(out).toContain('├── agent x  ');
      expect(out).toContain('✗ failed: boom');
      expect(out).toContain('└── ev  ');
    }
  });

  it('shows the first line of the header as the Studio docs do', () => {
    const s: Summary = { ...demoSummary(), inputs: ['traces/production_runs.jsonl'], spans: 1240, runs: 180 };
    expect(formatSummary(s, [], { colour: false }).split('\n')[0]).toBe('traces/production_runs.jsonl — 1,240 spans from 180 runs');
    expect(formatSummary({ ...s, inputs: ['a.jsonl', '-'] }, [], { colour: false }).split('\n')[0]).toBe('a.jsonl, stdin — 1,240 spans from 180 runs');
    expect(formatSummary(s, [], { colour: false, title: 'demo' }).split('\n')[0]).toBe('demo — 1,240 spans from 180 runs');
  });

  it('limits the latest runs and the rows of each tree', () => {
    const runs = demoRuns();
    const many = Array.from({ length: 15 }, (_, i) => call({ index: i + 1, agent: 'boss', model: 'gpt-4o', durationMs: 100 }));
    runs.push(run({ id: 'run-big', workflow: 'fanout', start: ms('2026-01-09T00:00:00Z'), durationMs: 1500, children: [agent('boss', many), ...many.slice(0, 3)] }));
    const out = formatSummary(demoSummary(), runs, { colour: false, latestRuns: 2, maxRowsPerRun: 4 });
    const lines = out.split('\n');
    const start = lines.indexOf('Latest runs (newest first, 2 of 5)');
    expect(start).toBeGreaterThan(0);
    expect(lines.slice(start + 1, start + 8).map((l) => l.replace(/ +/g, ' '))).toEqual([
      'Run #5 fanout 18 steps 1.5s unpriced 2026-01-09 00:00 run-big',
      '├── boss — gpt-4o unpriced',
      '│ ├── step 1 100ms gpt-4o unpriced',
      '│ ├── step 2 100ms gpt-4o unpriced',
      '│ ├── step 3 100ms gpt-4o unpriced',
      '│ └── … 12 more',
      '└── … 3 more steps',
    ]);
    expect(lines[start + 8]).toMatch(/^Run #4 {2}traces\/b\.jsonl:12/);
    expect(out).not.toContain('Run #3');
    expect(formatSummary(demoSummary(), runs, { colour: false, latestRuns: 0 })).not.toContain('Latest runs');
  });

  it('labels tool steps, totals without a split and runs failed with their own word', () => {
    const runs = [
      run({
        id: 'r1', workflow: 'wf', status: 'failed', statusText: 'cancelled', start: 0, durationMs: 2000,
        children: [
          agent('search', [call({ index: 1, model: 'claude-sonnet-4', totalTokens: 760, durationMs: 1430, costPico: pico(0.00516), costSource: 'reported' })], { agentKind: 'tool', durationMs: 1500 }),
          agent('empty', [], { durationMs: 10 }),
        ],
      }),
    ];
    const lines = formatSummary(demoSummary(), runs, { colour: false }).split('\n');
    const at = lines.indexOf('Run #1  wf  1 step  2.0s  $0.00516  ✗ cancelled  1970-01-01 00:00  r1');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 3)).toEqual([
      '├── search (tool)  1.5s  claude-sonnet-4  760 tok  $0.00516',
      '└── empty          10ms',
    ]);
  });

  it('fills days without calls and keeps only the last 14', () => {
    const byDay = Array.from({ length: 20 }, (_, i) => ({ date: `2026-02-${String(i + 1).padStart(2, '0')}`, cost: i + 1, runs: 1, calls: 1, byModel: [] }));
    byDay.splice(17, 1); // no 2026-02-18
    const out = formatSummary({ ...demoSummary(), byDay }, [], { colour: false });
    const days = out.split('\n').filter((l) => /^ {2}2026-02-/.test(l));
    expect(days).toHaveLength(14);
    expect(days[0]).toBe(`  2026-02-07 Sat  ${'█'.repeat(10)}▌${' '.repeat(19)}   $7.00  1 call`);
    expect(days[11]).toBe(`  2026-02-18 Wed${' '.repeat(35)}$0.00`);
    expect(days[13]).toBe(`  2026-02-20 Fri  ${'█'.repeat(30)}  $20.00  1 call`);
  });

  it('says what there is when there is nothing', () => {
    const empty: Summary = {
      ...demoSummary(), inputs: ['-'], spans: 0, skippedLines: 0, runs: 0, steps: 0, failedSteps: 0, incompleteSteps: 0,
      failedRuns: 0, incompleteRuns: 0, timeRange: { start: null, end: null }, tokens: { input: 0, output: 0, total: 0 },
      cost: { total: 0, reported: 0, estimated: 0, unpricedSteps: 0, priceTable: '2026-01-01' }, byModel: [], byWorkflow: [], byDay: [],
    };
    expect(formatSummary(empty, [], { colour: true })).toBe(
      `${ESC}[1mstdin${ESC}[22m — 0 spans from 0 runs\nno timestamps${ESC}[2m · ${ESC}[22mcost ${ESC}[1m$0.00${ESC}[22m${ESC}[2m · ${ESC}[22m0 tokens (0 in, 0 out)${ESC}[2m · ${ESC}[22m0 LLM calls\n`,
    );
  });
});

describe('formatSpans', () => {
  it('prints an aligned table with sanitised text', () => {
    const out = formatSpans(demoSpans(), 'table', { colour: false });
    expect(out).toBe(SPAN_TABLE);
    expect(out).not.toContain(ESC);
    expect(stripSgr(formatSpans(demoSpans(), 'table', { colour: true }))).toBe(SPAN_TABLE);
    expect(formatSpans([], 'table', { colour: false })).toBe('No matching spans.\n');
  });

  it('writes JSON and JSON lines that read back to the normalised and original fields', () => {
    const json = formatSpans(demoSpans(), 'json', { colour: false });
    expect(json.startsWith('[\n  {\n    "timestamp": "2026-01-05T14:00:03.120Z",\n    "eventType": "llm_call_end",')).toBe(true);
    expect(json.endsWith('\n]\n')).toBe(true);
    const parsed = JSON.parse(json) as Record<string, unknown>[];
    expect(parsed).toHaveLength(3);
    expect(parsed[0]).toMatchObject({ agentName: 'summarizer', durationMs: 812.6, costEstimate: 0.00012, line: 2, fields: { extra: { nested: [1, 2] } } });
    expect(parsed[1]!.error).toBe(`timeout, "again"${ESC}[31m\r\nsecond line`);
    expect(parsed[2]).toMatchObject({ timestamp: null, fields: { note: '\u202eevil\u009b2J' } });
    expect(json).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e](?<!\n)/);
    expect(json).toContain('"note": "\\u202eevil\\u009b2J"');

    const jsonl = formatSpans(demoSpans(), 'jsonl', { colour: false });
    const lines = jsonl.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(lines.slice(0, 3).map((l) => JSON.parse(l))).toEqual(parsed);
    expect(lines[0]).toBe(JSON.stringify(parsed[0]));
    expect(formatSpans([], 'jsonl', { colour: false })).toBe('');
    const safe = demoSpans().slice(0, 2);
    expect(formatSpans(safe, 'json', { colour: false })).toBe(`${JSON.stringify(safe.map(spanToJson), null, 2)}\n`);
    expect([...spanOutputChunks(safe, 'json', { colour: false })]).toHaveLength(3);
    expect(formatSpans([], 'json', { colour: false })).toBe('[]\n');
  });

  it('writes RFC 4180 CSV, guarded against formulas, that reads back', () => {
    const csv = formatSpans(demoSpans(), 'csv', { colour: false });
    const records = parseCsv(csv);
    expect(records[0]).toEqual(SPAN_CSV_HEADER);
    expect(records[0]).toEqual(['timestamp', 'event_type', 'run_id', 'workflow', 'agent', 'provider', 'model', 'model_id', 'input_tokens', 'output_tokens', 'duration_ms', 'cost_usd', 'status', 'error', 'file', 'line']);
    expect(records[1]).toEqual(['2026-01-05T14:00:03.120Z', 'llm_call_end', 'run-9', 'digest', 'summarizer', 'openai', 'gpt-4o-mini', 'gpt-4o-mini', '410', '95', '812.6', '0.00012', 'ok', '', 'traces/a.jsonl', '2']);
    expect(records[2]).toEqual(['2026-01-05T14:00:33.120Z', 'llm_call_error', 'run-9', 'digest', `'=HYPERLINK("http://x","click")`, 'openai', 'gpt-4o-mini', 'gpt-4o-mini', '', '', '30000', '', 'failed', `timeout, "again"${ESC}[31m\r\nsecond line`, 'traces/a.jsonl', '3']);
    expect(records[3]).toEqual(['', 'cost_record', 'run_7f2', '-42.5', '', "'+cmd", "'@sum(1)", '', '0.00000066', '', '', '-0.5', '', "'\tTAB", 'b,c.jsonl', '7']);
    expect(records).toHaveLength(4);
    expect([...spanOutputChunks(demoSpans(), 'csv', { colour: false })]).toHaveLength(4);
    expect(formatSpans([], 'csv', { colour: false })).toBe(`${SPAN_CSV_HEADER.join(',')}\r\n`);
    expect(csv.split('\r\n')[2]).toBe(`2026-01-05T14:00:33.120Z,llm_call_error,run-9,digest,"'=HYPERLINK(""http://x"",""click"")",openai,gpt-4o-mini,gpt-4o-mini,,,30000,,failed,"timeout, ""again""${ESC}[31m`);
  });
});

describe('csv', () => {
  it('quotes only what needs quoting and prefixes formula starts', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(1e-7)).toBe('0.0000001');
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('one\ntwo')).toBe('"one\ntwo"');
    expect(csvCell('cr\r')).toBe('"cr\r"');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-1+cmd|" /C calc"!A0')).toBe(`"'-1+cmd|"" /C calc""!A0"`);
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\rx')).toBe(`"'\rx"`);
    expect(csvCell('-3')).toBe('-3');
    expect(csvCell('-0.25')).toBe('-0.25');
    expect(csvCell('-.5')).toBe('-.5');
    expect(csvCell('-1e5')).toBe('-1e5');
    expect(csvCell('-')).toBe("'-");
    expect(csvCell('-3 apples')).toBe("'-3 apples");
    expect(csvCell(' =not first')).toBe(' =not first');
  });

  it('round-trips any text through toCsv and a reader', () => {
    const nasty = ['', 'a', 'a,b', '"', '""', 'x\r\ny', '\n', 'é 日本', '=cmd', '-2', ' lead', 'trail ', ','];
    const rows = nasty.map((s, i) => [s, i, null]);
    const back = parseCsv(toCsv(['text', 'n', 'empty'], rows));
    expect(back[0]).toEqual(['text', 'n', 'empty']);
    expect(back.slice(1)).toEqual(nasty.map((s, i) => [s === '=cmd' ? "'=cmd" : s, String(i), '']));
  });
});
