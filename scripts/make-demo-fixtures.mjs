#!/usr/bin/env node
/**
 * Writes the demo trace corpus under fixtures/demo/ (described in fixtures/README.md):
 * five weeks of runs of Acme Logistics' agent system in all four pyagent dialects.
 *
 *   node scripts/make-demo-fixtures.mjs
 *
 * Deterministic: every run draws from its own seeded PRNG, no clock is read, only + - * / and
 * Math.floor/round are used on random numbers (Math.exp/log may differ in the last bit between
 * V8 versions), and gzip output has a zero mtime and a fixed OS byte.
 * It overwrites the files it writes and never deletes anything.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(ROOT, 'fixtures', 'demo');
const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const DAY0 = Date.UTC(2026, 9, 12); // Monday 2026-10-12, ISO week 2026-W42
const DAYS = 35;
/** The week a config deploy dropped the summarizer's model name (logged as `default`). */
const DEFAULT_MODEL_WINDOW = [Date.UTC(2026, 10, 3, 12), Date.UTC(2026, 10, 6)];

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
  h = Math.imul(h, 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

class Rng {
  constructor(seed) {
    this.float = mulberry32(seed);
  }
  int(lo, hi) {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }
  chance(p) {
    return this.float() < p;
  }
  pick(items) {
    return items[Math.floor(this.float() * items.length)];
  }
  weighted(pairs) {
    let total = 0;
    for (const [, w] of pairs) total += w;
    let r = this.float() * total;
    for (const [v, w] of pairs) {
      r -= w;
      if (r < 0) return v;
    }
    return pairs[pairs.length - 1][0];
  }
  hex(n) {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(this.float() * 16)];
    return s;
  }
  /** Triangular between lo and hi: token counts cluster in the middle. */
  tri(lo, hi) {
    return lo + Math.floor(((hi - lo) * (this.float() + this.float())) / 2);
  }
  /** A right-skewed factor around 1 with a slow tail, like real latencies. */
  spread() {
    const u = this.float();
    const v = this.float();
    let f = 0.55 + 0.9 * u * v + 0.45 * u;
    if (this.float() < 0.04) f *= 2 + 2 * this.float();
    return f;
  }
}

// ---------------------------------------------------------------- models, prices, errors

/** price: US cents per 1M tokens (input, output), so cost in 1e-8 USD is in*p0 + out*p1 exactly. */
const MODELS = {
  'gpt-4o': { provider: 'openai', price: [250, 1000], baseMs: 550, msPerOut: 14 },
  'gpt-4o-mini': { provider: 'openai', price: [15, 60], baseMs: 380, msPerOut: 9 },
  'gpt-4.1': { provider: 'openai', price: [200, 800], baseMs: 600, msPerOut: 13 },
  'gpt-4.1-mini': { provider: 'openai', price: [40, 160], baseMs: 400, msPerOut: 8 },
  'o3-mini': { provider: 'openai', price: [110, 440], baseMs: 1800, msPerOut: 11 },
  'claude-sonnet-4-20250514': { provider: 'anthropic', price: [300, 1500], baseMs: 900, msPerOut: 19 },
  'anthropic/claude-sonnet-4': { provider: 'anthropic', price: [300, 1500], baseMs: 950, msPerOut: 19 },
  'claude-3-5-haiku-20241022': { provider: 'anthropic', price: [80, 400], baseMs: 480, msPerOut: 10 },
  'gemini-2.5-flash': { provider: 'google', price: [15, 60], baseMs: 420, msPerOut: 5 },
  'gemini-2.5-pro': { provider: 'google', price: [125, 1000], baseMs: 2600, msPerOut: 12 },
  // Not in the reference table: always written with the cost the service reported ($2 / $6).
  'mistral-large-latest': { provider: 'mistral', price: [200, 600], alwaysReported: true, baseMs: 700, msPerOut: 15 },
  // In-house fine-tune served by vLLM: no price anywhere, so its calls are unpriced.
  'acme-finetune-v2': { provider: 'vllm', price: null, baseMs: 250, msPerOut: 7 },
  default: { provider: 'openai', price: null, baseMs: 400, msPerOut: 9 },
};

function costUsd(model, inTok, outTok) {
  const p = MODELS[model].price;
  return p ? (inTok * p[0] + outTok * p[1]) / 1e8 : null;
}

function latencyTenths(rng, model, inTok, outTok) {
  const m = MODELS[model];
  const ms = (m.baseMs + outTok * m.msPerOut + inTok / 50) * rng.spread();
  return Math.max(1200, Math.round(ms * 10));
}

const TOOLS = {
  lookup_invoice: [80, 650],
  issue_credit: [120, 900],
  search_kb: [150, 1200],
  crm_get_account: [90, 700],
  fetch_invoice_pdf: [200, 1800],
  query_erp: [300, 2600],
  web_search: [600, 2600],
  clearbit_lookup: [250, 1400],
  query_loki: [400, 4200],
  query_prometheus: [200, 1600],
  search_runbooks: [150, 900],
};

const TOOL_ERRORS = {
  lookup_invoice: (r) =>
    `ToolError: lookup_invoice(invoice_id='INV-2026-${r.int(10000, 19999)}') failed: HTTPSConnectionPool(host='billing.internal.acme.io', port=443): Read timed out. (read timeout=10)`,
  issue_credit: () => 'ToolError: issue_credit refused: amount EUR 740.00 exceeds the agent limit of EUR 500.00',
  search_kb: () => 'ToolError: search_kb: 503 Service Unavailable from https://kb.internal.acme.io/api/search',
  crm_get_account: (r) => `ToolError: crm_get_account: account ${r.int(10000, 99999)} not found`,
  fetch_invoice_pdf: (r) =>
    `ToolError: fetch_invoice_pdf: An error occurred (AccessDenied) when calling the GetObject operation: Access Denied (s3://acme-invoices/2026/11/INV-2026-${r.int(10000, 19999)}.pdf)`,
  query_erp: () => 'ToolError: query_erp returned 503 Service Unavailable (SAP gateway maintenance window 02:00-02:30 UTC)',
  web_search: () => 'ToolError: web_search rate limited by provider (HTTP 429), retry-after: 60',
  clearbit_lookup: (r) => `ToolError: clearbit_lookup: 404 Not Found for domain '${r.pick(['northwind-traders.example', 'baltic-parts.example', 'lagos-freight.example'])}'`,
  query_loki: () =>
    'Traceback (most recent call last):\n  File "/app/pyagent/tools/loki.py", line 88, in query_loki\n    resp = client.query_range(q, start, end, timeout=10)\n  File "/app/.venv/lib/python3.12/site-packages/httpx/_client.py", line 1014, in send\n    raise exc\nhttpx.ReadTimeout: timed out\n\nToolError: query_loki exceeded 10s for {service="shipping-api"} |= "error"',
  query_prometheus: () =>
    'ToolError: query_prometheus: 422 Unprocessable Entity: bad_data: invalid parameter "query": 1:34: parse error: unexpected "}"',
  search_runbooks: () => 'ToolError: search_runbooks: connection refused (runbooks.acme.internal:443)',
};

function providerError(rng, kind, model) {
  const provider = MODELS[model].provider;
  if (kind === 'rate_limit') {
    if (provider === 'openai')
      return `Error code: 429 - {'error': {'message': 'Rate limit reached for ${model} in organization org-Qh3kXb9TfLr2 on tokens per min (TPM): Limit 200000, Used ${rng.int(190000, 199900)}, Requested ${rng.int(1200, 9000)}. Please try again in ${rng.int(2, 9)}.${rng.int(100, 999)}s. Visit https://platform.openai.com/account/rate-limits to learn more.', 'type': 'tokens', 'param': None, 'code': 'rate_limit_exceeded'}}`;
    if (provider === 'anthropic')
      return '429 Too Many Requests: {"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed the rate limit for your organization of 400,000 input tokens per minute. For details, refer to: https://docs.anthropic.com/en/api/rate-limits."}}';
    if (provider === 'google') return '429 Too Many Requests: RESOURCE_EXHAUSTED: Resource has been exhausted (e.g. check quota).';
    return '429 Too Many Requests';
  }
  if (kind === 'timeout') {
    if (provider === 'openai') return 'APITimeoutError: Request timed out.';
    if (provider === 'anthropic') return 'httpx.ReadTimeout: The read operation timed out';
    if (provider === 'google') return '504 DEADLINE_EXCEEDED: Deadline Exceeded';
    return "ReadTimeout: HTTPConnectionPool(host='vllm.internal.acme.io', port=8000): Read timed out. (read timeout=60)";
  }
  if (kind === 'overloaded') {
    if (provider === 'anthropic') return '529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}';
    if (provider === 'google') return '503 UNAVAILABLE: The model is overloaded. Please try again later.';
    if (provider === 'openai') return 'Error code: 502 - Bad gateway.';
    return '503 Service Unavailable: no healthy upstream';
  }
  // context length
  if (provider === 'anthropic') return `400 invalid_request_error: prompt is too long: ${rng.int(200001, 231000)} tokens > 200000 maximum`;
  if (provider === 'google') return `400 INVALID_ARGUMENT: The input token count (${rng.int(1048577, 1100000)}) exceeds the maximum number of tokens allowed (1048576).`;
  return `Error code: 400 - {'error': {'message': "This model's maximum context length is 128000 tokens. However, your messages resulted in ${rng.int(128001, 141000)} tokens. Please reduce the length of the messages.", 'type': 'invalid_request_error', 'param': 'messages', 'code': 'context_length_exceeded'}}`;
}

