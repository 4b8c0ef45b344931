// npm run bench: generates synthetic traces and measures trace-report beside two baselines
// (a bare JSON.parse loop and DuckDB) on the same files in the same run, alternating so that a
// noisy machine does not decide. Prints wall time, MB/s, spans/s, peak RSS and ratios.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000000' },
    repeat: { type: 'string', default: '3' },
    'no-duckdb': { type: 'boolean', default: false },
  },
});
const sizes = values.sizes.split(',').map(Number);
const repeat = Number(values.repeat);
const dataDir = path.join(root, '.bench');
mkdirSync(dataDir, { recursive: true });

if (!existsSync(path.join(root, 'dist/cli/main.js'))) {
  spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
}

function measure(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', path.join(import.meta.dirname, 'report-rss.mjs'), ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  const rss = /@@bench maxRssKb=(\d+)/.exec(r.stderr);
  return { seconds, rssMb: rss ? Number(rss[1]) / 1024 : NaN, stdout: r.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n, d = 2) => n.toFixed(d);

console.log(`trace-report benchmark — node ${process.version}, ${repeat} alternating runs each, medians shown\n`);
for (const spans of sizes) {
  const file = path.join(dataDir, `traces-${spans}.jsonl`);
  if (!existsSync(file)) {
    const g = spawnSync(process.execPath, [path.join(import.meta.dirname, 'generate.mjs'), '--spans', String(spans), '--out', file], { stdio: 'inherit' });
    if (g.status !== 0) process.exit(1);
  }
  const mb = statSync(file).size / 1e6;
  const tasks = {
    'trace-report summary --json': ['dist/cli/main.js', 'summary', file, '--json', '--quiet'],
    'bare JSON.parse loop': [path.join(import.meta.dirname, 'baseline-json-parse.mjs'), file],
  };
  if (!values['no-duckdb']) tasks['DuckDB (read_json_auto + GROUP BYs)'] = [path.join(import.meta.dirname, 'baseline-duckdb.mjs'), file];
  const results = Object.fromEntries(Object.keys(tasks).map((k) => [k, []]));
  for (let i = 0; i < repeat; i++) {
    for (const [name, args] of Object.entries(tasks)) results[name].push(measure(args));
  }
  console.log(`${spans.toLocaleString('en-US')} spans, ${fmt(mb, 1)} MB (${path.relative(root, file)})`);
  console.log('  task                                    wall s    MB/s   spans/s   peak RSS MB');
  const rows = {};
  for (const [name, rs] of Object.entries(results)) {
    const s = median(rs.map((r) => r.seconds));
    const rss = Math.max(...rs.map((r) => r.rssMb));
    rows[name] = { s, rss };
    console.log(`  ${name.padEnd(38)} ${fmt(s).padStart(7)} ${fmt(mb / s, 0).padStart(7)} ${Math.round(spans / s).toLocaleString('en-US').padStart(9)} ${fmt(rss, 0).padStart(11)}`);
  }
  const tr = rows['trace-report summary --json'];
  const parse = rows['bare JSON.parse loop'];
  console.log(`  ratio summary / JSON.parse loop: ${fmt(tr.s / parse.s)}×`);
  const duck = rows['DuckDB (read_json_auto + GROUP BYs)'];
  if (duck) console.log(`  ratio summary / DuckDB: ${fmt(tr.s / duck.s)}× (target ≤ 1.00×); peak RSS ${fmt(tr.rss, 0)} MB (target ≤ 300 MB per 1M spans)`);
  console.log('');
}
