// npm run bench: measures trace-report on generated traces beside two baselines (a bare
// JSON.parse loop and DuckDB computing the same aggregates) on the same files in the same run,
// alternating so that a noisy machine does not decide, and prints every figure with the issue 4
// targets. Options: --sizes 100000,1000000,5000000  --repeat 3  --skip summary,query,build,scale,duckdb
// --build-max 1000000 (largest input whose whole site is built)
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateTraces, appendTraces } from './generate.mjs';
import { writeScaleTraces } from './scale-traces.mjs';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000,5000000' },
    repeat: { type: 'string', default: '3' },
    skip: { type: 'string', default: '' },
    'build-max': { type: 'string', default: '1000000' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const repeat = Number(values.repeat);
const skip = new Set(values.skip.split(',').filter(Boolean));
const data = path.join(root, '.bench');
mkdirSync(data, { recursive: true });

if (!existsSync(path.join(root, 'dist/cli/main.js'))) spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const CLI = path.join(root, 'bin/trace-report.js');
const RSS = path.join(import.meta.dirname, 'report-rss.mjs');

/**
 * Runs a node script as its own process: wall seconds, CPU seconds (user and system, all its
 * threads: less swayed by a busy machine than the wall time) and peak RSS (MB).
 */
function measure(args) {
  settle();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', RSS, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  // Stopped by a signal (Ctrl-C reaches the child too): the run ends, removing its sites.
  if (r.signal !== null) stopped(r.signal);
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  const usage = /@@bench maxRssKb=(\d+) cpuUs=(\d+) sysUs=(\d+)/.exec(r.stderr);
  const [rssKb, cpuUs, sysUs] = usage ? usage.slice(1).map(Number) : [NaN, NaN, NaN];
  return { seconds, cpu: cpuUs / 1e6, sys: sysUs / 1e6, rssMb: rssKb / 1024, stdout: r.stdout };
}

/**
 * Waits until the files written so far are on the disk (`sync`), outside the time measured: a
 * build exits with most of its gigabyte still to be written back by the kernel, and that work
 * (the kernel's threads busy on both cores) would otherwise land in whatever is measured next,
 * the rebuild after a fresh build of the same folder most of all (BENCHMARKS.md, thirty-first
 * round). As hyperfine's `--prepare sync`; none where there is no `sync` command.
 */
function settle() {
  spawnSync('sync', [], { stdio: 'ignore' });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (n, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '—');
const int = (n) => Math.round(n).toLocaleString('en-US');
const verdict = (ok) => (ok ? 'met' : 'NOT met');
/** Above this share of a build's CPU time as system time, the bench says the file system was slow. */
const SLOW_FS_SHARE = 0.4;

/**
 * A fresh output folder name: builds never write over a folder that was just deleted. The sites
 * a run writes (gigabytes) are removed when it ends, when deleting no longer slows a measurement.
 */
let outCounter = 0;
const outputs = [];
function freshOut(name) {
  const dir = path.join(data, 'out', `${name}-${process.pid}-${outCounter++}`);
  mkdirSync(path.dirname(dir), { recursive: true });
  // With the folders a build writes beside its site: the new site while it is built, the old one while it is replaced.
  outputs.push(dir, `${dir}.old-trace-report`, `${dir}.tmp-trace-report`);
  return dir;
}
process.on('exit', () => {
  for (const dir of outputs) rmSync(dir, { recursive: true, force: true });
});
// Stopped (Ctrl-C, `timeout`, a closed terminal), a run removes its sites too: without a handler
// Node ends at once, without 'exit', and the gigabytes stayed in .bench/out (twice, until a later
// run filled the disk). The child being measured gets the signal too; the run then ends here.
function stopped(signal) {
  process.stderr.write(`\n${signal}: the bench stops, removing this run's sites from ${path.join(data, 'out')}\n`);
  process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stopped(signal));

function du(dir) {
  let bytes = 0;
  let files = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) {
      bytes += statSync(path.join(e.parentPath ?? e.path, e.name)).size;
      files++;
    }
  }
  return { bytes, files };
}

/** The run id of a generated file's first line. */
function firstRunId(file) {
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(64 * 1024);
  const n = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const id = /"run_id":"([^"]+)"/.exec(head.toString('utf8', 0, n))?.[1];
  if (id === undefined) throw new Error(`${file}: no run_id in its first lines`);
  return id;
}

async function traces(spans) {
  const file = path.join(data, `traces-${spans}.jsonl`);
  if (!existsSync(file) || statSync(file).size === 0) await generateTraces({ spans, out: file });
  return file;
}