// ---------------------------------------------------------------- run simulation

class RunAbort extends Error {}

/**
 * Simulates one run as a dialect-neutral tree: steps (agent or tool) holding calls, events and
 * nested steps, with times in epoch ms. Renderers below turn the tree into lines.
 */
class RunSim {
  constructor(spec) {
    this.spec = spec;
    this.rng = new Rng(spec.seed);
    this.t = spec.start;
    this.root = { node: 'run', children: [] };
    this.stack = [this.root];
  }
  get parent() {
    return this.stack[this.stack.length - 1];
  }
  agentStep() {
    for (let i = this.stack.length - 1; i > 0; i--) if (this.stack[i].kind === 'agent') return this.stack[i];
    return null;
  }
  gap(lo = 4, hi = 90) {
    this.t += this.rng.int(lo, hi);
  }
  agent(name, body, kind = 'agent') {
    this.gap();
    const step = { node: 'step', kind, name, start: this.t, end: null, error: null, children: [], lastTool: null };
    this.parent.children.push(step);
    this.stack.push(step);
    try {
      body();
    } finally {
      this.gap(1, 15);
      step.end = this.t;
      this.stack.pop();
    }
  }
  tool(name) {
    const [lo, hi] = TOOLS[name];
    const owner = this.agentStep();
    this.agent(
      name,
      () => {
        this.t += this.rng.tri(lo, hi);
        if (this.spec.toolFailures && this.rng.chance(0.035)) {
          this.parent.error = TOOL_ERRORS[name](this.rng);
          if (this.rng.chance(0.45)) throw new RunAbort(this.parent.error);
        }
      },
      'tool',
    );
    if (owner) owner.lastTool = name;
  }
  event(type, fields) {
    const owner = this.agentStep();
    this.parent.children.push({ node: 'event', type, agent: owner ? owner.name : null, ts: this.t, fields });
  }
  /** One LLM call; a failed call is recorded, then retried (rate limits, overload) or ends the run. */
  llm(model, inTok, outTok, retry = null) {
    const rng = this.rng;
    this.gap(2, 40);
    const call = {
      node: 'call', model, start: this.t, end: 0, durationMs: 0, in: inTok, out: outTok, error: null,
      reportCost: rng.chance(this.spec.reportRate ?? 0.9),
      inputMessages: rng.int(2, 7),
    };
    this.parent.children.push(call);
    const failed = retry ? rng.chance(0.25) : rng.chance(this.spec.failRate ?? 0.035);
    if (!failed) {
      call.durationMs = latencyTenths(rng, model, inTok, outTok) / 10;
      this.t += Math.round(call.durationMs);
      call.end = this.t;
      return call;
    }
    const owner = this.agentStep();
    const canTool = this.spec.dialect === 'D' && owner !== null && owner.lastTool !== null;
    const kind =
      retry?.kind ??
      rng.weighted([['rate_limit', 40], ['timeout', 20], ['overloaded', 15], ['context', 7], ['tool', canTool ? 18 : 0]]);
    let tenths;
    if (kind === 'timeout') tenths = (rng.chance(0.7) ? 300000 : 600000) + rng.int(20, 900);
    else if (kind === 'tool') tenths = latencyTenths(rng, model, inTok, outTok) + rng.int(5000, 60000);
    else tenths = rng.int(1500, 9000);
    call.durationMs = tenths / 10;
    call.in = null;
    call.out = null;
    call.error = kind === 'tool' ? TOOL_ERRORS[owner.lastTool](rng) : providerError(rng, kind, model);
    this.t += Math.round(call.durationMs);
    call.end = this.t;
    const attempt = (retry?.attempt ?? 0) + 1;
    const retryable = kind === 'rate_limit' || kind === 'overloaded' || (kind === 'timeout' && rng.chance(0.5));
    if (retryable && attempt < 3) {
      this.t += rng.int(1200, 9000);
      return this.llm(model, inTok, outTok, { kind, attempt });
    }
    throw new RunAbort(call.error);
  }
  parallel(branches) {
    if (!this.spec.parallel) {
      for (const b of branches) b();
      return;
    }
    const t0 = this.t;
    let tMax = t0;
    let abort = null;
    for (const b of branches) {
      this.t = t0 + this.rng.int(1, 40);
      try {
        b();
      } catch (e) {
        if (!(e instanceof RunAbort)) throw e;
        abort ??= e;
      }
      if (this.t > tMax) tMax = this.t;
    }
    this.t = tMax;
    if (abort) throw abort;
  }
}

