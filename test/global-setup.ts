import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The CLI tests run the compiled bin, as a user would: build it once before any test, as `npm run
 * build` does (tsc, then the charts' libraries and the program bundled). Every temporary folder
 * of the run (the tests', the CLI's, the browser's) goes into one folder, removed when the run
 * ends: a run makes a few hundred, which would otherwise pile up in /tmp.
 */
export default function setup(): () => void {
  const root = path.resolve(import.meta.dirname, '..');
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(root, 'scripts/bundle-chart-libs.mjs')], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(root, 'scripts/bundle-app.mjs')], { cwd: root, stdio: 'inherit' });
  const base = mkdtempSync(path.join(tmpdir(), 'trace-report-tests-'));
  process.env.TMPDIR = base;
  return () => {
    // Kept when asked, to look at what a failing test wrote.
    if (process.env.TRACE_REPORT_KEEP_TMP) console.log(`test folders kept in ${base}`);
    else rmSync(base, { recursive: true, force: true });
  };
}
