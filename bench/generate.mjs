#!/usr/bin/env node
/**
 * Writes a synthetic dialect-D trace (flat llm_call_start / llm_call_end lines with a run id on
 * every line, as formats.md describes) for benchmarks: about 14 lines and 265 bytes a line per
 * run on average, runs over about 30 days, concurrent runs interleaved in time order.
 *
 *   node bench/generate.mjs --spans 1000000 --out .bench/traces-1m.jsonl
 *   node bench/generate.mjs --append-percent 1 --out .bench/traces-1m.jsonl
 *
 * The second form appends about 1% more lines (new runs, later than every line already there)
 * to an existing file. Both are deterministic: the same arguments and, for an append, the same
 * existing file give the same bytes. Output is streamed in chunks, honouring backpressure.
 */
import { once } from 'node:events';
import { closeSync, createReadStream, createWriteStream, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5); // a Monday
const SPAN_DAYS = 30;
const LINES_PER_RUN = 14; // what the shapes below average; used only to spread runs over the days
const CHUNK_CHARS = 1 << 20;

// ---------------------------------------------------------------- random numbers

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mix(a, b) {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul((b + 0x632be5ab) >>> 0, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return (Math.imul(h, 0x846ca68b) ^ (h >>> 16)) >>> 0;
}

// ---------------------------------------------------------------- shapes

/** price: US cents per 1M tokens (input, output); null = not priced anywhere. */
const MODELS = {
  'gpt-4o': ['openai', [250, 1000], 550, 14],
  'gpt-4o-mini': ['openai', [15, 60], 380, 9],
  'gpt-4.1': ['openai', [200, 800], 600, 13],
  'gpt-4.1-mini': ['openai', [40, 160], 400, 8],
  'o3-mini': ['openai', [110, 440], 1800, 11],
  'claude-sonnet-4-20250514': ['anthropic', [300, 1500], 900, 19],
  'anthropic/claude-sonnet-4': ['anthropic', [300, 1500], 950, 19],
  'claude-3-5-haiku-20241022': ['anthropic', [80, 400], 480, 10],
  'gemini-2.5-flash': ['google', [15, 60], 420, 5],
  'gemini-2.5-pro': ['google', [125, 1000], 2600, 12],
  'acme-finetune-v2': ['vllm', null, 250, 7],
  default: ['openai', null, 400, 9],
};

/** Per workflow: pattern, relative frequency, steps [agent, models, calls min, max, in lo, in hi, out lo, out hi, tool]. */
const WORKFLOWS = [
  ['support-triage', 'triage', 30, [
    ['classifier', ['gpt-4o-mini', 'gemini-2.5-flash'], 1, 1, 350, 1400, 18, 70, null],
    ['billing_agent', ['claude-sonnet-4-20250514'], 1, 4, 1500, 6000, 120, 650, 'lookup_invoice'],
    ['summarizer', ['claude-3-5-haiku-20241022', 'claude-3-5-haiku-20241022', 'default'], 1, 2, 700, 2400, 90, 380, null],
  ]],
  ['invoice-reconciliation', 'pipeline', 18, [
    ['extractor', ['acme-finetune-v2'], 1, 1, 2200, 8000, 250, 900, 'fetch_invoice_pdf'],
    ['matcher', ['gpt-4.1-mini'], 1, 3, 1800, 4500, 120, 420, 'query_erp'],
    ['validator', ['gpt-4o-mini', 'default'], 1, 2, 800, 2000, 40, 160, null],
    ['reviewer', ['o3-mini'], 1, 2, 2000, 5200, 500, 2600, null],
  ]],
  ['incident-triage', 'supervisor', 10, [
    ['supervisor', ['gpt-4.1', 'o3-mini'], 2, 3, 900, 2200, 120, 500, null],
    ['Log Analyst', ['anthropic/claude-sonnet-4'], 1, 3, 6000, 18000, 300, 1100, 'query_loki'],
    ['Metrics Analyst', ['gemini-2.5-pro'], 1, 2, 3000, 9000, 250, 900, 'query_prometheus'],
  ]],
  ['weekly-digest', 'map-reduce', 6, [
    ['researcher', ['gpt-4o-mini', 'gemini-2.5-flash'], 4, 8, 3000, 12000, 250, 800, null],
    ['summarizer', ['claude-sonnet-4-20250514', 'gpt-4.1'], 1, 1, 4000, 9000, 800, 2000, null],
  ]],
  ['code-review', 'voting', 20, [
    ['voter_a', ['gpt-4.1-mini'], 1, 3, 2500, 8000, 60, 450, null],
    ['voter_b', ['claude-3-5-haiku-20241022'], 1, 3, 2500, 8000, 60, 450, null],
    ['voter_c', ['gemini-2.5-flash'], 1, 3, 2500, 8000, 60, 450, null],
    ['reviewer', ['gpt-4o'], 1, 2, 900, 2500, 250, 900, null],
  ]],
  ['lead-enrichment', 'router', 16, [
    ['router', ['gpt-4o-mini'], 1, 1, 300, 900, 15, 50, null],
    ['researcher', ['anthropic/claude-sonnet-4', 'gpt-4.1'], 1, 4, 2500, 11000, 300, 900, 'web_search'],
    ['writer', ['gpt-4o-mini'], 1, 3, 900, 2000, 150, 450, null],
  ]],
];

const ERRORS = [
  '429 Too Many Requests',
  "Error code: 429 - {'error': {'message': 'Rate limit reached for requests', 'type': 'requests', 'code': 'rate_limit_exceeded'}}",
  'APITimeoutError: Request timed out.',
  '529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
  '503 UNAVAILABLE: The model is overloaded. Please try again later.',
];

const str = (s) => JSON.stringify(s);

/** Pre-serialised line heads per (workflow, agent, model): only numbers, ids and times vary per line. */
function compileShapes() {
  const total = WORKFLOWS.reduce((n, w) => n + w[2], 0);
  let acc = 0;
  return WORKFLOWS.map(([workflow, pattern, weight, steps]) => {
    acc += weight;
    const base = `"workflow":${str(workflow)},"pattern":${str(pattern)},"run_id":"`;
    return {
      until: acc / total,
      routes: pattern === 'router' || pattern === 'triage',
      steps: steps.map(([agent, models, cmin, cmax, ilo, ihi, olo, ohi, tool]) => ({
        cmin, cmax, ilo, ihi, olo, ohi,
        tool: tool ? `{"event_type":"tool_call","agent_name":${str(agent)},${base}` : null,
        toolTail: tool ? `","tool":${str(tool)},"duration_ms":` : null,
        route: `{"event_type":"routing_decision","agent_name":${str(agent)},${base}`,
        models: models.map((model) => {
          const [provider, price, baseMs, msPerOut] = MODELS[model];
          const tail = `","provider":${str(provider)},"model":${str(model)},`;
          return {
            price, baseMs, msPerOut, tail,
            start: `{"event_type":"llm_call_start","agent_name":${str(agent)},${base}`,
            end: `{"event_type":"llm_call_end","agent_name":${str(agent)},${base}`,
            error: `{"event_type":"llm_call_error","agent_name":${str(agent)},${base}`,
          };
        }),
      })),
      agents: steps.map((s) => s[0]),
    };
  });
}

// ---------------------------------------------------------------- fast UTC timestamps

const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
let dayKey = -1;
let dayText = '';

function isoTime(ms) {
  const day = Math.floor(ms / DAY);
  if (day !== dayKey) {
    dayKey = day;
    dayText = new Date(day * DAY).toISOString().slice(0, 11);
  }
  let r = ms - day * DAY;
  const h = Math.floor(r / 3_600_000);
  r -= h * 3_600_000;
  const m = Math.floor(r / 60_000);
  r -= m * 60_000;
  const s = Math.floor(r / 1000);
  return `${dayText}${PAD2[h]}:${PAD2[m]}:${PAD2[s]}.${PAD3[r - s * 1000]}Z`;
}

// ---------------------------------------------------------------- runs

/** Builds the lines of one run, in time order, into ts[] and text[]. */
function buildRun(rand, shapes, start, runId, out) {
  const ts = out.ts;
  const text = out.text;
  ts.length = 0;
  text.length = 0;
  const pick = rand();
  const shape = shapes.find((s) => pick < s.until) ?? shapes[shapes.length - 1];
  const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
  const tri = (lo, hi) => lo + Math.floor(((hi - lo) * (rand() + rand())) / 2);
  let t = start;
  for (let si = 0; si < shape.steps.length; si++) {
    const step = shape.steps[si];
    const model = step.models[Math.floor(rand() * step.models.length)];
    const calls = int(step.cmin, step.cmax);
    for (let c = 0; c < calls; c++) {
      t += int(4, 120);
      if (step.tool && (c > 0 || rand() < 0.5)) {
        const d = tri(80, 2500);
        t += d;
        ts.push(t);
        text.push(`${step.tool}${runId}${step.toolTail}${d},"status":"ok","timestamp":"${isoTime(t)}"}\n`);
        t += int(2, 40);
      }
      ts.push(t);
      text.push(`${model.start}${runId}${model.tail}"timestamp":"${isoTime(t)}"}\n`);
      if (rand() < 0.03) {
        const err = ERRORS[Math.floor(rand() * ERRORS.length)];
        const tenths = err.includes('Timeout') ? 300000 + int(20, 900) : int(1500, 9000);
        t += Math.round(tenths / 10);
        ts.push(t);
        text.push(`${model.error}${runId}${model.tail}"duration_ms":${tenths / 10},"error":${str(err)},"timestamp":"${isoTime(t)}"}\n`);
        continue;
      }
      const inTok = tri(step.ilo, step.ihi);
      const outTok = tri(step.olo, step.ohi);
      const u = rand();
      const tenths = Math.max(1200, Math.round((model.baseMs + outTok * model.msPerOut + inTok / 50) * (0.55 + 0.9 * u * rand() + 0.45 * u) * 10));
      t += Math.round(tenths / 10);
      ts.push(t);
      const cost = model.price && rand() < 0.9 ? `"cost_estimate":${(inTok * model.price[0] + outTok * model.price[1]) / 1e8},` : '';
      text.push(`${model.end}${runId}${model.tail}"input_tokens":${inTok},"output_tokens":${outTok},"duration_ms":${tenths / 10},${cost}"timestamp":"${isoTime(t)}"}\n`);
    }
    if (si === 0 && shape.routes) {
      t += int(1, 5);
      const target = shape.agents[1 + Math.floor(rand() * (shape.agents.length - 1))];
      ts.push(t);
      text.push(`${step.route}${runId}","selected":${str(target)},"confidence":${int(55, 99) / 100},"timestamp":"${isoTime(t)}"}\n`);
    }
  }
}

/** Min-heap of run cursors, ordered by (time of the next line, run order). */
class CursorHeap {
  constructor() {
    this.items = [];
  }
  get size() {
    return this.items.length;
  }
  top() {
    return this.items[0];
  }
  less(a, b) {
    return a.ts[a.i] < b.ts[b.i] || (a.ts[a.i] === b.ts[b.i] && a.order < b.order);
  }
  push(c) {
    const h = this.items;
    h.push(c);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  /** Restores order after the top cursor advanced; removes it when exhausted. */
  fix() {
    const h = this.items;
    if (h[0].i >= h[0].ts.length) {
      const last = h.pop();
      if (h.length === 0) return;
      h[0] = last;
    }
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l], h[m])) m = l;
      if (r < h.length && this.less(h[r], h[m])) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}

