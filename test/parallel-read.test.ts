import { execFileSync } from 'node:child_process';
import { appendFileSync, createWriteStream, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { loadTraces, readOnThreads } from '../src/read/load.js';
import { planChunks } from '../src/read/parallel/chunks.js';
import { WorkerPool } from '../src/read/parallel/pool.js';
import { WriterThread } from '../src/site/write/writer-thread.js';
import { stopWorker } from '../src/start-worker.js';
import { Worker } from 'node:worker_threads';
import { RereadChunk } from '../src/read/parallel/reread-chunk.js';
import { summariseTraces } from '../src/read/summarise-traces.js';
import { summarise } from '../src/aggregate/summarise.js';
import { BatchWriter, decodeEvent, emptyEvent, lineOf } from '../src/read/parallel/event-batch.js';
import type { TraceEvent } from '../src/normalise/event.js';
import type { Span } from '../src/model/types.js';
import { scanFlatLine } from '../src/normalise/flat-line.js';
import { forEachRun, planPart } from '../src/read/parallel/build-runs.js';
import { planForThreads, RunIndex, type RunPlan } from '../src/read/parallel/run-index.js';
import { RunRouter } from '../src/model/run-router.js';
import { roleOf } from '../src/normalise/event.js';
import { sharedTextAt, sharedTexts } from '../src/read/parallel/shared-texts.js';
import { DIALECTS, jsonl, tempDir, writeTree } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '..');

async function both(inputs: string[], cwd = ROOT) {
  const plain = await loadTraces(inputs, { cwd, workers: 0 });
  // Tiny chunks cut the files in many places, so line numbering and positional runs cross chunks.
  const parallel = await loadTraces(inputs, { cwd, workers: 2, parallelFrom: 0, chunkBytes: 4096 });
  return { plain, parallel };
}

describe('reading on worker threads', () => {
  it('gives exactly the runs, skipped lines and summary of the single-thread pass on every fixture', async () => {
    for (const inputs of [['fixtures'], ['test/fixtures/dialects'], ['test/fixtures/otlp']]) {
      const { plain, parallel } = await both(inputs);
      expect(parallel.runs, inputs[0]).toEqual(plain.runs);
      expect(parallel.skipped).toEqual(plain.skipped);
      expect(JSON.stringify(summarise({ ...parallel, priceTable: 'x' }))).toBe(JSON.stringify(summarise({ ...plain, priceTable: 'x' })));
    }
  });

  it('keeps prompts and responses exactly, whatever characters they hold, read from the shared bytes', async () => {
    const odd = ['é and ü', '🦜 parrot', 'lone \ud800 half', 'nul \u0000 byte', 'quote " and \\ slash', 'line\u2028sep', '\t\r\n', '', '{"json": [1]}'];
    const lines: unknown[] = [{ event_type: 'pattern_start', pattern_type: 'p', timestamp: 1 }];
    odd.forEach((text, i) => {
      lines.push({
        event_type: 'llm_call',
        agent_name: 'a',
        timestamp: 2 + i,
        messages_in: [{ role: 'system', content: text, name: i % 2 ? text : null }, { role: 'user', content: `${text} ${'x'.repeat(i * 700)}` }],
        response: text,
        metadata: { model: 'gpt-4o' },
      });
    });
    lines.push({ event_type: 'pattern_end', timestamp: 99, response: 'done' });
    const dir = writeTree({ 'texts.jsonl': jsonl(...lines) });
    const { plain, parallel } = await both(['texts.jsonl'], dir);
    const calls = plain.runs[0]!.calls;
    // A response of white space only is none (the one-thread reader's rule, held here too).
    expect(calls.map((c) => c.response)).toEqual(odd.map((t) => (t.trim() === '' ? null : t)));
    expect(calls[3]!.prompt![0]!.content).toBe('nul \u0000 byte');
    expect(calls[2]!.prompt![0]!.content).toBe('lone \ud800 half');
    expect(parallel.runs).toEqual(plain.runs);
    // toEqual passes over keys whose value is undefined: the messages must match key for key.
    expect(JSON.stringify(parallel.runs)).toBe(JSON.stringify(plain.runs));
  });

  it('numbers lines across chunk boundaries and keeps a run that spans them', async () => {
    const lines: unknown[] = [{ event_type: 'pattern_start', pattern_type: 'p', timestamp: 1 }];
    for (let i = 0; i < 400; i++) lines.push({ event_type: 'llm_call', agent_name: 'a', model: 'gpt-4o', input_tokens: 10, output_tokens: 5, timestamp: 2 + i, note: 'x'.repeat(i % 90) });
    lines.push('not json', { event_type: 'pattern_end', timestamp: 500 });
    const dir = writeTree({ 'big.jsonl': jsonl(...lines) });
    const { plain, parallel } = await both(['big.jsonl'], dir);
    expect(plain.runs).toHaveLength(1);
    expect(parallel.runs).toEqual(plain.runs);
    expect(parallel.runs[0]!.calls.at(-1)!.source).toEqual({ file: 'big.jsonl', line: 401 });
    expect(parallel.skipped).toEqual([{ file: 'big.jsonl', line: 402, reason: 'not JSON (plain text)' }]);
  });
});

