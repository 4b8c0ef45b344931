import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarise } from '../src/aggregate/summarise.js';
import type { Summary } from '../src/aggregate/summary-types.js';
import { formatDuration } from '../src/format/money.js';
import type { Run } from '../src/model/types.js';
import { loadTraces } from '../src/read/load.js';
import { renderSite } from '../src/site/build.js';
import { siteFileText } from '../src/site/write/site-file.js';
import { escapeHtml, idFragment, jsonForScript, relativeUrl, urlSegment } from '../src/site/html.js';
import { cellHtml } from '../src/site/pages/cells.js';
import { RUNS_PER_PAGE } from '../src/site/pages/index-page.js';
import { RUNS_GLOBAL, runsData, runsDataScript } from '../src/site/pages/runs-data.js';
import { svgNumber } from '../src/site/pages/waterfall.js';
import { clipToWindow, lastDays, windowSummary } from '../src/site/pages/window.js';
import { siteFactsOf } from '../src/site/pages/site-facts.js';
import { plainFacts } from './helpers.js';
import type { SiteFile } from '../src/site/write/site-file.js';

const ROOT = path.resolve(import.meta.dirname, '..');

interface Loaded {
  runs: Run[];
  summary: Summary;
  files: SiteFile[];
  byPath: Map<string, string>;
}

async function load(inputs: string[]): Promise<Omit<Loaded, 'files' | 'byPath'> & { skipped: Awaited<ReturnType<typeof loadTraces>>['skipped']; skippedLines: number }> {
  const r = await loadTraces(inputs, { keepText: true, cwd: ROOT });
  const summary = summarise({ inputs: r.inputs, files: r.files, spans: r.spans, skippedLines: r.skippedLines, runs: r.runs, priceTable: r.prices.date });
  return { runs: r.runs, summary, skipped: r.skipped, skippedLines: r.skippedLines };
}

async function site(inputs: string[], singleFile = false): Promise<Loaded> {
  const l = await load(inputs);
  const files = await renderSite(l, { singleFile });
  const byPath = new Map(files.map((f) => [f.path, siteFileText(f)]));
  return { runs: l.runs, summary: l.summary, files, byPath };
}

// ---- a small HTML reader: our pages escape every `<` in text, so `<...>` finds exactly the tags ----

interface Tag {
  name: string;
  attrs: Map<string, string>;
  index: number;
  raw: string;
}

