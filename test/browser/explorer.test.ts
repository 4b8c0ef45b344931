/**
 * With scripts on, the index is a run explorer (issue 3, point 2): instant search, filters
 * (workflow, status, agent, model, minimum duration), sort by a column, filter state in the URL,
 * keyboard navigation, and a windowed table. Expected rows for test/fixtures/dialects are worked
 * out by hand from its nine runs; run pages get j/k and expand/collapse all.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildSite } from '../../src/site/build.js';
import { hugeRun } from '../helpers.js';
import { newestFirst } from '../../src/site/pages/site-model.js';
import {
  buildInto, launchBrowser, runsOf, serveSite, watchedPage, SITE_CSP, type PageWatch, type StaticServer,
} from './harness.js';

const A1 = 'test/fixtures/dialects/a-recorder.jsonl:1';
const B1 = 'test/fixtures/dialects/b-eventbus.jsonl:1';
const B10 = 'test/fixtures/dialects/b-eventbus.jsonl:10';
/** Latest start first: 2026-01-06 08:00, then 01-05 16:00, 15:00, 14:00:02.500, ... */
const NEWEST_FIRST = ['run-11', 'run_7f4', 'run_7f3', 'run-10', 'run-9', 'run_7f2', B10, A1, B1];

let browser: Browser;
let dialects: { server: StaticServer; page: (id: string) => string };
let demo: { server: StaticServer; order: string[] };

beforeAll(async () => {
  const [b, d, m, dRuns, mRuns] = await Promise.all([
    launchBrowser(),
    buildInto('explorer-dialects', ['test/fixtures/dialects']),
    buildInto('explorer-demo', ['fixtures/']),
    runsOf(['test/fixtures/dialects']),
    runsOf(['fixtures/']),
  ]);
  browser = b;
  dialects = { server: await serveSite(d.outDir, SITE_CSP), page: dRuns.page };
  demo = { server: await serveSite(m.outDir, SITE_CSP), order: newestFirst(mRuns.runs).map((r) => r.id) };
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await dialects?.server.close();
  await demo?.server.close();
});

interface Opened { context: BrowserContext; page: Page; watch: PageWatch }

async function open(server: StaticServer, rel: string): Promise<Opened> {
  const opened = await watchedPage(browser, server.origin);
  await opened.page.goto(server.url(rel), { waitUntil: 'load' });
  return opened;
}

async function done(o: Opened): Promise<void> {
  const problems = o.watch.problems();
  await o.context.close();
  expect(problems).toEqual([]);
}

const rowIds = (page: Page) => page.locator('#run-explorer tbody tr.row td.id code').allTextContents();
const count = (page: Page) => page.locator('#run-explorer .explorer-count').textContent();

