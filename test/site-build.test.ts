import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarise } from '../src/aggregate/summarise.js';
import { picoToUsd } from '../src/model/types.js';
import { loadTraces } from '../src/read/load.js';
import { buildSite, type BuildResult } from '../src/site/build.js';
import { nameAt, runFileNames } from '../src/site/file-names.js';
import { runPagesBoard, runPagesSite } from '../src/site/parallel-run-pages.js';
import { partPath } from '../src/site/pages/run-parts.js';
import { gatherSiteFacts, planRuns, siteFactsOf } from '../src/site/pages/site-facts.js';
import { toolVersion } from '../src/site/pages/templates.js';
import { FACTS_FILE } from '../src/site/reuse/facts-snapshot.js';
import { EVENTS_FILE } from '../src/site/reuse/kept-events.js';
import { REUSE_FILE } from '../src/site/reuse/reuse-record.js';
import { MANIFEST_NAME } from '../src/site/write/manifest.js';
import { RUNS_A_CLAIM, writeRunPages, writeRunPagesHere, type WriteRunPagesJob } from '../src/site/run-pages-job.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const FIXTURES = 'test/fixtures/dialects';

function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out.sort();
}

/** RFC 4180 reader, enough for our own CSV (quoted fields, doubled quotes, CRLF records). */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('buildSite on the dialect fixtures', () => {
  let tmp: string;
  let out: string;
  let result: BuildResult;
  const progress: string[] = [];

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), 'trace-report-build-'));
    out = path.join(tmp, 'site');
    result = await buildSite({ inputs: [FIXTURES], outDir: out, cwd: ROOT, onProgress: (m) => progress.push(m) });
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('writes the pages, data files and assets and says what it wrote', () => {
    const files = listFiles(out);
    for (const f of ['index.html', 'cost.html', 'cost-7d.html', 'latency.html', 'errors.html', 'summary.json', 'runs.csv', 'calls.csv', 'assets/report.css', 'assets/report.js', 'assets/runs-data.js']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => f.startsWith('runs/'))).toHaveLength(9);
    expect(result.outDir).toBe(out);
    expect(result.entry).toBe(path.join(out, 'index.html'));
    expect(result.pages).toBe(5 + 9);
    const written = files.filter((f) => !f.startsWith('.trace-report-site'));
    expect(result.files).toBe(written.length);
    expect(result.bytes).toBe(written.reduce((n, f) => n + statSync(path.join(out, f)).size, 0));
    expect(result.skippedLines).toBe(0);
    expect(progress.slice(0, 2)).toEqual(['checking the inputs against the last build', 'reading traces']);
    expect(progress).toContain('rendering charts');
    expect(progress).toContain('rendering pages 14/14');
  });

  it('publishes summary.json equal to summarise() of the same traces', async () => {
    const r = await loadTraces([FIXTURES], { cwd: ROOT });
    const expected = summarise({ inputs: r.inputs, files: r.files, spans: r.spans, skippedLines: r.skippedLines, runs: r.runs, priceTable: r.prices.date });
    const published = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as unknown;
    expect(published).toEqual(expected);
    expect(result.summary).toEqual(expected);
  });

  it('writes CSVs that read back to the runs and calls, summing to the summary', async () => {
    const r = await loadTraces([FIXTURES], { cwd: ROOT });
    const runs = readCsv(readFileSync(path.join(out, 'runs.csv'), 'utf8'));
    const header = runs[0]!;
    expect(runs).toHaveLength(1 + 9);
    const id = header.indexOf('run_id');
    const page = header.indexOf('page');
    const cost = header.indexOf('cost_usd');
    expect(runs.slice(1).map((row) => row[id]).sort()).toEqual(r.runs.map((x) => x.id).sort());
    for (const row of runs.slice(1)) expect(existsSync(path.join(out, row[page]!))).toBe(true);
    const pico = runs.slice(1).reduce((n, row) => n + Math.round(Number(row[cost]) * 1e12), 0);
    expect(picoToUsd(pico)).toBe(result.summary.cost.total);

    const calls = readCsv(readFileSync(path.join(out, 'calls.csv'), 'utf8'));
    expect(calls).toHaveLength(1 + result.summary.steps);
    const status = calls[0]!.indexOf('status');
    expect(calls.slice(1).filter((row) => row[status] === 'failed')).toHaveLength(result.summary.failedSteps);
    const callPage = calls[0]!.indexOf('page');
    for (const row of calls.slice(1)) {
      const [file, step] = row[callPage]!.split('#');
      expect(readFileSync(path.join(out, file!), 'utf8')).toContain(` id="${step}"`);
    }
  });

  it('rebuilds over its own earlier site, and refuses a folder it did not write', async () => {
    const again = await buildSite({ inputs: [FIXTURES], outDir: out, cwd: ROOT });
    expect(again.files).toBe(result.files);
    const foreign = path.join(tmp, 'foreign');
    mkdirSync(foreign);
    copyFileSync(path.join(ROOT, FIXTURES, 'a-recorder.jsonl'), path.join(foreign, 'mine.txt'));
    await expect(buildSite({ inputs: [FIXTURES], outDir: foreign, cwd: ROOT })).rejects.toThrow();
    expect(listFiles(foreign)).toEqual(['mine.txt']);
  });

  it('writes one index.html with --single-file', async () => {
    const single = path.join(tmp, 'single');
    const r = await buildSite({ inputs: [FIXTURES], outDir: single, cwd: ROOT, singleFile: true });
    expect(listFiles(single).filter((f) => !f.startsWith('.trace-report-site'))).toEqual(['index.html']);
    expect(r.pages).toBe(1);
    expect(readFileSync(path.join(single, 'index.html'), 'utf8')).toContain('<style>');
  });
});