const WORKFLOWS = {
  'support-triage': {
    pattern: 'triage',
    run(r) {
      const rng = r.rng;
      const route = rng.weighted([['billing_agent', 5], ['tech_support', 3], ['account_agent', 2]]);
      r.agent('classifier', () => {
        r.llm(rng.pick(['gpt-4o-mini', 'gpt-4o-mini', 'gemini-2.5-flash']), rng.tri(350, 1400), rng.tri(18, 70));
        r.event('routing_decision', { selected: route, confidence: Math.round((0.62 + 0.37 * rng.float()) * 100) / 100 });
      });
      const model = { billing_agent: 'claude-sonnet-4-20250514', tech_support: 'gpt-4.1', account_agent: 'gpt-4o' }[route];
      const tool = { billing_agent: 'lookup_invoice', tech_support: 'search_kb', account_agent: 'crm_get_account' }[route];
      r.agent(route, () => {
        const turns = rng.int(1, 3);
        for (let i = 0; i < turns; i++) {
          if (i > 0 || rng.chance(0.6)) r.tool(i === 2 && route === 'billing_agent' ? 'issue_credit' : tool);
          r.llm(model, rng.tri(1500, 5500) + i * 700, rng.tri(120, 650));
        }
      });
      const inBugWindow = r.spec.start >= DEFAULT_MODEL_WINDOW[0] && r.spec.start < DEFAULT_MODEL_WINDOW[1];
      r.agent('summarizer', () => r.llm(inBugWindow ? 'default' : 'claude-3-5-haiku-20241022', rng.tri(700, 2400), rng.tri(90, 380)));
      return `ticket routed to ${route}`;
    },
  },
  'invoice-reconciliation': {
    pattern: 'pipeline',
    run(r) {
      const rng = r.rng;
      r.agent('extractor', () => {
        r.tool('fetch_invoice_pdf');
        r.llm('acme-finetune-v2', rng.tri(2200, 8000), rng.tri(250, 900));
      });
      r.event('context_update', { keys: ['invoice', 'line_items', 'vendor'], size_chars: rng.int(1800, 7000) });
      r.agent('matcher', () => {
        r.tool('query_erp');
        r.llm('gpt-4.1-mini', rng.tri(1800, 4500), rng.tri(120, 420));
        if (rng.chance(0.35)) r.llm('gpt-4.1-mini', rng.tri(2500, 5200), rng.tri(80, 300));
      });
      r.agent('reviewer', () => r.llm('o3-mini', rng.tri(2000, 5200), rng.tri(500, 2600)));
      return rng.pick(['matched', 'matched', 'matched', 'matched with 1 variance', 'needs human review']);
    },
  },
  'lead-enrichment': {
    pattern: 'router',
    run(r) {
      const rng = r.rng;
      const route = rng.weighted([['researcher', 6], ['enricher', 3]]);
      r.agent('router', () => {
        r.llm('gpt-4o-mini', rng.tri(300, 900), rng.tri(15, 50));
        r.event('routing_decision', {
          selected: route, candidates: ['researcher', 'enricher'], confidence: Math.round((0.55 + 0.44 * rng.float()) * 100) / 100,
        });
      });
      if (route === 'researcher') {
        const model = rng.chance(0.7) ? 'anthropic/claude-sonnet-4' : 'mistral-large-latest';
        r.agent('researcher', () => {
          r.tool('web_search');
          r.llm(model, rng.tri(2500, 9000), rng.tri(300, 900));
          if (rng.chance(0.5)) {
            r.tool('web_search');
            r.llm(model, rng.tri(4000, 11000), rng.tri(300, 900));
          }
        });
      } else {
        r.agent('enricher', () => {
          r.tool('clearbit_lookup');
          r.llm('gemini-2.5-flash', rng.tri(1200, 3000), rng.tri(150, 400));
        });
      }
      r.agent('writer', () => r.llm('gpt-4o-mini', rng.tri(900, 2000), rng.tri(150, 450)));
      return `lead scored ${rng.int(12, 97)}/100`;
    },
  },
  'weekly-digest': {
    pattern: 'map-reduce',
    run(r) {
      const rng = r.rng;
      // Cost cut on 2026-10-26: the map step moved from gpt-4o-mini to gemini-2.5-flash.
      const mapModel = r.spec.start < Date.UTC(2026, 9, 26) ? 'gpt-4o-mini' : 'gemini-2.5-flash';
      const n = rng.int(4, 8);
      const branches = [];
      for (let i = 0; i < n; i++) branches.push(() => r.agent('researcher', () => r.llm(mapModel, rng.tri(3000, 12000), rng.tri(250, 800))));
      r.parallel(branches);
      const before = rng.int(9000, 16000);
      r.event('compression', { strategy: 'summarize', before_tokens: before, after_tokens: Math.floor(before * 0.4) });
      r.agent('summarizer', () => r.llm(rng.chance(0.5) ? 'claude-sonnet-4-20250514' : 'gpt-4.1', rng.tri(4000, 9000), rng.tri(800, 2000)));
      return `digest with ${n} sections`;
    },
  },
  'code-review': {
    pattern: 'voting',
    run(r) {
      const rng = r.rng;
      const diff = rng.tri(2500, 14000);
      r.event('context_update', { keys: ['diff', 'pr_title', 'changed_files'], size_chars: diff * 4 });
      if (diff > 10000) r.event('compression', { strategy: 'truncate_middle', before_tokens: diff, after_tokens: 8000 });
      const voters = [['voter_a', 'gpt-4.1-mini'], ['voter_b', 'claude-3-5-haiku-20241022'], ['voter_c', 'gemini-2.5-flash']];
      r.parallel(voters.map(([v, m]) => () => r.agent(v, () => r.llm(m, Math.min(diff, 8000) + rng.tri(300, 600), rng.tri(60, 450)))));
      r.agent('reviewer', () => r.llm('gpt-4o', rng.tri(900, 2500), rng.tri(250, 900)));
      const yes = rng.int(0, 3);
      return yes >= 2 ? `APPROVE (${yes}-${3 - yes})` : `REQUEST_CHANGES (${3 - yes}-${yes})`;
    },
  },
  'incident-triage': {
    pattern: 'supervisor',
    run(r) {
      const rng = r.rng;
      const lead = rng.chance(0.6) ? 'gpt-4.1' : 'o3-mini';
      r.agent('supervisor', () => r.llm(lead, rng.tri(900, 2200), rng.tri(120, 500)));
      r.agent('Log Analyst', () => {
        r.tool('query_loki');
        r.llm('anthropic/claude-sonnet-4', rng.tri(6000, 18000), rng.tri(300, 1100));
      });
      if (rng.chance(0.7)) {
        r.agent('Metrics Analyst', () => {
          r.tool('query_prometheus');
          r.llm('gemini-2.5-pro', rng.tri(3000, 9000), rng.tri(250, 900));
        });
      }
      if (rng.chance(0.3)) {
        r.agent('Runbook Agent', () => {
          r.tool('search_runbooks');
          r.llm('gpt-4o-mini', rng.tri(1500, 4000), rng.tri(150, 500));
        });
      }
      r.agent('supervisor', () => r.llm(lead, rng.tri(2500, 6000), rng.tri(300, 900)));
      return rng.pick(['SEV2: shipping-api 5xx after deploy', 'SEV3: noisy alert, no customer impact', 'SEV2: database connection pool exhausted']);
    },
  },
};

function simulate(spec) {
  const r = new RunSim(spec);
  const wf = WORKFLOWS[spec.workflow];
  let status = 'ok';
  let output = null;
  let failure = null;
  try {
    output = wf.run(r);
  } catch (e) {
    if (!(e instanceof RunAbort)) throw e;
    status = 'failed';
    failure = e.message;
  }
  r.gap(3, 60);
  return { ...spec, pattern: wf.pattern, status, output, failure, end: r.t, root: r.root };
}

function* walk(node, agent = null) {
  for (const c of node.children) {
    if (c.node === 'step') {
      yield { kind: 'open', step: c, agent: c.kind === 'agent' ? c.name : agent };
      yield* walk(c, c.kind === 'agent' ? c.name : agent);
      yield { kind: 'close', step: c, agent: c.kind === 'agent' ? c.name : agent };
    } else yield { kind: c.node, item: c, agent };
  }
}

// ---------------------------------------------------------------- line serialisation

/** Values that must be written as raw JSON-ish text (Python's bare NaN, `0.0`). */
const RAW = '\u0000raw:';
function json(obj) {
  return JSON.stringify(obj).replace(/"\\u0000raw:([^"]*)"/g, '$1');
}
const iso = (ms) => new Date(ms).toISOString();
const isoNoZone = (ms) => iso(ms).slice(0, 19);
const pyFloat = (x) => (Number.isInteger(x) ? `${RAW}${x}.0` : x);

// ---------------------------------------------------------------- dialect D (production spans)

function renderD(run) {
  const base = { workflow: run.workflow, pattern: run.pattern, run_id: run.id };
  const lines = [];
  const push = (ts, obj) => lines.push({ ts, seq: lines.length, text: json(obj) });
  for (const ev of walk(run.root)) {
    if (ev.kind === 'call') {
      const c = ev.item;
      const head = { event_type: 'llm_call_start', agent_name: ev.agent, ...base, provider: MODELS[c.model].provider, model: c.model };
      push(c.start, { ...head, timestamp: iso(c.start) });
      if (c.error) {
        push(c.end, { ...head, event_type: 'llm_call_error', duration_ms: c.durationMs, error: c.error, timestamp: iso(c.end) });
      } else {
        const cost = costUsd(c.model, c.in, c.out);
        const report = cost !== null && (c.reportCost || MODELS[c.model].alwaysReported);
        push(c.end, {
          ...head, event_type: 'llm_call_end', input_tokens: c.in, output_tokens: c.out, duration_ms: c.durationMs,
          ...(report ? { cost_estimate: cost } : {}), timestamp: iso(c.end),
        });
      }
    } else if (ev.kind === 'event' && ev.item.type === 'routing_decision') {
      const f = ev.item.fields;
      push(ev.item.ts, {
        event_type: 'routing_decision', agent_name: ev.agent, ...base, selected: f.selected, confidence: f.confidence, timestamp: iso(ev.item.ts),
      });
    }
  }
  lines.sort((a, b) => a.ts - b.ts || a.seq - b.seq);
  if (run.crash) {
    // The worker was OOM-killed while waiting on the provider: nothing after its last call start.
    let last = -1;
    lines.forEach((l, i) => {
      if (l.text.startsWith('{"event_type":"llm_call_start"')) last = i;
    });
    lines.length = last + 1;
  }
  return lines;
}

// ---------------------------------------------------------------- dialect C (Studio flat lines)

function renderC(run, opts = {}) {
  const out = [];
  out.push({ event_type: 'pattern_start', pattern_type: run.pattern, workflow: run.workflow, run_id: run.id, timestamp: isoNoZone(run.start) });
  for (const ev of walk(run.root)) {
    if (ev.kind === 'open') {
      out.push({ event_type: 'agent_start', agent_name: ev.step.name, kind: ev.step.kind, timestamp: isoNoZone(ev.step.start) });
    } else if (ev.kind === 'close') {
      if (ev.step.error) out.push({ event_type: 'error', agent_name: ev.step.name, message: ev.step.error, timestamp: isoNoZone(ev.step.end) });
      out.push({ event_type: 'agent_end', agent_name: ev.step.name, timestamp: isoNoZone(ev.step.end) });
    } else if (ev.kind === 'call') {
      const c = ev.item;
      if (c.error) {
        out.push({ event_type: 'error', agent_name: ev.agent, model: c.model, message: c.error, timestamp: isoNoZone(c.end) });
        continue;
      }
      const nan = opts.nanCall === c;
      out.push({
        event_type: 'llm_call', agent_name: ev.agent, model: c.model, duration_ms: nan ? `${RAW}NaN` : Math.round(c.durationMs),
        tokens: c.in + c.out, timestamp: isoNoZone(c.end),
      });
      const cost = costUsd(c.model, c.in, c.out);
      if (cost !== null) {
        out.push({
          event_type: 'cost_record', agent_name: ev.agent, model: c.model, pattern_type: run.pattern,
          input_tokens: c.in, output_tokens: c.out, cost_usd: cost, timestamp: isoNoZone(c.end),
        });
      }
    }
  }
  out.push({
    event_type: 'pattern_end', pattern_type: run.pattern, run_id: run.id,
    status: run.status === 'ok' ? 'success' : 'failed', timestamp: isoNoZone(run.end),
  });
  return out.map(json);
}