// Whether trace-report reads with its compiled scan (built by npm install; see native-scan.ts): the figures depend on it.
const { nativeScanInUse } = await import(path.join(root, 'dist/normalise/native-scan.js'));
const scan = nativeScanInUse() ? 'the compiled flat-line scan' : `the JavaScript scan only (the compiled scan is ${process.env.TRACE_REPORT_NATIVE === '0' ? 'turned off' : 'not built'})`;
console.log(`trace-report benchmark — node ${process.version}, ${repeat} alternating runs each, medians (peak RSS: max; CPU: user + system, all threads); reading with ${scan}\n`);
const rows = [];

for (const spans of sizes) {
  const file = await traces(spans);
  const mb = statSync(file).size / 1e6;
  const tasks = {};
  if (!skip.has('summary')) tasks.summary = [CLI, 'summary', file, '--json', '--quiet'];
  // One run's spans out of the whole input, which is read whole: the first line's run, which
  // every size has (the generator's ids are random, from one seed).
  if (!skip.has('query')) {
    const run = firstRunId(file);
    tasks['query (one run)'] = [CLI, 'query', file, '--run', run, '--quiet'];
    // The same as JSON, which carries each span's original fields: their lines are read again.
    tasks['query (run, JSON)'] = [CLI, 'query', file, '--run', run, '--format', 'json', '--quiet'];
  }
  tasks['JSON.parse loop'] = [path.join(import.meta.dirname, 'baseline-json-parse.mjs'), file];
  if (!skip.has('duckdb')) tasks.DuckDB = [path.join(import.meta.dirname, 'baseline-duckdb.mjs'), file];
  const runsOf = Object.fromEntries(Object.keys(tasks).map((k) => [k, []]));
  for (let i = 0; i < repeat; i++) for (const [name, args] of Object.entries(tasks)) runsOf[name].push(measure(args));
  // A site of 5M spans is ~360k pages and ~5 GB: built only when asked (--build-max). Each build
  // goes into a fresh folder, alternating with the tasks above; the last site is built again
  // with its inputs unchanged.
  const building = !skip.has('build') && spans <= Number(values['build-max']);
  if (building) runsOf.build = [];
  let out = null;
  for (let i = 0; i < repeat; i++) {
    for (const [name, args] of Object.entries(tasks)) runsOf[name].push(measure(args));
    if (building) runsOf.build.push(measure([CLI, 'build', file, '-o', (out = freshOut(`site-${spans}`)), '--quiet']));
  }
  const m = Object.fromEntries(
    Object.entries(runsOf).map(([k, rs]) => [k, { s: median(rs.map((r) => r.seconds)), cpu: median(rs.map((r) => r.cpu)), sys: median(rs.map((r) => r.sys)), rss: Math.max(...rs.map((r) => r.rssMb)) }]),
  );
  let build = null;
  if (building) {
    const full = m.build;
    delete m.build;
    build = { full, again: measure([CLI, 'build', file, '-o', out, '--quiet']), size: du(out) };
  }
  rows.push({ spans, mb, m, build });
  console.log(`${int(spans)} spans, ${f(mb, 1)} MB (${path.relative(root, file)})`);
  // CPU: user and system seconds, with the system part (the kernel: reading, and creating and
  // writing files) in brackets; a file system busy freeing a deleted site shows there.
  const cpu = (r) => `${f(r.cpu)} (${f(r.sys)})`.padStart(13);
  console.log('  task                 wall s   CPU s (sys)     MB/s       spans/s   peak RSS MB');
  for (const [name, r] of Object.entries(m)) {
    console.log(`  ${name.padEnd(18)} ${f(r.s).padStart(8)} ${cpu(r)} ${f(mb / r.s, 0).padStart(8)} ${int(spans / r.s).padStart(13)} ${f(r.rss, 0).padStart(13)}`);
  }
  if (build) {
    console.log(`  build (full)       ${f(build.full.s).padStart(8)} ${cpu(build.full)}   ${int(build.size.files)} files, ${f(build.size.bytes / 1e6, 1)} MB, ${int(build.size.files / build.full.s)} files/s, peak RSS ${f(build.full.rss, 0)} MB`);
    console.log(`  build (unchanged)  ${f(build.again.seconds).padStart(8)} ${cpu(build.again)}   ${f((100 * build.again.seconds) / build.full.s, 0)}% of a full build`);
    // A quiet file system gives a full build 15-30% of its CPU time as system time. Far more means
    // files being made where many were deleted in the last hours (BENCHMARKS.md, twenty-first round).
    if (build.full.sys > SLOW_FS_SHARE * build.full.cpu) {
      console.log(`  note: ${f((100 * build.full.sys) / build.full.cpu, 0)}% of the full builds' CPU time was system time: the file system was slow (many files deleted in the last hours, a bench run's own sites too), and so are these build figures`);
    }
  }
  if (m.summary && m.DuckDB) {
    const ratio = m.summary.s / m.DuckDB.s;
    // Three decimals: the target is a bound at 1.00×, and a ratio just above it must not print as 1.00×.
    console.log(`  summary / DuckDB: ${f(ratio, 3)}× (target ≤ 1.00×: ${verdict(ratio <= 1)}; CPU time ${f(m.summary.cpu / m.DuckDB.cpu)}×); summary / JSON.parse loop: ${f(m.summary.s / m['JSON.parse loop'].s)}×`);
    if (build) console.log(`  build / DuckDB: ${f(build.full.s / m.DuckDB.s)}× (target ≤ 3.00×: ${verdict(build.full.s / m.DuckDB.s <= 3)}; CPU time ${f(build.full.cpu / m.DuckDB.cpu)}×)`);
  }
  if (m.summary) {
    const limit = spans <= 1_000_000 ? 300 : 1000;
    const peak = Math.max(m.summary.rss, build?.full.rss ?? 0);
    console.log(`  peak RSS ${f(peak, 0)} MB (target ≤ ${limit} MB at ${spans <= 1_000_000 ? '1M' : '5M'} spans: ${verdict(peak <= limit)})`);
  }
  console.log('');
}

