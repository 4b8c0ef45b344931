/**
 * Every page of the demo site loads in Chromium under the report's CSP with no console error, no
 * page error, no CSP violation, no request leaving the site, no missing file and no broken link
 * (issue 3, points 4 and 9).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  brokenLinks, buildInto, htmlFiles, launchBrowser, serveSite, spread, watchedPage, SITE_CSP,
  type PageWatch, type StaticServer,
} from './harness.js';

/**
 * Run pages are many (448 in the demo) and alike, all made by one template: a spread of them,
 * the first and last included, keeps the suite inside its time budget on two cores.
 */
const RUN_PAGE_SAMPLE = 30;

let browser: Browser;
let server: StaticServer;
let root: string;
let pages: string[];
let context: BrowserContext;
let page: Page;
let watch: PageWatch;

beforeAll(async () => {
  const [b, site] = await Promise.all([launchBrowser(), buildInto('pages', ['fixtures/'])]);
  browser = b;
  root = site.outDir;
  pages = htmlFiles(root);
  server = await serveSite(root, SITE_CSP);
  ({ context, page, watch } = await watchedPage(browser, server.origin));
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

/** Loads each page in turn and returns every problem found, each naming its page. */
async function visit(paths: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const rel of paths) {
    const before = { problems: watch.problems().length, misses: server.misses.length };
    const response = await page.goto(server.url(rel), { waitUntil: 'load' });
    if (response?.status() !== 200) problems.push(`${rel}: HTTP ${response?.status()}`);
    // A frame for report.js's first paint of the explorer, and for late console reports.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
    problems.push(...watch.problems().slice(before.problems).map((p) => `${rel}: ${p}`));
    problems.push(...server.misses.slice(before.misses).map((m) => `${rel}: 404 ${m}`));
    problems.push(...(await brokenLinks(page, root, server.origin)).map((b) => `${rel}: broken link ${b}`));
  }
  return problems;
}

describe('the demo site in Chromium under the report CSP', () => {
  test('the site has its pages: index, list pages, cost, latency, errors and a page per run', () => {
    expect(pages).toContain('index.html');
    expect(pages).toContain('cost.html');
    expect(pages).toContain('latency.html');
    expect(pages).toContain('errors.html');
    expect(pages).toContain('list/page-2.html');
    expect(pages.filter((p) => p.startsWith('runs/')).length).toBe(448);
  });

  test('every page that is not a run page loads cleanly', async () => {
    const others = pages.filter((p) => !p.startsWith('runs/'));
    // index, 3 list pages, cost, 7-day cost, latency, errors
    expect(others.length).toBe(8);
    expect(await visit(others)).toEqual([]);
  });

  test(`a spread of ${RUN_PAGE_SAMPLE} run pages, the first and last included, loads cleanly`, async () => {
    const runs = spread(pages.filter((p) => p.startsWith('runs/')), RUN_PAGE_SAMPLE);
    expect(runs.length).toBe(RUN_PAGE_SAMPLE);
    expect(await visit(runs)).toEqual([]);
  });

  test('the watcher sees what it must catch: a missing file, a foreign request, a broken fragment', async () => {
    // The checks above pass only if the watcher can fail: prove it on a page made to fail.
    const before = { problems: watch.problems().length, misses: server.misses.length };
    await page.goto(server.url('index.html'), { waitUntil: 'load' });
    await page.evaluate(() => {
      const img = document.createElement('img');
      img.src = 'https://example.com/pixel.png';
      document.body.append(img);
      const a = document.createElement('a');
      a.href = 'cost.html#no-such-id';
      document.body.append(a);
      const b = document.createElement('a');
      b.href = 'no-such-page.html';
      document.body.append(b);
      const css = document.createElement('link');
      css.rel = 'stylesheet';
      css.href = 'assets/missing.css';
      document.head.append(css);
    });
    await page.waitForTimeout(200);
    const found = watch.problems().slice(before.problems).join('\n');
    expect(found).toMatch(/example\.com\/pixel\.png/);
    expect(server.misses.slice(before.misses)).toEqual(['/assets/missing.css']);
    const broken = await brokenLinks(page, root, server.origin);
    expect(broken.some((b) => b.includes('cost.html#no-such-id (no element #no-such-id)'))).toBe(true);
    expect(broken.some((b) => b.includes('no-such-page.html (no file)'))).toBe(true);
  });
});