// ---------------------------------------------------------------- dialect B (event-bus export)

function renderB(run, opts = {}) {
  const P = opts.legacy ? 'data' : 'payload';
  const out = [];
  let lastUs = 0;
  const ts = (ms) => {
    // Distinct, increasing microsecond stamps, as time.time() gives them.
    let us = ms * 1000 + (((ms % 100003) * 7919) % 997);
    if (us <= lastUs) us = lastUs + 37 + (us % 53);
    lastUs = us;
    return us / 1e6;
  };
  const line = (ms, type, agent, pattern, payload) =>
    out.push(json({ timestamp: ts(ms), event_type: type, agent_name: agent, pattern_type: pattern, [P]: payload }));
  const outer = { pattern_type: run.pattern };
  if (opts.workflow) outer.workflow = run.workflow;
  if (opts.runId) outer.run_id = run.id;
  line(run.start, 'pattern_start', '', run.pattern, outer);
  line(run.start, 'pattern_start', '', run.pattern, {});
  let tokenEstimate = 0;
  const open = []; // agent steps: { step, inChars, out }
  for (const ev of walk(run.root)) {
    if (ev.kind === 'open' && ev.step.kind === 'agent') {
      open.push({ step: ev.step, inChars: 0, out: 0 });
      line(ev.step.start, 'agent_start', ev.step.name, '', {});
    } else if (ev.kind === 'close' && ev.step.kind === 'agent') {
      const s = open.pop();
      // The agent hook's own cost_record: tokens guessed from characters, no price known.
      line(ev.step.end, 'cost_record', ev.step.name, run.pattern, {
        model: 'unknown', input_tokens: Math.floor(s.inChars / 4), output_tokens: Math.floor((s.out * 43) / 40), cost_usd: `${RAW}0.0`,
      });
      line(ev.step.end, 'agent_end', ev.step.name, '', { duration_seconds: (ev.step.end - ev.step.start) / 1000, output_tokens: s.out });
    } else if (ev.kind === 'call') {
      const c = ev.item;
      const m = MODELS[c.model];
      const s = open[open.length - 1];
      line(c.start, 'provider_call_start', m.provider, '', { provider: m.provider, model: c.model, input_messages: c.inputMessages });
      if (c.error) {
        line(c.end, 'provider_call_error', m.provider, '', { provider: m.provider, error: c.error });
        continue;
      }
      line(c.end, 'provider_call_end', m.provider, '', {
        provider: m.provider, model: c.model, input_tokens: c.in, output_tokens: c.out, duration_seconds: Math.round(c.durationMs * 10) / 10000,
      });
      const cost = costUsd(c.model, c.in, c.out);
      if (cost !== null && (c.reportCost || m.alwaysReported)) {
        line(c.end, 'cost_record', ev.agent, run.pattern, { model: c.model, input_tokens: c.in, output_tokens: c.out, cost_usd: pyFloat(cost) });
      }
      tokenEstimate += c.in + c.out;
      s.inChars += c.in * 4 - 37;
      s.out += c.out;
    } else if (ev.kind === 'event') {
      line(ev.item.ts, ev.item.type, ev.agent ?? '', '', ev.item.fields);
    }
  }
  const dur = (run.end - run.start) / 1000;
  const inner = { duration_seconds: dur, token_estimate: tokenEstimate, output_length: (run.output ?? '').length };
  if (run.status !== 'ok') Object.assign(inner, { status: 'failed', error: run.failure });
  line(run.end, 'pattern_end', '', run.pattern, inner);
  line(run.end, 'pattern_end', '', '', { result_output: run.status === 'ok' ? run.output : null, duration_seconds: dur });
  return out;
}

// ---------------------------------------------------------------- dialect A (Recorder.save files)

const SYSTEM = {
  classifier:
    'You are the intake classifier for Acme Logistics customer support.\nClassify the ticket into exactly one queue: billing, technical, account, other.\nReply with JSON only: {"queue": "...", "confidence": 0.0-1.0, "reason": "..."}.',
  specialist: (queue) =>
    `You are Acme Logistics' ${queue} specialist.\nYou may call tools; their results arrive as tool messages.\nBe concise and friendly. Never promise a refund above EUR 500 without a supervisor.\nSign as "Acme Support".`,
  summarizer: 'Summarise the support conversation as a CRM note: one line of outcome, then bullet points. Max 80 words.',
  voter: 'You review pull requests for the acme/shipping-api repository.\nVote APPROVE or REQUEST_CHANGES on the first line, then give at most three reasons.',
  reviewer: 'You are the lead reviewer. Merge the votes below into one review comment for the pull request. State the decision and the blocking points.',
  supervisor:
    'You coordinate incident triage for Acme Logistics SRE.\nWorkers: "Log Analyst" (Loki), "Metrics Analyst" (Prometheus), "Runbook Agent".\nFirst reply with a numbered plan naming the workers; later, with a severity and a summary.',
  logAnalyst: 'You are the Log Analyst. Read the Loki results and explain what failed, when, and in which service. Quote the log lines you rely on.',
  metricsAnalyst: 'You are the Metrics Analyst. Read the Prometheus series and say what changed, when, and by how much.',
  extractor: 'Extract the invoice as JSON: vendor, invoice_no, date, currency, lines[{sku, qty, unit_price}], total. Use null for anything unreadable.',
  matcher: 'Match the extracted invoice to the ERP purchase order. List each line as MATCH, QTY_VARIANCE or PRICE_VARIANCE, with the difference.',
  invoiceReviewer: 'Decide: APPROVE_PAYMENT, HOLD or ESCALATE. Variances under 2% of the line total are acceptable. Explain in two sentences.',
  router: 'Route the lead to "researcher" (company needs web research) or "enricher" (domain known to the data provider). Answer with the name only.',
  researcher: 'Research the company with the search results given. Report: industry, size, shipping volume signals, decision makers. Cite sources.',
  writer: 'Write a 3-sentence intro email from an Acme Logistics account executive, based on the research notes. No buzzwords.',
  digestResearcher: 'Summarise this week\'s items from the given source for the team digest: 3-6 bullets, most important first, with numbers.',
  digestSummarizer: 'Merge the section summaries into the weekly digest for the whole team. Keep the headings. Max 300 words.',
};

const msg = (role, content, name = null) => ({ role, content, name });

const TICKETS = [
  {
    queue: 'billing', agent: 'billing_agent', tool: 'lookup_invoice',
    text: 'Subject: Charged twice for October shipment\n\nHi,\nour card was charged twice for shipment ACM-558201 (EUR 1,240.00 on 2 Oct and again on 3 Oct).\nCan you refund the duplicate? Invoice INV-2026-10417.\n\nThanks,\nMarta Kowalczyk\nFinance, Baltic Parts Sp. z o.o.',
    toolResult: '{"invoice":"INV-2026-10417","amount":"1240.00","currency":"EUR","payments":[{"id":"pay_8Kd2","date":"2026-10-02","status":"captured"},{"id":"pay_8Kf9","date":"2026-10-03","status":"captured"}]}',
    reply: 'Hi Marta,\n\nyou are right: invoice INV-2026-10417 was captured twice (payments pay_8Kd2 and pay_8Kf9). I have requested a refund of EUR 1,240.00 for the second payment; it will reach your card within 5-7 business days.\n\nSorry for the trouble,\nAcme Support',
  },
  {
    queue: 'technical', agent: 'tech_support', tool: 'search_kb',
    text: 'Subject: Tracking API returns 502\n\nSince this morning GET /v2/shipments/{id}/events returns 502 Bad Gateway for about 1 in 5 requests.\nRequest id of a failing call: 7f1c9e2a-4b7d-4a51-9a3e-0d2e6c8b1f44.\nWe are on the Business plan.\n\n-- Tomasz, Nordlys Retail',
    toolResult: '[{"id":"KB-311","title":"Intermittent 502 on tracking events during ingest backfill","status":"known issue","workaround":"retry with exponential backoff; use If-None-Match"}]',
    reply: 'Hi Tomasz,\n\nthanks for the request id. This is a known issue (KB-311): a tracking-ingest backfill is overloading the events endpoint until about 18:00 UTC today. Please retry 502 responses with exponential backoff; ETag caching with If-None-Match also cuts the load. We will post on status.acme.io when it is resolved.\n\nAcme Support',
  },
  {
    queue: 'account', agent: 'account_agent', tool: 'crm_get_account',
    text: 'Subject: Add a second admin\n\nPlease add j.okafor@lagos-freight.example as an admin on account 88412.\nI am the current owner.\n\nChidi Eze\nLagos Freight Ltd',
    toolResult: '{"account":88412,"owner":"c.eze@lagos-freight.example","plan":"Business","admins":1,"admin_limit":3}',
    reply: 'Hi Chidi,\n\ndone: j.okafor@lagos-freight.example has been invited as an admin on account 88412 (2 of 3 admin seats now used). The invitation link is valid for 7 days.\n\nAcme Support',
  },
];

