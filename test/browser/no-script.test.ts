/**
 * Every page reads fully where no script runs (issue 3, point 4): with JavaScript switched off
 * under the report's CSP, and under the policy Jenkins serves archived HTML with (a sandbox
 * without `allow-scripts`). Only CSS from assets/ may shape the page.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import type { LlmCall, Run } from '../../src/model/types.js';
import type { Summary } from '../../src/aggregate/summary-types.js';
import { formatDuration } from '../../src/format/money.js';
import {
  buildInto, JENKINS_CSP, launchBrowser, problemsBesidesSandbox, runsOf, serveSite, watchedPage, SITE_CSP, type StaticServer,
} from './harness.js';

const MODES = [
  { name: 'JavaScript off, report CSP', csp: SITE_CSP, javaScriptEnabled: false },
  { name: 'Jenkins policy (sandbox, no scripts)', csp: JENKINS_CSP, javaScriptEnabled: true },
] as const;

let browser: Browser;
let root: string;
let summary: Summary;
let runs: Run[];
let pageOf: (id: string) => string;
/** A run with agent steps (`<details>`) and a failed call that has an error text. */
let failedRun: Run;
let failedCall: LlmCall;

beforeAll(async () => {
  const [b, site, loaded] = await Promise.all([launchBrowser(), buildInto('noscript', ['fixtures/']), runsOf(['fixtures/'])]);
  browser = b;
  root = site.outDir;
  summary = site.summary;
  runs = loaded.runs;
  pageOf = loaded.page;
  failedRun = runs.find((r) => r.children.some((n) => n.kind === 'agent') && r.calls.some((c) => c.status === 'failed' && c.error))!;
  failedCall = failedRun.calls.find((c) => c.status === 'failed' && c.error)!;
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe.each(MODES)('$name', (mode) => {
  let server: StaticServer;
  beforeAll(async () => {
    server = await serveSite(root, mode.csp);
  });
  afterAll(async () => {
    await server?.close();
  });

  async function open(rel: string) {
    const opened = await watchedPage(browser, server.origin, { javaScriptEnabled: mode.javaScriptEnabled, colorScheme: 'light' });
    const response = await opened.page.goto(server.url(rel), { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    return opened;
  }

  const problems = problemsBesidesSandbox;

  test('the index shows the headline numbers and the first page of the run table, newest first', async () => {
    const { context, page, watch } = await open('index.html');
    try {
      expect(await page.locator('h1').textContent()).toBe('Trace report');
      await expect.poll(() => page.locator('.lede strong').textContent()).toBe('6,120 spans from 448 runs');
      const card = (label: string) => page.locator('.cards .card').filter({ has: page.locator('dt', { hasText: label }) }).locator('dd');
      expect(await card('Runs').getAttribute('data-value')).toBe('448');
      expect(await card('Runs').isVisible()).toBe(true);
      expect((await card('Runs').innerText()).split('\n')[0]).toBe('448');
      expect(await card('Failed calls').getAttribute('data-value')).toBe(String(summary.failedSteps));
      for (const label of ['Success rate', 'Total cost', 'Tokens']) {
        expect(await card(label).isVisible(), label).toBe(true);
      }
      // p50 and p95 call latency, on one card or two.
      const cards = await page.locator('.cards').innerText();
      expect(cards).toMatch(/p50/);
      expect(cards).toMatch(/p95/);
      expect(cards).toContain(formatDuration(summary.latency.p50Ms));
      expect(cards).toContain(formatDuration(summary.latency.p95Ms));
      // The script-made explorer stays hidden; the static table is what is read.
      expect(await page.locator('#run-explorer').isVisible()).toBe(false);
      const rows = page.locator('#static-runs #run-table tbody tr');
      // 448 runs: the index holds the newest 148, the runs after the newest of 4 full pages of 100 counted from the oldest.
      expect(await rows.count()).toBe(148);
      expect(await rows.first().isVisible()).toBe(true);
      expect(await page.locator('#static-runs #run-table caption').innerText()).toMatch(/^Runs 1–148 of 448, newest first/);
      const starts = await page.locator('#static-runs #run-table tbody tr td:last-child').allTextContents();
      expect(starts.length).toBe(148);
      expect([...starts].sort().reverse()).toEqual(starts);
      const newest = [...runs].filter((r) => r.start !== null).sort((a, b) => b.start! - a.start!)[0]!;
      expect(await rows.first().locator('th code').textContent()).toBe(newest.id);
      expect(problems(watch)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('the pager leads to the next 100 runs without any script', async () => {
    const { context, page, watch } = await open('index.html');
    try {
      await page.locator('#static-runs nav.pager a[rel="next"]').first().click();
      await page.waitForURL(/\/list\/page-3\.html$/);
      expect(await page.locator('h1').textContent()).toBe('Runs, page 3');
      expect(await page.locator('#static-runs #run-table tbody tr').count()).toBe(100);
      expect(await page.locator('#static-runs #run-table caption').innerText()).toMatch(/^Runs 201–300, counted from the oldest; newest first/);
      expect(await page.locator('#static-runs nav.pager').first().innerText()).toMatch(/^Page 3, counted from the oldest/);
      // Back to the newest runs.
      await page.locator('#static-runs nav.pager a[rel="prev"]').first().click();
      await page.waitForURL(/\/index\.html$/);
      expect(problems(watch)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('a run page shows its step tree open and the full error text of the failed step', async () => {
    const { context, page, watch } = await open(pageOf(failedRun.id));
    try {
      expect(await page.locator('h1 code').textContent()).toBe(failedRun.id);
      expect(await page.locator('li.node.call').count()).toBe(failedRun.calls.length);
      const agents = page.locator('li.node.agent > details');
      expect(await agents.count()).toBeGreaterThan(0);
      for (const d of await agents.all()) {
        expect(await d.getAttribute('open')).toBe('');
        expect(await d.locator('> summary').isVisible()).toBe(true);
      }
      const error = page.locator(`#step-${failedCall.index} .error-text`).first();
      expect(await error.isVisible()).toBe(true);
      expect(await error.textContent()).toBe(failedCall.error);
      expect(await page.locator('.waterfall svg').isVisible()).toBe(true);
      // The expand/collapse buttons are made by report.js: without it their box stays hidden.
      expect(await page.locator('[data-tree-tools] button').count()).toBe(0);
      expect(problems(watch)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  for (const rel of ['cost.html', 'cost-7d.html', 'latency.html']) {
    test(`${rel}: every chart has its table of numbers visible beside it`, async () => {
      const { context, page, watch } = await open(rel);
      try {
        const blocks = page.locator('section.chart-block');
        expect(await blocks.count()).toBeGreaterThanOrEqual(rel === 'latency.html' ? 3 : 5);
        for (const block of await blocks.all()) {
          const heading = await block.locator('h3').textContent();
          expect(await block.locator('svg.chart').isVisible(), `${rel} ${heading}: chart`).toBe(true);
          const table = block.locator('table').first();
          expect(await table.isVisible(), `${rel} ${heading}: table`).toBe(true);
          expect(await table.locator('tbody tr').count(), `${rel} ${heading}: rows`).toBeGreaterThan(0);
        }
        expect(problems(watch)).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  test('the errors page lists failed calls with links to their steps', async () => {
    const { context, page, watch } = await open('errors.html');
    try {
      const table = page.locator('table').filter({ has: page.locator('caption', { hasText: 'Failed calls' }) });
      expect(await table.isVisible()).toBe(true);
      expect(await table.locator('tbody tr').count()).toBeGreaterThan(0);
      expect(await table.locator('a[href*="#step-"]').count()).toBeGreaterThan(0);
      expect(problems(watch)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('report.css is applied: the page differs from the browser defaults where the stylesheet says', async () => {
    const { context, page, watch } = await open('index.html');
    try {
      const style = async (selector: string, property: string) =>
        page.locator(selector).first().evaluate((el, p) => getComputedStyle(el).getPropertyValue(p), property);
      // The UA sheet gives body an 8px margin and dl/div a block display; report.css changes both.
      expect(await style('body', 'margin-top')).toBe('0px');
      expect(await style('.cards', 'display')).toBe('grid');
      expect(await style('.site-nav ul', 'display')).toBe('flex');
      // The light theme's failed colour, #c4232c.
      expect(await style('.status-failed', 'color')).toBe('rgb(196, 35, 44)');
      expect(problems(watch)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

test('the sandbox filter only forgives the sandbox: a CSP style violation still counts', () => {
  const w = {
    consoleErrors: ["Blocked script execution in 'http://x/index.html' because the document's frame is sandboxed and the 'allow-scripts' permission is not set.", 'Applying inline style violates the following Content Security Policy directive'],
    problems() { return this.consoleErrors.map((m) => `console error: ${m}`); },
  };
  expect(problemsBesidesSandbox(w)).toEqual(['console error: Applying inline style violates the following Content Security Policy directive']);
});