/**
 * The same inputs must give the same bytes in any time zone and locale. The build runs in child
 * processes started with different TZ, LANG and LC_ALL, from JavaScript compiled by tsc into a
 * scratch folder (templates and node_modules linked, so it resolves them as the package does).
 */
describe('names a chart library or a lookup table could take for their own', () => {
  it('builds a site whose models, agents, workflows and providers are named constructor, __proto__, toString and valueOf', async () => {
    const names = ['constructor', '__proto__', 'toString', 'valueOf'];
    const dir = mkdtempSync(path.join(tmpdir(), 'trace-report-names-'));
    const lines = names.map((name, i) =>
      JSON.stringify({ event_type: 'llm_call', run_id: `run-${i}`, agent_name: name, workflow: name, provider: name, model: name, input_tokens: 10, output_tokens: 5, cost_estimate: 0.01 * (i + 1), duration_ms: 100 * (i + 1), timestamp: `2026-01-0${i + 1}T00:00:00Z` }),
    );
    writeFileSync(path.join(dir, 'names.jsonl'), lines.join('\n') + '\n');
    const result = await buildSite({ inputs: ['names.jsonl'], outDir: 'site', cwd: dir });
    expect(result.summary.byModel.map((r) => [r.model, r.provider, r.cost]).sort()).toEqual([
      ['__proto__', '__proto__', 0.02],
      ['constructor', 'constructor', 0.01],
      ['tostring', 'toString', 0.03],
      ['valueof', 'valueOf', 0.04],
    ]);
    const cost = readFileSync(path.join(dir, 'site', 'cost.html'), 'utf8');
    // Each name is a bar of the charts (with an invisible word joiner after it) and a row of the tables.
    for (const name of names) {
      expect(cost).toContain(`>${name}\u2060</text>`);
      expect(cost).toContain(`>${name}</`);
    }
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('deterministic output', () => {
  let scratch: string;

  beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'trace-report-tz-'));
    copyFileSync(path.join(ROOT, 'package.json'), path.join(scratch, 'package.json'));
    symlinkSync(path.join(ROOT, 'templates'), path.join(scratch, 'templates'), 'dir');
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(scratch, 'node_modules'), 'dir');
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    try {
      execFileSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.json'), '--outDir', path.join(scratch, 'dist'), '--declaration', 'false', '--sourceMap', 'false'], { cwd: ROOT, stdio: 'pipe' });
    } catch {
      // Type errors still emit JavaScript; the build below fails if the emitted code is missing.
    }
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  function buildIn(env: Record<string, string>, outDir: string): void {
    const script = `import(${JSON.stringify(path.join(scratch, 'dist', 'site', 'build.js'))}).then((m) => m.buildSite({ inputs: [${JSON.stringify(FIXTURES)}], outDir: ${JSON.stringify(outDir)}, cwd: ${JSON.stringify(ROOT)} }))`;
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'pipe' });
  }

  it('builds byte-identical sites under TZ=UTC and TZ=Asia/Kathmandu with different locales', () => {
    const a = path.join(scratch, 'out-utc');
    const b = path.join(scratch, 'out-ktm');
    buildIn({ TZ: 'UTC', LANG: 'C', LC_ALL: 'C' }, a);
    buildIn({ TZ: 'Asia/Kathmandu', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' }, b);
    const files = listFiles(a);
    expect(listFiles(b)).toEqual(files);
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) expect(readFileSync(path.join(b, f)).equals(readFileSync(path.join(a, f))), f).toBe(true);
  });
});