const DIFFS = [
  {
    title: 'Fix KeyError for new EU regions in fuel surcharge',
    diff: 'diff --git a/src/rates/fuel_surcharge.py b/src/rates/fuel_surcharge.py\nindex 3b1e9d2..8c04f7a 100644\n--- a/src/rates/fuel_surcharge.py\n+++ b/src/rates/fuel_surcharge.py\n@@ -41,7 +41,9 @@ def surcharge(weight_kg: float, lane: Lane) -> Decimal:\n-    rate = FUEL_TABLE[lane.region]\n+    rate = FUEL_TABLE.get(lane.region)\n+    if rate is None:\n+        return Decimal("0")\n     return (Decimal(weight_kg) * rate).quantize(CENT)',
    votes: [
      'REQUEST_CHANGES\n1. Returning 0 silently under-bills lanes in regions missing from FUEL_TABLE; log and fall back to the default rate instead.\n2. No test covers the new branch.',
      'APPROVE\n1. Fixes the crash seen in production for region "eu-north-2".\n2. Small, contained change.',
      'REQUEST_CHANGES\n1. A surcharge of 0 is a pricing decision, not an error fallback; ask finance.\n2. Add a metric so missing regions are noticed.',
    ],
    review: 'REQUEST_CHANGES (2-1)\n\nThe crash fix is welcome, but returning Decimal("0") silently under-bills lanes whose region is missing from FUEL_TABLE. Please:\n- fall back to FUEL_TABLE["default"] and log a warning with the region,\n- emit a `rates_missing_region_total` counter,\n- add a test for an unknown region.',
  },
  {
    title: 'Add retry with jitter to label printer client',
    diff: 'diff --git a/src/labels/client.py b/src/labels/client.py\n--- a/src/labels/client.py\n+++ b/src/labels/client.py\n@@ -12,6 +12,14 @@ import httpx\n+from tenacity import retry, stop_after_attempt, wait_random_exponential\n+\n+@retry(stop=stop_after_attempt(4), wait=wait_random_exponential(multiplier=0.5, max=8))\n def print_label(shipment_id: str, printer: str) -> bytes:\n-    resp = httpx.post(f"{BASE}/print", json={"id": shipment_id, "printer": printer})\n+    resp = httpx.post(f"{BASE}/print", json={"id": shipment_id, "printer": printer}, timeout=10)\n     resp.raise_for_status()',
    votes: [
      'APPROVE\n1. Jittered retries avoid thundering herds on the printer gateway.\n2. Explicit timeout is overdue.',
      'APPROVE\n1. Good change. Consider retrying only on 5xx and timeouts.',
      'REQUEST_CHANGES\n1. Retrying a POST can print a label twice; send an idempotency key.',
    ],
    review: 'APPROVE (2-1) with one follow-up\n\nRetries with jitter and a timeout are the right fix. Before merging, please send `Idempotency-Key: <shipment_id>` with the POST so that a retried request cannot print the same label twice, and restrict retries to timeouts and 5xx.',
  },
];

const LOG_LINES = [
  ['shipping-api', 'ERROR', 'upstream connect error or disconnect/reset before headers. reset reason: connection termination'],
  ['shipping-api', 'ERROR', 'GET /v2/shipments/{id}/events 502 in 1843ms'],
  ['rates-svc', 'WARN', 'retrying request to pricing-db (attempt 3/3)'],
  ['pg-bouncer', 'ERROR', 'pool exhausted: 50/50 server connections in use, 112 clients waiting'],
  ['rates-svc', 'ERROR', 'pq: sorry, too many clients already'],
  ['shipping-api', 'WARN', 'circuit breaker OPEN for rates-svc after 20 consecutive failures'],
  ['tracking-ingest', 'INFO', 'backfill batch 4411/9000 committed (12,500 events)'],
  ['shipping-api', 'ERROR', 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)'],
  ['label-printer', 'WARN', 'health check /healthz returned 503 (dependency rates-svc)'],
  ['rates-svc', 'INFO', 'connection pool resized 50 -> 80 by autoscaler'],
];

/** A Log Analyst answer of about 25 kB: the run that exercises truncation of long responses. */
function longLogAnalysis(rng) {
  const rows = [];
  let t = Date.UTC(2026, 9, 21, 9, 2, 11, 0);
  const counts = new Map();
  for (let i = 0; i < 190; i++) {
    t += rng.int(300, 4000);
    const [svc, level, text] = LOG_LINES[rng.int(0, i < 120 ? 8 : 9)];
    counts.set(svc, (counts.get(svc) ?? 0) + (level === 'ERROR' ? 1 : 0));
    rows.push(`| ${iso(t)} | ${svc} | ${level} | ${text} | pod ${svc}-${rng.hex(5)} |`);
  }
  const countRows = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([svc, n]) => `| ${svc} | ${n} |`);
  return [
    '## Log analysis: HighErrorRate shipping-api (prod-eu-west-1)',
    '',
    '### Summary',
    'The 5xx spike starts at 09:02 UTC when pg-bouncer runs out of server connections. rates-svc cannot get a database connection, its requests time out, and shipping-api opens its circuit breaker to rates-svc, returning 502 on every endpoint that needs a price. The tracking-ingest backfill that started at 08:55 holds 30+ connections for long transactions; it is the most likely trigger.',
    '',
    '### Timeline (all matching lines, oldest first)',
    '| time (UTC) | service | level | message | source |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    '### Errors by service',
    '| service | errors |',
    '|---|---|',
    ...countRows,
    '',
    '### Hypotheses',
    '1. **Connection pool exhaustion caused by the backfill** (high confidence): the first "pool exhausted" line precedes every 502, and the backfill batches commit at the same cadence as the error bursts.',
    '2. **Autoscaler lag** (medium): the pool is resized only at the end of the window; a lower threshold would have absorbed the spike.',
    '3. **Retry amplification** (medium): rates-svc retries three times against an exhausted pool, tripling the demand.',
    '',
    '### Recommended next steps',
    '- Pause the tracking-ingest backfill or cap it at 10 connections (`BACKFILL_MAX_CONNS=10`).',
    '- Lower the pg-bouncer autoscale threshold from 90% to 70%.',
    '- Make rates-svc fail fast when the pool is exhausted instead of retrying.',
  ].join('\n');
}

/** The twelve Recorder files: [file date-time, workflow, variant, tokens in metadata, rate-limit retry]. */
const RECORDER_RUNS = [
  ['2026-10-14T10:15:02.000Z', 'code-review', 0, false, false],
  ['2026-10-16T13:41:27.000Z', 'support-triage', 0, true, false],
  ['2026-10-21T09:31:45.000Z', 'incident-triage', 0, false, false],
  ['2026-10-22T02:07:19.000Z', 'invoice-reconciliation', 0, true, false],
  ['2026-10-27T15:02:58.000Z', 'code-review', 1, false, true],
  ['2026-10-29T11:20:33.000Z', 'support-triage', 1, false, false],
  ['2026-11-02T22:48:09.000Z', 'incident-triage', 1, false, false],
  ['2026-11-04T16:05:51.000Z', 'lead-enrichment', 0, true, false],
  ['2026-11-05T10:44:12.000Z', 'code-review', 0, false, false],
  ['2026-11-09T07:00:04.000Z', 'weekly-digest', 0, true, false],
  ['2026-11-11T14:12:40.000Z', 'support-triage', 2, false, false],
  ['2026-11-13T02:05:37.000Z', 'invoice-reconciliation', 1, false, false],
];

