/**
 * The real-browser suite's tools: Debian's Chromium through playwright-core (never a downloaded
 * browser), a tiny static server that sends the report's CSP, and a page watcher that records
 * every console error, page error, CSP violation, dialog and request that leaves the site.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import type { Run } from '../../src/model/types.js';
import { loadTraces } from '../../src/read/load.js';
import { buildSite, type BuildResult } from '../../src/site/build.js';
import { runFileNames } from '../../src/site/file-names.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const CHROMIUM = '/usr/bin/chromium';

/** The policy every page must load cleanly under (issue 3, point 9). */
export const SITE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:";
/** Jenkins' policy for archived HTML: no script runs at all. */
export const JENKINS_CSP = "sandbox allow-same-origin; default-src 'none'; img-src 'self'; style-src 'self';";

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Builds a site from `inputs` (relative to the repository) into a fresh temporary folder. */
export async function buildInto(prefix: string, inputs: string[]): Promise<BuildResult> {
  const dir = mkdtempSync(path.join(tmpdir(), `trace-report-browser-${prefix}-`));
  return buildSite({ inputs, outDir: path.join(dir, 'site'), cwd: ROOT });
}

/** The runs of `inputs` as the site sees them, and each run's page (`runs/<name>.html`). */
export async function runsOf(inputs: string[]): Promise<{ runs: Run[]; page: (id: string) => string }> {
  const { runs } = await loadTraces(inputs, { keepText: true, cwd: ROOT });
  const names = runFileNames(runs.map((r) => r.id));
  return { runs, page: (id) => names.get(id)! };
}

/** Every `.html` file of a site, as POSIX paths relative to its root, sorted. */
export function htmlFiles(root: string, sub = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, sub), { withFileTypes: true })) {
    const rel = sub ? `${sub}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...htmlFiles(root, rel));
    else if (entry.name.endsWith('.html')) out.push(rel);
  }
  return out.sort();
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.jsonl': 'application/x-ndjson',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface StaticServer {
  origin: string;
  /** The URL of a site path (`runs/a.html#step-2`); segments are used as written. */
  url(rel: string): string;
  /** Requests for files that do not exist (404). */
  misses: string[];
  close(): Promise<void>;
}