/**
 * Streams `targetLines` (rounded up to whole runs) to `stream`. Runs arrive at random, a quarter
 * of them in bursts (batch jobs), `meanGapMs` apart on average, starting at `startMs`.
 */
async function writeRuns(stream, { seed, targetLines, startMs, meanGapMs }) {
  const rand = mulberry32(seed);
  const shapes = compileShapes();
  const heap = new CursorHeap();
  const hex = '0123456789abcdef';
  let chunk = [];
  let chunkChars = 0;
  let lines = 0;
  let bytes = 0;
  let runs = 0;
  let lastTs = startMs;
  const flush = async () => {
    if (chunk.length === 0) return;
    const ok = stream.write(chunk.join(''));
    chunk = [];
    chunkChars = 0;
    if (!ok) await once(stream, 'drain');
  };
  const emitUntil = async (limit) => {
    while (heap.size > 0) {
      const c = heap.top();
      const t = c.ts[c.i];
      if (t > limit) break;
      const s = c.text[c.i];
      chunk.push(s);
      chunkChars += s.length;
      bytes += s.length;
      lines++;
      lastTs = t;
      c.i++;
      heap.fix();
      if (chunkChars >= CHUNK_CHARS) await flush();
    }
  };
  // Burst gaps average 1.5 s; the others make up the mean.
  const slowGap = Math.max(0, (meanGapMs - 0.25 * 1500) / 0.75);
  let t = startMs;
  let planned = 0;
  while (planned < targetLines) {
    t += rand() < 0.25 ? Math.floor(rand() * 3000) : Math.floor(rand() * 2 * slowGap);
    let id = 'run-';
    for (let k = 0; k < 22; k++) id += hex[Math.floor(rand() * 16)];
    const cursor = { ts: [], text: [], i: 0, order: runs };
    buildRun(rand, shapes, t, id, cursor);
    planned += cursor.ts.length;
    runs++;
    await emitUntil(t);
    heap.push(cursor);
  }
  await emitUntil(Infinity);
  await flush();
  return { lines, bytes, runs, lastTs };
}

