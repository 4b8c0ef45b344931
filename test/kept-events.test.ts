import { appendFileSync, linkSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PriceTable } from '../src/prices/price-table.js';
import { loadTraces } from '../src/read/load.js';
import { batchAt, batchParts, padded, storedBytes } from '../src/read/parallel/batch-file.js';
import { decodeEvent, emptyEvent, lineOf, textAt, textEntryOf, type EventBatch } from '../src/read/parallel/event-batch.js';
import { sharedArray } from '../src/read/parallel/shared-array.js';
import { buildSite, type BuildOptions } from '../src/site/build.js';
import { EVENTS_FILE } from '../src/site/reuse/kept-events.js';
import { MANIFEST_NAME } from '../src/site/write/manifest.js';
import { callLines, fixture, freshTree, runsLines, tempDir, treeOf } from './helpers.js';

/** What a build that kept the events read before says, with how many of its inputs it read. */
const keptSaid = (read: number, of: number) => `read only what was appended to the inputs (${read} of ${of} input${of === 1 ? '' : 's'} read): the events of the lines read before kept from the previous build`;
const KEPT = keptSaid(1, 1);
const AGAIN = 'reading traces again: an input changed in the lines read before';

/** Every event of a batch as the threads that build runs read it: its fields, line and texts. */
function eventsOf(b: EventBatch): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < b.count; i++) {
    const e = emptyEvent();
    decodeEvent(b, i, e);
    const entry = b.texts === null ? -1 : textEntryOf(b.texts, i);
    out.push({ ...e, line: lineOf(b, i), texts: entry === -1 ? null : textAt(b.texts!, entry) });
  }
  return out;
}

describe('an event batch stored and read back (batch-file.ts)', () => {
  it('reads back as the same events: lines, texts, strings in and out of Latin-1, numbers of every kind', async () => {
    const dir = tempDir();
    const odd = path.join(dir, 'odd.jsonl');
    const line = (o: object) => `${JSON.stringify(o)}\n`;
    writeFileSync(
      odd,
      // Strings beyond Latin-1 (an emoji, a lone surrogate), a cost with more decimals than 32 bits
      // hold (a column of doubles), a negative and a huge token count, a blank line (lines no longer
      // one an event) and a bad one (skipped).
      line({ event_type: 'llm_call_start', run_id: 'run-\u{1F600}', model: 'gpt-4o', prompt: 'caf\u00e9 \ud800 end', timestamp: '2026-01-05T10:00:00Z' }) +
        '\n' +
        '{"event_type": \n' +
        line({ event_type: 'llm_call_end', run_id: 'run-\u{1F600}', model: 'gpt-4o', input_tokens: -3, output_tokens: 9e15, cost_estimate: 0.123456789012345, response: '\u00ff\u0100', duration_ms: 0.5, timestamp: '2026-01-05T10:00:01.5Z' }),
    );
    const inputs = ['a-recorder.jsonl', 'b-eventbus.jsonl', 'c-studio.jsonl', 'd-spans.jsonl'].map(fixture);
    inputs.push(path.join(path.dirname(fixture('x')), '..', 'hostile', 'hostile.jsonl'), odd);
    const loaded = await loadTraces(inputs, { keepPlan: true, workers: 2, parallelFrom: 0, chunkBytes: 512 });
    const batches = loaded.plan!.batches.map((p) => p.batch);
    expect(batches.length).toBeGreaterThan(10);
    // What the batches hold, that each part of the format is met.
    expect(batches.some((b) => b.lines !== null)).toBe(true);
    expect(batches.some((b) => b.texts !== null)).toBe(true);
    expect(batches.some((b) => b.amounts.some((a) => a.ints === null))).toBe(true);
    expect(batches.some((b) => b.table.some((s) => /[^\u0000-\u00ff]/.test(s)))).toBe(true);
    for (const b of batches) {
      const { stored, parts } = batchParts(b);
      // Stored after 8 bytes of something else, as in a file of many.
      const block = sharedArray(Uint8Array, 8 + storedBytes(stored.sizes));
      let at = 8;
      for (const p of parts) {
        block.set(p, at);
        at += padded(p.byteLength);
      }
      const back = batchAt(JSON.parse(JSON.stringify(stored)), block.buffer, 8, block.length);
      expect(back.table).toEqual(b.table);
      expect(eventsOf(back)).toEqual(eventsOf(b));
      // Too few bytes for it: refused, not read past.
      expect(() => batchAt(stored, block.buffer, 8, block.length - 8)).toThrow('does not fit');
    }
  });
});