describe('the run explorer over test/fixtures/dialects', () => {
  test('replaces the static table and lists every run, newest first', async () => {
    const o = await open(dialects.server, 'index.html');
    expect(await o.page.locator('#run-explorer').isVisible()).toBe(true);
    expect(await o.page.locator('#static-runs').isVisible()).toBe(false);
    expect(await count(o.page)).toBe('9 of 9 runs, newest first');
    expect(await rowIds(o.page)).toEqual(NEWEST_FIRST);
    await done(o);
  });

  test('instant search by run id, workflow, model, and several words at once', async () => {
    const o = await open(dialects.server, 'index.html');
    const q = o.page.locator('#run-explorer input[name="q"]');
    const cases: [string, string[]][] = [
      ['run_7f', ['run_7f4', 'run_7f3', 'run_7f2']],
      ['digest', ['run-9']],
      ['gpt-4o', ['run_7f3', 'run-9', B1]],
      ['triage 7f4', ['run_7f4']],
      ['RUN-1', ['run-11', 'run-10']],
      ['no-such-run', []],
    ];
    for (const [text, expected] of cases) {
      await q.fill(text);
      expect(await rowIds(o.page), text).toEqual(expected);
      expect(await count(o.page), text).toBe(`${expected.length} of 9 runs match, newest first`);
    }
    expect(await o.page.locator('#run-explorer td.empty').textContent()).toBe('No run matches these filters.');
    await q.fill('');
    expect(await rowIds(o.page)).toEqual(NEWEST_FIRST);
    await done(o);
  });

  test('filters: workflow, status, agent, model, minimum duration, and together', async () => {
    const o = await open(dialects.server, 'index.html');
    const select = (name: string) => o.page.locator(`#run-explorer select[name="${name}"]`);
    const clear = () => o.page.locator('#run-explorer button[type="reset"]').click();

    await select('workflow').selectOption('incident-triage');
    expect(await rowIds(o.page)).toEqual(['run_7f4', 'run_7f3', 'run_7f2']);
    await select('status').selectOption('failed');
    expect(await rowIds(o.page)).toEqual(['run_7f2']);
    await clear();
    await expect.poll(() => rowIds(o.page)).toEqual(NEWEST_FIRST);

    await select('status').selectOption('incomplete');
    expect(await rowIds(o.page)).toEqual(['run-11', 'run_7f4', B10]);
    await select('status').selectOption('');

    await select('agent').selectOption('Log Analyst');
    expect(await rowIds(o.page)).toEqual(['run_7f4', 'run_7f2']);
    await select('agent').selectOption('');

    // Grouped by the normalised model id: the trace's `gpt-4o-mini` calls in runs 9 and B1.
    await select('model').selectOption('gpt-4o-mini');
    expect(await rowIds(o.page)).toEqual(['run-9', B1]);
    await select('model').selectOption('');

    // Durations: 0, 2000, 4000, 35998000, 30812, 3000, 2500, 2565, 724.988 ms.
    await o.page.locator('#run-explorer input[name="min"]').fill('3000');
    expect(await rowIds(o.page)).toEqual(['run_7f3', 'run-10', 'run-9', 'run_7f2']);
    await o.page.locator('#run-explorer input[name="min"]').fill('30813');
    expect(await rowIds(o.page)).toEqual(['run-10']);
    await done(o);
  });

  test('the filter lists offer every workflow, agent and model of the traces', async () => {
    const o = await open(dialects.server, 'index.html');
    const options = (name: string) => o.page.locator(`#run-explorer select[name="${name}"] option`).allTextContents();
    expect(await options('workflow')).toEqual(['all', 'billing', 'digest', 'incident-triage', 'pipeline', 'router', 'routing', 'voting']);
    expect(await options('agent')).toEqual(['all', 'Log Analyst', 'Responder', 'billing_agent', 'classifier', 'extractor', 'summarizer', 'voter_a', 'voter_b']);
    expect(await options('status')).toEqual(['all', 'ok', 'failed', 'incomplete']);
    await done(o);
  });

  test('a column header sorts ascending, then descending, then back to newest first', async () => {
    const o = await open(dialects.server, 'index.html');
    const header = (label: string) => o.page.locator('#run-explorer thead th', { hasText: label });
    // run-11 never ended (one time seen): no duration, so last in both directions.
    const byDuration = [B1, 'run_7f4', B10, A1, 'run_7f2', 'run_7f3', 'run-9', 'run-10'];
    await header('Duration').locator('button').click();
    expect(await rowIds(o.page)).toEqual([...byDuration, 'run-11']);
    expect(await header('Duration').getAttribute('aria-sort')).toBe('ascending');
    await header('Duration').locator('button').click();
    expect(await rowIds(o.page)).toEqual([...byDuration].reverse().concat('run-11'));
    expect(await header('Duration').getAttribute('aria-sort')).toBe('descending');
    await header('Duration').locator('button').click();
    expect(await rowIds(o.page)).toEqual(NEWEST_FIRST);
    expect(await header('Duration').getAttribute('aria-sort')).toBeNull();

    // Cost: runs whose calls are all unpriced (run-11, run_7f3) have no cost, not $0: last either way.
    const byCost = [A1, B1, 'run-9', B10, 'run_7f4', 'run_7f2', 'run-10'];
    await header('Cost').locator('button').click();
    expect(await rowIds(o.page)).toEqual([...byCost, 'run-11', 'run_7f3']);
    await header('Cost').locator('button').click();
    expect(await rowIds(o.page)).toEqual([...byCost].reverse().concat('run-11', 'run_7f3'));
    await header('Cost').locator('button').click();

    await header('Run').locator('button').click();
    expect(await rowIds(o.page)).toEqual(['run-10', 'run-11', 'run-9', 'run_7f2', 'run_7f3', 'run_7f4', A1, B1, B10]);
    await header('Steps').locator('button').click();
    // 2 calls: run-10, run-9, B10, A1; 1 call: the rest; ties keep newest first.
    expect(await rowIds(o.page)).toEqual(['run-11', 'run_7f4', 'run_7f3', 'run_7f2', B1, 'run-10', 'run-9', B10, A1]);
    await done(o);
  });

  test('filter and sort state live in the URL: kept on reload, restored from a shared link', async () => {
    const o = await open(dialects.server, 'index.html');
    await o.page.locator('#run-explorer select[name="workflow"]').selectOption('incident-triage');
    await o.page.locator('#run-explorer select[name="status"]').selectOption('failed');
    const hash = new URL(o.page.url()).hash;
    expect(new URLSearchParams(hash.slice(1)).get('workflow')).toBe('incident-triage');
    expect(new URLSearchParams(hash.slice(1)).get('status')).toBe('failed');
    await o.page.reload({ waitUntil: 'load' });
    expect(await rowIds(o.page)).toEqual(['run_7f2']);
    expect(await o.page.locator('#run-explorer select[name="workflow"]').inputValue()).toBe('incident-triage');
    expect(await o.page.locator('#run-explorer select[name="status"]').inputValue()).toBe('failed');
    await done(o);

    const shared = await open(dialects.server, 'index.html#workflow=incident-triage&sort=-durationMs');
    expect(await rowIds(shared.page)).toEqual(['run_7f3', 'run_7f2', 'run_7f4']);
    expect(await shared.page.locator('#run-explorer thead th', { hasText: 'Duration' }).getAttribute('aria-sort')).toBe('descending');
    const searched = await shared.page.goto(dialects.server.url('index.html#q=digest'), { waitUntil: 'load' });
    expect(searched === null || searched.ok()).toBe(true);
    await expect.poll(() => rowIds(shared.page)).toEqual(['run-9']);
    expect(await shared.page.locator('#run-explorer input[name="q"]').inputValue()).toBe('digest');
    await done(shared);
  });

  test('a hash without filters resets them, and a malformed hash is ignored', async () => {
    const o = await open(dialects.server, 'index.html#workflow=incident-triage');
    expect(await rowIds(o.page)).toEqual(['run_7f4', 'run_7f3', 'run_7f2']);
    await o.page.evaluate(() => { location.hash = ''; });
    await expect.poll(() => rowIds(o.page)).toEqual(NEWEST_FIRST);
    expect(await o.page.locator('#run-explorer select[name="workflow"]').inputValue()).toBe('');
    await o.page.evaluate(() => { location.hash = '#%E0%A4%A'; });
    await expect.poll(() => rowIds(o.page)).toEqual(NEWEST_FIRST);
    await done(o);

    const run = await open(dialects.server, `${dialects.page('run-10')}#%E0%A4%A`);
    await run.page.evaluate(() => { location.hash = '#%E0%A4%A%'; });
    expect(await run.page.locator('h1 code').textContent()).toBe('run-10');
    await done(run);
  });

  test('keyboard: / focuses search, arrows and j/k move through the rows, Enter opens the run', async () => {
    const o = await open(dialects.server, 'index.html');
    const { page } = o;
    await page.locator('h1').click();
    await page.keyboard.press('/');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('q');
    await page.keyboard.type('run_7f');
    expect(await rowIds(page)).toEqual(['run_7f4', 'run_7f3', 'run_7f2']);
    const active = () => page.locator('#run-explorer tbody tr.row.active td.id code').allTextContents();
    const focused = () => page.evaluate(() => document.activeElement?.closest('tr.row')?.querySelector('td.id code')?.textContent ?? document.activeElement?.tagName);
    await page.keyboard.press('ArrowDown');
    expect(await active()).toEqual(['run_7f4']);
    // focus itself moves with the highlight (to the row's link), so screen readers follow it
    expect(await focused()).toBe('run_7f4');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('A');
    await page.keyboard.press('j');
    expect(await active()).toEqual(['run_7f3']);
    expect(await focused()).toBe('run_7f3');
    await page.keyboard.press('ArrowDown');
    expect(await active()).toEqual(['run_7f2']);
    await page.keyboard.press('j');
    expect(await active()).toEqual(['run_7f2']);
    await page.keyboard.press('k');
    await page.keyboard.press('ArrowUp');
    expect(await active()).toEqual(['run_7f4']);
    await page.keyboard.press('End');
    expect(await active()).toEqual(['run_7f2']);
    expect(await focused()).toBe('run_7f2');
    await page.keyboard.press('Enter');
    await page.waitForURL(dialects.server.url(dialects.page('run_7f2')));
    expect(await page.locator('h1 code').textContent()).toBe('run_7f2');
    await done(o);
  });
});