/** The calls of one recorded run: [agent, model, messages_in, response, parallel group]. */
function recorderCalls(rng, workflow, variant) {
  if (workflow === 'support-triage') {
    const t = TICKETS[variant];
    const specialistModel = { billing_agent: 'claude-sonnet-4-20250514', tech_support: 'gpt-4.1', account_agent: 'gpt-4o' }[t.agent];
    return {
      pattern: 'triage',
      output: t.reply,
      calls: [
        ['classifier', 'gpt-4o-mini', [msg('system', SYSTEM.classifier), msg('user', t.text)], `{"queue": "${t.queue}", "confidence": 0.9${variant + 2}, "reason": "${t.text.split('\n')[0].slice(9).toLowerCase()}"}`],
        [t.agent, specialistModel, [msg('system', SYSTEM.specialist(t.queue)), msg('user', t.text), msg('tool', t.toolResult, t.tool)], t.reply],
        ['summarizer', 'claude-3-5-haiku-20241022', [msg('system', SYSTEM.summarizer), msg('user', `Ticket:\n${t.text}\n\nAgent reply:\n${t.reply}`)], `Resolved (${t.queue}).\n- ${t.text.split('\n')[0].slice(9)}\n- Answered by ${t.agent}; no follow-up needed.`],
      ],
    };
  }
  if (workflow === 'code-review') {
    const d = DIFFS[variant];
    const user = `PR #${1180 + variant * 37}: ${d.title}\n\n${d.diff}`;
    const voters = [['voter_a', 'gpt-4.1-mini'], ['voter_b', 'claude-3-5-haiku-20241022'], ['voter_c', 'gemini-2.5-flash']];
    return {
      pattern: 'voting',
      output: d.review.split('\n')[0],
      calls: [
        ...voters.map(([v, m], i) => [v, m, [msg('system', SYSTEM.voter), msg('user', user)], d.votes[i], 'vote']),
        ['reviewer', 'gpt-4o', [msg('system', SYSTEM.reviewer), msg('user', voters.map(([v], i) => `${v}: ${d.votes[i]}`).join('\n\n'))], d.review],
      ],
    };
  }
  if (workflow === 'incident-triage') {
    const alert = variant === 0
      ? '[FIRING:1] HighErrorRate shipping-api (prod-eu-west-1)\nerror_rate=7.3% (threshold 2%) for 10m\nrunbook: https://runbooks.acme.internal/shipping-api/high-error-rate'
      : '[FIRING:1] LabelQueueBacklog label-printer (prod-us-east-1)\nqueue_depth=1840 (threshold 500) for 15m';
    const logs = LOG_LINES.slice(0, 5).map(([s, l, m]) => `${s} ${l} ${m}`).join('\n');
    const analysis = variant === 0
      ? longLogAnalysis(rng)
      : 'label-printer workers are healthy; the backlog is the nightly batch from Nordlys Retail (1,700 labels queued at 22:30 UTC). It drains at ~120/min and will clear by 23:05. No errors in the last hour.';
    const plan = 'Plan:\n1. Log Analyst: errors in the affected service and its dependencies since the alert fired.\n2. Metrics Analyst: error rate, latency and saturation of the dependencies.\n3. Decide severity.';
    return {
      pattern: 'supervisor',
      output: variant === 0 ? 'SEV2: shipping-api 502s caused by pg-bouncer pool exhaustion during the tracking-ingest backfill' : 'SEV4: expected batch backlog, no action',
      calls: [
        ['supervisor', 'gpt-4.1', [msg('system', SYSTEM.supervisor), msg('user', alert)], plan],
        ['Log Analyst', 'anthropic/claude-sonnet-4', [msg('system', SYSTEM.logAnalyst), msg('user', `${alert}\n\nLoki results ({env="prod"} |= "error", last 30m):\n${logs}`)], analysis],
        ...(variant === 0
          ? [['Metrics Analyst', 'gemini-2.5-pro', [msg('system', SYSTEM.metricsAnalyst), msg('user', 'pgbouncer_pools_server_active_connections{db="pricing"}: 31 -> 50 at 09:01:40\nhttp_requests_total{code="502",service="shipping-api"}: 0.2/s -> 41/s at 09:02:30')], 'pricing-db connections hit the pool limit (50) at 09:01:40; shipping-api 502s rise from 0.2/s to 41/s fifty seconds later. p99 latency of rates-svc goes from 180 ms to 10 s (its timeout).']]
          : []),
        ['supervisor', 'gpt-4.1', [msg('system', SYSTEM.supervisor), msg('user', `Findings:\n${analysis.slice(0, 600)}`)], variant === 0 ? 'Severity: SEV2\nSummary: pg-bouncer pool exhaustion from the tracking-ingest backfill; pause the backfill and raise the pool.' : 'Severity: SEV4\nSummary: expected nightly backlog.'],
      ],
    };
  }
  if (workflow === 'invoice-reconciliation') {
    const inv = variant === 0 ? 'INV-2026-10892' : 'INV-2026-11873';
    const ocr = `NORDIC PALLETS AB\nFaktura / Invoice ${inv}\nDate: 2026-10-2${variant}\nItem            Qty   Unit EUR\nEUR-pallet 1200x800   400   11.20\nStretch film 23um      60    9.85\nTotal EUR 5,071.00`;
    const extracted = `{"vendor": "Nordic Pallets AB", "invoice_no": "${inv}", "date": "2026-10-2${variant}", "currency": "EUR", "lines": [{"sku": "EUR-PAL-1208", "qty": 400, "unit_price": 11.20}, {"sku": "FILM-23", "qty": 60, "unit_price": 9.85}], "total": 5071.00}`;
    return {
      pattern: 'pipeline',
      output: variant === 0 ? 'APPROVE_PAYMENT' : 'HOLD',
      calls: [
        ['extractor', 'acme-finetune-v2', [msg('system', SYSTEM.extractor), msg('user', ocr)], extracted],
        ['matcher', 'gpt-4.1-mini', [msg('system', SYSTEM.matcher), msg('user', `${extracted}\n\nPO-77120: EUR-PAL-1208 x400 @ 11.20; FILM-23 x${variant === 0 ? 60 : 50} @ 9.85`)], variant === 0 ? 'EUR-PAL-1208: MATCH\nFILM-23: MATCH' : 'EUR-PAL-1208: MATCH\nFILM-23: QTY_VARIANCE +10 (EUR 98.50)'],
        ['reviewer', 'o3-mini', [msg('system', SYSTEM.invoiceReviewer), msg('user', variant === 0 ? 'All lines MATCH.' : 'FILM-23: QTY_VARIANCE +10 (EUR 98.50, 1.9% of total)')], variant === 0 ? 'APPROVE_PAYMENT. All lines match PO-77120.' : 'HOLD. The variance is under 2% of the total but 16.7% of the FILM-23 line; ask the warehouse to confirm the delivered quantity.'],
      ],
    };
  }
  if (workflow === 'lead-enrichment') {
    const lead = 'Lead: Aurora Home Goods (aurorahome.example), signed up for a Business trial, 14 employees on LinkedIn.';
    const research = 'Industry: home furnishings e-commerce (Shopify store). Size: ~15 staff, est. revenue EUR 3-5M. Shipping signals: 2 warehouses (Tilburg, Leipzig), free shipping over EUR 60, ~900 orders/week per SimilarWeb traffic. Decision makers: Lena Brandt (COO). Sources: aurorahome.example/about, linkedin.com/company/aurora-home-goods.';
    return {
      pattern: 'router',
      output: 'lead scored 78/100',
      calls: [
        ['router', 'gpt-4o-mini', [msg('system', SYSTEM.router), msg('user', lead)], 'researcher'],
        ['researcher', 'anthropic/claude-sonnet-4', [msg('system', SYSTEM.researcher), msg('user', `${lead}\n\nSearch results:\n1. Aurora Home Goods - About us - "Two warehouses, Tilburg and Leipzig"\n2. Aurora Home Goods | LinkedIn - 14 employees`)], research],
        ['writer', 'gpt-4o-mini', [msg('system', SYSTEM.writer), msg('user', research)], 'Hi Lena, with warehouses in Tilburg and Leipzig you are shipping across two of our busiest EU lanes. Acme can consolidate both into one rate card and one label flow, usually 12-18% below split contracts. Would a 20-minute call next week be useful?'],
      ],
    };
  }
  // weekly-digest
  const sources = [
    ['Jira', 'PLAT-2210 done: label retries with jitter (-63% printer errors)\nPLAT-2231 open: fuel surcharge for new EU regions'],
    ['Zendesk', '412 tickets (-6% WoW); median first reply 38 min; top topic: duplicate charges (31)'],
    ['Grafana', 'shipping-api availability 99.62% (SLO 99.9%); one SEV2 on Oct 21 (pg-bouncer)'],
    ['Salesforce', '27 new trials, 6 closed-won (EUR 41k ARR), pipeline EUR 312k'],
  ];
  const sections = sources.map(([src]) => `### ${src}\n- ${rng.pick(['steady week', 'busier than usual', 'one notable item'])}`);
  return {
    pattern: 'map-reduce',
    output: 'weekly digest with 4 sections',
    calls: [
      ...sources.map(([src, items], i) => ['researcher', 'gemini-2.5-flash', [msg('system', SYSTEM.digestResearcher), msg('user', `Source: ${src}\n\n${items}`)], `${sections[i]}\n- ${items.split('\n')[0]}`, 'map']),
      ['summarizer', 'claude-sonnet-4-20250514', [msg('system', SYSTEM.digestSummarizer), msg('user', sections.join('\n\n'))], `# Weekly digest, week of 2026-11-02\n\n${sources.map(([src, items]) => `## ${src}\n${items.split('\n').map((l) => `- ${l}`).join('\n')}`).join('\n\n')}`],
    ],
  };
}

function renderRecorder(rng, [when, workflow, variant, withTokens, rateLimited]) {
  const { pattern, calls, output } = recorderCalls(rng, workflow, variant);
  const start = Date.parse(when) + rng.int(0, 999);
  const epoch = (ms) => ms / 1000;
  const lines = [];
  const line = (ms, type, agent, messages, response, metadata) =>
    lines.push({ ms, text: json({ timestamp: epoch(ms), event_type: type, agent_name: agent, messages_in: messages, response, metadata }) });
  line(start, 'pattern_start', '', [], '', { pattern_type: pattern, workflow });
  let t = start + rng.int(20, 200);
  let groupStart = null;
  let groupEnd = t;
  calls.forEach(([agent, model, messages, response, group], i) => {
    const inTok = Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4) + 7 * messages.length;
    const outTok = Math.ceil(response.length / 4);
    if (group) {
      groupStart ??= t;
      t = groupStart + rng.int(1, 40);
    } else if (groupStart !== null) {
      t = groupEnd;
      groupStart = null;
    }
    t += rng.int(5, 120);
    if (rateLimited && i === 1) {
      t += rng.int(200, 700);
      line(t, 'error', agent, [], '', { model, error: providerError(rng, 'rate_limit', model), attempt: 1 });
      t += rng.int(2000, 6000);
    }
    t += Math.round(latencyTenths(rng, model, inTok, outTok) / 10);
    const metadata = { model };
    if (group === 'vote') metadata.round = 1;
    if (withTokens) Object.assign(metadata, { input_tokens: inTok, output_tokens: outTok });
    line(t, 'llm_call', agent, messages, response, metadata);
    if (t > groupEnd) groupEnd = t;
  });
  const end = Math.max(t, groupEnd) + rng.int(10, 300);
  line(end, 'pattern_end', '', [], output, { duration_seconds: (end - start) / 1000 });
  lines.sort((a, b) => a.ms - b.ms);
  const d = new Date(start).toISOString();
  const file = `run-${d.slice(0, 10).replaceAll('-', '')}-${d.slice(11, 19).replaceAll(':', '')}.jsonl`;
  return { file, lines: lines.map((l) => l.text), calls: calls.length + (rateLimited ? 1 : 0) };
}

