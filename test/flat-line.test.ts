import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarise } from '../src/aggregate/summarise.js';
import { toEvent, type TraceEvent } from '../src/normalise/event.js';
import { readFlatLine } from '../src/normalise/flat-line.js';
import { parseLine } from '../src/normalise/parse-line.js';
import { loadTraces } from '../src/read/load.js';
import { EDGE_CASES, ESCAPES, fixtureLines, mutatedLines, numberLines, SHAPE_CHANGES, splicedLines } from './line-corpus.js';

const ROOT = path.resolve(import.meta.dirname, '..');

function blank(): TraceEvent {
  return {
    type: '', role: 'other', agentField: null, runId: null, workflow: null, pattern: null, provider: null, model: null,
    inputTokens: null, outputTokens: null, totalTokens: null, durationMs: null, costUsd: null, timestamp: null,
    status: null, error: null, stepKind: null, callId: null, prompt: null, response: null, detail: null,
  };
}

/** The full path's event for a line, or null when the line is skipped. */
function full(line: string): TraceEvent | null {
  const parsed = parseLine(line);
  return parsed.kind === 'object' ? toEvent(parsed.value) : null;
}

/** The fast path's event for a line (its UTF-8 bytes, or the given bytes), or false when it leaves the line. */
function fast(line: string | Buffer): TraceEvent | false {
  const e = blank();
  // The line sits between other bytes, as in a chunk, to show that the scan keeps to its range.
  const bytes = Buffer.concat([Buffer.from('{"x":1}\n'), Buffer.from(line), Buffer.from('\n1')]);
  return readFlatLine(bytes, 8, bytes.length - 2, e) ? e : false;
}

describe('the flat-line fast path', () => {
  it('reads every fixture line it takes exactly as the full path does', () => {
    let taken = 0;
    const lines = fixtureLines();
    for (const line of lines) {
      const e = fast(line);
      if (e === false) continue;
      taken++;
      expect(e, line).toEqual(full(line));
    }
    // Most lines of the demo corpus are flat: the fast path must actually be taken.
    expect(taken).toBeGreaterThan(lines.length / 2);
  });

  it('matches the full path on values at the edges of each rule', () => {
    const cases = EDGE_CASES;
    for (const line of cases) {
      const e = fast(line);
      if (e !== false) expect(e, line).toEqual(full(line));
    }
    // The fast path takes the shapes it is for, and leaves the rest.
    expect(fast(cases[0]!)).not.toBe(false);
    expect(fast(cases[14]!)).toBe(false); // a nested value
    expect(fast(cases[15]!)).toBe(false); // a value read that starts with a byte above ASCII (the escape in a value not read is passed over)
    expect(fast(cases[17]!)).toBe(false); // a repeated key
    expect(fast(cases[26]!)).toBe(false); // an upper-case type: the full path lower-cases it
    expect(fast(cases[12]!)).not.toBe(false); // long numbers: read by Number()
    expect(fast(cases[13]!)).not.toBe(false); // long negative numbers: read by Number(), keeping their sign
    expect(fast(cases[27]!)).toBe(false); // a number too large for a double: no value, the full path says why
    for (const broken of cases.slice(28)) expect(fast(broken), broken).toBe(false);
  });

  it('reads values with escapes as JSON.parse does, and leaves those it cannot be sure of', () => {
    const taken = ESCAPES.map((line) => fast(line));
    ESCAPES.forEach((line, k) => {
      if (taken[k] !== false) expect(taken[k], line).toEqual(full(line));
    });
    expect(taken.map((e) => e !== false)).toEqual(ESCAPES.map((_, k) => k < 7));
    const [overloaded, named, routed, lone] = taken as TraceEvent[];
    expect(overloaded!.error).toBe('529 {"type":"error","error":{"message":"Overloaded"}}');
    expect([named!.agentField, named!.runId, named!.provider]).toEqual(['café bot', 'r/1', 'openai']);
    expect(routed!.detail).toBe('a\u{1F99C}b');
    expect([lone!.error, lone!.agentField]).toEqual(['x\ud800y z', 'a\\b']);
    // The rest: the full path reads them (or skips the line, as not JSON).
    expect(full(ESCAPES[8]!)!.error).toBe('\nboom');
    expect(full(ESCAPES[10]!)!.error).toBeNull();
    expect(full(ESCAPES[12]!)!.error).toBe('a\\');
    expect(full(ESCAPES[13]!)!.type).toBe('llm_call');
    for (const broken of ESCAPES.slice(16)) expect(full(broken), broken).toBeNull();
  });

  it('reads numbers as JSON.parse does, over many random decimals', () => {
    for (const { line, text } of numberLines(20000)) {
      const e = fast(line);
      expect(e, line).not.toBe(false);
      expect(Object.is((e as TraceEvent).costUsd, JSON.parse(text)), line).toBe(true);
    }
  });

  it('gives the same runs and summary with and without the fast path on every fixture', async () => {
    for (const inputs of [['fixtures'], ['test/fixtures/dialects'], ['test/fixtures/otlp'], ['test/fixtures/hostile']]) {
      const plain = await loadTraces(inputs, { cwd: ROOT, workers: 0, fastPath: false });
      const quick = await loadTraces(inputs, { cwd: ROOT, workers: 0 });
      const parallel = await loadTraces(inputs, { cwd: ROOT, workers: 2, parallelFrom: 0, chunkBytes: 4096 });
      expect(quick.runs, inputs[0]).toEqual(plain.runs);
      expect(parallel.runs, inputs[0]).toEqual(plain.runs);
      expect(quick.skipped).toEqual(plain.skipped);
      expect(parallel.skipped).toEqual(plain.skipped);
      const json = (r: typeof plain) => JSON.stringify(summarise({ ...r, priceTable: 'x' }));
      expect(json(quick)).toBe(json(plain));
      expect(json(parallel)).toBe(json(plain));
    }
  });
});

