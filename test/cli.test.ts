import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DIALECTS, fixture, jsonl, summaryOf, tempDir, writeTree } from './helpers.js';

// The installed command, as a user runs it (its bundle, made by npm run build).
const BIN = path.resolve(import.meta.dirname, '..', 'bin', 'trace-report.js');

function run(args: string[], opts: { cwd?: string; input?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? path.resolve(import.meta.dirname, '..'),
    input: opts.input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...opts.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('trace-report summary', () => {
  it('--json prints the summary object the library computes', async () => {
    const r = run(['summary', 'test/fixtures/dialects', '--json']);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout);
    const { summary } = await summaryOf(['test/fixtures/dialects'], path.resolve(import.meta.dirname, '..'));
    expect(printed).toEqual(summary);
    expect(printed).toMatchObject({ schemaVersion: 1, inputs: ['test/fixtures/dialects'], spans: 45, runs: 9, steps: 13 });
    expect(printed.files[0]).toBe('test/fixtures/dialects/a-recorder.jsonl');
  });

  it('prints the dashboard, with no colour when piped', () => {
    const r = run(['summary', 'test/fixtures/dialects/d-spans.jsonl']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('test/fixtures/dialects/d-spans.jsonl — 8 spans from 3 runs');
    expect(r.stdout).toContain('Cost by model');
    expect(r.stdout).toContain('Cost by workflow');
    expect(r.stdout).toContain('Daily spend');
    expect(r.stdout).not.toContain('\u001b');
  });

  it('reads standard input with -', () => {
    const r = run(['summary', '-', '--json'], { input: readFileSync(fixture('c-studio.jsonl'), 'utf8') });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ files: ['<stdin>'], spans: 16, runs: 3 });
  });

  it('reads a pipe given by name (a named pipe, `<(zcat …)`), gzipped or not, as it reads the file', async () => {
    const dir = tempDir();
    const text = readFileSync(fixture('c-studio.jsonl'));
    // What the file itself gives, but for the name of the input.
    const direct = JSON.parse(run(['summary', fixture('c-studio.jsonl'), '--json']).stdout) as Record<string, unknown>;
    for (const [name, bytes] of [['plain', text], ['gzipped', gzipSync(text)]] as const) {
      const fifo = path.join(dir, `${name}.pipe`);
      execFileSync('mkfifo', [fifo]);
      const child = spawn(process.execPath, [BIN, 'summary', fifo, '--json', '--workers', '2'], { cwd: dir });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      // The pipe is written only once the tool reads it, in two pieces, as a producer would.
      const writer = createWriteStream(fifo);
      writer.write(bytes.subarray(0, 1000));
      writer.end(bytes.subarray(1000));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code, name).toBe(0);
      const piped = JSON.parse(stdout) as Record<string, unknown>;
      expect(piped.files, name).toEqual([`${name}.pipe`]);
      expect({ ...piped, inputs: [], files: [] }, name).toEqual({ ...direct, inputs: [], files: [] });
    }
  });

  it('uses a --prices file to price a model the bundled table does not know', () => {
    const dir = tempDir();
    const prices = path.join(dir, 'prices.json');
    writeFileSync(prices, JSON.stringify({ date: '2026-11-01', models: { 'acme-finetune-v2': { input: 1, output: 2 } } }));
    const trace = path.join(dir, 't.jsonl');
    writeFileSync(trace, jsonl({ event_type: 'llm_call_end', run_id: 'x', model: 'acme-finetune-v2', input_tokens: 1000, output_tokens: 500, timestamp: 1 }));
    const without = JSON.parse(run(['summary', trace, '--json']).stdout);
    expect(without.cost).toMatchObject({ total: 0, unpricedSteps: 1 });
    const withPrices = JSON.parse(run(['summary', trace, '--json', '--prices', prices]).stdout);
    // 1000 × $1/M + 500 × $2/M = $0.002
    expect(withPrices.cost).toMatchObject({ total: 0.002, estimated: 0.002, unpricedSteps: 0, priceTable: '2026-11-01' });
  });
});

