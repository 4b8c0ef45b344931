/**
 * Vega-Lite spec → static SVG, at build time, byte-identical on every machine.
 *
 * 1. Split the spec into its shape and its data: `datasets`, and the values of signals (a plain
 *    title, a fixed height, the top-level params' values).
 * 2. Compile the shape (vega-lite) and parse it (vega) once per shape; the parsed runtime is
 *    cached, so charts of one shape with other data cost about half as much. A View is never
 *    reused: its scenegraph keeps items from earlier data, which reorders the SVG.
 * 3. Render with a fresh headless View (`renderer: 'none'`, `toSVG`), pinned en-US locale and
 *    estimated text widths (node-canvas, when installed, would measure with the machine's fonts).
 * 4. Finish the SVG (finish-svg below): chart-unique definition ids, no `style=`, rounded geometry,
 *    an accessible root.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { LoggerInterface, Runtime, Spec as VegaSpec } from 'vega';
import { loadChartLibs, type ChartLibs } from './load-chart-libs.js';
import { FONT, NUMBER_LOCALE, TIME_LOCALE } from './theme.js';

export interface ChartRenderOptions {
  /** Prefix of the chart's definition ids; unique on its page (`[A-Za-z][A-Za-z0-9_-]*`). */
  id: string;
  /** Accessible name of the chart (`aria-label` and `<title>`). */
  title: string;
}

export interface CompiledChart {
  vega: VegaSpec;
  /** vega-lite's warnings; the builders in specs.ts compile without any. */
  warnings: string[];
}

type Vega = ChartLibs['vega'];
interface CachedShape {
  runtime: Runtime;
  /** Named data sources the compiled spec expects values for. */
  inputs: Set<string>;
}

const CACHE_LIMIT = 64;
/** The signal a chart's plain title is given by. */
const TITLE_SIGNAL = 'chart_title';
const cache = new Map<string, CachedShape>();

/**
 * Begins loading vega now, for charts rendered later: a build calls it as it starts reading,
 * while this thread mostly waits for the reading threads. Loaded on first use otherwise
 * (load-chart-libs.ts): commands without charts never pay for it. A failure is the first chart's
 * to throw.
 */
export function preloadCharts(): void {
  loadChartLibs().catch(() => undefined);
}

function estimateTextWidths(vega: Vega): void {
  (vega as unknown as { textMetrics: { canvas(use: boolean): void } }).textMetrics.canvas(false);
}

function collector(vega: Vega, level: number, sink: string[]): LoggerInterface {
  return vega.logger(level, undefined, (_method, lvl, input) => {
    sink.push(`${lvl} ${input.map((x) => (x instanceof Error ? x.message : String(x))).join(' ')}`);
  });
}

/** Compiles a complete spec (datasets included) to Vega, collecting vega-lite's warnings. */
export async function compileChart(spec: TopLevelSpec): Promise<CompiledChart> {
  const { vega, vl } = await loadChartLibs();
  const warnings: string[] = [];
  const out = vl.compile(spec, { logger: collector(vega, vega.Warn, warnings) });
  return { vega: out.spec, warnings };
}

async function shapeFor(key: string, shape: TopLevelSpec): Promise<CachedShape> {
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const { vega, vl } = await loadChartLibs();
  const compiled = vl.compile(shape, { logger: collector(vega, vega.None, []) }).spec;
  const inputs = new Set((compiled.data ?? []).filter((d) => !('source' in d) && !('values' in d) && !('url' in d)).map((d) => d.name));
  const entry: CachedShape = { runtime: vega.parse(compiled), inputs };
  cache.set(key, entry);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  return entry;
}

/** Forgets compiled shapes (tests; long-running processes that build many different sites). */
export function clearChartCache(): void {
  cache.clear();
}

/**
 * Renders a Vega-Lite spec to an SVG string for inlining in a page. Data given as named
 * `datasets` (as the builders in specs.ts do) lets charts of one shape share their compilation.
 */
export async function renderChartSvg(spec: TopLevelSpec, opts: ChartRenderOptions): Promise<string> {
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(opts.id)) throw new Error(`chart id must match [A-Za-z][A-Za-z0-9_-]*: ${JSON.stringify(opts.id)}`);
  const { datasets, title, height, params, ...rest } = spec as TopLevelSpec & { datasets?: Record<string, unknown[]>; height?: unknown; params?: { name: string; value?: unknown }[] };
  // What charts of one kind differ in besides their data is given as signals' values: a plain
  // title, a fixed height and the values of the top-level params. So the cost bars of every
  // group, of all time and of the last days, share one compiled shape.
  const titled = typeof title === 'string';
  const sized = typeof height === 'number';
  const values = new Map<string, unknown>((params ?? []).filter((p) => 'value' in p).map((p) => [p.name, p.value]));
  if (titled) values.set(TITLE_SIGNAL, title);
  const shape = {
    ...rest,
    ...(titled ? { title: { text: { expr: TITLE_SIGNAL } } } : title === undefined ? {} : { title }),
    ...(sized ? { height: 1 } : height === undefined ? {} : { height }),
    ...(values.size > 0 ? { params: [...(params ?? []).map((p) => ('value' in p ? { ...p, value: null } : p)), ...(titled ? [{ name: TITLE_SIGNAL, value: null }] : [])] } : params === undefined ? {} : { params }),
  } as TopLevelSpec;
  const { vega } = await loadChartLibs();
  const { runtime, inputs } = await shapeFor(JSON.stringify(shape), shape);
  estimateTextWidths(vega);
  const errors: string[] = [];
  const view = new vega.View(runtime, {
    renderer: 'none',
    // Definitions, not formatters (the typings say otherwise): without them vega formats with
    // its global default locale, which any other module may change.
    locale: { number: NUMBER_LOCALE, time: TIME_LOCALE } as never,
    logger: collector(vega, vega.Error, errors),
  });
  try {
    for (const [name, rows] of Object.entries(datasets ?? {})) {
      // A copy: vega adds tuple ids to the objects it is given.
      if (inputs.has(name)) view.data(name, JSON.parse(JSON.stringify(rows)) as object[]);
    }
    for (const [name, value] of values) view.signal(name, value);
    if (sized) view.height(height);
    const raw = await view.toSVG();
    if (errors.length > 0) throw new Error(`vega failed to render chart ${opts.id}: ${errors.join('; ')}`);
    return finishSvg(raw, opts);
  } finally {
    view.finalize();
  }
}