async function finish(stream) {
  stream.end();
  await once(stream, 'finish');
}

/** Writes a new file of about `spans` lines. */
export async function generateTraces({ spans, out, seed = 42 }) {
  mkdirSync(dirname(resolve(out)), { recursive: true });
  const stream = createWriteStream(out);
  const meanGapMs = (SPAN_DAYS * DAY) / Math.max(1, spans / LINES_PER_RUN);
  const result = await writeRuns(stream, { seed: mix(seed, 1), targetLines: spans, startMs: T0, meanGapMs });
  await finish(stream);
  return result;
}

/** Counts the lines of a file and reads the timestamp of its last complete line. */
async function inspect(file) {
  let lines = 0;
  for await (const buf of createReadStream(file, { highWaterMark: 1 << 20 })) {
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) lines++;
  }
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, 1 << 16);
    const tail = Buffer.alloc(len);
    readSync(fd, tail, 0, len, size - len);
    const text = tail.toString('utf8');
    const endsWithNewline = text.endsWith('\n');
    const complete = text.slice(0, text.lastIndexOf('\n'));
    const match = /"timestamp":"([^"]+)"[^\n]*$/.exec(complete);
    const lastTs = match ? Date.parse(match[1]) : NaN;
    if (!Number.isFinite(lastTs)) throw new Error(`${file}: no timestamp on its last line; is it a file written by this script?`);
    return { lines, lastTs, endsWithNewline };
  }
  finally {
    closeSync(fd);
  }
}

