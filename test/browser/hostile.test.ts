/**
 * Trace text is untrusted (issue 3, point 5): a site built from hostile traces (run ids with
 * `../` and `<script>`, model names with `</script><img onerror>`, handlers in agent names,
 * prompts and errors) opens in Chromium with no dialog and no injected element, even served with
 * no CSP at all (so an escaping bug would run, not just be blocked), and shows every hostile
 * string as text. Inputs: test/fixtures/hostile (the site's own) and test/fixtures/browser-hostile.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  buildInto, htmlFiles, launchBrowser, runsOf, serveSite, watchedPage, SITE_CSP, type StaticServer,
} from './harness.js';

const INPUTS = ['test/fixtures/hostile', 'test/fixtures/browser-hostile'];

// test/fixtures/browser-hostile/spans.jsonl
const RID = `run"><img src=x onerror=alert('id')>`;
const WF = `"><script>alert('wf')</script>`;
const PATTERN = '<style>*{display:none}</style>';
const AGENT = `<iframe srcdoc="<script>parent.alert('agent')</script>"></iframe>`;
const MODEL = `gpt-4o</title><script>alert('model')</script>`;
const ERR = "Traceback:\n  </pre><script>window.__pwned=1;alert('err')</script>\n  <svg onload=alert('svg')> & &amp; \u202eRTL";
// test/fixtures/browser-hostile/recorder-run.jsonl
const RECORDER = 'test/fixtures/browser-hostile/recorder-run.jsonl:1';
const PROMPT = `<!-- <script>alert('prompt')</script> -->`;
const RESPONSE = `<a href="javascript:alert('resp')">click</a> ]]> <![CDATA[ <script>alert('cdata')</script>`;
const OUTPUT = `</textarea><script>alert('output')</script>`;
// test/fixtures/hostile/hostile.jsonl (the site's own fixture: the strings issue 3 names)
const PASSWD = '../../etc/passwd';
const SCRIPT_ID = '<script>alert(1)</script>';
const SCRIPT_MODEL = '</script><img src=x onerror=alert(1)>';

const RUN_IDS = [PASSWD, SCRIPT_ID, 'javascript:alert(9)', 'CON', RID, '#step-1', '%2e%2e%2fsecret', '..\\..\\windows\\win.ini', RECORDER];

let browser: Browser;
let root: string;
let pageOf: (id: string) => string;
let pages: string[];

beforeAll(async () => {
  const [b, site, loaded] = await Promise.all([launchBrowser(), buildInto('hostile', INPUTS), runsOf(INPUTS)]);
  browser = b;
  root = site.outDir;
  pageOf = loaded.page;
  pages = htmlFiles(root);
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

interface Audit {
  scripts: { src: string | null; type: string | null }[];
  badJson: string[];
  handlers: string[];
  foreign: string[];
  jsUrls: string[];
  styled: string[];
  pwned: boolean;
}

/** What a page holds that trace text could have put there. */
function audit(page: Page): Promise<Audit> {
  return page.evaluate(() => {
    const list = (selector: string) => Array.from(document.querySelectorAll(selector));
    const describe = (el: Element) => `<${el.tagName.toLowerCase()}> ${el.outerHTML.slice(0, 80)}`;
    const urlAttributes = new Set(['href', 'xlink:href', 'src', 'action', 'formaction', 'data', 'poster', 'srcdoc']);
    const handlers: string[] = [];
    const jsUrls: string[] = [];
    for (const el of list('*')) {
      for (const a of Array.from(el.attributes)) {
        if (/^on/i.test(a.name)) handlers.push(`${a.name} on ${describe(el)}`);
        // eslint-disable-next-line no-control-regex
        if (urlAttributes.has(a.name) && /^javascript:/i.test(a.value.replace(/[\u0000-\u0020]/g, ''))) jsUrls.push(`${a.name} on ${describe(el)}`);
      }
    }
    const badJson: string[] = [];
    for (const s of list('script[type="application/json"]')) {
      try { JSON.parse(s.textContent ?? ''); } catch { badJson.push(describe(s)); }
    }
    return {
      scripts: Array.from(document.scripts).map((s) => ({ src: s.getAttribute('src') === null ? null : s.src, type: s.getAttribute('type') })),
      badJson,
      handlers,
      foreign: list('img, iframe, frame, frameset, object, embed, base, meta[http-equiv], foreignObject, template, textarea').map(describe),
      jsUrls,
      styled: list('style, [style]').map(describe),
      pwned: (window as unknown as { __pwned?: unknown }).__pwned !== undefined,
    };
  });
}