describe('choosing worker threads', () => {
  it('never for standard input, which only the main thread can read; a pipe counts no bytes', async () => {
    const dir = writeTree({ 'a.jsonl': 'x'.repeat(100) });
    const file = { path: path.join(dir, 'a.jsonl'), name: 'a.jsonl' };
    expect(await readOnThreads([file], 2, 100)).toBe(true);
    expect(await readOnThreads([file], 2, 101)).toBe(false);
    expect(await readOnThreads([file], 0, 0)).toBe(false);
    expect(await readOnThreads([file, { path: '-', name: '<stdin>' }], 2, 0)).toBe(false);
    expect(await readOnThreads([file, { path: '/dev/fd/63', name: 'p', stream: true }], 2, 101)).toBe(false);
  });

  it('tells once, as the reading begins and before any file is read, whether it is on threads', async () => {
    const seen: string[] = [];
    const options = (workers: number) => ({
      cwd: ROOT,
      workers,
      parallelFrom: 0,
      chunkBytes: 4096,
      keepPlan: true,
      onReading: (threads: boolean) => seen.push(`reading ${threads}`),
      onFile: (_f: unknown, i: number) => seen.push(`file ${i}`),
      onRead: () => seen.push('read'),
    });
    await loadTraces(['test/fixtures/dialects'], options(2));
    expect(seen[0]).toBe('reading true');
    expect(seen.filter((s) => s.startsWith('reading'))).toEqual(['reading true']);
    expect(seen.at(-1)).toBe('read');
    seen.length = 0;
    await loadTraces(['test/fixtures/dialects'], options(0));
    expect(seen[0]).toBe('reading false');
    expect(seen.filter((s) => s.startsWith('reading'))).toEqual(['reading false']);
    expect(seen).not.toContain('read');
    seen.length = 0;
    // The spans of `query`, read on threads too.
    await loadTraces(['test/fixtures/dialects'], { ...options(2), onSpan: () => undefined, keepRuns: false, spanFields: false });
    expect(seen.filter((s) => s.startsWith('reading'))).toEqual(['reading true']);
    expect(seen[0]).toBe('reading true');
  });

  it('counts a gzipped file as the bytes it holds uncompressed', async () => {
    const text = `${'{"event_type":"llm_call","model":"gpt-4o","input_tokens":10}\n'.repeat(2000)}`;
    // writeTree gzips the files named .gz.
    const dir = writeTree({ 'a.jsonl.gz': text, 'b.jsonl': text });
    const gz = { path: path.join(dir, 'a.jsonl.gz'), name: 'a.jsonl.gz' };
    const plain = { path: path.join(dir, 'b.jsonl'), name: 'b.jsonl' };
    const packed = readFileSync(gz.path);
    expect(packed.length).toBeLessThan(text.length / 20);
    expect(await readOnThreads([gz], 2, text.length)).toBe(true);
    expect(await readOnThreads([gz], 2, text.length + 1)).toBe(false);
    expect(await readOnThreads([gz, plain], 2, 2 * text.length)).toBe(true);
    // What a trailer does not tell (a size past 4 GiB wraps around) never counts for less than the file.
    const wrapped = Buffer.concat([packed.subarray(0, packed.length - 4), Buffer.from([1, 0, 0, 0])]);
    const odd = path.join(dir, 'odd.gz');
    writeFileSync(odd, wrapped);
    expect(await readOnThreads([{ path: odd, name: 'odd.gz' }], 2, wrapped.length)).toBe(true);
    expect(await readOnThreads([{ path: odd, name: 'odd.gz' }], 2, wrapped.length + 1)).toBe(false);
  });

  it('a worker reads a pipe whole, once', async () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'live.pipe');
    execFileSync('mkfifo', [fifo]);
    const pending = summariseTraces([fifo], { workers: 2, parallelFrom: 0 });
    const file = path.join(ROOT, 'test/fixtures/dialects/c-studio.jsonl');
    createWriteStream(fifo).end(readFileSync(file));
    const r = await pending;
    // The same summary as the file itself gives, but for the name of the input.
    const direct = await summariseTraces([file], { workers: 0 });
    expect(r.summary.runs).toBeGreaterThan(0);
    expect({ ...r.summary, inputs: [], files: [] }).toEqual({ ...direct.summary, inputs: [], files: [] });
    expect(r.summary.files).toEqual([fifo]);
  });
});

