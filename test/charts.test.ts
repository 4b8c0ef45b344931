import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import type { TopLevelSpec } from 'vega-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DayRow, ModelRow } from '../src/aggregate/summary-types.js';
import { DurationHistogram } from '../src/charts/duration-histogram.js';
import { clearChartCache, compileChart, finishSvg, renderChartSvg } from '../src/charts/render.js';
import {
  costByAgentSpec, costByModelSpec, costByProviderSpec, costByWorkflowSpec, countRunsByDay, dailySpendSpec,
  formatUsd, latencyBins, latencyByAgentSpec, latencyByModelSpec, latencyHistogramSpec, runsPerDaySpec, specTitle,
  usdDecimals,
} from '../src/charts/specs.js';
import { FONT, chartConfig } from '../src/charts/theme.js';

const ROOT = path.resolve(import.meta.dirname, '..');
/** The compiled charts (`npm run build`, test/global-setup.ts). */
const DIST_CHARTS = path.join(ROOT, 'dist/charts');

/**
 * Renders `specs` in a process of their own with the compiled render.js (and load-chart-libs.js)
 * of folder `charts`, as a build does: the SVGs, and how the libraries were loaded.
 */
function renderInChild(charts: string, specs: Record<string, TopLevelSpec>): { source: string; svgs: Record<string, string> } {
  const dir = mkdtempSync(path.join(tmpdir(), 'trace-report-bundle-'));
  try {
    writeFileSync(path.join(dir, 'specs.json'), JSON.stringify(specs));
    const child = `import { readFileSync } from 'node:fs';
import { renderChartSvg } from ${JSON.stringify(path.join(charts, 'render.js'))};
import { chartLibsSource } from ${JSON.stringify(path.join(charts, 'load-chart-libs.js'))};
import { specTitle } from ${JSON.stringify(path.join(DIST_CHARTS, 'specs.js'))};
const specs = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const svgs = {};
for (const [id, spec] of Object.entries(specs)) svgs[id] = await renderChartSvg(spec, { id, title: specTitle(spec) });
process.stdout.write(JSON.stringify({ source: await chartLibsSource(), svgs }));
`;
    writeFileSync(path.join(dir, 'child.mjs'), child);
    return JSON.parse(execFileSync(process.execPath, [path.join(dir, 'child.mjs'), path.join(dir, 'specs.json')], { encoding: 'utf8', timeout: 60_000 })) as { source: string; svgs: Record<string, string> };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const GOLDEN = path.join(ROOT, 'test/golden/charts/cost-by-model.svg');
const HOSTILE = '</script><img src=x onerror=alert(1)>';

function model(name: string, cost: number, extra: Partial<ModelRow> = {}): ModelRow {
  return {
    model: name, provider: 'p', written: [name], calls: 1, failed: 0, inputTokens: 0, outputTokens: 0,
    cost, reportedCost: 0, estimatedCost: cost, unpricedCalls: 0, p50Ms: null, p95Ms: null, p99Ms: null, ...extra,
  };
}

const MODELS: ModelRow[] = Array.from({ length: 15 }, (_, i) =>
  model(i === 3 ? HOSTILE : `model-${String(i).padStart(2, '0')}`, 10 - i * 0.5, {
    p50Ms: 100 + i * 10, p95Ms: 400 + i * 10, p99Ms: 900 + i * 10,
  }),
);

// Pacific/Chatham leaves summer time on 2024-04-07: local days there are 23 to 25 hours long.
const DAYS: DayRow[] = [
  { date: '2024-04-06', cost: 3, runs: 2, calls: 3, byModel: [{ model: 'a', cost: 2 }, { model: 'b', cost: 1 }] },
  { date: '2024-04-08', cost: 0.5, runs: 1, calls: 1, byModel: [{ model: 'b', cost: 0.5 }] },
];

const RUNS = [
  { start: Date.UTC(2024, 4, 1, 23, 59), status: 'ok' as const },
  { start: Date.UTC(2024, 4, 2, 0, 1), status: 'failed' as const },
  { start: Date.UTC(2024, 4, 1, 0, 0), status: 'incomplete' as const },
  { start: null, status: 'ok' as const },
];

const DURATIONS = [0.5, 3, 12, 15, 140, 900, 1000, 1200, 38_000, -1, Number.NaN];

function allSpecs(): Record<string, TopLevelSpec> {
  return {
    'cost-model': costByModelSpec(MODELS),
    'cost-workflow': costByWorkflowSpec([
      { workflow: HOSTILE, runs: 2, failedRuns: 1, calls: 4, cost: 1.5, avgCostPerRun: 0.75, unpricedCalls: 0 },
      { workflow: 'nightly', runs: 1, failedRuns: 0, calls: 1, cost: 0.25, avgCostPerRun: 0.25, unpricedCalls: 1 },
    ]),
    'cost-agent': costByAgentSpec([{ agent: 'planner', calls: 2, failed: 0, cost: 0.02, unpricedCalls: 0, p50Ms: 5, p95Ms: 9, p99Ms: 9 }]),
    'cost-provider': costByProviderSpec([{ provider: 'openai', calls: 3, cost: 1.2, unpricedCalls: 0 }]),
    'daily-spend': dailySpendSpec(DAYS),
    'runs-per-day': runsPerDaySpec(countRunsByDay(RUNS)),
    'latency-model': latencyByModelSpec(MODELS),
    'latency-agent': latencyByAgentSpec([{ agent: 'a', calls: 1, failed: 0, cost: 0, unpricedCalls: 0, p50Ms: 1, p95Ms: 2, p99Ms: 3 }]),
    'latency-histogram': latencyHistogramSpec(DURATIONS),
  };
}

type Row = Record<string, unknown>;
const rowsOf = (spec: TopLevelSpec): Row[] => ((spec as { datasets: Record<string, Row[]> }).datasets.table ?? []);
const render = (spec: TopLevelSpec, id = 'c') => renderChartSvg(spec, { id, title: specTitle(spec) });
const barCount = (svg: string): number =>
  /<g class="mark-rect role-mark[^"]*"[^>]*>((?:<path[^>]*\/>)*)/.exec(svg)?.[1]?.match(/<path/g)?.length ?? 0;

describe('spec builders', () => {
  it('format USD without the locale, with precision for small sums', () => {
    expect(formatUsd(1_234_567.891)).toBe('$1,234,567.89');
    expect(formatUsd(6.25)).toBe('$6.25');
    expect(formatUsd(0.25)).toBe('$0.25');
    expect(formatUsd(0.0031)).toBe('$0.0031');
    expect(formatUsd(0.05)).toBe('$0.050');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(1e-9)).toBe('<$0.000001');
    expect([6.25, 0.05, 0.0042, 0, 1e-9].map(usdDecimals)).toEqual([2, 3, 4, 2, 6]);
  });

  it('sort costs, keep the top N and sum the rest into Other', () => {
    const spec = costByModelSpec(
      [model('c', 0, { unpricedCalls: 2 }), model('d', 1), model('a', 3), model('b', 1)],
      { top: 2 },
    );
    expect(specTitle(spec)).toBe('Cost by model (USD), top 2 of 4 models');
    expect(rowsOf(spec)).toEqual([
      { label: 'a', cost: 3, other: false, text: '$3.00 · 60.0%' },
      { label: 'b', cost: 1, other: false, text: '$1.00 · 20.0%' },
      { label: 'Other (2 models)', cost: 1, other: true, text: '$1.00 · 20.0%' },
    ]);
  });

  it('keep bar labels unique when a name collides with Other', () => {
    const spec = costByProviderSpec(
      [
        { provider: 'Other (1 providers)', calls: 1, cost: 2, unpricedCalls: 0 },
        { provider: 'x', calls: 1, cost: 1, unpricedCalls: 0 },
      ],
      { top: 1 },
    );
    expect(rowsOf(spec).map((r) => r.label)).toEqual(['Other (1 providers)', 'Other (1 providers) (2)']);
  });

  it('count runs per UTC day and skip runs without a start', () => {
    expect(countRunsByDay(RUNS)).toEqual([
      { date: '2024-05-01', ok: 1, failed: 0, incomplete: 1 },
      { date: '2024-05-02', ok: 0, failed: 1, incomplete: 0 },
    ]);
  });

  it('bin durations on a 1-2-5 scale, trimmed to the calls present', () => {
    const bins = latencyBins(DURATIONS);
    expect(bins.map((b) => `${b.label}:${b.calls}`)).toEqual([
      '0–1 ms:1', '1–2 ms:0', '2–5 ms:1', '5–10 ms:0', '10–20 ms:2', '20–50 ms:0', '50–100 ms:0', '100–200 ms:1',
      '200–500 ms:0', '500 ms–1 s:1', '1–2 s:2', '2–5 s:0', '5–10 s:0', '10–20 s:0', '20–50 s:1',
    ]);
    expect(specTitle(latencyHistogramSpec(DURATIONS))).toBe('Call durations, 9 calls (log-spaced bins)');
    expect(latencyBins([])).toEqual([]);
  });

  it('count durations into the same bins as they come, and at thresholds, keeping none of them', () => {
    const awkward = [...DURATIONS, 0, 1, 2, 4.999, 5, 1e9, 2.5e15, Number.POSITIVE_INFINITY, -0, 1000, 999.999];
    const thresholds = [1000, 5000, 1e9];
    const h = new DurationHistogram(thresholds);
    for (const d of awkward) h.add(d);
    expect(h.count).toBe(awkward.length);
    expect(latencyBins(h)).toEqual(latencyBins(awkward));
    // Worked out by the algorithm the bins had before they were counted as they come (edges grown to the largest duration, then trimmed).
    const expected = ['0:3', '1:1', '2:3', '5:1', '10:2', '20:0', '50:0', '100:1', '200:0', '500:2', '1000:3', '2000:0', '5000:0', '10000:0', '20000:1', '50000:0'];
    const bins = latencyBins(h);
    expect(bins.map((b) => `${b.fromMs}:${b.calls}`).slice(0, expected.length)).toEqual(expected);
    expect(bins.length).toBe(48);
    expect(bins.filter((b) => b.calls > 0).map((b) => b.fromMs).slice(-2)).toEqual([1e9, 2e15]);
    expect(latencyBins(h).at(-1)).toEqual({ label: '2000000000000–5000000000000 s', fromMs: 2e15, toMs: 5e15, calls: 1 });
    for (const t of thresholds) expect(h.atLeast(t)).toBe(awkward.filter((d) => d >= t).length);
    expect([h.atLeast(1000), h.atLeast(5000), h.atLeast(1e9)]).toEqual([7, 4, 3]);
    expect(() => h.atLeast(2000)).toThrow(/not a threshold/);
    expect(latencyHistogramSpec(h)).toEqual(latencyHistogramSpec(awkward));
    expect(latencyBins(new DurationHistogram())).toEqual([]);
  });

  it('stack daily spend by model on UTC days', () => {
    const spec = dailySpendSpec(DAYS) as unknown as {
      data: { format: { parse: { date: string } } };
      encoding: { x: { timeUnit: string; scale: { type: string } }; color: { scale: { domain: string[] } } };
    };
    expect(rowsOf(spec as unknown as TopLevelSpec)).toEqual([
      { date: '2024-04-06', model: 'a', cost: 2, order: 0 },
      { date: '2024-04-06', model: 'b', cost: 1, order: 1 },
      { date: '2024-04-08', model: 'b', cost: 0.5, order: 1 },
    ]);
    expect(spec.data.format.parse.date).toBe("utc:'%Y-%m-%d'");
    expect(spec.encoding.x.timeUnit).toBe('utcyearmonthdate');
    expect(spec.encoding.x.scale.type).toBe('utc');
    expect(spec.encoding.color.scale.domain).toEqual(['a', 'b']);
  });

  it('carry their data and theme, so the embedded spec is complete', () => {
    for (const spec of Object.values(allSpecs())) {
      expect(spec).toMatchObject({ data: { name: 'table' }, config: chartConfig });
      expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    }
  });

  it('compile without vega-lite warnings', async () => {
    for (const [name, spec] of Object.entries(allSpecs())) {
      expect({ name, warnings: (await compileChart(spec)).warnings }).toEqual({ name, warnings: [] });
    }
  });
});

