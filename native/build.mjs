// `npm install` / `npm ci`: builds the compiled flat-line scan (native/flat-scan.c, with the swap's
// folder check, native/folder-check.c) with node-gyp, against the headers of the Node.js that
// runs it (never downloaded). Without a C compiler the build fails and trace-report reads in
// JavaScript only, slower: this prints why and succeeds, unless TRACE_REPORT_NATIVE=require (CI),
// where a scan that cannot be built fails the install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const required = process.env.TRACE_REPORT_NATIVE === 'require';

if (process.env.TRACE_REPORT_NATIVE === '0') {
  console.log('trace-report: TRACE_REPORT_NATIVE=0, the compiled scan is not built');
  process.exit(0);
}

// npm hands its own node-gyp to install scripts; run by hand, the one npm brings beside this
// Node.js, else the one on the PATH.
const prefix = path.resolve(path.dirname(process.execPath), '..');
const bundled = path.join(prefix, 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
const gyp = process.env.npm_config_node_gyp ?? (existsSync(bundled) ? bundled : undefined);
const command = gyp ? process.execPath : 'node-gyp';
const args = gyp ? [gyp, 'rebuild'] : ['rebuild'];
// The headers of this Node.js, where its installation has them (Debian's, the official
// tarballs): node-gyp would otherwise download them.
if (!process.env.npm_config_nodedir && existsSync(path.join(prefix, 'include/node/node_api.h'))) args.push(`--nodedir=${prefix}`);

const run = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
if (run.status === 0) {
  console.log('trace-report: built the compiled scan (build/Release/flat_scan.node)');
  process.exit(0);
}
// The cause, without node-gyp's closing lines about the machine and the command.
const trailer = /^gyp ERR! (System|command|cwd|node -v|node-gyp -v|\$npm_package|not ok)/;
const why = run.error
  ? run.error.message
  : `${run.stdout}\n${run.stderr}`
      .split('\n')
      .filter((l) => l.trim() !== '' && !trailer.test(l))
      .slice(-8)
      .join('\n');
console.warn(`trace-report: the compiled scan could not be built; traces are read in JavaScript only (slower).\n${why}`);
process.exit(required ? 1 : 0);