describe('stopping worker threads', () => {
  // Worker.terminate() stops a thread before Node waits for V8's background compiles, and one that
  // ends after the thread's isolate is gone aborts the process. A thread that ends on its own exits
  // with code 0; a terminated one with 1.
  const file = path.join(ROOT, 'test/fixtures/dialects/d-spans.jsonl');
  const chunksOf = () => planChunks([{ path: file, name: 'd-spans.jsonl' }], 256);

  it('lets each reading thread end on its own once its chunks are read', async () => {
    const chunks = await chunksOf();
    expect(chunks.length).toBeGreaterThan(4);
    const pool = new WorkerPool(2, { keepText: false, fast: true, shared: false });
    let lines = 0;
    await pool.readChunks(chunks, (r) => void (lines += r.lineCount));
    expect(lines).toBe(readFileSync(file, 'utf8').split('\n').filter(Boolean).length);
    expect(await pool.close()).toEqual([0, 0]);
  });

  it('also when the reading stopped half way, with chunks still asked of the threads', async () => {
    const pool = new WorkerPool(2, { keepText: false, fast: true, shared: false });
    await expect(pool.readChunks(await chunksOf(), () => { throw new Error('consumer failed'); })).rejects.toThrow('consumer failed');
    expect(await pool.close()).toEqual([0, 0]);
  });

  it('gives the exit code of a thread that fails as it stops, without an unhandled error', async () => {
    const worker = new Worker("require('node:worker_threads').parentPort.on('message', () => { throw new Error('failed as it stopped'); });", { eval: true });
    expect(await stopWorker(worker)).toBe(1);
    // One that had already ended.
    expect(await stopWorker(worker)).toBe(1);
  });

  it('lets the writing thread end on its own once its files are written', async () => {
    const dir = tempDir();
    const writer = new WriterThread();
    await writer.write([{ abs: path.join(dir, 'a.html'), content: 'a', old: null }]);
    expect(await writer.close()).toBe(0);
    expect(readFileSync(path.join(dir, 'a.html'), 'utf8')).toBe('a');
  });
});

describe('worker threads under the flags a user gives node', () => {
  it('start under V8 flags (which Worker refuses) and from `node --input-type=module -e`', async () => {
    const out = path.join(tempDir(), 'site');
    const script = `
      import { summariseTraces } from ${JSON.stringify(path.join(ROOT, 'dist/read/summarise-traces.js'))};
      import { buildSite } from ${JSON.stringify(path.join(ROOT, 'dist/site/build.js'))};
      const s = await summariseTraces(['fixtures'], { cwd: ${JSON.stringify(ROOT)}, workers: 2, parallelFrom: 0, chunkBytes: 65536 });
      const b = await buildSite({ inputs: ['fixtures'], outDir: ${JSON.stringify(out)}, cwd: ${JSON.stringify(ROOT)}, workers: 2, parallelFrom: 0 });
      console.log(JSON.stringify({ summary: s.summary, pages: b.pages }));`;
    const flags = ['--max-old-space-size=1024', '--stack-size=2000', '--input-type=module', '-e', script];
    const result = JSON.parse(execFileSync(process.execPath, flags, { encoding: 'utf8' })) as { summary: unknown; pages: number };
    // What this process computes on one thread, with no flags.
    const single = await summariseTraces(['fixtures'], { cwd: ROOT, workers: 0 });
    expect(result.summary).toEqual(single.summary);
    // The pages it says it wrote are the pages in the folder: every run's, and more.
    const html = readdirSync(out, { recursive: true }).filter((f) => String(f).endsWith('.html'));
    expect(result.pages).toBe(html.length);
    expect(readdirSync(path.join(out, 'runs'))).toHaveLength(single.summary.runs);
  });
});

