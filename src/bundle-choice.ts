/**
 * Whether to run the bundle `npm run build` makes of the program (scripts/bundle-app.mjs) or its
 * modules: bin/trace-report.js for the command, src/start-worker.ts for the workers' scripts.
 */
import { statSync } from 'node:fs';

/**
 * `bundled` when it is there and was made from `script` as it is: not older than it (tsc writes
 * every script again, so a bundle left by an earlier `npm run build` is older; a package's files
 * all have one time). Else `script`, and always with TRACE_REPORT_BUNDLE=0.
 */
export function bundledOr(bundled: URL, script: URL): URL {
  if (process.env.TRACE_REPORT_BUNDLE === '0') return script;
  try {
    return statSync(bundled).mtimeMs >= statSync(script).mtimeMs ? bundled : script;
  } catch {
    return script;
  }
}
