import { appendFileSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSite } from '../src/site/build.js';
import { fixture, tempDir } from './helpers.js';

describe('a build whose inputs did not change', () => {
  it('leaves the site as it is and reports what it holds; any change builds again', async () => {
    const dir = tempDir();
    const trace = path.join(dir, 't.jsonl');
    writeFileSync(trace, readFileSync(fixture('d-spans.jsonl')));
    const out = path.join(dir, 'site');
    const first = await buildSite({ inputs: [trace], outDir: out });
    expect(first.upToDate).toBeUndefined();
    const index = path.join(out, 'index.html');
    const mtime = statSync(index).mtimeMs;

    const second = await buildSite({ inputs: [trace], outDir: out });
    expect(second.upToDate).toBe(true);
    expect(statSync(index).mtimeMs).toBe(mtime);
    expect({ ...second, upToDate: undefined }).toEqual({ ...first, upToDate: undefined });

    // Other options: built again.
    expect((await buildSite({ inputs: [trace], outDir: out, singleFile: true })).upToDate).toBeUndefined();
    await buildSite({ inputs: [trace], outDir: out });
    expect((await buildSite({ inputs: [trace], outDir: out })).upToDate).toBe(true);

    // A file of the site gone: built again, and whole.
    rmSync(path.join(out, 'latency.html'));
    expect((await buildSite({ inputs: [trace], outDir: out })).upToDate).toBeUndefined();
    expect(statSync(path.join(out, 'latency.html')).isFile()).toBe(true);

    // One more line in the input: built again, with it.
    appendFileSync(trace, JSON.stringify({ event_type: 'llm_call_end', run_id: 'run-12', model: 'gpt-4o', input_tokens: 1, output_tokens: 1, timestamp: '2026-01-07T00:00:00Z' }) + '\n');
    const grown = await buildSite({ inputs: [trace], outDir: out });
    expect(grown.upToDate).toBeUndefined();
    expect(grown.summary.runs).toBe(first.summary.runs + 1);
  });
});