describe('event batches', () => {
  const event = (over: Partial<TraceEvent>): TraceEvent => ({ ...emptyEvent(), type: 'llm_call', role: 'call', ...over });
  const decoded = (w: BatchWriter, shared: boolean) => {
    const b = w.finish(shared);
    return {
      b,
      events: Array.from({ length: b.count }, (_, i) => {
        const e = emptyEvent();
        decodeEvent(b, i, e);
        return { e, line: lineOf(b, i) };
      }),
    };
  };

  it('leave out string columns no event has and line numbers that count up by one, and decode the same events', () => {
    for (const shared of [false, true]) {
      const w = new BatchWriter(false);
      const a = event({ agentField: 'triage', runId: 'r-1', model: 'gpt-4o', inputTokens: 12, costUsd: 0.5, timestamp: 1000 });
      const b = event({ type: 'agent_start', role: 'step_start', agentField: 'triage', runId: 'r-1', timestamp: 1001 });
      w.push(a, 1);
      w.push(b, 2);
      const one = decoded(w, shared);
      // type, agent, run id and model: four of the twelve string columns, each of one byte an event.
      expect([one.b.narrowStride, one.b.wideStride]).toEqual([4, 0]);
      expect(one.b.lines).toBeNull();
      expect(one.events).toEqual([{ e: a, line: 1 }, { e: b, line: 2 }]);
    }
  });

  it('keep the ids of columns with few values in one byte, however late their values first come', () => {
    for (const runs of [300, 70_000]) {
      const w = new BatchWriter(false);
      const events: TraceEvent[] = [];
      // Run ids first: without renumbering, the models' and agents' ids would all be past 255 (or 65,535).
      for (let r = 0; r < runs; r++) events.push(event({ runId: `run-${r}` }));
      for (let r = 0; r < 400; r++) events.push(event({ runId: `run-${r}`, model: `model-${r % 7}`, agentField: r % 2 ? 'planner' : 'writer', status: r === 399 ? 'late' : null }));
      events.forEach((e, i) => w.push(e, i + 1));
      const { b, events: back } = decoded(w, true);
      // type, agent, model and status in one byte; the run ids in two bytes, or four past 65,535 strings.
      expect([b.narrowStride, b.wideStride]).toEqual([4, 1]);
      expect(b.wide).toBeInstanceOf(runs > 0xffff ? Int32Array : Uint16Array);
      expect(back.map((x) => x.e)).toEqual(events);
    }
  });

  it('find each event’s amounts by counting the events with amounts before it, across words of 32', () => {
    for (const n of [1, 31, 32, 33, 64, 65, 200]) {
      for (const has of [(i: number) => i % 3 === 0, (i: number) => i % 32 === 31, () => true, (i: number) => i === n - 1]) {
        const w = new BatchWriter(false);
        const events = Array.from({ length: n }, (_, i) => event({ runId: 'r', inputTokens: has(i) ? i : null, costUsd: has(i) && i % 2 ? i / 8 : null }));
        events.forEach((e, i) => w.push(e, i + 1));
        expect(decoded(w, n % 2 === 0).events.map((x) => x.e)).toEqual(events);
      }
    }
  });

  it('keep line numbers that skip (blank lines, several events on a line) and every column given', () => {
    const w = new BatchWriter(false);
    const full = event({
      agentField: 'a', runId: 'r', workflow: 'w', pattern: 'p', provider: 'openai', model: 'm', status: 'ok', error: 'boom',
      stepKind: 'tool', callId: 'c-1', detail: 'billing', outputTokens: 3, totalTokens: 9, durationMs: 1.5, timestamp: null,
    });
    w.push(full, 1);
    w.push(event({ runId: 'r' }), 3);
    w.push(event({ runId: 'r' }), 3);
    const { b, events } = decoded(w, false);
    expect(b.narrowStride + b.wideStride).toBe(12);
    expect(b.lines).not.toBeNull();
    expect(events.map((x) => x.line)).toEqual([1, 3, 3]);
    expect(events[0]!.e).toEqual(full);
  });

  it('take flat lines from several buffers, telling apart values whose bytes hash alike', () => {
    const w = new BatchWriter(false);
    const read = (bytes: Buffer, line: number) => {
      expect(scanFlatLine(bytes, 0, bytes.length)).toBe(true);
      w.pushFlat(bytes, line);
    };
    // "Aa" and "BB" have the same hash (31 × 65 + 97 = 31 × 66 + 66) and the same length.
    const line = (run: string, agent: string, pad = '') => Buffer.from(`{${pad}"event_type":"llm_call","run_id":"${run}","agent_name":"${agent}"}`);
    read(line('Aa', 'x'), 1);
    read(line('BB', 'x', '"note":"n",'), 2);
    read(line('Aa', 'Aa', '"n":1,'), 3);
    // One buffer, written over ("Cc" and "DD" hash alike too): values read before are not read from it again.
    const reused = line('DD', 'DD');
    read(reused, 4);
    reused.write('"run_id":"Cc","agent_name":"Cc"}', reused.indexOf('"run_id"'));
    read(reused, 5);
    const { b, events } = decoded(w, false);
    expect(events.map(({ e }) => [e.runId, e.agentField])).toEqual([
      ['Aa', 'x'],
      ['BB', 'x'],
      ['Aa', 'Aa'],
      ['DD', 'DD'],
      ['Cc', 'Cc'],
    ]);
    // Each string once (in the order the batch numbers them: columns with fewer values first).
    expect([...b.table].sort()).toEqual(['Aa', 'BB', 'Cc', 'DD', 'llm_call', 'x']);
  });

  it('start empty again after reset, with the room they had', () => {
    const w = new BatchWriter(false);
    for (let i = 1; i <= 3000; i++) w.push(event({ runId: `r-${i}`, timestamp: i }), i);
    expect(w.finish().count).toBe(3000);
    w.reset();
    w.push(event({ model: 'x' }), 1);
    const { b, events } = decoded(w, false);
    expect(b.count).toBe(1);
    expect(b.table).toEqual(['llm_call', 'x']);
    expect(events[0]!.e.model).toBe('x');
    expect(events[0]!.e.runId).toBeNull();
  });
});