// ---------------------------------------------------------------- schedule

/** Runs per hour of the UTC day: Europe and the US east coast at work, nothing at 23:00. */
const HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 7, 10, 12, 12, 11, 10, 11, 12, 12, 11, 9, 7, 5, 4, 3, 2, 0].map((w, h) => [h, w]);
const usedIds = new Set();

function runId(rng, prefix, n) {
  for (;;) {
    const id = prefix + rng.hex(n);
    if (!usedIds.has(id)) {
      usedIds.add(id);
      return id;
    }
  }
}

function specs(source, seed, list, common) {
  const idRng = new Rng(mix(seed, 0xd1));
  return list.map(([workflow, start, extra], i) => ({
    source, workflow, start, seed: mix(seed, i + 1), id: runId(idRng, common.idPrefix, common.idLength), ...common, ...extra,
  }));
}

/** Simulates runs that one process wrote one after another: a run starts after the previous one ended. */
function simulateSequential(list) {
  const runs = [];
  let free = 0;
  for (const spec of [...list].sort((a, b) => a.start - b.start)) {
    const run = simulate({ ...spec, start: Math.max(spec.start, free) });
    runs.push(run);
    free = run.end + 1500;
  }
  return runs;
}

function productionRuns() {
  const rng = new Rng(101);
  const list = [];
  const at = (day) => DAY0 + day * DAY + rng.weighted(HOUR_WEIGHTS) * HOUR + rng.int(0, HOUR - 1);
  for (let day = 0; day < DAYS; day++) {
    const dow = new Date(DAY0 + day * DAY).getUTCDay();
    const weekend = dow === 0 || dow === 6;
    for (let n = weekend ? rng.int(1, 3) : rng.int(4, 8); n > 0; n--) list.push(['support-triage', at(day)]);
    if (weekend) continue;
    const batch = DAY0 + day * DAY + 2 * HOUR + rng.int(0, 4 * MIN);
    for (let n = rng.int(2, 4); n > 0; n--) list.push(['invoice-reconciliation', batch + rng.int(0, 20 * SEC)]);
    for (let n = rng.int(1, 3); n > 0; n--) list.push(['lead-enrichment', at(day)]);
    if (dow === 1) for (let team = 0; team < 4; team++) list.push(['weekly-digest', DAY0 + day * DAY + 7 * HOUR + rng.int(0, 3 * SEC)]);
  }
  // A run that starts on Sunday night and ends on Monday: its lines land in two weekly files.
  list.push(['support-triage', Date.UTC(2026, 9, 18, 23, 59, 52, 417), { failRate: 0 }]);
  list.sort((a, b) => a[1] - b[1]);
  const crashAt = list.findIndex(([wf, start]) => wf === 'support-triage' && start >= Date.UTC(2026, 9, 28, 10));
  list[crashAt][2] = { crash: true, failRate: 0 };
  const reportRate = { 'support-triage': 0.93, 'invoice-reconciliation': 0.9, 'lead-enrichment': 0.9, 'weekly-digest': 0 };
  return specs('production', 0x5eed01, list, { dialect: 'D', idPrefix: 'run-', idLength: 12, parallel: true }).map((s) =>
    simulate({ ...s, reportRate: reportRate[s.workflow] }),
  );
}

function studioRuns() {
  const rng = new Rng(202);
  const list = [];
  for (let day = 0; day < DAYS; day++) {
    const dow = new Date(DAY0 + day * DAY).getUTCDay();
    const n = dow === 0 || dow === 6 ? (rng.chance(0.5) ? 1 : 0) : rng.int(0, 3);
    for (let i = 0; i < n; i++) list.push(['incident-triage', DAY0 + day * DAY + rng.int(0, 23 * HOUR)]);
  }
  const common = { dialect: 'C', idPrefix: 'run_', idLength: 6, toolFailures: true, failRate: 0.03 };
  const incidents = simulateSequential(specs('studio', 0x5eed02, list, common));
  const session = [];
  let t = Date.UTC(2026, 10, 3, 14, 5, 0);
  for (let i = 0; i < 10; i++, t += rng.int(40, 240) * SEC) session.push(['support-triage', t]);
  const laptop = simulateSequential(specs('laptop', 0x5eed03, session, common));
  return { incidents, laptop };
}