if (!skip.has('build') && sizes.includes(1_000_000)) {
  // Target 4: one input grows by 1% (an appended log) and the site is built again, beside a fresh
  // build of the grown input; `repeat` times from the same start, the median ratio reported.
  const work = path.join(data, 'traces-growing.jsonl');
  const base = await traces(1_000_000);
  const pairs = [];
  for (let k = 0; k < repeat; k++) {
    copyFileSync(base, work);
    const out = freshOut('site-append');
    measure([CLI, 'build', work, '-o', out, '--quiet']);
    await appendTraces({ percent: 1, out: work });
    const rebuild = measure([CLI, 'build', work, '-o', out, '--quiet']);
    const full = measure([CLI, 'build', work, '-o', freshOut('site-append-full'), '--quiet']);
    pairs.push({ rebuild: rebuild.seconds, full: full.seconds, pct: (100 * rebuild.seconds) / full.seconds, cpuPct: (100 * rebuild.cpu) / full.cpu, rss: rebuild.rssMb });
  }
  const pct = median(pairs.map((p) => p.pct));
  const each = pairs.map((p) => `${f(p.rebuild)} s of ${f(p.full)} s`).join(', ');
  console.log(
    `After appending 1% to the input: rebuild = ${f(pct, 0)}% of a full build (median of ${repeat}: ${each}; CPU time ${f(median(pairs.map((p) => p.cpuPct)), 0)}%); target ≤ 15%: ${verdict(pct <= 15)}`,
  );
  console.log(`  the rebuild's peak RSS: ${pairs.map((p) => f(p.rss, 0)).join(', ')} MB\n`);
}

if (rows.length > 1 && rows.every((r) => r.m.summary)) {
  const first = rows[0];
  console.log('Scaling (summary): per 1M spans');
  for (const r of rows) {
    console.log(`  ${int(r.spans).padStart(10)} spans: ${f((r.m.summary.s * 1e6) / r.spans)} s and ${f((r.m.summary.rss * 1e6) / r.spans, 0)} MB per 1M spans`);
  }
  const last = rows[rows.length - 1];
  console.log(`  time grows ${f(last.m.summary.s / first.m.summary.s, 1)}× for ${f(last.spans / first.spans, 0)}× the spans\n`);
}

if (!skip.has('scale')) {
  // Issue 3 point 10: a site of 100k runs and a run of 20k steps.
  const { manyRuns, bigRun } = writeScaleTraces(data);
  for (const [name, file] of [['100,000 runs of 1 step', manyRuns], ['1 run of 20,000 steps', bigRun]]) {
    const out = freshOut('scale');
    const r = measure([CLI, 'build', file, '-o', out, '--quiet']);
    const size = du(out);
    const biggest = readdirSync(path.join(out, 'runs')).reduce((m, n) => Math.max(m, statSync(path.join(out, 'runs', n)).size), 0);
    console.log(`build, ${name}: ${f(r.seconds)} s, ${int(size.files)} files (${int(size.files / r.seconds)} files/s), ${f(size.bytes / 1e6, 1)} MB, largest run page ${f(biggest / 1e3, 1)} KB, peak RSS ${f(r.rssMb, 0)} MB`);
  }
  const metrics = path.join(data, 'browser-metrics.json');
  if (existsSync(metrics)) {
    console.log(`\nBrowser first render (from the browser suite, ${path.relative(root, metrics)}):`);
    console.log(readFileSync(metrics, 'utf8').trim());
  } else {
    console.log('\nBrowser first render: run `npx vitest run test/browser/scale.test.ts` to measure it.');
  }
}