function auditProblems(a: Audit, rel: string, origin: string, scriptsOn: boolean): string[] {
  const own = new Set([`${origin}/assets/report.js`, `${origin}/assets/runs-data.js`]);
  const listPage = rel === 'index.html' || rel.startsWith('list/');
  const out: string[] = [];
  const files = a.scripts.filter((s) => s.src !== null);
  if (files.length !== (listPage ? 2 : 1) || files.some((s) => !own.has(s.src!))) out.push(`script files: ${JSON.stringify(files)}`);
  for (const s of a.scripts.filter((x) => x.src === null && x.type !== 'application/json')) out.push(`inline script of type ${s.type}`);
  out.push(...a.badJson.map((x) => `JSON block that does not parse: ${x}`));
  out.push(...a.handlers.map((x) => `handler attribute ${x}`));
  out.push(...a.foreign.map((x) => `element trace text must not make: ${x}`));
  out.push(...a.jsUrls.map((x) => `javascript: URL in ${x}`));
  // report.js sizes its spacer rows through the CSSOM (allowed by the CSP); the HTML has no style.
  if (!scriptsOn) out.push(...a.styled.map((x) => `style element or attribute: ${x}`));
  if (a.pwned) out.push('window.__pwned was set');
  return out.map((p) => `${rel}: ${p}`);
}

describe.each([
  { name: 'JavaScript off, report CSP', csp: SITE_CSP, javaScriptEnabled: false },
  { name: 'JavaScript on, report CSP', csp: SITE_CSP, javaScriptEnabled: true },
  { name: 'JavaScript on, no CSP at all', csp: null, javaScriptEnabled: true },
])('every page of the hostile site, $name', ({ csp, javaScriptEnabled }) => {
  let server: StaticServer;
  beforeAll(async () => {
    server = await serveSite(root, csp);
  });
  afterAll(async () => {
    await server?.close();
  });

  test('no dialog, no error, no injected script, element, handler or javascript: URL', async () => {
    // page.evaluate runs through the DevTools protocol, also where the page's scripts are off.
    const { context, page, watch } = await watchedPage(browser, server.origin, { javaScriptEnabled });
    const problems: string[] = [];
    try {
      for (const rel of pages) {
        const response = await page.goto(server.url(rel), { waitUntil: 'load' });
        if (response?.status() !== 200) problems.push(`${rel}: HTTP ${response?.status()}`);
        problems.push(...auditProblems(await audit(page), rel, server.origin, javaScriptEnabled));
      }
      problems.push(...watch.problems(), ...server.misses.map((m) => `404 ${m}`));
    } finally {
      await context.close();
    }
    expect(pages.length).toBeGreaterThanOrEqual(14);
    expect(problems).toEqual([]);
  });
});

