import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadTraces } from '../src/read/load.js';
import { summarise } from '../src/aggregate/summarise.js';
import type { LlmCall, Run } from '../src/model/types.js';
import type { Summary } from '../src/aggregate/summary-types.js';
import { siteFactsOf } from '../src/site/pages/site-facts.js';
import { PicoSum } from '../src/aggregate/pico-sum.js';
import { toCsv } from '../src/format/csv.js';
import { picoToDecimal } from '../src/format/money.js';
import { CallRows } from '../src/site/call-rows.js';
import { CALLS_CSV_HEADER, dataExports, RUNS_CSV_HEADER } from '../src/site/exports.js';
import { runFileNames, type PageNames } from '../src/site/file-names.js';
import { siteFileText, type SiteFile } from '../src/site/write/site-file.js';
import { DIALECTS, jsonl, writeTree } from './helpers.js';

/** RFC 4180, strictly: every record ends in CRLF, quoted fields double their quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quoted field');
        cell += text.slice(i, q);
        if (text[q + 1] === '"') {
          cell += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`bare quote at ${i}`);
        cell += text[i++];
      }
    }
    row.push(cell);
    if (text[i] === ',') {
      i++;
    } else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else {
      throw new Error(`expected , or CRLF at ${i}, found ${JSON.stringify(text[i])}`);
    }
  }
  if (row.length > 0) throw new Error('last record has no CRLF');
  return rows;
}

/** An exact USD decimal back to integer pico-dollars, by hand (no float). */
function decimalToPico(s: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,12}))?$/.exec(s);
  if (!m) throw new Error(`not an exact decimal: ${JSON.stringify(s)}`);
  const pico = BigInt(m[2]!) * 10n ** 12n + BigInt((m[3] ?? '').padEnd(12, '0'));
  return m[1] === '-' ? -pico : pico;
}

/** An exact pico total in USD, rounded as the summary rounds its totals. */
function usdOf(pico: bigint): number {
  const sum = new PicoSum();
  const step = 10n ** 15n;
  for (let left = pico; left > 0n; left -= left > step ? step : left) sum.add(Number(left > step ? step : left));
  return sum.usd();
}

/** What a spreadsheet-safe cell holds for a string: formula starters get a leading quote. */
const guarded = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);

const text = (f: SiteFile[], name: string): string => {
  const file = f.find((x) => x.path === name);
  if (!file) throw new Error(`${name} missing`);
  return siteFileText(file);
};

const HOSTILE_ID = "=cmd|' /C calc'!A0";
const HOSTILE_ERROR = 'line one\r\nline "two", with comma\nand =1+1';
const LONG_PROMPT = 'p'.repeat(100_000) + ' END';

const hostileLines = jsonl(
  { event_type: 'llm_call_end', run_id: HOSTILE_ID, workflow: 'wf,"quoted"\nnext', agent_name: '@agent', model: 'gpt-4o-mini', input_tokens: 1000, output_tokens: 500, duration_ms: 812.5, timestamp: '2026-01-05T14:00:03.120Z' },
  { event_type: 'llm_call_end', run_id: HOSTILE_ID, agent_name: 'b', model: '</script><b>"x"</b>', input_tokens: 10, output_tokens: 5, timestamp: '2026-01-05T14:00:04Z' },
  { event_type: 'llm_call_error', run_id: HOSTILE_ID, agent_name: 'b', model: 'gpt-4o-mini', error: HOSTILE_ERROR, duration_ms: 30000, timestamp: '2026-01-05T14:00:34Z' },
  { event_type: 'llm_call_end', run_id: '../x', model: 'gpt-4o', cost_estimate: 0.00012, input_tokens: 1, output_tokens: 1, timestamp: '2026-01-06T00:00:00Z' },
  { event_type: 'llm_call_end', run_id: 'A', model: 'gpt-4o', cost_estimate: 1234.5, timestamp: '2026-01-06T00:00:01Z' },
  { event_type: 'llm_call_end', run_id: 'a', model: 'gpt-4o', cost_estimate: 0.1, timestamp: '2026-01-06T00:00:02Z' },
  { event_type: 'llm_call_end', run_id: 'a', model: 'gpt-4o', cost_estimate: 0.2, timestamp: '2026-01-06T00:00:03Z' },
);
const longPromptLines = jsonl(
  { timestamp: 1767261600.5, event_type: 'pattern_start', agent_name: '', messages_in: [], response: '', metadata: { pattern_type: 'solo' } },
  { timestamp: 1767261601, event_type: 'llm_call', agent_name: 'w', messages_in: [{ role: 'user', content: LONG_PROMPT, name: null }], response: 'r\n"ok"', metadata: { model: 'gpt-4.1-mini' } },
  { timestamp: 1767261602, event_type: 'pattern_end', agent_name: '', messages_in: [], response: 'done', metadata: {} },
);