/** Appends about `percent`% more lines (new runs, after the last line's time) to `out`. */
export async function appendTraces({ percent, out, seed = 42 }) {
  const { lines, lastTs, endsWithNewline } = await inspect(out);
  const stream = createWriteStream(out, { flags: 'a' });
  let extra = 0;
  if (!endsWithNewline && lines > 0) {
    stream.write('\n');
    extra = 1;
  }
  const meanGapMs = (SPAN_DAYS * DAY) / Math.max(1, lines / LINES_PER_RUN);
  const result = await writeRuns(stream, {
    seed: mix(mix(seed, 2), lines), targetLines: Math.max(1, Math.round((lines * percent) / 100)), startMs: lastTs + 1000, meanGapMs,
  });
  await finish(stream);
  return { ...result, bytes: result.bytes + extra, existingLines: lines };
}

// ---------------------------------------------------------------- command line

function parseArgs(argv) {
  const opts = { seed: 42 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const num = (v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${a} must be a positive number, got ${v}`);
      return n;
    };
    if (a === '--spans') opts.spans = Math.round(num(value()));
    else if (a === '--out') opts.out = value();
    else if (a === '--append-percent') opts.appendPercent = num(value());
    else if (a === '--seed') opts.seed = Math.round(num(value()));
    else if (a === '--help' || a === '-h') opts.help = true;
    else throw new Error(`unknown option ${a}`);
  }
  return opts;
}

const USAGE = `usage: node bench/generate.mjs --spans N --out FILE [--seed S]
       node bench/generate.mjs --append-percent P --out FILE [--seed S]`;

const group = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
    if (opts.help) {
      console.log(USAGE);
      return;
    }
    if (!opts.out) throw new Error('--out is required');
    if (opts.appendPercent === undefined && opts.spans === undefined) throw new Error('give --spans or --append-percent');
  } catch (e) {
    console.error(`${e.message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (opts.appendPercent !== undefined) {
    const r = await appendTraces({ percent: opts.appendPercent, out: opts.out, seed: opts.seed });
    console.log(`appended ${group(r.lines)} lines (${group(r.bytes)} bytes, ${group(r.runs)} runs) to ${opts.out}, which had ${group(r.existingLines)} lines`);
  } else {
    const r = await generateTraces({ spans: opts.spans, out: opts.out, seed: opts.seed });
    console.log(`wrote ${group(r.lines)} lines (${group(r.bytes)} bytes, ${(r.bytes / 1e6).toFixed(1)} MB, ${group(r.runs)} runs) to ${opts.out}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
