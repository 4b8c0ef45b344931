/**
 * The report opens by double-click from an unzipped CI artifact (issue 3): index.html loaded
 * through a `file://` URL, with JavaScript on and off, has no console error, requests nothing
 * outside its folder, and links lead to a run page and back.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { brokenLinks, buildInto, launchBrowser, watchedPage } from './harness.js';

let browser: Browser;
let root: string;
let base: string;

beforeAll(async () => {
  const [b, site] = await Promise.all([launchBrowser(), buildInto('file-url', ['fixtures/'])]);
  browser = b;
  root = site.outDir;
  base = pathToFileURL(root + '/').href;
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe.each([
  { name: 'JavaScript on', javaScriptEnabled: true },
  { name: 'JavaScript off', javaScriptEnabled: false },
])('file:// with $name', ({ javaScriptEnabled }) => {
  test('index.html opens cleanly, and a run link leads to the run page and back', async () => {
    const { context, page, watch } = await watchedPage(browser, base, { javaScriptEnabled });
    try {
      await page.goto(`${base}index.html`, { waitUntil: 'load' });
      expect(await page.locator('h1').textContent()).toBe('Trace report');
      expect(await brokenLinks(page, root, base)).toEqual([]);

      // With scripts the explorer replaces the static table (its data comes from a script file,
      // which file:// allows where fetching JSON would not); without, the static table shows.
      const table = javaScriptEnabled ? page.locator('#run-explorer') : page.locator('#static-runs');
      expect(await table.isVisible()).toBe(true);
      if (javaScriptEnabled) {
        await expect.poll(() => page.locator('#run-explorer .explorer-count').textContent()).toBe('448 of 448 runs, newest first');
        expect(await page.locator('#static-runs').isVisible()).toBe(false);
      }
      const link = table.locator('tbody tr a[href*="runs/"]').first();
      const runId = await link.locator('code').textContent();
      expect(runId).toBeTruthy();
      await link.click();
      await page.waitForURL(/\/runs\/[^/]+\.html$/);
      expect(page.url().startsWith(`${base}runs/`)).toBe(true);
      expect(await page.locator('h1 code').textContent()).toBe(runId);
      expect(await page.locator('li.node.call').count()).toBeGreaterThan(0);
      expect(await brokenLinks(page, root, base)).toEqual([]);

      await page.locator('nav.run-nav a', { hasText: 'All runs' }).click();
      await page.waitForURL(`${base}index.html`);
      expect(await page.locator('h1').textContent()).toBe('Trace report');

      await page.goBack();
      await page.waitForURL(/\/runs\/[^/]+\.html$/);
      expect(await page.locator('h1 code').textContent()).toBe(runId);

      // The report's own navigation reaches every top page from a run page.
      for (const [label, file] of [['Cost', 'cost.html'], ['Latency', 'latency.html'], ['Errors', 'errors.html'], ['Runs', 'index.html']] as const) {
        await page.locator('.site-nav a', { hasText: label }).click();
        await page.waitForURL(`${base}${file}`);
      }
      expect(watch.problems()).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

test('a request leaving the folder is caught and aborted (file:// has no CSP to stop it)', async () => {
  const { context, page, watch } = await watchedPage(browser, base);
  try {
    await page.goto(`${base}index.html`, { waitUntil: 'load' });
    await page.evaluate(() => {
      const img = document.createElement('img');
      img.src = 'https://example.com/pixel.png';
      document.body.append(img);
    });
    await expect.poll(() => watch.external).toEqual(['https://example.com/pixel.png']);
  } finally {
    await context.close();
  }
});