describe('the flat-line fast path, reading one chunk line after line', () => {
  it('reads keys that differ from those at the same place in the lines before (it guesses keys by place)', () => {
    const lines = SHAPE_CHANGES;
    // Three times over, the last in reverse, so that every line also comes after other shapes of line.
    const text = [...lines, ...lines, ...[...lines].reverse()].join('\n');
    const bytes = Buffer.from(text);
    let start = 0;
    let taken = 0;
    for (const line of text.split('\n')) {
      const end = start + Buffer.byteLength(line);
      const e = blank();
      const expected = full(line);
      if (readFlatLine(bytes, start, end, e)) {
        taken++;
        expect(e, line).toEqual(expected);
      } else if (expected !== null) {
        // Lines the fast path leaves are those it does not take on their own either.
        expect(fast(line), line).toBe(false);
      }
      start = end + 1;
    }
    expect(taken).toBe(3 * 10);
  });
});

describe('the flat-line fast path against the full path, on mutated lines', () => {
  it('agrees on every line made by cutting, splicing and re-spacing fixture lines', () => {
    let taken = 0;
    let compared = 0;
    for (const line of mutatedLines(20000)) {
      const e = fast(line);
      compared++;
      if (e === false) continue;
      taken++;
      expect(e, JSON.stringify(line)).toEqual(full(line));
    }
    // Many mutations still parse (spaces, values in unread keys); the fast path takes a share of them.
    expect(compared).toBe(20000);
    expect(taken).toBeGreaterThan(1000);
  });

  it('agrees on lines with bytes that are not ASCII, or not UTF-8, spliced in anywhere', () => {
    let taken = 0;
    let wide = 0;
    for (const line of splicedLines(20000)) {
      const e = fast(line);
      if (e === false) continue;
      taken++;
      const decoded = line.toString('utf8');
      if (decoded !== line.toString('latin1')) wide++;
      expect(e, JSON.stringify(decoded)).toEqual(full(decoded));
    }
    // Values with such bytes inside (not at an edge) stay on the fast path.
    expect(taken).toBeGreaterThan(4000);
    expect(wide).toBeGreaterThan(1000);
  });

  it('reads a value with bytes above ASCII inside it, and leaves one that starts or ends with them', () => {
    const inside = fast('{"event_type":"llm_call","agent_name":"résumé-bot","model":"gpt-4o"}');
    expect(inside).not.toBe(false);
    expect((inside as TraceEvent).agentField).toBe('résumé-bot');
    expect(fast('{"event_type":"llm_call","agent_name":"café"}')).toBe(false);
    expect(fast('{"event_type":"llm_call","agent_name":"\u00a0x"}')).toBe(false);
    const invalid = fast(Buffer.concat([Buffer.from('{"event_type":"llm_call","error":"bad '), Buffer.from([0xff, 0xfe]), Buffer.from(' bytes"}')]));
    expect((invalid as TraceEvent).error).toBe('bad \ufffd\ufffd bytes');
  });
});