describe('routing batches of events to their runs', () => {
  /** Events as [type, run id] in files of batches; RunIndex's run of each, and the router's line by line. */
  const routed = (files: [string, null | string][][][]) => {
    const index = new RunIndex();
    const router = new RunRouter();
    const expected: number[] = [];
    files.forEach((batches, f) => {
      const name = `f${f}.jsonl`;
      index.beginFile(name);
      router.beginFile();
      let line = 0;
      for (const events of batches) {
        const w = new BatchWriter(false);
        const base = line;
        for (const [type, runId] of events) {
          w.push({ ...emptyEvent(), type, role: roleOf(type), runId }, ++line - base);
          expected.push(router.route(roleOf(type), runId, name, line));
        }
        index.add(w.finish(), base);
      }
    });
    const plan = index.plan();
    const got: number[] = [];
    for (let r = 0; r + 1 < plan.offsets.length; r++) for (let k = plan.offsets[r]!; k < plan.offsets[r + 1]!; k++) got[plan.order[k]!] = r;
    return { got, expected, ids: plan.ids, routerIds: router.ids };
  };

  it('sends each line where the router does, a run id looked up once a batch until a run is renamed', () => {
    // A run opened by position takes the id "f0.jsonl:1"; a line names that id (remembered for
    // the batch); a nested start names the open run "real" (a rename, which frees "f0.jsonl:1");
    // the next line with "f0.jsonl:1" starts a run of its own.
    const { got, expected, ids, routerIds } = routed([
      [
        [
          ['pattern_start', null],
          ['llm_call', 'f0.jsonl:1'],
          ['pattern_start', 'real'],
          ['llm_call', 'f0.jsonl:1'],
          ['llm_call', 'real'],
        ],
      ],
    ]);
    expect(expected).toEqual([0, 0, 0, 1, 0]);
    expect(got).toEqual(expected);
    expect(ids).toEqual(['real', 'f0.jsonl:1']);
    expect(ids).toEqual(routerIds);
  });

  it('agrees with the router on random lines: runs started, ended and reopened by id and by position, across batches and files', () => {
    let s = 11;
    const r = (n: number) => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) % n;
    const types = ['llm_call', 'llm_call', 'tool_call', 'agent_start', 'pattern_start', 'pattern_end', 'run_start', 'run_end', 'error'];
    for (let trial = 0; trial < 40; trial++) {
      const files = Array.from({ length: 1 + r(3) }, (_, f) =>
        Array.from({ length: 1 + r(4) }, () =>
          Array.from({ length: r(60) }, (): [string, string | null] => {
            const id = r(4) === 0 ? null : r(5) === 0 ? `f${f}.jsonl:${1 + r(30)}` : `run-${r(6)}`;
            return [types[r(types.length)]!, id];
          }),
        ),
      );
      const { got, expected, ids, routerIds } = routed(files);
      expect(got, `trial ${trial}`).toEqual(expected);
      expect(ids).toEqual(routerIds);
    }
  });
});

describe('strings in shared memory', () => {
  it('gives back every string exactly, whatever its code units, from memory every thread shares', () => {
    const list = ['', 'run-1', 'café', 'ÿ', 'Ā', '🙂', '\ud800', 'x\udc00y', '\u0000', 'a'.repeat(300), 'run-1'];
    const t = sharedTexts(list);
    expect(t.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(list.map((_, i) => sharedTextAt(t, i))).toEqual(list);
    // Latin-1 takes a byte a code unit, the rest two.
    expect(Array.from(t.wide)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0]);
    expect(t.bytes.length).toBe(0 + 5 + 4 + 1 + 2 + 4 + 2 + 6 + 1 + 300 + 5);
    expect(() => sharedTextAt(t, list.length)).toThrow(/no string number 11 in a list of 11/);
    expect(sharedTexts([]).ends.length).toBe(0);
    // A list of Latin-1 strings only is written at once: the same bytes, a byte a code unit.
    const latin = ['', 'run-1', 'café', 'ÿ', '\u0000', 'run-1'];
    const l = sharedTexts(latin);
    expect(latin.map((_, i) => sharedTextAt(l, i))).toEqual(latin);
    expect(Array.from(l.wide)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(l.ends)).toEqual([0, 5, 9, 10, 11, 16]);
    expect(Buffer.from(l.bytes).toString('latin1')).toBe('run-1caféÿ\u0000run-1');
  });

  it('builds a plan\'s runs the same from its ids in shared memory as from its list of ids', async () => {
    const loaded = await loadTraces([DIALECTS], { keepText: true, keepPlan: true, workers: 2, parallelFrom: 0, chunkBytes: 4096 });
    const plan = loaded.plan!;
    const threads = planForThreads(plan);
    expect(threads.ids).toEqual([]);
    expect(planForThreads(threads)).toBe(threads);
    expect(() => planPart(threads, 0, 1)).toThrow(/a part of a plan made for threads/);
    const runs = (p: RunPlan) => {
      const out: unknown[] = [];
      forEachRun(p, 0, plan.ids.length, { prices: loaded.prices, keepText: true, local: false }, (run) => out.push(run));
      return out;
    };
    expect(plan.synthetic.some(Boolean)).toBe(true);
    expect(runs(threads)).toEqual(runs(plan));
  });
});

