// Refreshes docs/screenshots/ from the demo corpus: `npm run build && node scripts/screenshots.mjs`.
// Uses Debian's Chromium (/usr/bin/chromium) through playwright-core; never downloads a browser.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(import.meta.dirname, '..');
const site = path.join(mkdtempSync(path.join(tmpdir(), 'trace-report-shots-')), 'site');
const build = spawnSync(process.execPath, ['dist/cli/main.js', 'build', 'fixtures/', '-o', site, '--quiet'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(1);

// The run page shown: the first run with agent steps, tools and a failed call (a Studio run).
const runs = readdirSync(path.join(site, 'runs')).filter((n) => n.startsWith('run_')).sort();
const run = runs.find((n) => n.startsWith('run_f10400')) ?? runs[0];

const shots = [
  ['index.png', 'index.html', 'light', 1280],
  ['index-dark.png', 'index.html', 'dark', 1280],
  ['index-phone.png', 'index.html', 'light', 390],
  ['run.png', `runs/${run}`, 'light', 1280],
  ['run-dark.png', `runs/${run}`, 'dark', 1280],
  ['cost.png', 'cost.html', 'light', 1280],
  ['latency.png', 'latency.html', 'light', 1280],
  ['errors.png', 'errors.html', 'light', 1280],
];
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
for (const [file, page, scheme, width] of shots) {
  const p = await browser.newPage({ viewport: { width, height: width < 500 ? 844 : 900 }, colorScheme: scheme });
  await p.goto(pathToFileURL(path.join(site, page)).href);
  const height = Math.min(await p.evaluate(() => document.documentElement.scrollHeight), width < 500 ? 1800 : 1500);
  await p.screenshot({ path: path.join(root, 'docs', 'screenshots', file), clip: { x: 0, y: 0, width, height } });
  await p.close();
  console.log(`docs/screenshots/${file}`);
}
await browser.close();