async function load() {
  const dir = writeTree({ 'hostile.jsonl': hostileLines, 'long.jsonl': longPromptLines });
  const loaded = await loadTraces([DIALECTS, path.join(dir, 'hostile.jsonl'), path.join(dir, 'long.jsonl')], { keepText: true });
  const summary = summarise({ ...loaded, priceTable: loaded.prices.date });
  const names = runFileNames(loaded.runs.map((r) => r.id));
  return { runs: loaded.runs, summary, names, files: exportsOf(summary, loaded.runs, names) };
}

/** The exports of runs held in list order. */
function exportsOf(summary: Summary, runs: readonly Run[], names: PageNames) {
  const facts = siteFactsOf(runs);
  return dataExports(summary, { facts: facts.runs, source: facts.source }, names);
}

const byId = (runs: Run[], id: string): Run => {
  const r = runs.find((x) => x.id === id);
  if (!r) throw new Error(`no run ${id}`);
  return r;
};

describe('picoToDecimal', () => {
  it('writes exact decimals with no float noise or exponent', () => {
    expect(picoToDecimal(0)).toBe('0');
    expect(picoToDecimal(1)).toBe('0.000000000001');
    expect(picoToDecimal(4_200_000_000)).toBe('0.0042');
    expect(picoToDecimal(300_000_000_000)).toBe('0.3');
    expect(picoToDecimal(1_000_000_000_000)).toBe('1');
    expect(picoToDecimal(1_234_500_000_000_000)).toBe('1234.5');
    expect(picoToDecimal(-500_000_000_000)).toBe('-0.5');
    expect(picoToDecimal(2 ** 60)).toBe('1152921.504606846976');
  });

  it('agrees with whole-number arithmetic on values of every length, near every power of ten, and rounded', () => {
    // The reference: the rounded amount's whole dollars and remainder, by BigInt division.
    const reference = (pico: number): string => {
      const n = BigInt(Math.round(pico));
      const abs = n < 0n ? -n : n;
      const whole = abs / 10n ** 12n;
      const frac = (abs % 10n ** 12n).toString().padStart(12, '0').replace(/0+$/, '');
      return `${n < 0n ? '-' : ''}${whole}${frac === '' ? '' : `.${frac}`}`;
    };
    let seed = 3;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const values = [0, -0, 0.4, 0.5, -0.5, 1.5, -1.5, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 2 ** 70, -(2 ** 70)];
    for (let digits = 1; digits <= 17; digits++) {
      const p = 10 ** digits;
      values.push(p, p - 1, p + 1, -p, p * 7, Math.floor(random() * p), -Math.floor(random() * p));
    }
    for (let i = 0; i < 2000; i++) values.push(random() * 10 ** (random() * 16));
    for (const v of values) expect(picoToDecimal(v), String(v)).toBe(reference(v));
  });
});