describe('summarising on worker threads (runs built where they were read)', () => {
  it('gives exactly the summary and newest runs of the one-pass loader on every fixture', async () => {
    const { summariseTraces } = await import('../src/read/summarise-traces.js');
    const { LatestRuns } = await import('../src/aggregate/latest-runs.js');
    for (const inputs of [['fixtures'], ['test/fixtures/dialects'], ['test/fixtures/otlp'], ['test/fixtures/hostile'], ['test/fixtures']]) {
      const plain = await loadTraces(inputs, { cwd: ROOT, workers: 0, keepText: false, fastPath: false });
      const expected = summarise({ ...plain, priceTable: plain.prices.date });
      const latest = new LatestRuns(7);
      for (const run of plain.runs) latest.add(run);
      // Tiny chunks: runs cross chunk and file boundaries, and the runs are split between threads.
      const parallel = await summariseTraces(inputs, { cwd: ROOT, workers: 2, parallelFrom: 0, chunkBytes: 2048, latestRuns: 7 });
      expect(JSON.stringify(parallel.summary, null, 2), inputs[0]).toBe(JSON.stringify(expected, null, 2));
      expect(parallel.latest).toEqual(latest.result());
      expect(parallel.skipped).toEqual(plain.skipped);
      expect(parallel.spans).toBe(plain.spans);
      const single = await summariseTraces(inputs, { cwd: ROOT, workers: 0, latestRuns: 7 });
      expect(JSON.stringify(single.summary, null, 2)).toBe(JSON.stringify(expected, null, 2));
    }
  });

  it('numbers the newest runs as the full list does, undated runs after dated ones', async () => {
    const { summariseTraces } = await import('../src/read/summarise-traces.js');
    const lines: unknown[] = [];
    // Five dated runs (two start at the same time) and two undated ones, interleaved.
    for (const [id, ts] of [['r-b', 5], ['r-a', 5], ['u-2', null], ['r-c', 1], ['u-1', null], ['r-d', 9], ['r-e', 3]] as const) {
      lines.push({ event_type: 'llm_call', run_id: id, model: 'gpt-4o', input_tokens: 1, output_tokens: 1, ...(ts === null ? {} : { timestamp: ts * 1e12 }) });
    }
    const dir = writeTree({ 'runs.jsonl': jsonl(...lines) });
    const r = await summariseTraces(['runs.jsonl'], { cwd: dir, workers: 2, parallelFrom: 0, chunkBytes: 200, latestRuns: 7 });
    // compareRuns order: r-c(1) r-e(3) r-a(5) r-b(5) r-d(9) u-1 u-2.
    expect(r.latest.map((l) => [l.run.id, l.number])).toEqual([
      ['r-d', 5], ['r-b', 4], ['r-a', 3], ['r-e', 2], ['r-c', 1], ['u-2', 7], ['u-1', 6],
    ]);
  });
});

/**
 * A random trace of a few dialect-A/D shapes with awkward values: numbers of every JSON form and
 * sign (long ones, exponents, costs of $1,000 and more), numeric strings, timestamps of
 * each form (leap seconds, offsets, unreadable ones), escapes, nested payloads, prompts, cut and
 * blank lines, CRLF, and runs whose lines are spread over the whole file.
 */