// ---- finish-svg ------------------------------------------------------------------------------

const GEOMETRY = new Set(['d', 'transform', 'x', 'y', 'x1', 'x2', 'y1', 'y2', 'dx', 'dy', 'width', 'height', 'r', 'cx', 'cy']);
const FORBIDDEN_TAGS = new Set(['style', 'script', 'foreignobject', 'iframe', 'image', 'a']);
const DEF_ID = /^(p_)?(clip|gradient_)(\d+)$/;
const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/gi;
/** Characters XML forbids (C0 controls, lone surrogates, U+FFFE/F); trace text may hold them. */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for SVG/HTML text and double-quoted attributes (what vega itself escapes). */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Two decimals are below a pixel's hundredth and hide last-digit float noise. */
function round(value: string): string {
  return value.replace(NUMBER, (n) => {
    const r = Math.round(Number(n) * 100) / 100;
    return Object.is(r, -0) ? '0' : String(r);
  });
}

/**
 * Rewrites vega's SVG tag by tag. Text between tags is left alone: vega escapes `&`, `<` and `>`
 * in text and also `"` in attribute values, so `<[^>]*>` finds exactly the tags.
 */
export function finishSvg(raw: string, opts: ChartRenderOptions): string {
  const ids = new Map<string, string>();
  const counts = new Map<string, number>();
  const defId = (old: string): string => {
    let id = ids.get(old);
    if (id === undefined) {
      const m = DEF_ID.exec(old);
      const kind = m ? (m[1] ? 'pattern' : m[2] === 'clip' ? 'clip' : 'gradient') : 'def';
      const n = (counts.get(kind) ?? 0) + 1;
      counts.set(kind, n);
      id = `${opts.id}-${kind}${n}`;
      ids.set(old, id);
    }
    return id;
  };
  const font = escapeXml(FONT);
  const found: { root?: Record<string, string> } = {};
  const body = raw.replace(/<[^>]*>/g, (tag) => {
    const name = /^<\/?([A-Za-z][\w:.-]*)/.exec(tag)?.[1] ?? '';
    if (FORBIDDEN_TAGS.has(name.toLowerCase())) throw new Error(`unexpected <${name}> in chart ${opts.id}`);
    if (tag.startsWith('</')) return tag;
    const attrs = parseAttributes(tag);
    if (name === 'svg') {
      found.root = attrs;
      return '';
    }
    const out: [string, string][] = [];
    for (const [key, value] of Object.entries(attrs)) {
      if (/^on/i.test(key)) throw new Error(`unexpected ${key}= in chart ${opts.id}`);
      if (key === 'style') out.push(...styleToAttributes(value));
      else if (key === 'id') out.push([key, defId(value)]);
      else if (key === 'font-family' && value === font) continue;
      else if (GEOMETRY.has(key)) out.push([key, round(value)]);
      else out.push([key, value.replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${defId(id)})`)]);
    }
    const close = tag.endsWith('/>') ? '/>' : '>';
    return `<${name}${out.map(([k, v]) => ` ${k}="${v}"`).join('')}${close}`;
  });
  const root = found.root;
  if (!root) throw new Error(`vega returned no <svg> for chart ${opts.id}`);
  const width = round(root.width ?? '0');
  const height = round(root.height ?? '0');
  const title = escapeXml(opts.title);
  const xlink = body.includes('xlink:') ? ' xmlns:xlink="http://www.w3.org/1999/xlink"' : '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg"${xlink} class="chart" width="${width}" height="${height}"` +
    ` viewBox="0 0 ${width} ${height}" role="img" aria-label="${title}" font-family="${font}">` +
    `<title>${title}</title>${body}`
  ).replace(NOT_XML, '\uFFFD');
}

function parseAttributes(tag: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of tag.matchAll(/\s([^\s=/>]+)="([^"]*)"/g)) attrs[m[1] as string] = m[2] as string;
  return attrs;
}

/** vega writes `style=` only for blend modes and unsmoothed images; CSP forbids it, attributes are allowed. */
function styleToAttributes(style: string): [string, string][] {
  return style
    .split(';')
    .map((decl) => decl.split(':').map((s) => s.trim()))
    .filter((p): p is [string, string] => p.length === 2 && /^[a-z-]+$/.test(p[0] ?? '') && p[1] !== '');
}