/** Serves `root` on 127.0.0.1 (a free port) with `csp` on every response (null: no policy). */
export async function serveSite(root: string, csp: string | null): Promise<StaticServer> {
  const misses: string[] = [];
  const base = path.resolve(root);
  const send = (res: ServerResponse, status: number, type: string, body: Buffer | string) => {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...(csp === null ? {} : { 'Content-Security-Policy': csp }) });
    res.end(body);
  };
  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    let file: string;
    try {
      file = path.resolve(base, `.${decodeURIComponent(pathname)}`);
    } catch {
      misses.push(pathname);
      return send(res, 400, 'text/plain', 'bad path');
    }
    if (file !== base && !file.startsWith(base + path.sep)) {
      misses.push(pathname);
      return send(res, 403, 'text/plain', 'outside the site');
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!existsSync(file)) {
      misses.push(pathname);
      return send(res, 404, 'text/plain', 'not found');
    }
    send(res, 200, TYPES[path.extname(file)] ?? 'application/octet-stream', readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (rel) => `${origin}/${rel}`,
    misses,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export interface PageWatch {
  consoleErrors: string[];
  pageErrors: string[];
  /** CSP violations reported by the page's `securitypolicyviolation` events and Chromium's log. */
  violations: string[];
  /** Requests that were not for the site (aborted). */
  external: string[];
  dialogs: string[];
  /** Everything above, for an assertion message; empty when the page was clean. */
  problems(): string[];
}

/**
 * Watches a page: `siteBase` is the URL prefix requests may go to (the server's origin, or the
 * site's `file://` folder); every other request is aborted and recorded. Dialogs are dismissed
 * and recorded. Needs a CDP session for Chromium's own log (CSP reports land there too).
 */
export async function watchPage(page: Page, siteBase: string): Promise<PageWatch> {
  const w: PageWatch = {
    consoleErrors: [],
    pageErrors: [],
    violations: [],
    external: [],
    dialogs: [],
    problems() {
      return [
        ...this.consoleErrors.map((m) => `console error: ${m}`),
        ...this.pageErrors.map((m) => `page error: ${m}`),
        ...this.violations.map((m) => `CSP violation: ${m}`),
        ...this.external.map((m) => `request leaving the site: ${m}`),
        ...this.dialogs.map((m) => `dialog: ${m}`),
      ];
    },
  };
  page.on('console', (msg) => {
    if (msg.type() === 'error') w.consoleErrors.push(`${msg.text()} (${page.url()})`);
  });
  page.on('pageerror', (err) => w.pageErrors.push(`${err.message} (${page.url()})`));
  page.on('dialog', (d) => {
    w.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => undefined);
  });
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(siteBase) || url.startsWith('data:')) return route.continue();
    w.external.push(url);
    return route.abort('blockedbyclient');
  });
  // The listener is added by the DevTools protocol, not by the page: it is no inline script and
  // runs even where the page's CSP allows none (it does not run with JavaScript off).
  await page.exposeBinding('__reportViolation', (_src, text: string) => { w.violations.push(text); });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __reportViolation(t: string): void }).__reportViolation;
      report(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} in ${e.sourceFile || e.documentURI}:${e.lineNumber}`);
    });
  });
  const cdp = await page.context().newCDPSession(page);
  cdp.on('Log.entryAdded', ({ entry }) => {
    if (/Content Security Policy/i.test(entry.text)) w.violations.push(`${entry.text} (${entry.url ?? page.url()})`);
  });
  await cdp.send('Log.enable');
  return w;
}

/** Chromium reports every script a sandboxed page may not run; that is the Jenkins policy working. */
export const SANDBOX_BLOCK = /^Blocked script execution in '.*' because the document's frame is sandboxed and the 'allow-scripts' permission is not set\./;

/** A watch's problems but the sandbox's refusals to run scripts. */
export function problemsBesidesSandbox(w: Pick<PageWatch, 'problems' | 'consoleErrors'>): string[] {
  const blocked = new Set(w.consoleErrors.filter((m) => SANDBOX_BLOCK.test(m)).map((m) => `console error: ${m}`));
  return w.problems().filter((p) => !blocked.has(p));
}

/** A new context and page with a watcher; close the context when done. */
export async function watchedPage(browser: Browser, siteBase: string, options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page; watch: PageWatch }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const watch = await watchPage(page, siteBase);
  return { context, page, watch };
}

/** The site file a same-site URL points to, and its fragment; null for other URLs. */
export function siteTarget(url: string, root: string, siteBase: string): { file: string; fragment: string } | null {
  if (!url.startsWith(siteBase)) return null;
  const u = new URL(url);
  const file = u.protocol === 'file:' ? fileURLToPath(u) : path.join(root, decodeURIComponent(u.pathname));
  return { file, fragment: u.hash ? decodeURIComponent(u.hash.slice(1)) : '' };
}

const idCache = new Map<string, Set<string> | null>();

/** The element ids of an HTML file (null: no such file), read once per file. */
export function idsOf(file: string): Set<string> | null {
  let ids = idCache.get(file);
  if (ids === undefined) {
    ids = existsSync(file) && statSync(file).isFile()
      ? new Set([...readFileSync(file, 'utf8').matchAll(/\sid="([^"]*)"/g)].map((m) => unescapeAttr(m[1]!)))
      : null;
    idCache.set(file, ids);
  }
  return ids;
}

function unescapeAttr(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_m, n: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[n]!);
}

/**
 * Links of the current page that do not resolve: a missing file, or a fragment with no element
 * of that id on its page. Only links into the site are checked (`siteBase`).
 */
export async function brokenLinks(page: Page, root: string, siteBase: string): Promise<string[]> {
  // SVG links (the waterfall's) have no string `href` property: resolve the attribute.
  const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => new URL(a.getAttribute('href')!, document.baseURI).href));
  const broken: string[] = [];
  for (const href of new Set(hrefs)) {
    const t = siteTarget(href, root, siteBase);
    if (t === null) continue;
    if (!existsSync(t.file)) {
      broken.push(`${href} (no file)`);
      continue;
    }
    if (t.fragment && t.file.endsWith('.html') && !idsOf(t.file)!.has(t.fragment)) broken.push(`${href} (no element #${t.fragment})`);
  }
  return broken.map((b) => `${b} on ${page.url()}`);
}

/** Spreads `count` picks over `items`, the first and the last always among them. */
export function spread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  const picks = new Set<number>();
  for (let i = 0; i < count; i++) picks.add(Math.round((i * (items.length - 1)) / (count - 1)));
  return [...picks].sort((a, b) => a - b).map((i) => items[i]!);
}