function awkwardTrace(seed: number, lines: number): string {
  let s = seed;
  const r = (n: number) => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) % n;
  const pick = <T>(a: readonly T[]): T => a[r(a.length)]!;
  const num = () =>
    pick([
      () => String(r(5000)), () => (r(100000) / 1000).toFixed(r(5)), () => `-${r(100)}`, () => `${r(9) + 1}.${r(1e9)}${r(1e9)}`,
      () => `-${r(9) + 1}.${r(1e9)}${r(1e9)}e-${r(9)}`, () => '0', () => '-0', () => 'null', () => `"${r(100)}"`, () => '1e400', () => `${r(1000)}e${r(5)}`,
    ])();
  const text = () => pick(['"gpt-4o"', '"gpt-4o-mini"', '"claude-sonnet-4"', '"é-model"', '" padded"', '"a\\"b"', '""', 'null', '"unknown-model"', '"x\\u00e9"', '7', 'true']);
  const time = (t: number) =>
    pick([
      () => `"${new Date(t).toISOString()}"`, () => `"${new Date(t).toISOString().slice(0, 19)}"`, () => String(t / 1000), () => String(t),
      () => `"${new Date(t).toISOString().slice(0, 19)}+02:00"`, () => '"bad"', () => `"${new Date(t).toISOString().slice(0, 17)}60Z"`,
    ])();
  const types = ['llm_call', 'llm_call_start', 'llm_call_end', 'llm_call_error', 'error', 'agent_start', 'agent_end', 'pattern_start', 'pattern_end', 'cost_record', 'routing_decision', 'tool_call', 'LLM_CALL'];
  let t = Date.UTC(2026, 0, 1) + r(1e9);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    t += r(5000);
    const f = [`"${r(8) ? 'event_type' : 'type'}":"${pick(types)}"`];
    if (r(5)) f.push(`"run_id":"run-${r(60)}"`);
    if (r(3)) f.push(`"workflow":${pick(['"digest"', '"triage"', '"é"', 'null', '""'])}`);
    if (r(2)) f.push(`"agent_name":${pick(['"a"', '"b"', '"Log Analyst"', '""', 'null'])}`);
    if (r(2)) f.push(`"model":${text()}`);
    if (r(3)) f.push(`"provider":${pick(['"openai"', '"anthropic"', 'null'])}`);
    for (const k of ['input_tokens', 'output_tokens', 'duration_ms', 'cost_estimate', 'cost_usd', 'tokens', 'duration_seconds', 'latency_ms']) {
      if (!r(3)) f.push(`"${k}":${num()}`);
    }
    if (r(6)) f.push(`"timestamp":${time(t)}`);
    if (!r(8)) f.push(`"status":${pick(['"ok"', '"failed"', '"error"', '"OK"'])}`);
    if (!r(8)) f.push(`"error":${pick(['"timeout"', '""', 'null', '"é boom"'])}`);
    if (!r(10)) f.push(`"payload":{"model":${text()},"input_tokens":${num()}}`);
    if (!r(10)) f.push(`"call_id":"c${r(5)}"`);
    if (!r(12)) f.push('"response":"hi"');
    if (r(3) === 0) f.reverse();
    let line = `{${f.join(',')}}`;
    if (!r(40)) line = line.slice(0, r(line.length));
    if (!r(60)) line = '';
    if (!r(50)) line += '\r';
    out.push(line);
  }
  return `${out.join('\n')}\n`;
}

describe('reading and summarising on worker threads, against the one-thread full path', () => {
  it('agree exactly on random traces with awkward values', async () => {
    // Seeds that found a sign lost on long negative numbers (7), and totals that depended on the
    // order of adding (7, 9, 56), besides others.
    for (const seed of [7, 9, 56, 101]) {
      const dir = writeTree({ 'a.jsonl': awkwardTrace(seed, 3000), 'b.jsonl': awkwardTrace(seed + 1000, 3000) });
      const plain = await loadTraces(['.'], { cwd: dir, workers: 0, fastPath: false });
      const parallel = await loadTraces(['.'], { cwd: dir, workers: 2, parallelFrom: 0, chunkBytes: 20000 });
      expect(parallel.runs, `seed ${seed}`).toEqual(plain.runs);
      expect(parallel.skipped).toEqual(plain.skipped);
      const expected = JSON.stringify(summarise({ ...plain, priceTable: plain.prices.date }), null, 1);
      const summary = await summariseTraces(['.'], { cwd: dir, workers: 2, parallelFrom: 0, chunkBytes: 20000 });
      expect(JSON.stringify(summary.summary, null, 1), `seed ${seed}`).toBe(expected);
      // `query`'s spans (without their original fields) read on the threads: the same, in the same order.
      const spans = async (threads: boolean, spanFields: boolean) => {
        const out: Span[] = [];
        const options = threads ? { workers: 2, parallelFrom: 0, chunkBytes: 20000 } : { workers: 0 };
        await loadTraces(['.'], { cwd: dir, keepRuns: false, spanFields, spanFilter: (s) => s.eventType !== 'llm_call_start', onSpan: (s) => void out.push(s), ...options });
        return out;
      };
      const oneThread = await spans(false, false);
      expect(oneThread.length).toBeGreaterThan(3000);
      expect(await spans(true, false)).toEqual(oneThread);
      // With their original fields (JSON output), read again from the files' lines on this thread.
      const withFields = await spans(false, true);
      expect(withFields.filter((s) => Object.keys(s.fields).length > 0).length).toBe(withFields.length);
      expect(await spans(true, true)).toEqual(withFields);
      // The traces do hold what the test is about: skipped lines, and calls of $1,000 and more
      // (which a sum of plain numbers could round) beside cheap ones.
      expect(plain.skipped.length).toBeGreaterThan(50);
      const costs = plain.runs.flatMap((run) => run.calls).map((c) => c.costPico ?? 0);
      expect(costs.filter((c) => c >= 1e15).length).toBeGreaterThan(10);
      expect(costs.filter((c) => c > 0 && c < 1e9).length).toBeGreaterThan(50);
    }
  });
});

