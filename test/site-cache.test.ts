import { appendFileSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSite } from '../src/site/build.js';
import { callLines, expectPagesMadeAgain, fixture, freshTree, runPageInodes, runPageOf, runsLines, tempDir, treeOf } from './helpers.js';

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
    // So too a run page in its folder, or a page that became a folder.
    const page = readdirSync(path.join(out, 'runs'))[0]!;
    rmSync(path.join(out, 'runs', page));
    expect((await buildSite({ inputs: [trace], outDir: out })).upToDate).toBeUndefined();
    expect(statSync(path.join(out, 'runs', page)).isFile()).toBe(true);
    rmSync(path.join(out, 'cost.html'));
    mkdirSync(path.join(out, 'cost.html'));
    expect((await buildSite({ inputs: [trace], outDir: out })).upToDate).toBeUndefined();
    expect(statSync(path.join(out, 'cost.html')).isFile()).toBe(true);
    expect((await buildSite({ inputs: [trace], outDir: out })).upToDate).toBe(true);

    // One more line in the input: built again, with it.
    appendFileSync(trace, JSON.stringify({ event_type: 'llm_call_end', run_id: 'run-12', model: 'gpt-4o', input_tokens: 1, output_tokens: 1, timestamp: '2026-01-07T00:00:00Z' }) + '\n');
    const grown = await buildSite({ inputs: [trace], outDir: out });
    expect(grown.upToDate).toBeUndefined();
    expect(grown.summary.runs).toBe(first.summary.runs + 1);
  });
});

describe('a build after more traces came in', () => {

  it.each([
    ['on this thread', { workers: 0 }],
    ['on worker threads', { workers: 2, parallelFrom: 0 }],
  ])('keeps the page of every run that did not change and equals a fresh build (%s)', async (_how, threads) => {
    const dir = tempDir();
    const trace = path.join(dir, 't.jsonl');
    writeFileSync(trace, runsLines(12));
    const out = path.join(dir, 'site');
    await buildSite({ inputs: [trace], outDir: out, ...threads });
    const before = runPageInodes(out);
    expect(before.size).toBe(12);

    // Run 5 gets one more call (later than its others), and a new run 13 comes after run 12.
    appendFileSync(trace, callLines(5, 30 * 60_000) + callLines(13));
    const grown = await buildSite({ inputs: [trace], outDir: out, ...threads });
    expect(grown.upToDate).toBeUndefined();
    expect(grown.summary.runs).toBe(13);
    const after = runPageInodes(out);

    // Changed: run 5 (a call more), run 12 (its "later run" is now run 13), and the new run 13.
    expectPagesMadeAgain(before, after, ['run-05', 'run-12', 'run-13']);

    // Byte for byte the site a build into a new folder writes.
    expect(treeOf(out)).toEqual(await freshTree({ inputs: [trace], ...threads }));
  });

  it('never reuses a page through a symbolic link or one that was edited', async () => {
    const dir = tempDir();
    const trace = path.join(dir, 't.jsonl');
    writeFileSync(trace, runsLines(4));
    const out = path.join(dir, 'site');
    await buildSite({ inputs: [trace], outDir: out });
    const names = [...runPageInodes(out).keys()];
    const [linked, edited] = [runPageOf(names, 'run-01'), runPageOf(names, 'run-02')];
    // A link where run 1's page was, to a file outside with the same bytes; run 2's page edited.
    const outside = path.join(dir, 'outside.html');
    writeFileSync(outside, readFileSync(path.join(out, 'runs', linked)));
    rmSync(path.join(out, 'runs', linked));
    symlinkSync(outside, path.join(out, 'runs', linked));
    writeFileSync(path.join(out, 'runs', edited), 'edited by hand');

    appendFileSync(trace, callLines(5));
    await buildSite({ inputs: [trace], outDir: out });
    const page = lstatSync(path.join(out, 'runs', linked));
    expect(page.isFile()).toBe(true);
    expect(page.ino).not.toBe(statSync(outside).ino);
    expect(readFileSync(outside, 'utf8')).toBe(readFileSync(path.join(out, 'runs', linked), 'utf8'));
    expect(readFileSync(path.join(out, 'runs', edited), 'utf8')).toContain('<!doctype html>');
    expect(treeOf(out)).toEqual(await freshTree({ inputs: [trace] }));
  });
});