function eventBusRuns() {
  const rng = new Rng(303);
  const list = [];
  for (let day = 0; day < DAYS; day++) {
    const dow = new Date(DAY0 + day * DAY).getUTCDay();
    if (dow === 0 || dow === 6) continue;
    for (let n = rng.int(1, 3); n > 0; n--) list.push(['code-review', DAY0 + day * DAY + rng.weighted(HOUR_WEIGHTS.slice(6, 20)) * HOUR + rng.int(0, HOUR - 1)]);
    list.push(['lead-enrichment', DAY0 + day * DAY + 3 * HOUR + rng.int(0, 10 * MIN)]);
  }
  const common = { dialect: 'B', idPrefix: 'run-', idLength: 12, failRate: 0.05 };
  const batch = simulateSequential(specs('batch', 0x5eed04, list, common));
  const reruns = [];
  for (let i = 0; i < 6; i++) reruns.push(['invoice-reconciliation', Date.UTC(2026, 10, 7, 10, 12 + 3 * i, 0), i === 5 ? { failRate: 0 } : {}]);
  const worker3 = simulateSequential(specs('worker-3', 0x5eed05, reruns, common));
  const old = [];
  for (let i = 0; i < 5; i++) old.push(['code-review', Date.UTC(2026, 9, 13, 15, 30 + 7 * i, 0)]);
  const legacy = simulateSequential(specs('legacy', 0x5eed06, old, common));
  return { batch, worker3, legacy };
}

// ---------------------------------------------------------------- writing

const written = [];

function writeLines(rel, lines, { runs, dialect, gzip = false, bom = false, crlf = false, finalNewline = true, bad = [], nan = [] }) {
  const eol = crlf ? '\r\n' : '\n';
  const text = (bom ? '\uFEFF' : '') + lines.join(eol) + (finalNewline ? eol : '');
  let buf = Buffer.from(text, 'utf8');
  const raw = buf.length;
  if (gzip) {
    buf = gzipSync(buf, { level: 9 });
    buf[9] = 3; // OS byte = Unix, whatever platform this runs on (zlib sets mtime 0 itself)
  }
  const abs = join(OUT_DIR, rel);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, buf);
  written.push({ rel, lines: lines.length, raw, bytes: buf.length, runs, dialect, bad, nan });
}

const weekOf = (ms) => 42 + Math.floor((ms - DAY0) / (7 * DAY));

function writeProduction(runs) {
  const byWeek = new Map();
  runs.forEach((run, order) => {
    for (const l of renderD(run)) {
      const w = weekOf(l.ts);
      if (!byWeek.has(w)) byWeek.set(w, { lines: [], runs: new Set() });
      byWeek.get(w).lines.push({ ...l, order });
      byWeek.get(w).runs.add(run.id);
    }
  });
  for (const [w, { lines, runs: ids }] of [...byWeek].sort((a, b) => a[0] - b[0])) {
    lines.sort((a, b) => a.ts - b.ts || a.order - b.order || a.seq - b.seq);
    const texts = lines.map((l) => l.text);
    const bad = [];
    if (w === 43) {
      // Someone ran the service with stdout and stderr redirected into the span file.
      const at = Math.floor(texts.length * 0.4);
      const endIdx = texts.findIndex((t, i) => i >= at && t.startsWith('{"event_type":"llm_call_end"'));
      const e = JSON.parse(texts[endIdx]);
      texts.splice(endIdx + 1, 0, `[llm_call] agent=${e.agent_name} model=${e.model} tokens=${e.input_tokens}->${e.output_tokens} duration=${(e.duration_ms / 1000).toFixed(2)}s run=${e.run_id}`);
      bad.push({ line: endIdx + 2, reason: 'plain-text console line' });
    }
    writeLines(`production/2026-W${w}.jsonl`, texts, { runs: ids.size, dialect: 'D', bad });
  }
}

function writeStudio({ incidents, laptop }) {
  const oct = incidents.filter((r) => r.start < Date.UTC(2026, 10, 1));
  const nov = incidents.filter((r) => r.start >= Date.UTC(2026, 10, 1));
  const octLines = oct.flatMap((r) => renderC(r));
  // Studio's live SSE stream was captured into the file: a `data:` frame repeating the line
  // before it, then a keepalive comment.
  const at = octLines.findIndex((l, i) => i > octLines.length / 2 && l.startsWith('{"event_type":"cost_record"'));
  octLines.splice(at + 1, 0, `data: ${octLines[at]}`, ': keepalive');
  writeLines('studio/incident-triage/2026-10.ndjson', octLines, {
    runs: oct.length, dialect: 'C',
    bad: [{ line: at + 2, reason: 'SSE data frame' }, { line: at + 3, reason: 'SSE comment' }],
  });
  writeLines('studio/incident-triage/2026-11.ndjson.gz', nov.flatMap((r) => renderC(r)), { runs: nov.length, dialect: 'C', gzip: true });
  const nanRun = laptop[3];
  const nanCall = [...walk(nanRun.root)].find((e) => e.kind === 'call' && !e.item.error).item;
  const lapLines = laptop.flatMap((r) => renderC(r, r === nanRun ? { nanCall } : {}));
  const nanLine = lapLines.findIndex((l) => l.includes('"duration_ms":NaN')) + 1;
  writeLines('studio/windows-laptop/session-2026-11-03.ndjson', lapLines, { runs: laptop.length, dialect: 'C', bom: true, crlf: true, nan: [nanLine] });
}

function writeEventBus({ batch, worker3, legacy }) {
  const byWeek = new Map();
  for (const run of batch) {
    const w = weekOf(run.start);
    if (!byWeek.has(w)) byWeek.set(w, []);
    byWeek.get(w).push(run);
  }
  for (const [w, runs] of [...byWeek].sort((a, b) => a[0] - b[0])) {
    const lines = runs.flatMap((r) => renderB(r, { workflow: true, runId: true }));
    writeLines(`eventbus/batch/events-2026-W${w}.jsonl.gz`, lines, { runs: runs.length, dialect: 'B', gzip: true });
  }
  // worker-3 crashed during its sixth run: the matcher's provider call never ended and the
  // writer died in the middle of a line.
  const lines = worker3.slice(0, -1).flatMap((r) => renderB(r, { workflow: true }));
  const last = renderB(worker3[worker3.length - 1], { workflow: true });
  const cut = last.findIndex((l) => l.includes('"event_type":"provider_call_start"') && l.includes('gpt-4.1-mini'));
  if (cut < 0 || !last[cut + 1].includes('provider_call_end')) throw new Error('worker-3 crash run has no matcher call');
  lines.push(...last.slice(0, cut + 1), last[cut + 1].slice(0, Math.floor(last[cut + 1].length * 0.55)));
  writeLines('eventbus/worker-3/events-2026-11-07.jsonl', lines, {
    runs: worker3.length, dialect: 'B', finalNewline: false, bad: [{ line: lines.length, reason: 'truncated last line' }],
  });
  writeLines('eventbus/legacy/events-2026-10-13.jsonl.gz', legacy.flatMap((r) => renderB(r, { legacy: true })), { runs: legacy.length, dialect: 'B', gzip: true });
}

function writeRecorder() {
  RECORDER_RUNS.forEach((def, i) => {
    const { file, lines } = renderRecorder(new Rng(mix(0x5eed07, i)), def);
    writeLines(`recorder/${file}`, lines, { runs: 1, dialect: 'A' });
  });
}

// ---------------------------------------------------------------- main

function stats(runs) {
  let calls = 0;
  let failedCalls = 0;
  for (const r of runs) {
    for (const e of walk(r.root)) {
      if (e.kind !== 'call') continue;
      calls++;
      if (e.item.error) failedCalls++;
    }
  }
  return { runs: runs.length, failedRuns: runs.filter((r) => r.status !== 'ok').length, calls, failedCalls };
}

function main() {
  const production = productionRuns();
  const studio = studioRuns();
  const eventBus = eventBusRuns();
  writeProduction(production);
  writeStudio(studio);
  writeEventBus(eventBus);
  writeRecorder();

  const pad = (s, n) => String(s).padEnd(n);
  console.log(`wrote ${written.length} files under ${OUT_DIR}`);
  for (const f of written) console.log(`  ${pad(f.rel, 52)} ${f.dialect}  ${pad(f.runs, 4)} runs ${pad(f.lines, 5)} lines ${f.raw} bytes`);
  const groups = {
    D: stats(production),
    C: stats([...studio.incidents, ...studio.laptop]),
    B: stats([...eventBus.batch, ...eventBus.worker3, ...eventBus.legacy]),
  };
  for (const [d, s] of Object.entries(groups)) console.log(`dialect ${d}: ${s.runs} runs (${s.failedRuns} failed), ${s.calls} calls (${s.failedCalls} failed)`);
  console.log(`dialect A: ${RECORDER_RUNS.length} runs`);
  console.log(`uncompressed total: ${written.reduce((n, f) => n + f.raw, 0)} bytes`);
  console.log('deliberately bad lines:');
  for (const f of written) for (const b of f.bad) console.log(`  fixtures/demo/${f.rel}:${b.line}  ${b.reason}`);
  for (const f of written) for (const n of f.nan) console.log(`  (valid, bare NaN) fixtures/demo/${f.rel}:${n}`);
}

main();