describe('bad input', () => {
  const badFile = () => {
    const lines = [JSON.stringify({ event_type: 'llm_call_end', run_id: 'ok', model: 'gpt-4o', timestamp: 1 })];
    for (let i = 0; i < 25; i++) lines.push(`[llm_call] agent=x n=${i}`);
    return writeTree({ 'bad.jsonl': lines.join('\n') + '\n' });
  };

  it('reports the first 20 skipped lines as file:line: reason, then a count, and keeps the good line', () => {
    const dir = badFile();
    const r = run(['summary', 'bad.jsonl', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const err = r.stderr.trimEnd().split('\n');
    expect(err[0]).toBe('bad.jsonl:2: not JSON (plain text)');
    expect(err[19]).toBe('bad.jsonl:21: not JSON (plain text)');
    expect(err.slice(20)).toEqual(['… and 5 more skipped lines', '25 lines skipped']);
    expect(JSON.parse(r.stdout)).toMatchObject({ spans: 1, runs: 1, skippedLines: 25 });
  });

  it('--strict exits 1 after printing the result; --quiet prints no report', () => {
    const dir = badFile();
    const strict = run(['summary', 'bad.jsonl', '--json', '--strict', '--quiet'], { cwd: dir });
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.stdout).spans).toBe(1);
    expect(strict.stderr).toBe('trace-report: 25 lines were skipped (--strict)\n');
  });

  it('a missing input, a bad option or a bad prices file is one line and exit code 2', () => {
    const missing = run(['summary', 'no/such/file.jsonl']);
    expect(missing).toMatchObject({ code: 2, stdout: '', stderr: 'trace-report: no/such/file.jsonl: no such file or folder\n' });
    const option = run(['summary', DIALECTS, '--frobnicate']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("unknown option '--frobnicate'");
    const prices = run(['summary', DIALECTS, '--prices', 'no-such-prices.json']);
    expect(prices.code).toBe(2);
    expect(prices.stderr.split('\n')).toHaveLength(2);
    const badQuery = run(['query', DIALECTS, '--since', 'soon']);
    expect(badQuery.code).toBe(2);
    expect(badQuery.stderr).toBe('trace-report: invalid query: since: not a time: soon (use ISO-8601 or epoch seconds)\n');
    const badFormat = run(['query', DIALECTS, '--format', 'xml']);
    expect(badFormat.code).toBe(2);
    const badWorkers = run(['summary', DIALECTS, '--workers', '2.5']);
    expect(badWorkers.code).toBe(2);
    expect(badWorkers.stderr).toContain('must be a whole number from 0 to 64');
  });

  it('--workers sets the threads, never the result', () => {
    const none = run(['summary', 'fixtures', '--json', '--workers', '0']);
    const two = run(['summary', 'fixtures', '--json', '--workers', '2']);
    expect(none.code).toBe(0);
    expect(two.stdout).toBe(none.stdout);
  });
});

describe('trace-report query', () => {
  it('filters spans and prints them as jsonl, json, csv or a table', () => {
    const base = ['query', 'test/fixtures/dialects/d-spans.jsonl', '--agent', 'billing_agent', '--min-duration-ms', '1000'];
    const jl = run([...base, '--format', 'jsonl']);
    expect(jl.code).toBe(0);
    const rows = jl.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => [r.line, r.durationMs, r.model])).toEqual([
      [4, 2400, 'claude-sonnet-4-20250514'],
      [7, 1500, 'gpt-4.1'],
    ]);
    expect(JSON.parse(run([...base, '--format', 'json']).stdout)).toHaveLength(2);
    const csv = run([...base, '--format', 'csv']).stdout.trim().split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[0]!.startsWith('timestamp,event_type,run_id')).toBe(true);
    const table = run(base).stdout;
    expect(table).toContain('billing_agent');
    expect(table).toContain('2026-01-05T14:00:04.900Z');
  });
});

