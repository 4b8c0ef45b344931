import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSite } from '../src/site/build.js';
import { PART_ROWS } from '../src/site/pages/run-parts.js';
import { hugeRun, tempDir } from './helpers.js';

/** A folder holding the trace of hugeRun(). */
function hugeTrace(): { dir: string; trace: string } {
  const dir = tempDir();
  const trace = path.join(dir, 'huge.jsonl');
  writeFileSync(trace, hugeRun());
  return { dir, trace };
}

const stepIds = (html: string) => [...html.matchAll(/ id="step-(\d+)"/g)].map((m) => Number(m[1]));

describe('a run too long for one page', () => {
  it.each([
    ['on this thread', { workers: 0 }],
    ['on worker threads', { workers: 2, parallelFrom: 0 }],
  ])('comes in parts, each call on exactly one, linked to the part that holds it from everywhere (%s)', async (_how, threads) => {
    expect(PART_ROWS).toBe(20_000);
    const { dir, trace } = hugeTrace();
    const out = path.join(dir, 'site');
    const built = await buildSite({ inputs: [trace], outDir: out, ...threads });

    const pages = readdirSync(path.join(out, 'runs')).sort();
    expect(pages).toHaveLength(3);
    const [first, second, third] = [pages.find((p) => !p.includes('-part-'))!, pages.find((p) => p.endsWith('-part-2.html'))!, pages.find((p) => p.endsWith('-part-3.html'))!];
    expect(second).toBe(first.replace('.html', '-part-2.html'));
    expect(third).toBe(first.replace('.html', '-part-3.html'));
    // index, cost, cost-7d, latency, errors, and the three parts.
    expect(built.pages).toBe(8);
    const html = (p: string) => readFileSync(path.join(out, 'runs', p), 'utf8');

    // Every call on exactly one part, in order: rows 1–20,000 (the agent step and calls #1–#19,999),
    // 20,001–40,000 (the rest of the agent step, the error row, and calls up to #39,998), then the rest.
    const ids = [first, second, third].map((p) => stepIds(html(p)));
    expect(ids.flat()).toEqual(Array.from({ length: 45_000 }, (_, i) => i + 1));
    expect([ids[0]!.at(0), ids[0]!.at(-1), ids[1]!.at(0), ids[1]!.at(-1), ids[2]!.at(0), ids[2]!.at(-1)]).toEqual([1, 19_999, 20_000, 39_998, 39_999, 45_000]);

    // The agent step cut by the first edge shows on both parts, with the sums of the whole step.
    for (const p of [first, second]) expect(html(p)).toMatch(/<span class="n-name">Planner<\/span><span class="n-kind">agent, in parts<\/span>.*?25,000 calls, 1 failed/);
    expect(html(third)).not.toContain('Planner</span>');
    expect(html(second)).toContain('<title>Run huge-run, part 2 of 3 · trace report</title>');
    expect(html(second)).toContain('This is part 2: rows 20,001–40,000, steps #20000–#39998.');
    expect(html(second)).toContain(`<a href="${first}" rel="prev">← Earlier steps</a>`);
    expect(html(second)).toContain(`<a href="${third}" rel="next">Later steps →</a>`);
    expect(html(first)).toContain('<span aria-current="page">1</span>');

    // The step links of the data exports and of the errors page go to the part holding the step.
    const csv = readFileSync(path.join(out, 'calls.csv'), 'utf8').trimEnd().split('\r\n').slice(1);
    expect(csv).toHaveLength(45_000);
    const onPage = new Map([first, second, third].map((p, i) => [`runs/${p}`, new Set(ids[i])]));
    for (const row of csv) {
      const [, step, page] = row.split(',');
      const [file, anchor] = page!.split('#');
      expect(anchor).toBe(`step-${step}`);
      expect(onPage.get(file!)?.has(Number(step)), row).toBe(true);
    }
    const errors = readFileSync(path.join(out, 'errors.html'), 'utf8');
    expect(errors).toContain(`href="runs/${second}#step-24000"`);

    // Each part is a few MB at most, where the whole list would be one page of about 10 MB.
    for (const p of pages) expect(html(p).length).toBeLessThan(5_000_000);
  });
});

describe('a run too long for one page, on one thread and on several', () => {
  it('gives the same bytes either way', async () => {
    const { dir, trace } = hugeTrace();
    const one = path.join(dir, 'one');
    const many = path.join(dir, 'many');
    await buildSite({ inputs: [trace], outDir: one, workers: 0 });
    await buildSite({ inputs: [trace], outDir: many, workers: 2, parallelFrom: 0 });
    const files = (root: string) => readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.html') || f.endsWith('.csv') || f.endsWith('.jsonl')).sort();
    expect(files(many)).toEqual(files(one));
    for (const f of files(one)) expect(readFileSync(path.join(many, f)).equals(readFileSync(path.join(one, f))), f).toBe(true);
  });
});

describe('a run too long for one page, in the single file', () => {
  it('shows its first part, says so, and links a later step to the run', async () => {
    const { dir, trace } = hugeTrace();
    const out = path.join(dir, 'single');
    await buildSite({ inputs: [trace], outDir: out, singleFile: true });
    const html = readFileSync(path.join(out, 'index.html'), 'utf8');
    const ids = [...html.matchAll(/ id="(run-[^"]*)-step-(\d+)"/g)].map((m) => Number(m[2]));
    expect(ids).toEqual(Array.from({ length: 19_999 }, (_, i) => i + 1));
    expect(html).toContain("This single file shows the first 20,000 of this run&#39;s 45,002 steps (steps #1–#19999), so that it stays small enough to send; the site built without --single-file has them all.");
    expect(html).not.toContain('class="pager" aria-label="Parts of this run"');
    // The failed call #24000 is not in the file: the errors section links to the run.
    const section = /<section class="sf-page" id="(run-[^"]+)">/.exec(html)![1]!;
    const errors = html.slice(html.indexOf('<section class="sf-page" id="page-errors">'));
    expect(errors.slice(0, errors.indexOf('</section>'))).toContain(`href="#${section}"`);
    expect(html).not.toContain('-step-24000"');
    // About 6 MB: the first 20,000 of 45,002 rows.
    expect(html.length).toBeLessThan(7_000_000);
  });
});