describe('renderChartSvg', () => {
  it('renders a known spec to the same bytes every time, cached or not', async () => {
    const a = costByModelSpec(MODELS.slice(0, 4));
    const b = costByModelSpec(MODELS.slice(5, 9));
    clearChartCache();
    const first = await render(a);
    await render(b);
    await render(latencyHistogramSpec(DURATIONS));
    expect(await render(a)).toBe(first);
  });

  it('draws its own title on each chart, where charts alike but for their titles share one compiled shape', async () => {
    // The cost of all time and of the last days: the same shape, the title a signal's value.
    const all = costByModelSpec(MODELS.slice(0, 4), { title: 'Cost by model (USD)' });
    const recent = costByModelSpec(MODELS.slice(0, 4), { title: 'Cost by model (USD), last 7 days' });
    const alone = async (spec: TopLevelSpec) => {
      clearChartCache();
      return render(spec);
    };
    const first = await alone(recent);
    expect(first).toContain('>Cost by model (USD), last 7 days</text>');
    clearChartCache();
    const shared = [await render(all), await render(recent), await render(all)];
    expect(shared[1]).toBe(first);
    expect(shared[0]).toBe(await alone(all));
    expect(shared[2]).toBe(shared[0]);
    expect(shared[0]).toContain('>Cost by model (USD)</text>');
    expect(shared[0]).not.toContain('last 7 days');
  });

  it('matches the golden SVG (UPDATE_GOLDEN=1 rewrites it)', async () => {
    const spec = costByModelSpec([model('gpt-4o', 1.25), model('claude-sonnet-4', 0.5, { unpricedCalls: 1 }), model('small', 0.004)]);
    const svg = await renderChartSvg(spec, { id: 'golden', title: specTitle(spec) });
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(path.dirname(GOLDEN), { recursive: true });
      writeFileSync(GOLDEN, svg);
    }
    expect(svg).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('renders every chart the same bytes with the bundle `npm run build` makes of vega and vega-lite, and its code cache', async () => {
    // The compiled charts load one bundled script (scripts/bundle-chart-libs.mjs) with V8's code
    // cache of it; these tests load the packages.
    const bundle = readFileSync(path.join(DIST_CHARTS, 'chart-libs.bundle.cjs'), 'utf8');
    expect(bundle).not.toMatch(/require\(["']vega/);
    expect(bundle).toContain('// node_modules/vega-lite/');
    const specs = allSpecs();
    const bundled = renderInChild(DIST_CHARTS, specs);
    expect(bundled.source).toBe('bundle+cache');
    expect(Object.keys(bundled.svgs)).toEqual(Object.keys(specs));
    for (const [id, spec] of Object.entries(specs)) expect(bundled.svgs[id], id).toBe(await render(spec, id));
  });

  it('compiles the bundle without a code cache made from other source, or one V8 refuses, and draws the same', () => {
    const specs = { 'cost-model': allSpecs()['cost-model']!, 'daily-spend': allSpecs()['daily-spend']! };
    const want = renderInChild(DIST_CHARTS, specs);
    expect(want.source).toBe('bundle+cache');
    const cache = readFileSync(path.join(DIST_CHARTS, 'chart-libs.bundle.cache'));
    const otherSource = Buffer.from(cache);
    otherSource[0] = otherSource[0]! ^ 1;
    const refused = Buffer.concat([cache.subarray(0, 32), Buffer.from('not a code cache')]);
    for (const [why, damaged, source] of [['another source', otherSource, 'bundle'], ['refused by V8', refused, 'bundle'], ['none', null, 'bundle']] as const) {
      const dir = mkdtempSync(path.join(tmpdir(), 'trace-report-cache-'));
      try {
        for (const f of ['render.js', 'theme.js', 'load-chart-libs.js', 'chart-libs.bundle.cjs']) copyFileSync(path.join(DIST_CHARTS, f), path.join(dir, f));
        if (damaged !== null) writeFileSync(path.join(dir, 'chart-libs.bundle.cache'), damaged);
        const got = renderInChild(dir, specs);
        expect(got.source, why).toBe(source);
        expect(got.svgs, why).toEqual(want.svgs);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('has no style attribute, style element, script or handler, and an accessible root', async () => {
    for (const [id, spec] of Object.entries(allSpecs())) {
      const svg = await render(spec, id);
      expect(svg).not.toMatch(/\sstyle=|<style|<script|\son[a-z]+=|<foreignObject|<image/i);
      expect(svg).toMatch(new RegExp(`^<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="[\\d.]+" height="[\\d.]+" viewBox="0 0 [\\d.]+ [\\d.]+" role="img" aria-label="[^"]+"`));
      expect(svg).toContain(`<title>${specTitle(spec).replace(/&/g, '&amp;')}</title>`);
      expect(svg.endsWith('</svg>')).toBe(true);
    }
  });

  it('draws one bar per row', async () => {
    const specs = allSpecs();
    expect(barCount(await render(specs['cost-model']!))).toBe(13);
    expect(barCount(await render(specs['latency-model']!))).toBe(36);
    expect(barCount(await render(specs['latency-histogram']!))).toBe(15);
    expect(barCount(await render(specs['daily-spend']!))).toBe(3);
    expect(barCount(await render(specs['runs-per-day']!))).toBe(3);
    expect(barCount(await render(costByModelSpec(MODELS.slice(0, 5))))).toBe(5);
  });

  it('escapes text from the data and the title', async () => {
    const svg = await renderChartSvg(allSpecs()['cost-workflow']!, { id: 'w', title: `Cost ${HOSTILE} & "more"` });
    expect(svg).toContain('&lt;/script&gt;&lt;img src=x');
    expect(svg).toContain('<title>Cost &lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &quot;more&quot;</title>');
    expect(svg).not.toContain('<img');
    expect(svg).not.toContain('</script');
  });

  it('formats numbers and dates in en-US even when vega\'s global locale is changed', async () => {
    const vega = await import('vega');
    const spec = allSpecs()['daily-spend']!;
    const before = await render(spec);
    const v = vega as unknown as { defaultLocale(n: object, t: object): unknown; resetDefaultLocale(): unknown };
    const months = ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'];
    v.defaultLocale(
      { decimal: ',', thousands: '\u00a0', grouping: [3], currency: ['', '\u00a0€'] },
      { dateTime: '%A %e %B %Y à %X', date: '%d/%m/%Y', time: '%H:%M:%S', periods: ['AM', 'PM'],
        days: ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'],
        shortDays: ['dim.', 'lun.', 'mar.', 'mer.', 'jeu.', 'ven.', 'sam.'], months, shortMonths: months },
    );
    try {
      expect(await render(spec)).toBe(before);
    } finally {
      v.resetDefaultLocale();
    }
    expect(before).toContain('>$3.00<');
    expect(before).toContain('>Apr 06<');
  });

  it('rejects an id that cannot prefix definition ids', async () => {
    await expect(renderChartSvg(costByModelSpec([]), { id: '1 x"', title: 't' })).rejects.toThrow(/chart id/);
  });
});

describe('definition ids', () => {
  const clipped = (values: number[]): TopLevelSpec => ({
    width: 120,
    height: 60,
    data: { name: 'table' },
    datasets: { table: values.map((v, k) => ({ k: `k${k}`, v })) },
    mark: {
      type: 'bar',
      clip: true,
      color: { gradient: 'linear', stops: [{ offset: 0, color: '#4c78a8' }, { offset: 1, color: '#e45756' }] },
    },
    encoding: {
      x: { field: 'k', type: 'nominal' },
      y: { field: 'v', type: 'quantitative', scale: { domain: [0, 5] } },
    },
    config: chartConfig,
  });
  const ids = (svg: string) => [...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  const refs = (svg: string) => [...svg.matchAll(/url\(#([^)]+)\)/g)].map((m) => m[1]);

  it('are prefixed by the chart id, unique on a page and resolved inside their chart', async () => {
    const one = await renderChartSvg(clipped([1, 9]), { id: 'one', title: 'One' });
    const two = await renderChartSvg(clipped([3, 4, 2]), { id: 'two', title: 'Two' });
    // vega writes one gradient per bar and one clip path per clipped mark.
    expect(ids(one)).toEqual(['one-gradient1', 'one-gradient2', 'one-clip1']);
    expect(ids(two)).toEqual(['two-gradient1', 'two-gradient2', 'two-gradient3', 'two-clip1']);
    for (const svg of [one, two]) expect(new Set(refs(svg))).toEqual(new Set(ids(svg)));
  });

  it('do not depend on what was rendered before', async () => {
    clearChartCache();
    const first = await renderChartSvg(clipped([1, 2]), { id: 'a', title: 'A' });
    for (let i = 0; i < 3; i++) await renderChartSvg(clipped([i, 4]), { id: 'b', title: 'B' });
    expect(await renderChartSvg(clipped([1, 2]), { id: 'a', title: 'A' })).toBe(first);
  });
});

describe('finishSvg', () => {
  it('renames ids, moves style into attributes, rounds geometry and leaves text alone', () => {
    const font = FONT.replace(/"/g, '&quot;');
    const raw =
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" class="marks" width="100.5" height="50" viewBox="0 0 100.5 50">' +
      '<g clip-path="url(#clip7)" style="mix-blend-mode: multiply;"><path d="M0.123456,1e-7h3.14159Z" fill="url(#gradient_3)"/>' +
      `<text transform="translate(112.49999999999999,-0.001)" font-family="${font}" fill="currentColor">url(#clip7) &amp; id="clip7"</text></g>` +
      '<defs><linearGradient id="gradient_3" x1="0" x2="1"><stop offset="0" stop-color="red"/></linearGradient>' +
      '<clipPath id="clip7"><rect x="0" y="0" width="10" height="10"/></clipPath></defs></svg>';
    expect(finishSvg(raw, { id: 'c', title: 'T & <t>' })).toBe(
      `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="100.5" height="50" viewBox="0 0 100.5 50" role="img" aria-label="T &amp; &lt;t&gt;" font-family="${font}">` +
        '<title>T &amp; &lt;t&gt;</title>' +
        '<g clip-path="url(#c-clip1)" mix-blend-mode="multiply"><path d="M0.12,0h3.14Z" fill="url(#c-gradient1)"/>' +
        '<text transform="translate(112.5,0)" fill="currentColor">url(#clip7) &amp; id="clip7"</text></g>' +
        '<defs><linearGradient id="c-gradient1" x1="0" x2="1"><stop offset="0" stop-color="red"/></linearGradient>' +
        '<clipPath id="c-clip1"><rect x="0" y="0" width="10" height="10"/></clipPath></defs></svg>',
    );
  });

  it('replaces characters that XML forbids', () => {
    const raw = '<svg width="1" height="1"><text>a\u0000b\u001Bc\uD800d\uD83D\uDE00</text></svg>';
    expect(finishSvg(raw, { id: 'c', title: 't\u0007' })).toContain(
      '<title>t\uFFFD</title><text>a\uFFFDb\uFFFDc\uFFFDd\uD83D\uDE00</text></svg>',
    );
  });

  it('refuses markup that a strict CSP would block', () => {
    const wrap = (inner: string) => `<svg width="1" height="1">${inner}</svg>`;
    expect(() => finishSvg(wrap('<style>x{}</style>'), { id: 'c', title: 't' })).toThrow(/<style>/);
    expect(() => finishSvg(wrap('<g onload="x()"/>'), { id: 'c', title: 't' })).toThrow(/onload/);
  });
});

/**
 * Time zone and locale are read once per process (ICU, V8's date cache), so the check runs the
 * chart modules in child processes with different TZ, LANG and LC_ALL. The modules are
 * transpiled to a temp folder (type-only imports vanish) to run without a build step.
 */
describe('time zone and locale', () => {
  let dir = '';

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'trace-report-charts-'));
    mkdirSync(path.join(dir, 'src/charts'), { recursive: true });
    mkdirSync(path.join(dir, 'src/normalise'), { recursive: true });
    for (const name of ['charts/render', 'charts/chart-libs', 'charts/load-chart-libs', 'charts/specs', 'charts/theme', 'charts/duration-histogram', 'normalise/timestamp']) {
      const source = readFileSync(path.join(ROOT, 'src', `${name}.ts`), 'utf8');
      const js = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      }).outputText;
      writeFileSync(path.join(dir, 'src', `${name}.js`), js);
    }
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'junction');
    writeFileSync(path.join(dir, 'input.json'), JSON.stringify({ DAYS, RUNS, MODELS, DURATIONS }));
    writeFileSync(
      path.join(dir, 'child.mjs'),
      `import { readFileSync } from 'node:fs';
import { renderChartSvg } from './src/charts/render.js';
import * as S from './src/charts/specs.js';
const { DAYS, RUNS, MODELS, DURATIONS } = JSON.parse(readFileSync(new URL('./input.json', import.meta.url), 'utf8'));
const specs = {
  daily: S.dailySpendSpec(DAYS),
  runs: S.runsPerDaySpec(S.countRunsByDay(RUNS)),
  cost: S.costByModelSpec(MODELS),
  histogram: S.latencyHistogramSpec(DURATIONS),
};
const svgs = {};
for (const [id, spec] of Object.entries(specs)) svgs[id] = await renderChartSvg(spec, { id, title: S.specTitle(spec) });
// A control that formats in local time: it must differ between the children.
const control = await renderChartSvg({
  data: { values: [{ t: Date.UTC(2024, 4, 1, 6) }] },
  mark: 'text',
  encoding: { text: { field: 't', type: 'temporal', format: '%H:%M' } },
}, { id: 'control', title: 'control' });
process.stdout.write(JSON.stringify({ svgs, control, offset: new Date(0).getTimezoneOffset() }));
`,
    );
  });

  afterAll(() => {
    if (dir && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  });

  const run = (env: Record<string, string>) =>
    JSON.parse(
      execFileSync(process.execPath, [path.join(dir, 'child.mjs')], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 }),
    ) as { svgs: Record<string, string>; control: string; offset: number };

  it('gives byte-identical SVG under UTC/C and Pacific/Chatham/de_DE', async () => {
    const utc = run({ TZ: 'UTC', LANG: 'C', LC_ALL: 'C' });
    const chatham = run({ TZ: 'Pacific/Chatham', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' });
    expect(utc.offset).toBe(0);
    expect(chatham.offset).toBe(-765);
    expect(chatham.control).not.toBe(utc.control);
    expect(Object.keys(utc.svgs)).toEqual(['daily', 'runs', 'cost', 'histogram']);
    expect(chatham.svgs).toEqual(utc.svgs);
    expect(utc.svgs.daily).toContain('>Apr 06<');
    const inProcess = await renderChartSvg(dailySpendSpec(DAYS), { id: 'daily', title: specTitle(dailySpendSpec(DAYS)) });
    expect(inProcess).toBe(utc.svgs.daily);
  });
});
