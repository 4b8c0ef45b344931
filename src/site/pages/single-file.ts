/**
 * `--single-file`: one index.html with the stylesheet, the script and the run list inlined, every
 * page a section shown through `:target`, for sending by email or chat. NOT CSP-safe (inline
 * `<style>` and `<script>`). Only the newest SINGLE_FILE_RUNS runs get a detail section so the
 * file stays small enough to send; the run list (with scripts) still covers every run.
 */
import { formatCount } from '../../format/money.js';
import { jsonForScript } from '../html.js';
import type { SiteFile } from '../write/site-file.js';
import { costBody } from './cost-page.js';
import { errorsBody } from './errors-page.js';
import { indexBody } from './index-page.js';
import { pageDocument } from './layout.js';
import { latencyBody } from './latency-page.js';
import { singleFileLinker, singleFileRunId } from './links.js';
import { plural } from './plural.js';
import { runBody } from './run-page.js';
import { runParts } from './run-parts.js';
import { runsData } from './runs-data.js';
import type { SiteModel } from './site-model.js';
import { assetText } from './templates.js';

export const SINGLE_FILE_RUNS = 200;
const DATA_BLOCK = 'runs-data';

function section(id: string, body: string): string {
  return `<section class="sf-page" id="${id}">\n${body}\n</section>\n`;
}

export function singleFilePage(m: SiteModel): SiteFile {
  const shown = m.newestFirst.slice(0, SINGLE_FILE_RUNS);
  const included = new Set(shown.map((r) => r.id));
  const link = singleFileLinker(m.names, included, m.stepParts);
  const runs = m.facts.runs;
  const capped = runs.length > shown.length;
  const note = capped
    ? `This single file holds the newest ${formatCount(shown.length)} of ${formatCount(runs.length)} runs in detail; the run list searches all of them. Build the site without --single-file for every run page and the CSV exports.`
    : 'Single-file report: the CSV and JSON exports come with the full site (build without --single-file).';
  const parts: string[] = [];
  parts.push(section('overview', indexBody(m, { page: 0, pages: 0, runs: shown, link, root: '', dataBlock: DATA_BLOCK, note })));
  parts.push(section('page-cost', costBody({ key: 'cost', summary: m.summary, facts: m.facts, prefix: '', window: m.window }, m.charts, link)));
  if (m.window) {
    const w = m.window;
    parts.push(section('page-cost-7d', costBody({ key: 'cost-7d', summary: w.summary, facts: w.facts, prefix: 'w-', window: w }, m.charts, link)));
  }
  parts.push(section('page-latency', latencyBody(m.summary, m.facts, m.charts, link)));
  parts.push(section('page-errors', errorsBody(m.summary, m.newestFirst, m.errors, m.skipped, link)));
  const order = new Map(runs.map((r, i) => [r.id, i]));
  for (const facts of shown) {
    const i = order.get(facts.id)!;
    const run = m.facts.source.run(facts.at, true);
    const id = singleFileRunId(m.names, run.id);
    // A run whose site page comes in parts shows its first part here.
    const split = runParts(run);
    const part = split && { parts: split.parts, n: 1, href: null };
    parts.push(section(id, runBody(run, { link, prev: runs[i - 1] ?? null, next: runs[i + 1] ?? null, priceTable: m.priceTable, sectionId: id, ...(part ? { part } : {}) })));
  }
  const data = runsData(m.facts.runs, m.newestFirst, (id) => link.run(id));
  parts.push(`<script type="application/json" id="${DATA_BLOCK}">${jsonForScript(data)}</script>\n`);
  return {
    path: 'index.html',
    content: pageDocument({
      title: `${plural(m.summary.runs, 'run')} · trace report`,
      current: null,
      link,
      body: parts.join(''),
      bodyClass: 'single-file',
      version: m.version,
      priceTable: m.priceTable,
      inline: {
        scripts: [assetText('report.js')],
        note: `${note} Not CSP-safe: styles and scripts are inline.`,
      },
    }),
  };
}