describe('trace-report query, written as it reads', () => {
  it('prints in each format exactly what the library formats for the same spans, and the empty result of each', async () => {
    const { TraceService } = await import('../src/service/trace-service.js');
    const { formatSpans } = await import('../src/format/span-output.js');
    const service = new TraceService({ cwd: path.resolve(import.meta.dirname, '..') });
    await service.load('test/fixtures/dialects');
    const failed = service.query({ status: 'failed' });
    expect(failed.length).toBeGreaterThan(1);
    for (const format of ['jsonl', 'json', 'csv'] as const) {
      const r = run(['query', 'test/fixtures/dialects', '--status', 'failed', '--format', format, '--quiet']);
      expect(r.code).toBe(0);
      expect(r.stdout, format).toBe(formatSpans(failed, format, { colour: false }));
      const none = run(['query', 'test/fixtures/dialects', '--run', 'no-such-run', '--format', format, '--quiet']);
      expect(none.stdout, format).toBe(formatSpans([], format, { colour: false }));
    }
    expect(run(['query', 'test/fixtures/dialects', '--status', 'failed', '--quiet']).stdout).toBe(formatSpans(failed, 'table', { colour: false, width: 100 }));
  });

  it('prints the spans found while the input is still being written (a pipe that stays open)', async () => {
    const fifo = path.join(tempDir(), 'live.jsonl');
    execFileSync('mkfifo', [fifo]);
    const child = spawn(process.execPath, [BIN, 'query', fifo, '--format', 'jsonl', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const writer = createWriteStream(fifo);
    const line = (i: number) => JSON.stringify({ event_type: 'llm_call', run_id: `run-${i % 7}`, agent_name: 'a', model: 'gpt-4o', input_tokens: i, output_tokens: 1, note: 'x'.repeat(200), timestamp: 1_767_225_600 + i });
    // More than one write's worth of output (64 KB), then nothing more until the output came.
    writer.write(Array.from({ length: 400 }, (_, i) => line(i)).join('\n') + '\n');
    let stdout = '';
    const firstOutput = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    await firstOutput;
    expect(stdout.length).toBeGreaterThan(0);
    writer.end(`${line(400)}\n`);
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).toBe(0);
    const rows = stdout.trim().split('\n').map((l) => JSON.parse(l) as { fields: { input_tokens: number } });
    expect(rows.map((r) => r.fields.input_tokens)).toEqual(Array.from({ length: 401 }, (_, i) => i));
  }, 20_000);

  it('gathers its pieces into writes of at least the size asked, and writes the rest when flushed', async () => {
    const { PieceWriter } = await import('../src/cli/piece-writer.js');
    const writes: string[] = [];
    const out = new PieceWriter({ write: (s: string) => writes.push(s) } as unknown as NodeJS.WritableStream, 10);
    for (const piece of ['abcd', '', 'efgh', 'ijkl', 'mn']) out.write(piece);
    expect(writes).toEqual(['abcdefghijkl']);
    out.flush();
    out.flush();
    expect(writes).toEqual(['abcdefghijkl', 'mn']);
  });
});

describe('help and version', () => {
  it('--version prints the package version and --help shows examples', () => {
    const { version } = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '..', 'package.json'), 'utf8'));
    expect(run(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n` });
    const help = run(['summary', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('--prices <file>');
    expect(run([]).code).toBe(2);
  });
});

describe('empty input', () => {
  it('warns on stderr when no span was found, and still exits 0', () => {
    const dir = writeTree({ 'bad.jsonl': 'not json\nalso not\n' });
    const r = run(['summary', 'bad.jsonl', '--json', '--quiet'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('trace-report: warning: no spans found (every one of the 2 lines read was skipped)\n');
  });
});