describe("the runs' facts", () => {
  it("give back each run's times and totals as its run has them, field by field", async () => {
    const { runs } = await loadTraces(['fixtures', 'test/fixtures/dialects'], { cwd: ROOT, workers: 0 });
    const facts = siteFactsOf(runs);
    expect(facts.runs).toHaveLength(runs.length);
    const byId = new Map(runs.map((r) => [r.id, r]));
    for (const f of facts.runs) {
      const run = byId.get(f.id)!;
      expect(f.totals, f.id).toEqual(run.totals);
      expect([f.start, f.end, f.durationMs]).toEqual([run.start, run.end, run.durationMs]);
    }
    // The fixtures tell every two totals apart in some run: a field read back as another is seen.
    const names = Object.keys(runs[0]!.totals) as (keyof (typeof runs)[0]['totals'])[];
    expect(names).toHaveLength(10);
    for (const a of names) for (const b of names) if (a < b) expect(runs.some((r) => r.totals[a] !== r.totals[b]), `${a} and ${b}`).toBe(true);
  });
});

describe('run pages written by worker threads', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'trace-report-par-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  // Two workers: the exports' thread and this one write the run pages; three: a run-page thread too.
  it.each([2, 3])('writes the same bytes as the one-thread build, manifest included (%i workers)', async (workers) => {
    for (const inputs of [['fixtures'], ['test/fixtures/dialects', 'test/fixtures/otlp']]) {
      const one = path.join(scratch, `one-${inputs.length}`);
      const par = path.join(scratch, `par-${inputs.length}-${workers}`);
      const a = await buildSite({ inputs, outDir: one, cwd: ROOT, workers: 0 });
      // Tiny chunks: runs cross chunks and files, and each thread builds a share of them again.
      const b = await buildSite({ inputs, outDir: par, cwd: ROOT, workers, parallelFrom: 0, chunkBytes: 4096 });
      expect(b.pages).toBe(a.pages);
      expect(b.files).toBe(a.files + 3);
      expect(b.bytes).toBe(a.bytes + statSync(path.join(par, REUSE_FILE)).size + statSync(path.join(par, FACTS_FILE)).size + statSync(path.join(par, EVENTS_FILE)).size);
      const files = listFiles(one);
      // Only a build read on threads records what the next may keep of its pages (their runs' events and lines), of its facts and of its events read.
      expect(listFiles(par)).toEqual([...files, REUSE_FILE, FACTS_FILE, EVENTS_FILE].sort());
      expect(files.filter((f) => f.startsWith('runs/')).length).toBe(a.summary.runs);
      for (const f of files) expect(siteFileText(par, f), f).toEqual(siteFileText(one, f));
    }
  });

  it('takes runs from one board: each run page once, whichever thread takes it, and no more once one fails', async () => {
    const one = path.join(scratch, 'one-1');
    if (!existsSync(one)) await buildSite({ inputs: ['fixtures'], outDir: one, cwd: ROOT, workers: 0 });
    const loaded = await loadTraces(['fixtures'], { cwd: ROOT, keepText: true, keepPlan: true, workers: 2, parallelFrom: 0, chunkBytes: 4096 });
    const plan = loaded.plan!;
    const facts = gatherSiteFacts(planRuns(plan, loaded.prices), false);
    expect(facts.runs.length).toBeGreaterThan(2 * RUNS_A_CLAIM);
    const ids: string[] = [];
    for (const r of facts.runs) ids[r.at] = r.id;
    const named = runFileNames(ids);
    const site = runPagesSite(plan, facts.runs, named, { version: toolVersion(), priceTable: loaded.prices.date });
    // What the run pages need, as columns by the run's number in the plan: no run's facts, which
    // this thread gives up once its own pages are rendered, long before the last run page.
    expect(Array.from(site.order)).toEqual(facts.runs.map((r) => r.at));
    const withCalls = facts.runs.filter((r) => r.totals.calls > 0).map((r) => r.at);
    expect(Array.from(site.withCalls)).toEqual(withCalls);
    for (const r of facts.runs) {
      expect(site.files[r.at]).toBe(r.pages);
      expect(site.starts[r.at]).toBe(r.start ?? NaN);
    }
    const context = site.context;
    expect(() => runPagesSite(plan, [...facts.runs.slice(1), facts.runs[1]!], named, context)).toThrow(/listed twice/);
    expect(() => runPagesSite(plan, facts.runs.slice(1), named, context)).toThrow(/runs listed for the/);
    const root = path.join(scratch, 'board');
    mkdirSync(path.join(root, 'runs'), { recursive: true });
    const job: WriteRunPagesJob = { plan: site.threadPlan, prices: loaded.prices.state(), root, context: site.context, pages: runPagesBoard(site, undefined) };
    // Another thread took the first claim: this one writes every later run, then finds none left.
    Atomics.store(job.pages.claims, 0, 1);
    const taken = writeRunPages(job);
    expect(writeRunPages(job)).toEqual({ pages: 0, bytes: 0 });
    const expected = facts.runs.filter((r) => r.at >= RUNS_A_CLAIM).flatMap((r) => Array.from({ length: r.pages }, (_, i) => partPath(nameAt(job.pages.names, r.at), i + 1)));
    expect(listFiles(root)).toEqual(expected.sort());
    expect(taken.pages).toBe(expected.length);
    let bytes = 0;
    for (const f of expected) {
      const page = readFileSync(path.join(root, f));
      expect(page.equals(readFileSync(path.join(one, f))), f).toBe(true);
      bytes += page.length;
    }
    expect(taken.bytes).toBe(bytes);

    // A page that cannot be written (no runs/ folder): the error is thrown and no thread takes more runs.
    const failing: WriteRunPagesJob = { ...job, root: path.join(scratch, 'board-missing'), pages: runPagesBoard(site, undefined) };
    expect(() => writeRunPages(failing)).toThrow(/ENOENT/);
    expect(writeRunPages({ ...failing, root })).toEqual({ pages: 0, bytes: 0 });

    // The main thread's turn, claim by claim between other work: the same pages as a thread's.
    const here = path.join(scratch, 'board-here');
    mkdirSync(path.join(here, 'runs'), { recursive: true });
    const fresh: WriteRunPagesJob = { ...job, root: here, pages: runPagesBoard(site, undefined) };
    Atomics.store(fresh.pages.claims, 0, 1);
    expect(await writeRunPagesHere(fresh)).toEqual(taken);
    expect(listFiles(here)).toEqual(expected.sort());
    for (const f of expected) expect(readFileSync(path.join(here, f)).equals(readFileSync(path.join(one, f))), f).toBe(true);
  });

  /**
   * A folder that is not a trace-report site (a file of the user's in it), to be written into in
   * place (--force), with a symbolic link to a file outside it where the site's `file` goes.
   */
  function plantLink(folder: string, file: string): { out: string; secret: string } {
    const out = path.join(scratch, folder);
    mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
    writeFileSync(path.join(out, 'mine.txt'), 'mine');
    const secret = path.join(scratch, `secret-${folder}.txt`);
    writeFileSync(secret, 'secret');
    symlinkSync(secret, path.join(out, file));
    return { out, secret };
  }

  it('lists the same failed, unpriced, incomplete and slowest calls as the one-thread build, past each list\'s limit, whatever order the runs come in', async () => {
    // 1,300 runs written newest first, so that the order they are read in (which the threads
    // build them in) is the reverse of the list's: each with a failed call, an unpriced one, and
    // every seventh left open; the slowest calls tie on their duration.
    const lines: string[] = [];
    const at = (s: number) => new Date(Date.UTC(2026, 2, 1) + s * 1000).toISOString();
    for (let i = 1300; i > 0; i--) {
      const run = `r${i}`;
      const base = { run_id: run, workflow: `w${i % 3}`, agent_name: `a${i % 4}` };
      lines.push(JSON.stringify({ event_type: 'llm_call_start', ...base, model: 'gpt-4o', timestamp: at(i * 60) }));
      lines.push(JSON.stringify({ event_type: 'llm_call_error', ...base, model: 'gpt-4o', error: `boom ${i}`, duration_ms: 100 + (i % 5), timestamp: at(i * 60 + 1) }));
      lines.push(JSON.stringify({ event_type: 'llm_call_end', ...base, model: 'mystery-model', input_tokens: 3, output_tokens: 2, duration_ms: 100 + (i % 5), timestamp: at(i * 60 + 2) }));
      if (i % 7 === 0) lines.push(JSON.stringify({ event_type: 'llm_call_start', ...base, model: 'gpt-4o', timestamp: at(i * 60 + 3) }));
    }
    const input = path.join(scratch, 'limits.jsonl');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const a = await buildSite({ inputs: [input], outDir: path.join(scratch, 'limits-one'), workers: 0 });
    const b = await buildSite({ inputs: [input], outDir: path.join(scratch, 'limits-par'), workers: 2, parallelFrom: 0, chunkBytes: 8192 });
    const files = listFiles(a.outDir);
    expect(listFiles(b.outDir)).toEqual([...files, REUSE_FILE, FACTS_FILE, EVENTS_FILE].sort());
    for (const f of files) expect(siteFileText(b.outDir, f), f).toEqual(siteFileText(a.outDir, f));
    const errors = readFileSync(path.join(a.outDir, 'errors.html'), 'utf8');
    expect(errors).toContain('Failed calls, the first 1,000 of 1,300');
    expect(errors).toContain('Failed runs, the first 1,000 of 1,115');
    expect(errors).toMatch(/<dt>Incomplete runs<\/dt><dd data-value="185">/);
    // Newest first: the first failed call listed is r1300's.
    expect(errors.indexOf('boom 1300')).toBeLessThan(errors.indexOf('boom 1299'));
    const cost = readFileSync(path.join(a.outDir, 'cost.html'), 'utf8');
    expect(a.summary.cost.unpricedSteps).toBeGreaterThan(500);
    expect(cost).toContain(`Unpriced calls, the first 500 of ${a.summary.cost.unpricedSteps.toLocaleString('en-US')}`);
    const latency = readFileSync(path.join(a.outDir, 'latency.html'), 'utf8');
    expect(latency).toContain('Slowest 50 calls');
  });

  it('fails as the tool fails to write, without writing through a link planted at an export another thread writes', async () => {
    const { OutputError } = await import('../src/errors.js');
    for (const name of ['calls.csv', 'calls.jsonl']) {
      const { out, secret } = plantLink(`planted-${name}`, name);
      const build = buildSite({ inputs: [FIXTURES], outDir: out, cwd: ROOT, workers: 2, parallelFrom: 0, force: true });
      await expect(build).rejects.toThrow(new RegExp(`${name.replace('.', '\\.')}: it is a symbolic link`));
      await expect(build).rejects.toBeInstanceOf(OutputError);
      expect(readFileSync(secret, 'utf8')).toBe('secret');
      expect(readFileSync(path.join(out, 'mine.txt'), 'utf8')).toBe('mine');
      const manifest = JSON.parse(readFileSync(path.join(out, '.trace-report-site.json'), 'utf8')) as { files: string[] };
      expect(manifest.files).toContain('index.html');
      expect(manifest.files).not.toContain(name);
    }
  });

  it('fails as the tool fails to write a page of this thread’s, while the other threads write run pages', async () => {
    const { out, secret } = plantLink('planted-index', 'index.html');
    const { OutputError } = await import('../src/errors.js');
    const build = buildSite({ inputs: [FIXTURES], outDir: out, cwd: ROOT, workers: 2, parallelFrom: 0, force: true });
    await expect(build).rejects.toThrow(/index\.html: it is a symbolic link/);
    await expect(build).rejects.toBeInstanceOf(OutputError);
    expect(readFileSync(secret, 'utf8')).toBe('secret');
    expect(readFileSync(path.join(out, 'mine.txt'), 'utf8')).toBe('mine');
  });

  it('fails as the tool fails to write, without writing through a link planted at a run page', async () => {
    const first = await buildSite({ inputs: [FIXTURES], outDir: path.join(scratch, 'first'), cwd: ROOT, workers: 2, parallelFrom: 0 });
    const page = listFiles(first.outDir).find((f) => f.startsWith('runs/'))!;
    const { out, secret } = plantLink('planted', page);
    const { OutputError } = await import('../src/errors.js');
    const build = buildSite({ inputs: [FIXTURES], outDir: out, cwd: ROOT, workers: 2, parallelFrom: 0, force: true });
    await expect(build).rejects.toThrow(/symbolic link/);
    await expect(build).rejects.toBeInstanceOf(OutputError);
    expect(readFileSync(secret, 'utf8')).toBe('secret');
    expect(readFileSync(path.join(out, 'mine.txt'), 'utf8')).toBe('mine');
    // What the failed build claims as its own (for the next build to replace) is only what it
    // wrote: the other pages, not the run pages, of which one could not be written.
    const manifest = JSON.parse(readFileSync(path.join(out, '.trace-report-site.json'), 'utf8')) as { files: string[] };
    expect(manifest.files).toContain('index.html');
    expect(manifest.files).not.toContain(page);
    expect(manifest.files.some((f) => f.startsWith('runs/'))).toBe(false);
  });
});

/** A file of a site, as text; the manifest as if the site had no reuse file (see above). */
function siteFileText(dir: string, file: string): string {
  const text = readFileSync(path.join(dir, file), 'latin1');
  if (file !== MANIFEST_NAME) return text;
  const m = JSON.parse(text) as { files: string[]; build: { files: number; bytes: number } };
  // Left out: what only a build read on threads records for the next.
  for (const kept of [REUSE_FILE, FACTS_FILE, EVENTS_FILE]) {
    if (!m.files.includes(kept)) continue;
    m.files = m.files.filter((f) => f !== kept);
    m.build.files--;
    m.build.bytes -= statSync(path.join(dir, kept)).size;
  }
  return JSON.stringify(m, null, 2);
}
