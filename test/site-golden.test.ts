import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarise } from '../src/aggregate/summarise.js';
import { loadTraces } from '../src/read/load.js';
import { renderSite } from '../src/site/build.js';
import { siteFileText } from '../src/site/write/site-file.js';

/**
 * The golden site: every file rendered from test/fixtures/dialects, committed under
 * test/golden/site. Any change to any page shows here as a diff to review; regenerate with
 * UPDATE_GOLDEN=1 after checking that the change is wanted.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const GOLDEN = path.join(import.meta.dirname, 'golden', 'site');

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? listFiles(path.join(dir, d.name), `${prefix}${d.name}/`) : [`${prefix}${d.name}`],
  );
}

describe('golden site', () => {
  it('renders exactly the committed pages, data files and assets', async () => {
    const loaded = await loadTraces(['test/fixtures/dialects'], { cwd: ROOT });
    const summary = summarise({ ...loaded, priceTable: loaded.prices.date });
    const files = await renderSite({ runs: loaded.runs, summary, skipped: loaded.skipped, skippedLines: loaded.skippedLines });
    const rendered = new Map(files.map((f) => [f.path, Buffer.from(siteFileText(f))]));
    if (process.env.UPDATE_GOLDEN) {
      for (const [rel, content] of rendered) {
        mkdirSync(path.dirname(path.join(GOLDEN, rel)), { recursive: true });
        writeFileSync(path.join(GOLDEN, rel), content);
      }
    }
    expect(existsSync(GOLDEN), 'run once with UPDATE_GOLDEN=1 to create the golden site').toBe(true);
    expect([...rendered.keys()].sort()).toEqual(listFiles(GOLDEN).sort());
    for (const [rel, content] of rendered) {
      expect(content.toString('utf8'), rel).toBe(readFileSync(path.join(GOLDEN, rel), 'utf8'));
    }
  });
});