describe('data exports', () => {
  it('writes the four files in a fixed order, the same on every call', async () => {
    const { runs, summary, names, files } = await load();
    expect(files.map((f) => f.path)).toEqual(['summary.json', 'runs.csv', 'calls.csv', 'calls.jsonl']);
    expect(exportsOf(summary, runs, names).map(siteFileText)).toEqual(files.map(siteFileText));
  });

  it('publishes summary.json as the summary --json object', async () => {
    const { summary, files } = await load();
    expect(text(files, 'summary.json')).toBe(`${JSON.stringify(summary, null, 2)}\n`);
    expect(JSON.parse(text(files, 'summary.json'))).toEqual(summary);
  });

  it('runs.csv: one row per run whose numbers are the runs, and whose costs sum exactly to the summary', async () => {
    const { runs, summary, names, files } = await load();
    const [header, ...rows] = parseCsv(text(files, 'runs.csv'));
    expect(header).toEqual(RUNS_CSV_HEADER);
    expect(rows).toHaveLength(runs.length);
    const col = (name: string) => RUNS_CSV_HEADER.indexOf(name);
    let total = 0n;
    let reported = 0n;
    let estimated = 0n;
    rows.forEach((row, i) => {
      const run = runs[i]!;
      expect(row).toHaveLength(RUNS_CSV_HEADER.length);
      expect(row[col('run_id')]).toBe(guarded(run.id));
      expect(row[col('page')]).toBe(names.get(run.id));
      expect(row[col('calls')]).toBe(String(run.totals.calls));
      expect(row[col('input_tokens')]).toBe(String(run.totals.inputTokens));
      expect(decimalToPico(row[col('cost_usd')]!)).toBe(BigInt(run.totals.costPico));
      total += decimalToPico(row[col('cost_usd')]!);
      reported += decimalToPico(row[col('reported_usd')]!);
      estimated += decimalToPico(row[col('estimated_usd')]!);
    });
    expect(total).toBe(reported + estimated);
    expect(total).toBe(runs.reduce((sum, r) => sum + BigInt(r.totals.costPico), 0n));
    expect(usdOf(total)).toBe(summary.cost.total);
    expect(usdOf(reported)).toBe(summary.cost.reported);
    expect(usdOf(estimated)).toBe(summary.cost.estimated);
  });

  it('runs.csv: hand-checked rows, hostile text guarded and intact', async () => {
    const { runs, names, files } = await load();
    const rows = parseCsv(text(files, 'runs.csv')).slice(1);
    const row = (id: string) => rows.find((r) => r[0] === guarded(id))!;
    // 0.1 + 0.2 in floats is 0.30000000000000004; from pico it is exact.
    expect(row('a').slice(0, 2)).toEqual(['a', names.get('a')]);
    expect(row('a')[13]).toBe('0.3');
    expect(row('A')[13]).toBe('1234.5');
    expect(row('../x')[13]).toBe('0.00012');
    const h = row(HOSTILE_ID);
    expect(h[0]).toBe(`'${HOSTILE_ID}`);
    expect(h[2]).toBe('wf,"quoted"\nnext');
    expect(h[4]).toBe(byId(runs, HOSTILE_ID).status);
    // The first call ended at 03.120 after 812.5 ms: it started at 02.3075, written to the millisecond below.
    expect(h[6]).toBe('2026-01-05T14:00:02.307Z');
    expect(h[9]).toBe('3');
    expect(h[10]).toBe('1');
    // gpt-4o-mini at 0.15 / 0.60 per 1M: 1000 in + 500 out = $0.00045, estimated; the other two unpriced.
    expect(h.slice(13, 17)).toEqual(['0.00045', '0', '0.00045', '2']);
  });

  it('calls.csv: one row per call, step links, unpriced cells empty (never 0), sums exact', async () => {
    const { runs, summary, names, files } = await load();
    const [header, ...rows] = parseCsv(text(files, 'calls.csv'));
    expect(header).toEqual(CALLS_CSV_HEADER);
    const calls = runs.flatMap((r) => r.calls.map((c) => ({ r, c })));
    expect(rows).toHaveLength(calls.length);
    expect(rows).toHaveLength(summary.steps);
    const col = (name: string) => CALLS_CSV_HEADER.indexOf(name);
    let total = 0n;
    let unpriced = 0;
    rows.forEach((row, i) => {
      const { r, c } = calls[i]!;
      expect(row).toHaveLength(CALLS_CSV_HEADER.length);
      expect(row[col('run_id')]).toBe(guarded(r.id));
      expect(row[col('step')]).toBe(String(c.index));
      expect(row[col('page')]).toBe(`${names.get(r.id)}#step-${c.index}`);
      expect(row[col('cost_source')]).toBe(c.costSource);
      if (c.costSource === 'unpriced') {
        unpriced++;
        expect(row[col('cost_usd')]).toBe('');
      } else {
        total += decimalToPico(row[col('cost_usd')]!);
      }
    });
    expect(unpriced).toBeGreaterThan(0);
    expect(unpriced).toBe(summary.cost.unpricedSteps);
    expect(total).toBe(calls.reduce((sum, { c }) => sum + BigInt(c.costPico ?? 0), 0n));
    expect(usdOf(total)).toBe(summary.cost.total);
  });

  it('calls.csv: hostile model names and errors survive the round trip', async () => {
    const { files } = await load();
    const rows = parseCsv(text(files, 'calls.csv')).slice(1).filter((r) => r[0] === `'${HOSTILE_ID}`);
    expect(rows.map((r) => r[1])).toEqual(['1', '2', '3']);
    const [first, second, third] = rows as [string[], string[], string[]];
    expect(first[3]).toBe("'@agent");
    expect(first.slice(8, 15)).toEqual(['2026-01-05T14:00:02.307Z', '2026-01-05T14:00:03.120Z', '812.5', '1000', '500', '1500', '0.00045']);
    expect(first[15]).toBe('estimated');
    expect(second[5]).toBe('</script><b>"x"</b>');
    expect(second[14]).toBe('');
    expect(second[15]).toBe('unpriced');
    expect(third[7]).toBe('failed');
    expect(third[17]).toBe(HOSTILE_ERROR);
    expect(third[19]).toBe('3');
  });

  it('calls.jsonl: every call, prompts and responses whole', async () => {
    const { runs, names, files } = await load();
    const lines = text(files, 'calls.jsonl').split('\n');
    expect(lines.pop()).toBe('');
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const calls = runs.flatMap((r) => r.calls.map((c) => ({ r, c })));
    expect(records).toHaveLength(calls.length);
    records.forEach((rec, i) => {
      const { r, c } = calls[i]!;
      expect(rec.run_id).toBe(r.id);
      expect(rec.page).toBe(`${names.get(r.id)}#step-${c.index}`);
      expect(rec.cost_pico).toBe(c.costPico);
      expect(rec.prompt).toEqual(c.prompt);
      expect(rec.response).toBe(c.response);
    });
    const long = records.find((rec) => rec.response === 'r\n"ok"')!;
    expect((long.prompt as { content: string }[])[0]!.content).toBe(LONG_PROMPT);
    expect(records.find((rec) => rec.run_id === HOSTILE_ID && rec.step === 3)!.error).toBe(HOSTILE_ERROR);
    expect(records.find((rec) => rec.run_id === 'a' && rec.step === 2)!.cost_usd).toBe(0.2);
  });

  it('refuses a run that has no page name (a programming error)', async () => {
    const { runs, summary } = await load();
    expect(() => exportsOf(summary, runs, new Map())).toThrow(/no page name/);
  });
});