describe('run pages with scripts', () => {
  test('j and k step through the calls and mark the one in the address', async () => {
    const o = await open(dialects.server, dialects.page('run-10'));
    const { page } = o;
    await page.keyboard.press('j');
    await expect.poll(() => new URL(page.url()).hash).toBe('#step-1');
    expect(await page.locator('li.node.call.current').getAttribute('id')).toBe('step-1');
    await page.keyboard.press('j');
    await expect.poll(() => new URL(page.url()).hash).toBe('#step-2');
    expect(await page.locator('li.node.call.current').getAttribute('id')).toBe('step-2');
    await page.keyboard.press('k');
    await expect.poll(() => new URL(page.url()).hash).toBe('#step-1');
    expect(await page.locator('li.node.call.current').count()).toBe(1);
    await done(o);
  });

  test('expand all and collapse all open and close every agent step', async () => {
    const o = await open(dialects.server, dialects.page('run_7f2'));
    const { page } = o;
    const agents = page.locator('li.agent > details');
    expect(await agents.count()).toBe(1);
    expect(await page.locator('[data-tree-tools]').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Collapse all' }).click();
    expect(await agents.evaluateAll((ds) => ds.map((d) => (d as HTMLDetailsElement).open))).toEqual([false]);
    await page.getByRole('button', { name: 'Expand all' }).click();
    expect(await agents.evaluateAll((ds) => ds.map((d) => (d as HTMLDetailsElement).open))).toEqual([true]);
    await done(o);
  });
});

describe('the run explorer over the demo corpus (448 runs)', () => {
  test('holds only a window of rows in the DOM, and reaches the oldest run at the end', async () => {
    const o = await open(demo.server, 'index.html');
    const { page } = o;
    expect(await count(page)).toBe('448 of 448 runs, newest first');
    const rendered = await page.locator('#run-explorer tbody tr.row').count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(100);
    expect((await rowIds(page))[0]).toBe(demo.order[0]);
    await page.locator('#run-explorer .vt').focus();
    await page.keyboard.press('End');
    await expect.poll(async () => (await page.locator('#run-explorer tbody tr.row.active td.id code').allTextContents())).toEqual([demo.order.at(-1)]);
    // the rows were redrawn for the end of the list; focus is on the new copy of the row
    expect(await page.evaluate(() => document.activeElement?.closest('tr.row.active') !== null)).toBe(true);
    await page.keyboard.press('k');
    await expect.poll(async () => (await page.locator('#run-explorer tbody tr.row.active td.id code').allTextContents())).toEqual([demo.order.at(-2)]);
    expect(await page.locator('#run-explorer tbody tr.row').count()).toBeLessThan(100);
    await done(o);
  });

  test('searching for one run id leaves exactly that run', async () => {
    const o = await open(demo.server, 'index.html');
    const id = demo.order[200]!;
    await o.page.locator('#run-explorer input[name="q"]').fill(id);
    const ids = await rowIds(o.page);
    expect(ids).toContain(id);
    expect(ids.every((x) => x.toLowerCase().includes(id.toLowerCase()))).toBe(true);
    await done(o);
  });
});

describe('a run whose page comes in parts, with scripts', () => {
  let parts: { server: StaticServer; first: string; second: string };
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'trace-report-browser-parts-'));
    const trace = path.join(dir, 'huge.jsonl');
    writeFileSync(trace, hugeRun());
    const built = await buildSite({ inputs: [trace], outDir: path.join(dir, 'site') });
    const pages = readdirSync(path.join(built.outDir, 'runs')).sort();
    parts = {
      server: await serveSite(built.outDir, SITE_CSP),
      first: `runs/${pages.find((p) => !p.includes('-part-'))!}`,
      second: `runs/${pages.find((p) => p.endsWith('-part-2.html'))!}`,
    };
  }, 120_000);
  afterAll(async () => {
    await parts?.server.close();
  });

  test('j past the last call of a part goes on to the next part, k back', async () => {
    // Call #19999 is the last on the first part, #20000 the first on the second.
    const o = await open(parts.server, `${parts.first}#step-19999`);
    const { page } = o;
    await page.keyboard.press('j');
    await expect.poll(() => page.url()).toBe(parts.server.url(`${parts.second}#step-20000`));
    await page.waitForLoadState('load');
    await page.keyboard.press('j');
    await expect.poll(() => new URL(page.url()).hash).toBe('#step-20001');
    await page.keyboard.press('k');
    await expect.poll(() => new URL(page.url()).hash).toBe('#step-20000');
    await page.keyboard.press('k');
    await expect.poll(() => page.url()).toBe(parts.server.url(`${parts.first}#step-19999`));
    await done(o);
  }, 60_000);
});