describe("query's spans with their original fields, read on worker threads", () => {
  const otlp = readFileSync(path.join(ROOT, 'test/fixtures/otlp/genai.jsonl'), 'utf8').trim();
  const spansOf = async (dir: string, threads: boolean) => {
    const out: Span[] = [];
    const options = threads ? { workers: 2, parallelFrom: 0, chunkBytes: 700 } : { workers: 0 };
    const result = await loadTraces(['.'], { cwd: dir, keepRuns: false, spanFilter: (s) => s.eventType !== 'llm_call_start', onSpan: (s) => void out.push(s), ...options });
    return { out, skipped: result.skipped };
  };

  it('read each span’s fields again from its line: CRLF, a byte-order mark within the file, an OpenTelemetry line’s spans, no last line feed', async () => {
    const call = (i: number) => JSON.stringify({ event_type: 'llm_call', run_id: 'r1', agent_name: `agent ${i}`, model: 'gpt-4o', input_tokens: i, note: 'é'.repeat(i % 40) });
    const lines = [call(1), `${call(2)}\r`, '', 'not json', `\uFEFF${call(3)}`, otlp, call(4), `\uFEFF${otlp}\r`];
    for (let i = 5; i < 40; i++) lines.push(i % 9 === 0 ? otlp : call(i));
    const dir = writeTree({ 'a.jsonl': lines.join('\n') + '\n' + call(40) });
    const one = await spansOf(dir, false);
    const threads = await spansOf(dir, true);
    expect(threads.out).toEqual(one.out);
    expect(threads.skipped).toEqual(one.skipped);
    // The reference is what the test is about: each OpenTelemetry span with its own fields, and
    // the calls around them with theirs.
    const fromOtlp = one.out.filter((s) => s.line === 6);
    expect(fromOtlp.length).toBeGreaterThan(1);
    expect(new Set(fromOtlp.map((s) => JSON.stringify(s.fields))).size).toBe(fromOtlp.length);
    expect(one.out.find((s) => s.line === 5)!.fields).toMatchObject({ agent_name: 'agent 3', input_tokens: 3 });
    expect(one.out.find((s) => s.line === 2)!.fields).toMatchObject({ agent_name: 'agent 2' });
    expect(one.out.at(-1)!.fields).toMatchObject({ agent_name: 'agent 40', input_tokens: 40 });
  });

  it('are read on this thread alone when an input is gzipped, whose lines cannot be read again', async () => {
    const dir = writeTree({ 'a.jsonl': awkwardTrace(3, 400) });
    execFileSync('sh', ['-c', 'gzip -c a.jsonl > b.jsonl.gz'], { cwd: dir });
    const one = await spansOf(dir, false);
    expect(one.out.filter((s) => s.file === 'b.jsonl.gz').length).toBeGreaterThan(100);
    expect((await spansOf(dir, true)).out).toEqual(one.out);
  });

  it('report a file whose lines changed between the two reads, never another line’s fields', async () => {
    const dir = writeTree({ 'a.jsonl': jsonl(...Array.from({ length: 30 }, (_, i) => ({ event_type: 'llm_call', run_id: 'r', input_tokens: i }))) });
    const file = path.join(dir, 'a.jsonl');
    const [chunk] = await planChunks([{ path: file, name: 'a.jsonl' }], 1 << 20);
    // A file read whole is read again to its end as it is then: lines appended meanwhile change nothing.
    expect(chunk!.reread).toEqual({ start: 0, end: null });
    appendFileSync(file, jsonl({ event_type: 'llm_call', run_id: 'r', input_tokens: 30 }));
    expect(new RereadChunk(chunk!).fieldsOf(30, 0)).toEqual({ event_type: 'llm_call', run_id: 'r', input_tokens: 29 });
    writeFileSync(file, jsonl({ event_type: 'llm_call', run_id: 'r', input_tokens: 0 }));
    expect(() => new RereadChunk(chunk!).fieldsOf(30, 0)).toThrow(new InputError('a.jsonl: changed while it was read (its lines are not where they were)'));
    expect(() => new RereadChunk(chunk!).fieldsOf(1, 1)).toThrow(InputError);
  });
});