describe('CallRows', () => {
  /** A call with every field set, then `over` on top. */
  const call = (over: Partial<LlmCall>): LlmCall => ({
    kind: 'llm', index: 1, agent: 'a', provider: 'openai', model: 'gpt-4o', modelId: 'gpt-4o', inputTokens: 10, outputTokens: 5,
    totalTokens: null, start: 1_700_000_000_000, end: 1_700_000_000_250.75, durationMs: 250.75, costPico: 4_200_000_000,
    costSource: 'estimated', unpricedReason: null, status: 'ok', error: null, prompt: null, response: null,
    source: { file: 'traces/a.jsonl', line: 7 }, ...over,
  });
  // The values a hand-made row could get wrong: numbers JSON writes in exponent form, non-finite
  // numbers, times outside four-digit years, texts JSON or CSV must escape or guard, names that
  // repeat (quoted once and kept), prompts of nested objects.
  const calls: LlmCall[] = [
    call({}),
    call({ index: 2, durationMs: 1e-7, inputTokens: 1e21, outputTokens: 0, costPico: 1, start: null, end: null }),
    call({ index: 3, durationMs: Number.NaN, inputTokens: null, outputTokens: null, totalTokens: 123, costPico: null, costSource: 'unpriced', unpricedReason: 'unknown model' }),
    call({ index: 4, agent: '=HYPERLINK("x")', model: 'm,"q"\r\n', error: 'bad \u2028 \u0000 \ud800 "quoted" \\ ', status: 'failed', durationMs: -0 }),
    call({ index: 5, agent: null, model: null, modelId: null, start: -62_198_755_200_000, end: 253_402_300_800_001, costPico: -5_000_000 }),
    call({ index: 6, agent: '=HYPERLINK("x")', prompt: [{ role: 'user', content: '<script>"hi"</script>', name: null }], response: 'line\nnext' }),
    call({ index: 7, source: { file: '-1.jsonl', line: 123_456 }, durationMs: Number.POSITIVE_INFINITY, costPico: 123_456_789_012_345_678 }),
  ];
  const run = { id: '+run,"1"', calls } as unknown as Run;
  const iso = (ms: number | null): string | null => (ms === null || !Number.isFinite(ms) ? null : new Date(Math.floor(ms)).toISOString());
  const total = (c: LlmCall): number | null => (c.inputTokens !== null || c.outputTokens !== null ? (c.inputTokens ?? 0) + (c.outputTokens ?? 0) : c.totalTokens);

  it('writes each calls.jsonl line as JSON.stringify writes the record, key for key', () => {
    const rows = new CallRows().add(run, 'runs/r.html', undefined, { csv: false, jsonl: true });
    expect(rows.csv).toBe('');
    const expected = calls.map((c) =>
      JSON.stringify({
        run_id: run.id, step: c.index, page: `runs/r.html#step-${c.index}`, agent: c.agent, provider: c.provider, model: c.model,
        model_id: c.modelId, status: c.status, start: iso(c.start), end: iso(c.end), duration_ms: c.durationMs,
        input_tokens: c.inputTokens, output_tokens: c.outputTokens, total_tokens: total(c),
        cost_usd: c.costPico === null ? null : c.costPico / 1e12, cost_pico: c.costPico, cost_source: c.costSource,
        unpriced_reason: c.unpricedReason, error: c.error, prompt: c.prompt, response: c.response, file: c.source.file, line: c.source.line,
      }),
    );
    expect(rows.jsonl).toBe(expected.map((l) => `${l}\n`).join(''));
  });

  it('writes each calls.csv row as csvRow writes its cells, the same again for a second run', () => {
    const rows = new CallRows();
    const expected = toCsv(
      [],
      calls.map((c) => [
        run.id, c.index, `runs/r.html#step-${c.index}`, c.agent, c.provider, c.model, c.modelId, c.status, iso(c.start), iso(c.end),
        c.durationMs, c.inputTokens, c.outputTokens, total(c), c.costPico === null ? null : picoToDecimal(c.costPico),
        c.costSource, c.unpricedReason, c.error, c.source.file, c.source.line,
      ]),
    ).slice(2);
    expect(rows.add(run, 'runs/r.html', undefined, { csv: true, jsonl: false }).csv).toBe(expected);
    expect(rows.jsonl).toBe('');
    // The texts quoted for the first run are kept: a second run gets the same rows from them.
    expect(rows.add(run, 'runs/r.html', undefined, { csv: true, jsonl: true }).csv).toBe(expected);
    const parsed = parseCsv(expected);
    expect(parsed).toHaveLength(calls.length);
    expect(parsed.map((r) => r[3])).toEqual(['a', 'a', 'a', '\'=HYPERLINK("x")', '', '\'=HYPERLINK("x")', 'a']);
    expect(parsed[3]![5]).toBe('m,"q"\r\n');
    expect(parsed[1]!.slice(10, 15)).toEqual(['0.0000001', '1000000000000000000000', '0', '1000000000000000000000', '0.000000000001']);
  });
});