function tags(html: string): Tag[] {
  const out: Tag[] = [];
  for (const m of html.matchAll(/<([A-Za-z][\w:-]*)((?:\s+[^\s=/>]+(?:="[^"]*")?)*)\s*\/?>/g)) {
    const attrs = new Map<string, string>();
    for (const a of (m[2] ?? '').matchAll(/\s([^\s=/>]+)(?:="([^"]*)")?/g)) attrs.set(a[1]!.toLowerCase(), a[2] ?? '');
    out.push({ name: m[1]!.toLowerCase(), attrs, index: m.index, raw: m[0] });
  }
  return out;
}

function unescapeAttr(v: string): string {
  return v.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function ids(html: string): string[] {
  return tags(html).filter((t) => t.attrs.has('id')).map((t) => unescapeAttr(t.attrs.get('id')!));
}

/** The rules of issue 3 point 4 for one page of the default output; returns the problems found. */
function cspProblems(html: string): string[] {
  const problems: string[] = [];
  if (/<style[\s>]/i.test(html)) problems.push('<style> element');
  if (/<\s*script(?![^>]*\s(?:src="|type="application\/json"))/i.test(html)) problems.push('inline <script> code');
  for (const t of tags(html)) {
    for (const name of t.attrs.keys()) {
      if (name === 'style') problems.push(`style= on <${t.name}>`);
      if (/^on/.test(name)) problems.push(`${name}= on <${t.name}>`);
    }
    if (t.name === 'script' && t.attrs.has('src')) {
      const close = html.indexOf('</script>', t.index);
      if (html.slice(t.index + t.raw.length, close).trim() !== '') problems.push('script with src and code');
    }
  }
  return problems;
}

function scriptBlocks(html: string): string[] {
  return [...html.matchAll(/<script type="application\/json"[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
}

/** Every href/src of a page: relative, inside the site, pointing at a file (and id) that exists. */
function linkProblems(pagePath: string, html: string, byPath: Map<string, string>): string[] {
  const problems: string[] = [];
  const dir = path.posix.dirname(pagePath);
  for (const t of tags(html)) {
    for (const attr of ['href', 'src']) {
      const raw = t.attrs.get(attr);
      if (raw === undefined) continue;
      const url = unescapeAttr(raw);
      if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('/')) {
        problems.push(`${pagePath}: absolute or scheme URL ${url}`);
        continue;
      }
      const [file = '', fragment] = url.split('#');
      const target = file === '' ? pagePath : path.posix.normalize(path.posix.join(dir, decodeURIComponent(file)));
      if (target.startsWith('..')) problems.push(`${pagePath}: leaves the site: ${url}`);
      const content = byPath.get(target);
      if (content === undefined) {
        problems.push(`${pagePath}: missing ${target}`);
        continue;
      }
      if (fragment && target.endsWith('.html') && !/=/.test(fragment) && !ids(content).includes(decodeURIComponent(fragment))) {
        problems.push(`${pagePath}: no id ${fragment} in ${target}`);
      }
    }
  }
  return problems;
}

function htmlFiles(s: Loaded): [string, string][] {
  return [...s.byPath].filter(([p]) => p.endsWith('.html'));
}

/** The table with this caption, up to its end. */
function tableOf(html: string, caption: string): string {
  const i = html.indexOf(`<caption>${caption}`);
  if (i < 0) throw new Error(`no table ${caption}`);
  return html.slice(i, html.indexOf('</table>', i));
}

/** The row whose head is `name` (as <code> or text). */
function rowOf(html: string, name: string): string {
  const e = escapeHtml(name);
  let i = html.indexOf(`<code>${e}</code>`);
  if (i < 0) i = html.indexOf(`<th scope="row">${e}</th>`);
  if (i < 0) throw new Error(`no row ${name}`);
  return html.slice(i, html.indexOf('</tr>', i));
}

function dataValue(html: string, label: string): string | undefined {
  const m = new RegExp(`<dt>${label}</dt><dd[^>]*data-value="([^"]*)"`).exec(html);
  return m?.[1];
}

describe('html escaping helpers', () => {
  it('escapes text and attributes, and shows control characters as U+FFFD', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(escapeHtml('a\u0000b\u0007c\td\ne')).toBe('a\uFFFDb\uFFFDc\td\ne');
    expect(escapeHtml(null)).toBe('');
  });

  it('keeps </script>, <!-- and line separators out of JSON for script blocks', () => {
    const json = jsonForScript({ s: '</script><!--\u2028\u2029&' });
    expect(json).toBe('{"s":"\\u003c/script\\u003e\\u003c!--\\u2028\\u2029\\u0026"}');
    expect(JSON.parse(json)).toEqual({ s: '</script><!--\u2028\u2029&' });
  });

  it('encodes URL segments and our relative paths', () => {
    expect(urlSegment("a b/c?d#e'(")).toBe('a%20b%2Fc%3Fd%23e%27%28');
    expect(relativeUrl('../runs/run 1.html#step-2')).toBe('../runs/run%201.html#step-2');
    expect(relativeUrl('../runs/run-1.html#step-2')).toBe('../runs/run-1.html#step-2');
    expect(relativeUrl('a#b#c')).toBe('a#b%23c');
  });

  it('gives every relative path the segment-by-segment encoding, plain ones included', () => {
    // The encoding spelled out (each segment but . and .. encoded, then the fragment): plain
    // paths skip it, and must come out the same.
    const reference = (p: string) => {
      const hash = p.indexOf('#');
      const file = hash < 0 ? p : p.slice(0, hash);
      const fragment = hash < 0 ? '' : `#${urlSegment(p.slice(hash + 1))}`;
      return file.split('/').map((s) => (s === '..' || s === '.' ? s : urlSegment(s))).join('/') + fragment;
    };
    const pieces = ['a', 'Z', '0', '.', '..', '/', '#', '-', '_', '~', ' ', '%', '?', 'é', '!', "'", '(', '*', '\u0000', '+', ':'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 20_000; i++) {
      let p = '';
      for (let j = Math.floor(next() * 9); j > 0; j--) p += pieces[Math.floor(next() * pieces.length)];
      expect(relativeUrl(p), JSON.stringify(p)).toBe(reference(p));
    }
  });

  it('writes waterfall coordinates as String() writes them rounded to hundredths', () => {
    const reference = (n: number) => {
      const v = Math.round(n * 100) / 100;
      return String(Object.is(v, -0) ? 0 : v);
    };
    const values = [0, -0, 0.004, -0.004, 0.005, -0.005, 1.005, 2.675, 419.29, 5.1, 250, -12.3, 21474836.47, 21474836.48, -21474836.49, 1e12, -1e-9, NaN, Infinity, -Infinity];
    for (let k = -200_000; k <= 200_000; k += 7) values.push(k / 100, k / 100 + 0.004, k / 100 + 0.005);
    let seed = 3;
    for (let i = 0; i < 20_000; i++) values.push(((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 10 ** (i % 11));
    for (const n of values) expect(svgNumber(n), String(n)).toBe(reference(n));
    expect([svgNumber(419.29), svgNumber(5.1), svgNumber(250), svgNumber(-0.001), svgNumber(0.049)]).toEqual(['419.29', '5.1', '250', '0', '0.05']);
  });

  it('writes a table cell with every part escaped: header, class, value, title, link, code, badge and share bar', () => {
    expect(cellHtml({ text: 'run <1> & "x"', href: '../runs/a.html', code: true, head: true, cls: 'id' })).toBe(
      '<th scope="row" class="id"><a href="../runs/a.html"><code>run &lt;1&gt; &amp; &quot;x&quot;</code></a></th>',
    );
    expect(cellHtml({ text: '1,204', num: true, value: 1204, title: `3 'failed'` })).toBe('<td class="num" data-value="1204" title="3 &#39;failed&#39;">1,204</td>');
    expect(cellHtml({ text: '', num: true, value: null, badge: 'unpriced', badgeTitle: 'no <price>' })).toBe(
      '<td class="num"> <span class="badge badge-unpriced" title="no &lt;price&gt;">unpriced</span></td>',
    );
    expect(cellHtml({ text: '~$0.10', num: true, value: 'k<ey', cls: ' est ', bar: 12.5 })).toBe(
      '<td class="num  est" data-value="k&lt;ey"><span class="share">~$0.10<svg class="bar" width="64" height="8" viewBox="0 0 64 8" aria-hidden="true" focusable="false">' +
        '<rect class="track" width="64" height="8" rx="2"/><rect class="fill" width="8" height="8" rx="2"/></svg></span></td>',
    );
    // A share above 0 is never drawn thinner than 1, one of 0 leaves the track empty, and a cell without a class has no class attribute.
    expect(cellHtml({ text: 'a\u0000b', bar: 0.2 })).toContain('<td><span class="share">a\uFFFDb<svg');
    expect(cellHtml({ text: 'x', bar: 0.2 })).toContain('<rect class="fill" width="1" height="8"');
    expect(cellHtml({ text: 'x', bar: 0 })).toContain('<rect class="fill" width="0" height="8"');
    expect(cellHtml({ text: 'ok', cls: 'status status-ok', value: 0 })).toBe('<td class="status status-ok" data-value="0">ok</td>');
  });

  it('makes ids one to one', () => {
    expect(idFragment('a.b')).toBe('a_2e_b');
    expect(idFragment('a_2e_b')).not.toBe(idFragment('a.b'));
    expect(idFragment('runs/x-1.html')).toBe('runs_2f_x-1_2e_html');
  });
});

describe('the page checks of these tests', () => {
  it('find what they look for', () => {
    expect(cspProblems('<p style="color:red">x</p>')).toEqual(['style= on <p>']);
    expect(cspProblems('<img src="a.png" onerror="x()">')).toEqual(['onerror= on <img>']);
    expect(cspProblems('<style>p{}</style>')).toEqual(['<style> element']);
    expect(cspProblems('<script>alert(1)</script>')).toEqual(['inline <script> code']);
    expect(cspProblems('<script src="a.js">x()</script>')).toEqual(['script with src and code']);
    expect(cspProblems('<script src="a.js"></script><script type="application/json">{}</script>')).toEqual([]);
    const files = new Map([['a.html', '<a href="b.html#x">'], ['b.html', '<p id="y">']]);
    expect(linkProblems('a.html', files.get('a.html')!, files)).toEqual(['a.html: no id x in b.html']);
    expect(linkProblems('a.html', '<a href="https://x.org/">', files)).toEqual(['a.html: absolute or scheme URL https://x.org/']);
    expect(linkProblems('a.html', '<a href="../up.html">', files)).toEqual(['a.html: leaves the site: ../up.html', 'a.html: missing ../up.html']);
  });
});

describe('the site of the dialect fixtures', () => {
  let s: Loaded;
  beforeAll(async () => {
    s = await site(['test/fixtures/dialects']);
  });

  it('has every page type, a page per run, the data files and the assets', () => {
    const paths = [...s.byPath.keys()];
    for (const p of ['index.html', 'cost.html', 'cost-7d.html', 'latency.html', 'errors.html', 'summary.json', 'runs.csv', 'calls.csv', 'assets/report.css', 'assets/report.js', 'assets/runs-data.js']) {
      expect(paths).toContain(p);
    }
    expect(paths.filter((p) => p.startsWith('runs/'))).toHaveLength(9);
    expect(paths.filter((p) => p.endsWith('.html'))).toHaveLength(5 + 9);
  });

  it('shows the summary numbers on the index', () => {
    const index = s.byPath.get('index.html')!;
    expect(index).toContain('<strong>45 spans from 9 runs</strong>');
    expect(index).toContain('2026-01-01 10:00 – 2026-01-06 08:00 UTC');
    expect(dataValue(index, 'Runs')).toBe('9');
    expect(dataValue(index, 'Total cost')).toBe(String(s.summary.cost.total));
    expect(s.summary.cost.total).toBe(0.0176924);
    // 4 ok of 9 runs; $0.00745 reported + ~$0.0102464 estimated; 5 calls unpriced
    expect(index).toMatch(/<dt>Success rate<\/dt><dd data-value="0.444[0-9]*">44.4%/);
    expect(index).toContain('~$0.0177 <span class="badge badge-unpriced">5 unpriced</span>');
    expect(index).toContain('$0.00745 reported · ~$0.0102 estimated');
    expect(dataValue(index, 'Tokens')).toBe('5867');
    expect(index).toContain(`${formatDuration(s.summary.latency.p50Ms)} · ${formatDuration(s.summary.latency.p95Ms)}`);
    expect(index).toContain('1.2s · 17.6s');
    expect(dataValue(index, 'Failed calls')).toBe('3');
  });

  it('lists the runs newest first with their cost provenance, never $0 for unpriced', () => {
    const index = s.byPath.get('index.html')!;
    const order = [...index.matchAll(/<th scope="row" class="id"><a href="runs\/[^"]+"><code>([^<]+)<\/code>/g)].map((m) => m[1]);
    expect(order.slice(0, 4)).toEqual(['run-11', 'run_7f4', 'run_7f3', 'run-10']);
    expect(order).toHaveLength(9);
    // run_7f3: one call with a total only → unpriced, not $0.00
    const row7f3 = index.slice(index.indexOf('<code>run_7f3</code>'), index.indexOf('</tr>', index.indexOf('<code>run_7f3</code>')));
    expect(row7f3).toContain('<span class="badge badge-unpriced" title="1 call, none priced">unpriced</span>');
    expect(row7f3).not.toContain('$0.00');
    // run-10: both calls estimated → ~$0.00864
    const row10 = index.slice(index.indexOf('<code>run-10</code>'), index.indexOf('</tr>', index.indexOf('<code>run-10</code>')));
    expect(row10).toContain('~$0.00864');
  });

  it('puts the summary numbers on the cost page, one row per model', () => {
    const cost = s.byPath.get('cost.html')!;
    const table = cost.slice(cost.indexOf('<caption>Cost by model'), cost.indexOf('</table>', cost.indexOf('<caption>Cost by model')));
    const rows = [...table.matchAll(/<tr><th scope="row"><code>([^<]+)<\/code><\/th>([\s\S]*?)<\/tr>/g)];
    expect(rows.map((r) => r[1])).toEqual(s.summary.byModel.map((m) => m.model));
    for (const [i, r] of rows.entries()) {
      const m = s.summary.byModel[i]!;
      const values = [...r[2]!.matchAll(/data-value="([^"]*)"/g)].map((v) => v[1]);
      // calls, in, out, cost (absent when all unpriced), share, estimated, unpriced
      expect(values[0]).toBe(String(m.calls));
      expect(values[1]).toBe(String(m.inputTokens));
      expect(values[2]).toBe(String(m.outputTokens));
      if (m.unpricedCalls === m.calls) expect(r[2]).toContain('>unpriced</span>');
      else expect(values[3]).toBe(String(m.cost));
    }
    expect(cost).toContain('>~$0.0177</dd>');
    expect(cost).toContain('price table of <strong>2026-09-23</strong>');
    expect(cost).toContain('<h2 id="unpriced-h">Unpriced calls: 5</h2>');
    // every unpriced call is listed with a link to its step
    expect(cost.match(/<td class="num"><a href="runs\/[^"#]+\.html#step-\d+">#\d+<\/a><\/td>/g)).toHaveLength(5);
  });

  it('computes the 7-day page from the calls of the last 7 UTC days', () => {
    const week = s.byPath.get('cost-7d.html')!;
    // latest time 2026-01-06T08:00:00.500Z → from 2025-12-31 00:00: every call of the fixtures is inside
    expect(week).toContain('Calls that ended from 2025-12-31 00:00 to 2026-01-06 08:00 UTC');
    expect(week).toContain('data-value="0.0176924"');
    expect(week).toContain('id="w-cost-model-h"');
  });

  it('keeps every page CSP-clean: no inline script code, no <style>, no style= or on*= attributes', () => {
    for (const [p, html] of htmlFiles(s)) expect(cspProblems(html), p).toEqual([]);
  });

  it('links only to files and ids of the site, by relative paths', () => {
    const problems = htmlFiles(s).flatMap(([p, html]) => linkProblems(p, html, s.byPath));
    expect(problems).toEqual([]);
  });

  it('gives every page unique ids, landmarks, a skip link and noindex', () => {
    for (const [p, html] of htmlFiles(s)) {
      const all = ids(html);
      expect(new Set(all).size, p).toBe(all.length);
      expect(html).toContain('<meta name="robots" content="noindex, nofollow">');
      expect(html).toContain('<a class="skip-link" href="#main">');
      for (const landmark of ['<header', '<nav', '<main id="main"', '<footer']) expect(html, p).toContain(landmark);
      expect(html).toContain('Made by trace-report 0.1.0 · prices from the table of 2026-09-23');
    }
  });

  it('shows each step with a permalink id, its provenance and its error text', () => {
    const run9 = s.byPath.get([...s.byPath.keys()].find((p) => p.startsWith('runs/run-9-'))!)!;
    expect(run9).toContain('<li class="node call st-ok" id="step-1">');
    expect(run9).toContain('<a class="permalink" href="#step-1" aria-label="Step 1, link to this step">#1</a>');
    expect(run9).toContain('<li class="node call st-failed" id="step-2">');
    expect(run9).toContain('<pre class="error-text">timeout</pre>');
    expect(run9).toContain('410→95 tok');
    expect(run9).toContain('title="no token counts">unpriced</span>');
    // the waterfall links each bar to its step
    expect(run9).toContain('<a href="#step-2"><title>#2 · summarizer · gpt-4o-mini · 30.0s · failed</title>');
    const run10 = s.byPath.get([...s.byPath.keys()].find((p) => p.startsWith('runs/run-10-'))!)!;
    expect(run10).toContain('<span class="n-num est" title="estimated from the price table (2026-09-23)">~$0.00264</span>');
    expect(run10).toContain('<code title="priced as claude-sonnet-4">claude-sonnet-4-20250514</code>');
  });

  it('shows prompts and responses of recorder runs, with their sizes', () => {
    const a = s.byPath.get([...s.byPath.keys()].find((p) => p.includes('a-recorder'))!)!;
    expect(a).toContain('<summary>Prompt · 1 message · 14 characters</summary>');
    expect(a).toContain('<pre class="text">Ship v2 today?</pre>');
    expect(a).toContain('<summary>Response · 3 characters</summary><pre class="text">YES</pre>');
  });

  it('links each run to the earlier and later run and to the index', () => {
    const order = s.runs.map((r) => r.id);
    const i = order.indexOf('run-9');
    const run9 = s.byPath.get([...s.byPath.keys()].find((p) => p.startsWith('runs/run-9-'))!)!;
    const prev = escapeHtml(order[i - 1]!);
    const next = escapeHtml(order[i + 1]!);
    // the id is the link's text and, for when it is cut short on screen, its title
    expect(run9).toContain(`rel="prev">← Earlier run <code title="${prev}">${prev}</code>`);
    expect(run9).toContain(`rel="next">Later run <code title="${next}">${next}</code> →`);
    expect(run9).toContain('<a href="../index.html">All runs</a>');
    expect(run9).toMatch(/<a href="run_7f2-[0-9a-f]{8}\.html" rel="prev">/);
  });

  it('embeds each chart as SVG with its Vega-Lite spec as JSON and a table of the same numbers', () => {
    const cost = s.byPath.get('cost.html')!;
    const blocks = scriptBlocks(cost);
    expect(blocks.length).toBe(5);
    const spec = JSON.parse(blocks[0]!) as { datasets: { table: { label: string; cost: number }[] } };
    expect(spec.datasets.table.map((r) => r.label).slice(0, 2)).toEqual(['claude-sonnet-4', 'gpt-4.1']);
    expect(spec.datasets.table[0]!.cost).toBe(s.summary.byModel[0]!.cost);
    expect(cost).toContain('<svg xmlns="http://www.w3.org/2000/svg" class="chart"');
    expect(cost).toContain('<caption>Cost by model');
  });

  it('writes the run list for the script with every run, in list order, and the order of the table, newest first', () => {
    const js = s.byPath.get('assets/runs-data.js')!;
    const m = /^window\.TRACE_REPORT_RUNS = (.*);\n$/s.exec(js);
    const data = JSON.parse(m![1]!) as { version: number; fields: string[]; rows: unknown[][]; order: number[] };
    expect(data.version).toBe(2);
    expect(data.rows).toHaveLength(9);
    const id = data.fields.indexOf('id');
    const href = data.fields.indexOf('href');
    // The rows in the order of runs.csv (the list order: a rebuild keeps their beginning).
    const csvIds = s.byPath.get('runs.csv')!.trim().split('\r\n').slice(1).map((line) => line.split(',')[0]);
    expect(data.rows.map((r) => r[id])).toEqual(csvIds);
    // The table's order: a permutation of the rows, as the index shows them.
    expect([...data.order].sort((a, b) => a - b)).toEqual([...Array(9).keys()]);
    const tableIds = [...s.byPath.get('index.html')!.matchAll(/<th scope="row" class="id"><a href="[^"]*"><code>([^<]+)<\/code>/g)].map((x) => x[1]);
    expect(data.order.map((n) => data.rows[n]![id])).toEqual(tableIds);
    expect(tableIds[0]).toBe('run-11');
    expect(data.order).not.toEqual([...Array(9).keys()]);
    for (const row of data.rows) expect(s.byPath.has(row[href] as string)).toBe(true);
  });

  it('lists failed calls and failed or incomplete runs on the errors page, linked to their steps', () => {
    const errors = s.byPath.get('errors.html')!;
    const failed = errors.slice(errors.indexOf('id="failed-calls"'), errors.indexOf('</table>', errors.indexOf('id="failed-calls"')));
    expect(failed.match(/<tr>/g)).toHaveLength(1 + 3);
    expect(failed).toContain('>429 Too Many Requests</td>');
    expect(errors).toMatch(/<a href="runs\/run_7f2-[0-9a-f]+\.html#step-1">tool timeout<\/a>/);
    expect(errors).toContain('<caption>Failed runs');
    expect(errors).toContain('<caption>Incomplete runs');
  });

  it('shows run costs in the top-run tables as the run list does: unpriced, ~ and +N unpriced, never a made-up $0.00', () => {
    const cost = s.byPath.get('cost.html')!;
    const expensive = tableOf(cost, 'Most expensive runs');
    // run-9: $0.00012 reported and one unpriced call; b-eventbus:10 estimated, with one unpriced call
    expect(rowOf(expensive, 'run-9')).toContain('$0.00012 <span class="badge badge-unpriced" title="1 call without a price, not counted in the sum">+1 unpriced</span>');
    expect(rowOf(expensive, 'test/fixtures/dialects/b-eventbus.jsonl:10')).toContain('>~$0.0016 <span class="badge badge-unpriced"');
    const slowest = tableOf(s.byPath.get('latency.html')!, 'Slowest runs');
    // run_7f3: its one call has a total only, so no price at all
    expect(rowOf(slowest, 'run_7f3')).toContain('<span class="badge badge-unpriced" title="1 call, none priced">unpriced</span>');
    expect(rowOf(slowest, 'run_7f3')).not.toContain('$0.00');
    expect(rowOf(slowest, 'run-10')).toContain('>~$0.00864</td>');
    // run-11 never ended: no duration, not 0ms
    expect(rowOf(slowest, 'run-11')).toContain('<td class="num" title="never ended">—</td>');
  });

  it('shows — for the share and estimated part of rows with no priced call, and ~ on the estimated total', () => {
    const cost = s.byPath.get('cost.html')!;
    const models = tableOf(cost, 'Cost by model');
    // gpt-4o: one call without tokens → unpriced: share and estimated unknown
    const gpt4o = rowOf(models, 'gpt-4o');
    expect(gpt4o).toContain('<td class="num" title="no call priced">—</td>');
    expect(gpt4o).toContain('<td class="num" data-value="0" title="nothing estimated">—</td>');
    expect(gpt4o).not.toMatch(/0\.0%|\$0\.00/);
    // gpt-4o-mini: reported and unpriced calls, nothing estimated
    expect(rowOf(models, 'gpt-4o-mini')).toContain('title="nothing estimated">—</td>');
    // the footer: $0.0102464 of the total was estimated
    const foot = models.slice(models.indexOf('<tfoot>'));
    expect(foot).toContain('<td class="num est" data-value="0.0102464" title="estimated from the price table">~$0.0102</td>');
    expect(rowOf(tableOf(cost, 'Cost by agent'), 'Responder')).toContain('<td class="num" title="no call priced">—</td>');
    expect(rowOf(tableOf(cost, 'Cost by agent'), 'Log Analyst')).toContain('>41.0%');
  });

  it('says when a run gives only a token total, and shows — where no call counts tokens', () => {
    const page = (id: string) => s.byPath.get([...s.byPath.keys()].find((p) => p.startsWith(`runs/${id}-`))!)!;
    expect(page('run_7f3')).toContain('<dt>Tokens</dt><dd>1,000 total (no input/output split)</dd>');
    expect(page('run-10')).toContain('<dt>Tokens</dt><dd>1,180 in → 640 out (1,820 total)</dd>');
    expect(page('run-11')).toContain('<dt>Tokens</dt><dd>not recorded</dd>');
    const index = s.byPath.get('index.html')!;
    expect(rowOf(index, 'run-11')).toContain('<td class="num" title="no token counts in the trace">—</td>');
    expect(rowOf(index, 'run_7f3')).toContain('<td class="num" data-value="1000" title="total only, no input/output split">1,000</td>');
    const js = s.byPath.get('assets/runs-data.js')!;
    const data = JSON.parse(/^window\.TRACE_REPORT_RUNS = (.*);\n$/s.exec(js)![1]!) as { fields: string[]; rows: unknown[][] };
    const row = (id: string) => data.rows.find((r) => r[data.fields.indexOf('id')] === id)!;
    expect(row('run-11')[data.fields.indexOf('tokens')]).toBeNull();
    expect(row('run_7f3')[data.fields.indexOf('tokens')]).toBe(1000);
  });

  it('shows no duration for a run that never ended, not 0ms', () => {
    const run11 = s.byPath.get([...s.byPath.keys()].find((p) => p.startsWith('runs/run-11-'))!)!;
    expect(run11).toContain('<dt>Duration</dt><dd>— <span class="note">(never ended)</span></dd>');
    expect(run11).toContain('<dt>End</dt><dd>—</dd>');
    expect(run11).not.toContain('0ms</dd>');
    expect(rowOf(s.byPath.get('index.html')!, 'run-11')).toContain('<td class="num" title="never ended">—</td>');
    const js = s.byPath.get('assets/runs-data.js')!;
    const data = JSON.parse(/^window\.TRACE_REPORT_RUNS = (.*);\n$/s.exec(js)![1]!) as { fields: string[]; rows: unknown[][] };
    expect(data.rows.find((r) => r[data.fields.indexOf('id')] === 'run-11')![data.fields.indexOf('durationMs')]).toBeNull();
    // an incomplete run that did last keeps its duration
    const run7f4 = s.byPath.get([...s.byPath.keys()].find((p) => p.startsWith('runs/run_7f4-'))!)!;
    expect(run7f4).toContain('<dt>Duration</dt><dd>2.0s</dd>');
  });

  it('clips the waterfall labels to their column with an id unique to the page', () => {
    const run9 = s.byPath.get([...s.byPath.keys()].find((p) => p.startsWith('runs/run-9-'))!)!;
    expect(run9).toContain('<defs><clipPath id="wf-labels"><rect x="0" y="0" width="242" height="');
    const labels = run9.match(/<text class="lbl"[^>]*>/g)!;
    expect(labels).toHaveLength(2);
    for (const l of labels) expect(l).toContain('clip-path="url(#wf-labels)"');
  });

  it('renders the same bytes twice', async () => {
    const again = await site(['test/fixtures/dialects']);
    expect([...again.byPath]).toEqual([...s.byPath]);
  });
});

describe('hostile trace text', () => {
  let s: Loaded;
  beforeAll(async () => {
    s = await site(['test/fixtures/hostile']);
  });

  it('names run pages safely, without ../ or markup', () => {
    const runs = [...s.byPath.keys()].filter((p) => p.startsWith('runs/'));
    expect(runs).toHaveLength(4);
    for (const p of runs) expect(p).toMatch(/^runs\/[a-z0-9._-]+-[0-9a-f]{8}\.html$/);
    expect(runs.some((p) => p.includes('..'))).toBe(false);
  });

  it('shows every hostile string escaped and never as markup', () => {
    const all = htmlFiles(s).map(([, html]) => html).join('\n');
    for (const [p, html] of htmlFiles(s)) expect(cspProblems(html), p).toEqual([]);
    expect(all).not.toMatch(/<script>alert|<img src=x|<b>bold|<!-- -->/);
    expect(all).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(all).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(all).toContain('&quot; onmouseover=&quot;x');
    expect(all).toContain('&lt;b&gt;bold&lt;/b&gt; {{ constructor.constructor(&#39;alert(4)&#39;)() }} &lt;%= it.secret %&gt; before\u2028after &lt;/style&gt;');
    expect(all).toContain('&lt;/textarea&gt;&lt;/pre&gt;&lt;script&gt;alert(7)&lt;/script&gt;');
    expect(all).toContain('&lt;!-- --&gt;&lt;script&gt;alert(8)&lt;/script&gt; &lt;%~ it %&gt;');
    expect(all).toContain('<code>../../etc/passwd</code>');
  });

  it('never makes a URL of trace text', () => {
    for (const [p, html] of htmlFiles(s)) {
      for (const t of tags(html)) {
        const href = t.attrs.get('href');
        // only the shapes of our own names: pages, run pages (slug + hash), data files, assets, step anchors
        if (href !== undefined) expect(href, p).toMatch(/^(?:(?:\.\.\/)?(?:[a-z0-9-]+\.(?:html|json|csv|jsonl)|(?:runs\/)?[a-z0-9._-]+-[0-9a-f]{8,}\.html|list\/page-\d+\.html|assets\/[a-z-]+\.(?:css|js)))?(?:#[A-Za-z0-9_-]+)?$/);
      }
    }
    expect(htmlFiles(s).flatMap(([p, html]) => linkProblems(p, html, s.byPath))).toEqual([]);
  });

  it('keeps JSON blocks and the run list free of raw <, > and line separators', () => {
    const js = s.byPath.get('assets/runs-data.js')!;
    expect(js).not.toMatch(/[<>\u2028\u2029]/);
    expect(js).toContain('\\u003cscript\\u003ealert(1)\\u003c/script\\u003e');
    for (const [, html] of htmlFiles(s)) for (const b of scriptBlocks(html)) expect(b).not.toMatch(/[<>\u2028\u2029]/);
  });

  it('counts the line that is not JSON as skipped and lists it escaped', () => {
    const errors = s.byPath.get('errors.html')!;
    expect(errors).toMatch(/<td class="wrap"><code>test\/fixtures\/hostile\/hostile\.jsonl<\/code><\/td><td class="num" data-value="6">6<\/td>/);
  });

  it('escapes the hostile strings in the single file too', async () => {
    const single = await site(['test/fixtures/hostile'], true);
    const html = single.byPath.get('index.html')!;
    expect(html).not.toMatch(/<script>alert|<img src=x|<b>bold/);
    // the only inline code is our own script; no `</style>` from a trace ends the stylesheet early
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html.match(/<\/style>/g)).toHaveLength(1);
  });
});

describe('the single file', () => {
  let single: Loaded;
  beforeAll(async () => {
    single = await site(['test/fixtures/dialects'], true);
  });

  it('is one index.html that holds every page as a section and links only inside itself', () => {
    expect([...single.byPath.keys()]).toEqual(['index.html']);
    const html = single.byPath.get('index.html')!;
    for (const id of ['overview', 'page-cost', 'page-cost-7d', 'page-latency', 'page-errors']) expect(html).toContain(`<section class="sf-page" id="${id}">`);
    expect(html.match(/<section class="sf-page" id="run-/g)).toHaveLength(9);
    const all = ids(html);
    expect(new Set(all).size).toBe(all.length);
    for (const t of tags(html)) {
      const href = t.attrs.get('href');
      if (href === undefined) continue;
      expect(href.startsWith('#'), href).toBe(true);
      const id = decodeURIComponent(href.slice(1));
      if (id !== '' && !id.includes('=')) expect(all, href).toContain(id);
    }
    expect(html).not.toMatch(/<link |<script src=/);
    expect(html).toContain('Not CSP-safe');
  });
});

describe('the run list split into pages', () => {
  let dir: string;
  /** `n` runs of one call, run r000 the oldest, one a minute. */
  const runsFile = (n: number): string => {
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const t = new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
      lines.push(JSON.stringify({ event_type: 'llm_call_end', run_id: `r${String(i).padStart(3, '0')}`, agent_name: 'a', model: 'gpt-4o-mini', input_tokens: 2000, output_tokens: 0, duration_ms: 10, timestamp: t }));
    }
    const file = path.join(dir, `runs-${n}.jsonl`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  };
  const listed = (s: Loaded) => [...s.byPath.keys()].filter((p) => p === 'index.html' || p.startsWith('list/'));
  const rowIds = (html: string) => [...html.matchAll(/<th scope="row" class="id"><a href="[^"]*"><code>(r\d+)<\/code>/g)].map((m) => m[1]);
  const pagerText = (html: string) => html.match(/<nav class="pager" aria-label="Run list pages">([\s\S]*?)<\/nav>/)![1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'trace-report-pages-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('puts the newest runs on the index and counts the list pages from the oldest, linked by a pager', async () => {
    // 205 runs: 2 full pages of 100 from the oldest; the newer is on the index with the 5 after it.
    const s = await site([runsFile(RUNS_PER_PAGE * 2 + 5)]);
    expect(listed(s)).toEqual(['index.html', 'list/page-1.html']);
    const index = s.byPath.get('index.html')!;
    const p1 = s.byPath.get('list/page-1.html')!;
    expect(index).toContain('<caption>Runs 1–105 of 205, newest first');
    expect(rowIds(index)).toEqual(Array.from({ length: 105 }, (_, i) => `r${204 - i}`));
    expect(p1).toContain('<caption>Runs 1–100, counted from the oldest; newest first');
    expect(rowIds(p1)).toEqual(Array.from({ length: 100 }, (_, i) => `r${String(99 - i).padStart(3, '0')}`));
    expect(p1).toContain('<h1>Runs, page 1</h1>');
    // r000 to r099 ended a minute apart from 00:00, each 10 ms after it started: at 23:59:59.990 and 01:38:59.990.
    expect(p1).toContain('<p class="lede">Started 2025-12-31 23:59 – 2026-01-01 01:38 UTC</p>');
    expect(p1).toContain('<a href="../runs/r000-');
    expect(p1).toContain('<a href="../index.html" rel="prev">← Newer</a>');
    expect(p1).not.toContain('rel="next"');
    expect(pagerText(p1)).toBe('Page 1, counted from the oldest ← Newer Newest 1');
    expect(index).toContain('<a href="list/page-1.html" rel="next">Older →</a>');
    expect(pagerText(index)).toBe('Newest runs Newest 1 Older →');
    // A list page shows nothing of the whole report: not its count of runs, nor its headline, nor
    // the explorer over every run (with scripts too, it is its runs); the index has the explorer.
    expect(p1).not.toMatch(/of 205\b|205 runs/);
    expect(p1).not.toContain('id="run-explorer"');
    expect(p1).not.toContain('runs-data.js');
    expect(index).toContain('id="run-explorer"');
    expect(index).toContain('<script src="assets/runs-data.js" defer></script>');
    for (const [p, html] of htmlFiles(s)) expect(linkProblems(p, html, s.byPath), p).toEqual([]);
    // 205 calls of 2,000 input tokens of gpt-4o-mini at $0.15/M: $0.0003 each, estimated
    expect(s.summary.cost.estimated).toBe(0.0615);
    expect(index).toContain('<dd data-value="0.0615" class="est">~$0.0615');
  });

  it('puts 199 runs all on the index, with no list page and no pager', async () => {
    const few = await site([runsFile(199)]);
    expect(listed(few)).toEqual(['index.html']);
    expect(rowIds(few.byPath.get('index.html')!)).toHaveLength(199);
    expect(few.byPath.get('index.html')!).not.toContain('aria-label="Run list pages"');
  });

  it('keeps each list page the same, byte for byte, when newer runs come in, but for the three newest', async () => {
    // 705 runs: pages 1-6 and the index (105 runs); 905 runs: pages 1-8 and the index.
    const before = await site([runsFile(705)]);
    const after = await site([runsFile(905)]);
    expect(listed(before)).toEqual(['index.html', ...[6, 5, 4, 3, 2, 1].map((n) => `list/page-${n}.html`)]);
    expect(listed(after)).toEqual(['index.html', ...[8, 7, 6, 5, 4, 3, 2, 1].map((n) => `list/page-${n}.html`)]);
    for (const n of [1, 2, 3]) expect(after.byPath.get(`list/page-${n}.html`), `page ${n}`).toBe(before.byPath.get(`list/page-${n}.html`));
    // Pages 4 to 6 hold the same runs, but link to newer pages that were not there.
    for (const n of [4, 5, 6]) {
      const a = before.byPath.get(`list/page-${n}.html`)!;
      const b = after.byPath.get(`list/page-${n}.html`)!;
      expect(b, `page ${n}`).not.toBe(a);
      expect(rowIds(b)).toEqual(rowIds(a));
    }
    expect(pagerText(before.byPath.get('list/page-3.html')!)).toBe('Page 3, counted from the oldest ← Newer Newest … 5 4 3 2 1 Older →');
    expect(pagerText(before.byPath.get('list/page-6.html')!)).toBe('Page 6, counted from the oldest ← Newer Newest 6 5 4 … 1 Older →');
    expect(pagerText(after.byPath.get('list/page-6.html')!)).toBe('Page 6, counted from the oldest ← Newer Newest 8 7 6 5 4 … 1 Older →');
    expect(rowIds(after.byPath.get('list/page-8.html')!)[0]).toBe('r799');
    expect(rowIds(after.byPath.get('index.html')!)).toHaveLength(105);
  });
});

describe('inputs with nothing to show', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'trace-report-empty-'));
    writeFileSync(path.join(dir, 'empty.jsonl'), 'not json\n');
    writeFileSync(path.join(dir, 'untimed.jsonl'), `${JSON.stringify({ event_type: 'llm_call_end', run_id: 'r', model: 'default', duration_ms: 5 })}\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('renders a readable site for a file without events: no 7-day page, no charts, no broken link', async () => {
    const s = await site([path.join(dir, 'empty.jsonl')]);
    expect(s.byPath.has('cost-7d.html')).toBe(false);
    expect(s.byPath.get('index.html')).toContain('No runs were found in the inputs.');
    expect(s.byPath.get('cost.html')).not.toContain('<svg');
    for (const [p, html] of htmlFiles(s)) expect(linkProblems(p, html, s.byPath), p).toEqual([]);
  });

  it('renders a run without times', async () => {
    const s = await site([path.join(dir, 'untimed.jsonl')]);
    const run = s.byPath.get([...s.byPath.keys()].find((p) => p.startsWith('runs/'))!)!;
    expect(run).toContain('The trace records no times for this run');
    expect(run).toContain('title="placeholder model &quot;default&quot;">unpriced</span>');
    for (const [p, html] of htmlFiles(s)) expect(linkProblems(p, html, s.byPath), p).toEqual([]);
  });
});

describe('a large run', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'trace-report-large-'));
    const lines: string[] = [];
    for (let i = 0; i < 2500; i++) {
      const t = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
      lines.push(JSON.stringify({ event_type: 'llm_call_end', run_id: 'big', agent_name: `a${i % 3}`, model: 'gpt-4o-mini', input_tokens: 10, output_tokens: 2, duration_ms: 100, response: 'r'.repeat(50), timestamp: t }));
    }
    writeFileSync(path.join(dir, 'big.jsonl'), `${lines.join('\n')}\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('comes in closed blocks of 100 steps with short rows, under 250 bytes a step', async () => {
    const s = await site([path.join(dir, 'big.jsonl')]);
    const run = s.byPath.get([...s.byPath.keys()].find((p) => p.startsWith('runs/'))!)!;
    expect(run.match(/<li class="node chunk"><details open>/g)).toHaveLength(1);
    expect(run.match(/<li class="node chunk"><details>/g)).toHaveLength(24);
    expect(run).toContain('<span class="n-name">Steps #101–#200</span><span class="n-num">100 calls</span>');
    expect(run.match(/<li class="node call st-ok" id="step-\d+">/g)).toHaveLength(2500);
    expect(run).toContain('<li class="node call st-ok" id="step-2500"><a href="#step-2500">#2500</a><span>a0</span><span>100ms</span><code>gpt-4o-mini</code><span>10→2 tok</span>');
    expect(run).not.toContain('rrrrr');
    expect(run.length / 2500).toBeLessThan(250);
    // the timeline: one row per agent, not 2,500 bars
    expect(run.match(/<rect class="b-/g)).toHaveLength(3);
  });
});

describe('the facts of the runs', () => {
  it('keeps lists of agents, models and files once, never taking one list for another whatever their strings hold', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'trace-report-facts-'));
    try {
      const call = (run: string, agent: string, model: string, t: number) =>
        JSON.stringify({ event_type: 'llm_call_end', run_id: run, agent_name: agent, model, input_tokens: 1, output_tokens: 1, timestamp: `2026-03-01T10:00:0${t}Z` });
      // Joined with NUL, ['a\0b'] and ['a', 'b'] would be one key; so would the models.
      writeFileSync(path.join(dir, 'f.jsonl'), [
        call('one', 'a\u0000b', 'm\u0000n', 1),
        call('two', 'a', 'm', 2),
        call('two', 'b', 'n', 3),
        call('three', 'b', 'n', 4),
        call('three', 'a', 'm', 5),
      ].join('\n'));
      const l = await load([path.join(dir, 'f.jsonl')]);
      const facts = siteFactsOf(l.runs);
      const byId = new Map(facts.runs.map((r) => [r.id, r]));
      expect(byId.get('one')!.agents).toEqual(['a\u0000b']);
      expect(byId.get('one')!.models).toEqual(['m\u0000n']);
      expect(byId.get('two')!.agents).toEqual(['a', 'b']);
      expect(byId.get('two')!.models).toEqual(['m', 'n']);
      // Equal lists are one list.
      expect(byId.get('three')!.agents).toBe(byId.get('two')!.agents);
      expect(byId.get('three')!.files).toBe(byId.get('one')!.files);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('reads back every number of every run as the run has it, past the first thousand runs', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'trace-report-facts-'));
    try {
      // 1,500 runs: some without any time, fractional durations, costs far past 2^31 pico-dollars.
      const lines: string[] = [];
      for (let i = 0; i < 1500; i++) {
        const timed = i % 7 !== 0;
        const at = (s: number) => (timed ? { timestamp: new Date(Date.UTC(2026, 2, 1, 0, 0, 0) + i * 1000 + s).toISOString() } : {});
        lines.push(JSON.stringify({ event_type: 'llm_call_end', run_id: `r${i}`, agent_name: 'a', model: 'gpt-4o', input_tokens: i, output_tokens: 3, cost_usd: i / 8, duration_ms: i + 0.25, ...at(1) }));
        if (i % 3 === 0) lines.push(JSON.stringify({ event_type: 'llm_call_end', run_id: `r${i}`, agent_name: 'b', model: 'no-such-model', total_tokens: 5, ...at(2) }));
      }
      writeFileSync(path.join(dir, 'f.jsonl'), lines.join('\n'));
      const l = await load([path.join(dir, 'f.jsonl')]);
      const facts = siteFactsOf(l.runs);
      expect(facts.runs).toHaveLength(1500);
      const times = (r: Run) => r.calls.map((c) => c.end ?? c.start).filter((t): t is number => t !== null);
      const byId = new Map(l.runs.map((r) => [r.id, r]));
      for (const f of facts.runs) {
        const run = byId.get(f.id)!;
        const t = times(run);
        expect({ start: f.start, end: f.end, durationMs: f.durationMs, totals: f.totals, first: f.firstCallTime, last: f.lastCallTime, untimed: f.untimedCalls }).toEqual({
          start: run.start,
          end: run.end,
          durationMs: run.durationMs,
          totals: run.totals,
          first: t.length > 0 ? Math.min(...t) : null,
          last: t.length > 0 ? Math.max(...t) : null,
          untimed: run.calls.length - t.length,
        });
      }
      // Spot checks against the lines themselves: run 1,499 (timed, one call) and run 1,491 (no time, two calls).
      const last = facts.runs.find((f) => f.id === 'r1499')!;
      expect(last.start).toBe(Date.UTC(2026, 2, 1) + 1499 * 1000 + 1 - 1499.25);
      expect(last.totals).toMatchObject({ calls: 1, inputTokens: 1499, outputTokens: 3, reportedPico: 187_375_000_000_000 });
      const untimed = facts.runs.find((f) => f.id === 'r1491')!;
      expect([untimed.start, untimed.end, untimed.firstCallTime, untimed.lastCallTime, untimed.untimedCalls]).toEqual([null, null, null, null, 2]);
      expect(untimed.totals).toMatchObject({ calls: 2, unpricedCalls: 1, totalTokens: 1491 + 3 + 5 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the run list data', () => {
  it('is made in pieces that join into the one assignment of the whole data, escaped as for a script', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'trace-report-runs-data-'));
    try {
      // 2,500 runs (pieces of 1,000 rows), ids and agents a script block must not end early on.
      const lines: string[] = [];
      for (let i = 0; i < 2500; i++) {
        const id = i % 500 === 7 ? `r${i}</script><!--\u2028&` : `r${i}`;
        lines.push(JSON.stringify({ event_type: 'llm_call_end', run_id: id, workflow: `w${i % 3}`, agent_name: i % 2 ? 'a<b>' : 'c', model: 'gpt-4o', input_tokens: i, output_tokens: 1, timestamp: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString() }));
      }
      writeFileSync(path.join(dir, 'f.jsonl'), lines.join('\n'));
      const l = await load([path.join(dir, 'f.jsonl')]);
      const runs = siteFactsOf(l.runs).runs;
      const href = (id: string) => (id === 'r3' ? null : `runs/${id}.html`);
      for (const n of [0, 1, 1000, 1001, 2500]) {
        const some = runs.slice(0, n);
        const table = [...some].reverse();
        const pieces = [...runsDataScript(some, table, href).chunks()];
        expect(pieces.join('')).toBe(`window.${RUNS_GLOBAL} = ${jsonForScript(runsData(some, table, href))};\n`);
        expect(pieces).toHaveLength(Math.ceil(n / 1000) + 2);
      }
      const text = [...runsDataScript(runs, runs, href).chunks()].join('');
      expect(text).not.toMatch(/<\/script|<!--|\u2028/);
      expect(text).toContain('r7\\u003c/script\\u003e\\u003c!--\\u2028\\u0026');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the 7-day window', () => {
  const call = (runId: string, start: string, end: string, usd: number) => [
    { event_type: 'llm_call_start', run_id: runId, agent_name: 'a', model: 'gpt-4o', timestamp: start },
    { event_type: 'llm_call_end', run_id: runId, agent_name: 'a', model: 'gpt-4o', input_tokens: 1, output_tokens: 1, cost_estimate: usd, timestamp: end },
  ];
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'trace-report-window-'));
    const lines = [
      ...call('old', '2026-03-01T10:00:00Z', '2026-03-01T10:00:01Z', 1),
      // starts the day before the window, ends inside it: counted, by its end
      ...call('edge', '2026-03-03T23:59:59Z', '2026-03-04T00:00:01Z', 0.25),
      // ends one second before the window: not counted
      ...call('before', '2026-03-03T23:59:00Z', '2026-03-03T23:59:59Z', 0.5),
      ...call('mid', '2026-03-06T12:00:00Z', '2026-03-06T12:00:02Z', 0.125),
      ...call('last', '2026-03-10T12:00:00Z', '2026-03-10T12:00:05Z', 2),
    ];
    writeFileSync(path.join(dir, 'w.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts back 7 UTC days from the latest trace time, by each call\'s end', async () => {
    const l = await load([path.join(dir, 'w.jsonl')]);
    const w = lastDays(Date.parse('2026-03-10T12:00:05Z'));
    expect(new Date(w.from).toISOString()).toBe('2026-03-04T00:00:00.000Z');
    expect(l.runs.filter((r) => clipToWindow(r, w) !== null).map((r) => r.id).sort()).toEqual(['edge', 'last', 'mid']);
    const ws = windowSummary(l.summary, siteFactsOf(l.runs), true)!;
    expect(ws.summary.cost.total).toBe(2.375);
    expect(ws.summary.runs).toBe(3);
    expect(ws.summary.byDay.map((d) => [d.date, d.cost])).toEqual([['2026-03-04', 0.25], ['2026-03-06', 0.125], ['2026-03-10', 2]]);
    expect(ws.facts.runs.map((r) => [r.id, r.totals.calls])).toEqual([['edge', 1], ['mid', 1], ['last', 1]]);
    expect(l.summary.cost.total).toBe(3.875);
  });

  it('is the whole summary, its days cut, when every run lies in the window, without reading the runs again', async () => {
    const l = await load([path.join(dir, 'w.jsonl')]);
    // `edge` started the day before the window; its only call ended inside it.
    const runs = l.runs.filter((r) => ['edge', 'mid', 'last'].includes(r.id));
    const summary = summarise({ ...l.summary, priceTable: l.summary.cost.priceTable, runs });
    const facts = siteFactsOf(runs);
    let reads = 0;
    const read = { count: facts.source.count, run: (i: number, text: boolean) => { reads++; return facts.source.run(i, text); } };
    const whole = windowSummary(summary, { ...facts, source: read }, true)!;
    expect(reads).toBe(0);
    const again = windowSummary(summary, { ...facts, source: read }, false)!;
    expect(reads).toBe(3);
    expect(whole.summary).toEqual(again.summary);
    expect(whole.summary.byDay.map((d) => d.date)).toEqual(['2026-03-04', '2026-03-06', '2026-03-10']);
    expect(summary.byDay.map((d) => d.date)).toEqual(['2026-03-03', '2026-03-04', '2026-03-06', '2026-03-10']);
    expect(whole.facts.runs.map(plainFacts)).toEqual(again.facts.runs.map(plainFacts));
    expect(whole.facts.estimated).toEqual(again.facts.estimated);
    expect(whole.facts.unpriced).toEqual(again.facts.unpriced);
    expect(whole.facts.days).toEqual(again.facts.days);
  });
});

describe('counts of one, runs without a start, and nothing estimated', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'trace-report-wording-'));
    const line = (o: object) => JSON.stringify(o);
    writeFileSync(path.join(dir, 'one.jsonl'), `${line({ event_type: 'llm_call_end', run_id: 'solo', agent_name: 'a', model: 'gpt-4o', input_tokens: 10, output_tokens: 5, cost_estimate: 0.5, duration_ms: 100, timestamp: '2026-02-01T10:00:00Z' })}\n`);
    writeFileSync(path.join(dir, 'order.jsonl'), [
      line({ event_type: 'llm_call_end', run_id: 'a', model: 'gpt-4o', input_tokens: 1, output_tokens: 1, cost_estimate: 0.1, timestamp: '2026-02-01T10:00:00Z' }),
      line({ event_type: 'llm_call_end', run_id: 'b', model: 'gpt-4o', input_tokens: 1, output_tokens: 1, cost_estimate: 0.1, timestamp: '2026-02-01T11:00:00Z' }),
      // no times at all: listed after the dated runs, by id
      line({ event_type: 'llm_call_end', run_id: 'c', model: 'gpt-4o', duration_ms: 5 }),
      line({ event_type: 'llm_call_end', run_id: 'd', model: 'gpt-4o', input_tokens: 1, output_tokens: 1, cost_estimate: 0.1, duration_ms: 5 }),
    ].join('\n'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes "1 span from 1 run" and no "~$0.00 estimated" when nothing was estimated', async () => {
    const s = await site([path.join(dir, 'one.jsonl')]);
    const index = s.byPath.get('index.html')!;
    expect(index).toContain('<strong>1 span from 1 run</strong>');
    expect(index).toContain('<title>1 run · trace report</title>');
    // The report's counts are in the footer of the pages about the whole report; a run page shows
    // only its run (so that it stays the same when other runs come in).
    for (const [p, html] of htmlFiles(s)) {
      if (p.startsWith('runs/')) expect(html, p).not.toContain('span from');
      else expect(html, p).toContain('<p>1 span from 1 run</p>');
    }
    expect(index).toContain('<span class="sub">$0.50 reported</span>');
    expect(index).toContain('<span class="sub">of 1 call (0.0%)</span>');
    const all = htmlFiles(s).map(([, html]) => html).join('\n');
    expect(all).not.toMatch(/~\$0\.00\b|1 spans|1 runs|1 calls|1 steps/);
    const cost = s.byPath.get('cost.html')!;
    expect(cost).toContain('<dt>Estimated from prices</dt><dd data-value="0">—<span class="sub">nothing estimated</span></dd>');
    expect(cost).toContain('<span class="sub">of 1 call, not in the sums</span>');
  });

  it('calls neighbours earlier or later only when both runs have a start time', async () => {
    const s = await site([path.join(dir, 'order.jsonl')]);
    expect(s.runs.map((r) => r.id)).toEqual(['a', 'b', 'c', 'd']);
    const page = (id: string) => s.byPath.get([...s.byPath.keys()].find((p) => p.startsWith(`runs/${id}-`))!)!;
    expect(page('a')).toMatch(/rel="next">Later run <code[^>]*>b<\/code> →/);
    expect(page('b')).toMatch(/rel="prev">← Earlier run <code[^>]*>a<\/code>/);
    expect(page('b')).toMatch(/rel="next">Next in the list <code[^>]*>c<\/code> →/);
    expect(page('c')).toMatch(/rel="prev">← Previous in the list <code[^>]*>b<\/code>/);
    expect(page('c')).toMatch(/rel="next">Next in the list <code[^>]*>d<\/code> →/);
    expect(page('d')).toMatch(/rel="prev">← Previous in the list <code[^>]*>c<\/code>/);
    for (const id of ['c', 'd']) expect(page(id)).not.toMatch(/Earlier run|Later run/);
    // run c: no token counts at all → — in the run list, not 0
    expect(rowOf(s.byPath.get('index.html')!, 'c')).toContain('<td class="num" title="no token counts in the trace">—</td>');
    expect(rowOf(s.byPath.get('index.html')!, 'd')).toContain('<td class="num" data-value="2" title="1 in → 1 out">2</td>');
  });
});