describe('the events a large build keeps for the next (kept-events.ts)', () => {
  // Small chunks: an input is read in many pieces, as a large one is.
  const threads = { workers: 2, parallelFrom: 0, chunkBytes: 600 };
  /** Builds, and says whether the events read before were kept (KEPT), read again after the stamp (AGAIN), or neither (null). */
  const build = async (inputs: string[], outDir: string, extra: Partial<BuildOptions> = {}) => {
    const said: string[] = [];
    const result = await buildSite({ inputs, outDir, ...threads, ...extra, onProgress: (m) => said.push(m) });
    return { result, kept: said.find((m) => m.startsWith('read only what was appended') || m === AGAIN) ?? null };
  };
  const expectFresh = async (inputs: string[], out: string, extra: Partial<BuildOptions> = {}) => {
    expect(treeOf(out)).toEqual(await freshTree({ inputs, ...threads, ...extra }));
  };

  it('reads only what was appended, and writes what a fresh build writes, its kept events included', async () => {
    const dir = tempDir();
    const trace = path.join(dir, 't.jsonl');
    // A bad line among the first: reported at the same line by the build that keeps its piece.
    // The last line is shorter than the others: the last piece ends before a piece of 600 bytes would.
    writeFileSync(trace, runsLines(6) + '{"event_type": "llm_call_start", oops\n' + runsLines(12).slice(runsLines(6).length) + '{"event_type": "note"}\n');
    const out = path.join(dir, 'site');
    expect((await build([trace], out)).kept).toBeNull();
    expect(JSON.parse(readFileSync(path.join(out, MANIFEST_NAME), 'utf8')).files).toContain(EVENTS_FILE);
    const events = path.join(out, EVENTS_FILE);
    const before = statSync(events);
    // Run 5 gets a call more and run 13 begins: the last piece read before is read again with them.
    appendFileSync(trace, callLines(5, 30 * 60_000) + callLines(13));
    const grown = await build([trace], out);
    expect(grown.kept).toBe(KEPT);
    // The earlier file was finished at the swap (append-over.ts): cut after the pieces kept, it took
    // the rest, and is the new site's, grown.
    const after = statSync(events);
    expect(after.ino).toBe(before.ino);
    expect(after.size).toBeGreaterThan(before.size);
    // Runs 1 to 13, and the run the note line makes of itself (a line outside any run, with no run id).
    expect(grown.result.summary.runs).toBe(14);
    expect(grown.result.skipped).toEqual([{ file: trace, line: 13, reason: expect.any(String) }]);
    expect(grown.result.skippedLines).toBe(1);
    await expectFresh([trace], out);
    // And again from this build's, whose file has a second name now (a backup): it is left as it
    // was, and the new site's written whole.
    const backup = path.join(dir, 'events-backup.bin');
    linkSync(events, backup);
    const backedUp = readFileSync(backup);
    appendFileSync(trace, callLines(14) + callLines(2, 45 * 60_000));
    expect((await build([trace], out)).kept).toBe(KEPT);
    await expectFresh([trace], out);
    expect(statSync(events).ino).not.toBe(after.ino);
    expect(readFileSync(backup).equals(backedUp)).toBe(true);
  });

  it('counts every skipped line of a kept piece, and lists the first 1,000 as a fresh build does', async () => {
    const dir = tempDir();
    const trace = path.join(dir, 't.jsonl');
    // 1,500 bad lines in the first piece, between runs: more than a piece keeps the reasons of.
    writeFileSync(trace, callLines(1) + 'x\n'.repeat(1_500) + Array.from({ length: 300 }, (_, i) => callLines(i + 2)).join(''));
    const out = path.join(dir, 'site');
    const big = { chunkBytes: 32 * 1024 };
    await build([trace], out, big);
    appendFileSync(trace, callLines(400) + 'y\n');
    const grown = await build([trace], out, big);
    expect(grown.kept).toBe(KEPT);
    expect(grown.result.skippedLines).toBe(1_501);
    expect(grown.result.skipped.length).toBe(1_000);
    expect(grown.result.skipped[999]).toEqual({ file: trace, line: 1_002, reason: expect.any(String) });
    await expectFresh([trace], out, big);
  });

  it('keeps the events of an unchanged input, gzipped or not, beside one appended to', async () => {
    const dir = tempDir();
    const a = path.join(dir, 'a.jsonl');
    const b = path.join(dir, 'b.jsonl.gz');
    const c = path.join(dir, 'c.jsonl');
    writeFileSync(a, runsLines(8));
    writeFileSync(b, gzipSync(callLines(20) + callLines(21)));
    writeFileSync(c, Array.from({ length: 8 }, (_, i) => callLines(30 + i)).join(''));
    const out = path.join(dir, 'site');
    await build([a, b, c], out);
    appendFileSync(c, callLines(40));
    // Only the input appended to is read: the gzipped one, read whole before, is not read again.
    expect((await build([a, b, c], out)).kept).toBe(keptSaid(1, 3));
    await expectFresh([a, b, c], out);
    // Appended to the first: the inputs after it are kept whole.
    appendFileSync(a, callLines(9));
    expect((await build([a, b, c], out)).kept).toBe(keptSaid(1, 3));
    await expectFresh([a, b, c], out);
    // Appended to two of them.
    appendFileSync(a, callLines(10));
    appendFileSync(c, callLines(41));
    expect((await build([a, b, c], out)).kept).toBe(keptSaid(2, 3));
    await expectFresh([a, b, c], out);
    // The gzipped input's bytes changed, not its size (the time in its header), and lines appended
    // to another: the stamp's read, after the reading took the kept events, finds the change.
    const gz = readFileSync(b);
    gz[4]! ^= 1;
    writeFileSync(b, gz);
    appendFileSync(c, callLines(42));
    expect((await build([a, b, c], out)).kept).toBe(AGAIN);
    await expectFresh([a, b, c], out);
  });

  it('reads every input again when one changed before its end, or its events do not check or were kept by another frame', async () => {
    const dir = tempDir();
    const trace = path.join(dir, 't.jsonl');
    writeFileSync(trace, runsLines(12));
    const out = path.join(dir, 'site');
    await build([trace], out);
    // An early line edited, the file's size kept: the stamp, read first (the site may be up to date), tells before the reading.
    writeFileSync(trace, readFileSync(trace, 'utf8').replace('answer 3', 'answer Y'));
    expect((await build([trace], out)).kept).toBeNull();
    await expectFresh([trace], out);
    // An early line edited (its size kept) and lines appended: the stamp's read finds the edit, after the reading took the kept events.
    writeFileSync(trace, readFileSync(trace, 'utf8').replace('answer 2', 'answer X') + callLines(13));
    expect((await build([trace], out)).kept).toBe(AGAIN);
    await expectFresh([trace], out);
    expect(readFileSync(path.join(out, 'calls.jsonl'), 'utf8')).toContain('answer X');
    // A byte of the kept events changed, in the first piece's bytes or in the header (last, before
    // its length and SHA-256): their SHA-256 tells, and nothing is kept.
    const file = path.join(out, EVENTS_FILE);
    const headerBytes = (b: Buffer) => b.readUInt32LE(b.length - 36);
    for (const at of [(_b: Buffer) => padded('trace-report events 2\n'.length) + 3, (b: Buffer) => b.length - 36 - (headerBytes(b) >> 1)]) {
      const bytes = readFileSync(file);
      bytes[at(bytes)]! ^= 1;
      writeFileSync(file, bytes);
      appendFileSync(trace, callLines(14));
      expect((await build([trace], out)).kept).toBeNull();
      await expectFresh([trace], out);
    }
    // Kept by a build with another price table: its frame is another.
    const pricesFile = path.join(dir, 'prices.json');
    writeFileSync(pricesFile, JSON.stringify({ date: '2026-01-15', models: { 'openai/acme-large-2025-01-01': { input: 1, output: 2, provider: 'Acme' } } }));
    const prices = await PriceTable.fromFile(pricesFile);
    appendFileSync(trace, callLines(15));
    expect((await build([trace], out, { prices })).kept).toBeNull();
    await expectFresh([trace], out, { prices });
    // Read in pieces of another size: kept by none.
    appendFileSync(trace, callLines(16));
    expect((await build([trace], out, { chunkBytes: 900 })).kept).toBeNull();
    await expectFresh([trace], out, { chunkBytes: 900 });
  });
});
