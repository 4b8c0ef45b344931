import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/read/load.js';
import { summarise } from '../src/aggregate/summarise.js';
import { jsonl, writeTree } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '..');

async function both(inputs: string[], cwd = ROOT) {
  const plain = await loadTraces(inputs, { cwd, workers: 0 });
  // Tiny chunks cut the files in many places, so line numbering and positional runs cross chunks.
  const parallel = await loadTraces(inputs, { cwd, workers: 2, parallelFrom: 0, chunkBytes: 4096 });
  return { plain, parallel };
}

describe('reading on worker threads', () => {
  it('gives exactly the runs, skipped lines and summary of the single-thread pass on every fixture', async () => {
    for (const inputs of [['fixtures'], ['test/fixtures/dialects'], ['test/fixtures/otlp']]) {
      const { plain, parallel } = await both(inputs);
      expect(parallel.runs, inputs[0]).toEqual(plain.runs);
      expect(parallel.skipped).toEqual(plain.skipped);
      expect(JSON.stringify(summarise({ ...parallel, priceTable: 'x' }))).toBe(JSON.stringify(summarise({ ...plain, priceTable: 'x' })));
    }
  });

  it('numbers lines across chunk boundaries and keeps a run that spans them', async () => {
    const lines: unknown[] = [{ event_type: 'pattern_start', pattern_type: 'p', timestamp: 1 }];
    for (let i = 0; i < 400; i++) lines.push({ event_type: 'llm_call', agent_name: 'a', model: 'gpt-4o', input_tokens: 10, output_tokens: 5, timestamp: 2 + i, note: 'x'.repeat(i % 90) });
    lines.push('not json', { event_type: 'pattern_end', timestamp: 500 });
    const dir = writeTree({ 'big.jsonl': jsonl(...lines) });
    const { plain, parallel } = await both(['big.jsonl'], dir);
    expect(plain.runs).toHaveLength(1);
    expect(parallel.runs).toEqual(plain.runs);
    expect(parallel.runs[0]!.calls.at(-1)!.source).toEqual({ file: 'big.jsonl', line: 401 });
    expect(parallel.skipped).toEqual([{ file: 'big.jsonl', line: 402, reason: 'not JSON (plain text)' }]);
  });
});
