import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { bundledOr } from '../src/bundle-choice.js';
import { TraceService } from '../src/service/trace-service.js';
import { workerScript } from '../src/start-worker.js';
import { tempDir, treeOf } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin', 'trace-report.js');
const FIXTURES = path.join(ROOT, 'fixtures');

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Sets a file's modification time, in seconds since 1970. */
function at(file: string, seconds: number): void {
  utimesSync(file, seconds, seconds);
}

describe('the program bundle (scripts/bundle-app.mjs)', () => {
  const before = process.env.TRACE_REPORT_BUNDLE;
  afterEach(() => {
    if (before === undefined) delete process.env.TRACE_REPORT_BUNDLE;
    else process.env.TRACE_REPORT_BUNDLE = before;
  });

  it('is made by npm run build for the command and every worker script, after their modules', () => {
    for (const entry of ['cli/main.js', 'read/parallel/worker.js', 'site/reuse/hash-inputs-worker.js', 'site/write/write-worker.js']) {
      const bundled = path.join(ROOT, 'dist/bundle', entry);
      expect(statSync(bundled).mtimeMs, entry).toBeGreaterThanOrEqual(statSync(path.join(ROOT, 'dist', entry)).mtimeMs);
      // The packages are in it, not loaded beside it; vega and vega-lite are not (their own bundle).
      expect(readFileSync(bundled, 'utf8'), entry).not.toMatch(/^import .* from ['"](commander|eta|zod|fast-glob|vega|vega-lite)['"]/m);
    }
    const all = readdirSync(path.join(ROOT, 'dist/bundle'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(path.join(ROOT, 'dist/bundle', f), 'utf8'))
      .join('\n');
    for (const pkg of ['commander', 'eta', 'zod', 'fast-glob']) expect(all, pkg).toContain(`// node_modules/${pkg}/`);
    expect(all).not.toContain('node_modules/vega-lite/');
  });

  it('builds the same site, and the same summary, as the modules', async () => {
    const dir = tempDir();
    const viaBundle = run(['build', FIXTURES, '-o', path.join(dir, 'bundle'), '--quiet']);
    const viaModules = run(['build', FIXTURES, '-o', path.join(dir, 'modules'), '--quiet'], { TRACE_REPORT_BUNDLE: '0' });
    expect(viaBundle.code).toBe(0);
    expect(viaModules.code).toBe(0);
    const a = treeOf(path.join(dir, 'bundle'));
    expect(a).toHaveProperty('index.html');
    expect(a).toEqual(treeOf(path.join(dir, 'modules')));
    // On worker threads (a small input is read on this thread otherwise).
    const summary = run(['summary', FIXTURES, '--json', '--workers', '2']);
    expect(summary.code).toBe(0);
    expect(summary.stdout).toBe(run(['summary', FIXTURES, '--json', '--workers', '2'], { TRACE_REPORT_BUNDLE: '0' }).stdout);
    // And the library's (the TypeScript sources, in this process) on the same inputs.
    const service = new TraceService();
    await service.load(FIXTURES);
    expect(JSON.parse(summary.stdout).spans).toBe(service.summary().spans);
  });

  it('is run only when it is not older than the modules it was made from, and never with TRACE_REPORT_BUNDLE=0', () => {
    const dir = tempDir();
    const script = path.join(dir, 'dist/site/write/write-worker.js');
    const bundled = path.join(dir, 'dist/bundle/site/write/write-worker.js');
    mkdirSync(path.dirname(script), { recursive: true });
    mkdirSync(path.dirname(bundled), { recursive: true });
    const from = pathToFileURL(path.join(dir, 'dist/site/write/writer-thread.js')).href;
    const chosen = () => workerScript(from, 'site/write/write-worker.js').pathname;
    writeFileSync(script, '');
    at(script, 2_000_000);
    expect(chosen()).toBe(script);
    writeFileSync(bundled, '');
    at(bundled, 2_000_000);
    expect(chosen()).toBe(bundled);
    at(bundled, 1_999_999);
    expect(chosen()).toBe(script);
    at(bundled, 2_000_001);
    expect(chosen()).toBe(bundled);
    process.env.TRACE_REPORT_BUNDLE = '0';
    expect(chosen()).toBe(script);
    expect(bundledOr(pathToFileURL(bundled), pathToFileURL(script)).pathname).toBe(script);
  });

  it('is what bin/trace-report.js runs, by the same rule', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'bin'));
    mkdirSync(path.join(dir, 'dist/cli'), { recursive: true });
    mkdirSync(path.join(dir, 'dist/bundle/cli'), { recursive: true });
    copyFileSync(BIN, path.join(dir, 'bin/trace-report.js'));
    copyFileSync(path.join(ROOT, 'dist/bundle-choice.js'), path.join(dir, 'dist/bundle-choice.js'));
    writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
    writeFileSync(path.join(dir, 'dist/cli/main.js'), "console.log('modules');");
    writeFileSync(path.join(dir, 'dist/bundle/cli/main.js'), "console.log('bundle');");
    const said = (env: Record<string, string> = {}) => spawnSync(process.execPath, [path.join(dir, 'bin/trace-report.js')], { encoding: 'utf8', env: { ...process.env, ...env } }).stdout.trim();
    at(path.join(dir, 'dist/cli/main.js'), 2_000_000);
    at(path.join(dir, 'dist/bundle/cli/main.js'), 2_000_000);
    expect(said()).toBe('bundle');
    expect(said({ TRACE_REPORT_BUNDLE: '0' })).toBe('modules');
    at(path.join(dir, 'dist/cli/main.js'), 2_000_001);
    expect(said()).toBe('modules');
  });
});