describe('hostile strings show as text', () => {
  let server: StaticServer;
  beforeAll(async () => {
    server = await serveSite(root, SITE_CSP);
  });
  afterAll(async () => {
    await server?.close();
  });

  test('the site has only safe file names, and nothing was written beside it', () => {
    for (const rel of pages) expect(rel).toMatch(/^(?:index|cost|cost-7d|latency|errors)\.html$|^list\/page-\d+\.html$|^runs\/[a-z0-9._-]+\.html$/);
    expect(pages.filter((p) => p.startsWith('runs/')).length).toBe(RUN_IDS.length);
    expect(readdirSync(path.dirname(root))).toEqual([path.basename(root)]);
  });

  test('the run table lists every hostile run id as written (JavaScript off)', async () => {
    const { context, page, watch } = await watchedPage(browser, server.origin, { javaScriptEnabled: false });
    try {
      await page.goto(server.url('index.html'));
      const ids = await page.locator('#static-runs #run-table tbody th code').allTextContents();
      expect([...ids].sort()).toEqual([...RUN_IDS].sort());
      expect(watch.problems()).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('each run page names its run as written, in the heading and the title', async () => {
    const { context, page, watch } = await watchedPage(browser, server.origin, { javaScriptEnabled: false });
    try {
      for (const id of RUN_IDS) {
        await page.goto(server.url(pageOf(id)));
        expect(await page.locator('h1 code').textContent(), id).toBe(id);
        expect(await page.title(), id).toBe(`Run ${id} · trace report`);
      }
      expect(watch.problems()).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('agent, model, workflow, pattern and error text of a failed step, verbatim', async () => {
    const { context, page, watch } = await watchedPage(browser, server.origin, { javaScriptEnabled: false });
    try {
      await page.goto(server.url(pageOf(RID)));
      const step = page.locator('#step-1');
      expect(await step.locator('.n-name').textContent()).toBe(AGENT);
      expect(await step.locator('.n-model code').textContent()).toBe(MODEL);
      expect(await step.locator('.error-text').textContent()).toBe(ERR);
      expect(await step.locator('.error-text').isVisible()).toBe(true);
      const facts = await page.locator('dl.facts').innerText();
      expect(facts).toContain(WF);
      expect(facts).toContain(PATTERN);

      await page.goto(server.url(pageOf(PASSWD)));
      expect(await page.locator('#step-1 .n-model code').textContent()).toBe(SCRIPT_MODEL);
      expect(watch.problems()).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('prompts, responses and the run output, verbatim, long ones cut with their size', async () => {
    const { context, page, watch } = await watchedPage(browser, server.origin, { javaScriptEnabled: false });
    try {
      await page.goto(server.url(pageOf(RECORDER)));
      const call = page.locator('li.node.call').first();
      for (const summary of await call.locator('details.io > summary').all()) await summary.click();
      const texts = await call.locator('pre.text').allTextContents();
      expect(texts).toContain(PROMPT);
      expect(texts).toContain(RESPONSE);
      // The prompt budget (4,000 characters) is spent from the last message back: the last (41
      // characters) whole, the first cut to the 3,959 left of its 5,000 + 36.
      expect(PROMPT.length).toBe(41);
      expect(texts.some((t) => /^x{3959}$/.test(t))).toBe(true);
      expect(await call.locator('.truncated').first().textContent()).toMatch(/3,959 of 5,036 characters/);
      expect(await call.locator('.msg .role').nth(1).textContent()).toBe(`system"><script>alert('role')</script> · n'"><img src=x onerror=alert('name')>`);
      expect(await page.locator('section', { has: page.locator('h2', { hasText: 'Output' }) }).locator('pre.text').textContent()).toBe(OUTPUT);
      expect(watch.problems()).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('the explorer shows and searches hostile text as text (JavaScript on)', async () => {
    const { context, page, watch } = await watchedPage(browser, server.origin);
    try {
      await page.goto(server.url('index.html'));
      const ids = () => page.locator('#run-explorer tbody tr.row td.id code').allTextContents();
      expect([...(await ids())].sort()).toEqual([...RUN_IDS].sort());
      await page.locator('#run-explorer input[name="q"]').fill('<img');
      expect(await ids()).toEqual([RID, PASSWD]);
      const workflows = await page.locator('#run-explorer select[name="workflow"] option').allTextContents();
      expect(workflows).toContain(WF);
      expect(workflows).toContain('<img src=x onerror=alert(2)>');
      await page.locator('#run-explorer select[name="workflow"]').selectOption(WF);
      expect(await ids()).toEqual([RID]);
      expect(watch.problems()).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

test('the audit and the dialog watch catch an injection when there is one', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trace-report-browser-canary-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'assets', 'report.js'), '');
  writeFileSync(path.join(dir, 'run.html'), [
    '<!doctype html><title>t</title><script src="assets/report.js"></script>',
    `<img src=x onerror="alert('x')"><a href=" javascript:alert(1)">a</a>`,
    '<script type="application/json">{"a":"</script><script>window.__pwned=1</script>',
  ].join('\n'));
  const server = await serveSite(dir, null);
  const { context, page, watch } = await watchedPage(browser, server.origin);
  try {
    await page.goto(server.url('run.html'));
    await expect.poll(() => watch.dialogs).toEqual(['alert: x']);
    const found = auditProblems(await audit(page), 'run.html', server.origin, true).join('\n');
    expect(found).toMatch(/handler attribute onerror on <img>/);
    expect(found).toMatch(/element trace text must not make: <img>/);
    expect(found).toMatch(/javascript: URL in href on <a>/);
    expect(found).toMatch(/JSON block that does not parse/);
    expect(found).toMatch(/inline script of type null/);
    expect(found).toMatch(/window.__pwned was set/);
  } finally {
    await context.close();
    await server.close();
  }
});
