import { appendFileSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PriceTable } from '../src/prices/price-table.js';
import { sharedTextAt } from '../src/read/parallel/shared-texts.js';
import { buildSite, type BuildOptions } from '../src/site/build.js';
import { hashInputs, hashInputsOnThread, type InputRecord } from '../src/site/reuse/input-hashes.js';
import { FACTS_FILE } from '../src/site/reuse/facts-snapshot.js';
import { readReuseRecord, REUSE_FILE } from '../src/site/reuse/reuse-record.js';
import { MANIFEST_NAME } from '../src/site/write/manifest.js';
import { callLines, expectPagesMadeAgain, freshTree, runPageInodes, runPageOf, runsLines, tempDir, treeOf } from './helpers.js';

const sha = async (file: string) => (await hashInputs([{ path: file, name: 'f' }], []))[0]!.record;

describe('the record of an input, and what the next build keeps of it', () => {
  const at = (text: string | Buffer) => {
    const file = path.join(tempDir(), 'f.jsonl');
    writeFileSync(file, text);
    return file;
  };
  const again = async (file: string, old: InputRecord) => (await hashInputs([{ path: file, name: 'f' }], [old]))[0]!;

  it('counts lines and bytes, and tells whether a line feed ends the file', async () => {
    expect(await sha(at(''))).toMatchObject({ bytes: 0, lines: 0, endsWithNewline: true, gzip: false });
    expect(await sha(at('a\nb\n'))).toMatchObject({ bytes: 4, lines: 2, endsWithNewline: true });
    expect(await sha(at('a\nb'))).toMatchObject({ bytes: 3, lines: 2, endsWithNewline: false });
    expect(await sha(at('\n\n\n'))).toMatchObject({ lines: 3 });
    // Known hash of "a\n".
    expect((await sha(at('a\n'))).sha256).toBe('87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7');
    // A chunk of the read is 1 MiB: lines and the prefix's hash across chunks.
    const big = 'x'.repeat(999) + '\n';
    expect(await sha(at(big.repeat(3000)))).toMatchObject({ bytes: 3_000_000, lines: 3000 });
  });

  it('keeps the lines of a file that was only appended to, and of one unchanged', async () => {
    const file = at('one\ntwo\n');
    const old = await sha(file);
    expect((await again(file, old)).kept).toEqual({ lines: 2, sha256: old.sha256 });
    appendFileSync(file, 'three\n');
    const grown = await again(file, old);
    expect(grown.kept).toEqual({ lines: 2, sha256: old.sha256 });
    expect(grown.record.lines).toBe(3);
    // Appended to across the read's chunks.
    const big = at('y'.repeat(1_500_000) + '\n');
    const bigOld = await sha(big);
    appendFileSync(big, 'z'.repeat(1_200_000) + '\n');
    expect((await again(big, bigOld)).kept).toEqual({ lines: 1, sha256: bigOld.sha256 });
  });

  it('keeps nothing of a file changed before its end, cut short, or whose last line had no line feed', async () => {
    const file = at('one\ntwo\n');
    const old = await sha(file);
    writeFileSync(file, 'one\ntwO\nthree\n');
    expect((await again(file, old)).kept).toBeNull();
    writeFileSync(file, 'one\n');
    expect((await again(file, old)).kept).toBeNull();
    const open = at('one\ntw');
    const openOld = await sha(open);
    appendFileSync(open, 'o\n');
    expect((await again(open, openOld)).kept).toBeNull();
    // Another file's record (by name) is not this one's.
    expect((await hashInputs([{ path: file, name: 'g' }], [old]))[0]!.kept).toBeNull();
  });

  it('reads the same on a thread of its own (a large build\'s stamp), and says so when a file is not there', async () => {
    const file = at('one\ntwo\n');
    const old = await sha(file);
    appendFileSync(file, 'three\n');
    const gz = at(gzipSync('one\n'));
    const files = [
      { path: file, name: 'f' },
      { path: gz, name: 'g' },
    ];
    const here = await hashInputs(files, [old]);
    expect(here[0]!.kept).toEqual({ lines: 2, sha256: old.sha256 });
    expect(await hashInputsOnThread(files, [old])).toEqual(here);
    await expect(hashInputsOnThread([{ path: path.join(tempDir(), 'gone.jsonl'), name: 'gone' }], [])).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps a gzipped file only whole', async () => {
    const file = at(gzipSync('one\ntwo\n'));
    const old = await sha(file);
    expect(old.gzip).toBe(true);
    expect((await again(file, old)).kept).toEqual({ lines: old.lines, sha256: old.sha256 });
    appendFileSync(file, gzipSync('three\n'));
    expect((await again(file, old)).kept).toBeNull();
  });
});

describe('a large build after lines were appended to its input', () => {
  // Read on worker threads, as a large input is: the runs are kept as events and their pages written by other threads.
  const threads = { workers: 2, parallelFrom: 0 };
  /** A site built from `lines` (runs 1 to 12, a call each, unless given). */
  const setUp = async (lines = runsLines(12)) => {
    const dir = tempDir();
    const trace = path.join(dir, 't.jsonl');
    writeFileSync(trace, lines);
    const out = path.join(dir, 'site');
    await buildSite({ inputs: [trace], outDir: out, ...threads });
    return { dir, trace, out, before: runPageInodes(out) };
  };
  /** The site a build into a new folder writes, compared file by file (the manifest and record included). */
  const expectFresh = async (trace: string, out: string, extra: Partial<BuildOptions> = {}) => {
    expect(treeOf(out)).toEqual(await freshTree({ inputs: [trace], ...threads, ...extra }));
  };
  const record = (out: string) => readReuseRecord(path.join(out, REUSE_FILE));
  /** A page of the site edited by hand, its size kept: only a page made again (not kept by its key) loses the edit. */
  const editSameSize = (out: string, id: string) => {
    const page = path.join(out, 'runs', runPageOf(readdirSync(path.join(out, 'runs')), id));
    writeFileSync(page, readFileSync(page, 'utf8').replace('<!doctype html>', '<!DOCTYPE HTML>'));
    return page;
  };

  it('is skipped when nothing changed, and built again after an edit that kept the input’s size', async () => {
    // Inputs of the recorded sizes may be unchanged: the stamp is awaited before anything is read.
    // Of another size they cannot be, and the traces are read while the stamp is made.
    const { trace, out, before } = await setUp();
    expect((await buildSite({ inputs: [trace], outDir: out, ...threads })).upToDate).toBe(true);
    writeFileSync(trace, readFileSync(trace, 'utf8').replace('answer 7', 'answer X'));
    const edited = await buildSite({ inputs: [trace], outDir: out, ...threads });
    expect(edited.upToDate).toBeUndefined();
    expect(readFileSync(path.join(out, 'runs', runPageOf(before.keys(), 'run-07')), 'utf8')).toContain('answer X');
    await expectFresh(trace, out);
    expect((await buildSite({ inputs: [trace], outDir: out, ...threads })).upToDate).toBe(true);
  });

  it('keeps the right pages when the runs come in the file in another order than the list (by start)', async () => {
    // The keys are made in the order the runs first appear, on the exports' thread, and compared in list order.
    const { trace, out, before } = await setUp([7, 3, 11, 1, 9, 5, 12, 2, 10, 4, 8, 6].map((n) => callLines(n)).join(''));
    appendFileSync(trace, callLines(5, 30 * 60_000) + callLines(13));
    await buildSite({ inputs: [trace], outDir: out, ...threads });
    expectPagesMadeAgain(before, runPageInodes(out), ['run-05', 'run-12', 'run-13']);
    await expectFresh(trace, out);
  });

  it('keeps the pages of the runs after a new run that comes before them in the list', async () => {
    // Run 13 began between runs 6 and 7: runs 7 to 12 each move one place down the list (by start).
    const { trace, out, before } = await setUp();
    // Edited by hand, their sizes kept: a page kept by its key is not made again, and its edit stays.
    const moved = editSameSize(out, 'run-10');
    const edited = editSameSize(out, 'run-07');
    appendFileSync(trace, callLines(13, -6.5 * 3_600_000));
    await buildSite({ inputs: [trace], outDir: out, ...threads });
    // Made again: the new run, and the two it now stands between (their pages link to it).
    expectPagesMadeAgain(before, runPageInodes(out), ['run-06', 'run-07', 'run-13']);
    expect(readFileSync(moved, 'utf8')).toContain('<!DOCTYPE HTML>');
    expect(readFileSync(edited, 'utf8')).not.toContain('<!DOCTYPE HTML>');
    writeFileSync(moved, readFileSync(moved, 'utf8').replace('<!DOCTYPE HTML>', '<!doctype html>'));
    await expectFresh(trace, out);
  });

  it('keeps the pages of the runs read before, links them without making them, and equals a fresh build', async () => {
    const { trace, out, before } = await setUp();
    const first = record(out)!;
    expect(first.keys.length).toBe(12 * 16);
    expect(first.inputs).toEqual([expect.objectContaining({ name: trace, lines: 24, endsWithNewline: true })]);
    // Every run has a call: its rows end where the next begin, the last at the file's end.
    expect(first.callEnds.csv.length).toBe(12);
    expect(first.callEnds.csv[11]).toBe(lstatSync(path.join(out, 'calls.csv')).size);
    expect(first.callEnds.jsonl[11]).toBe(lstatSync(path.join(out, 'calls.jsonl')).size);
    // And each run's row of runs.csv, after its header.
    const runsCsv = readFileSync(path.join(out, 'runs.csv'), 'latin1');
    expect(first.runEnds.length).toBe(12);
    expect(first.runEnds[0]).toBe(runsCsv.indexOf('\r\nrun-02,') + 2);
    expect(first.runEnds[11]).toBe(runsCsv.length);
    expect(first.pageBytes[0]).toBe(lstatSync(path.join(out, 'runs', runPageOf(before.keys(), 'run-01'))).size);
    // And each run's id and page name, in the order the runs came in the input, for the next build to name them by.
    const recorded = first.names!;
    expect(Array.from({ length: 12 }, (_, i) => sharedTextAt(recorded.ids, i))).toEqual(Array.from({ length: 12 }, (_, i) => `run-${String(i + 1).padStart(2, '0')}`));
    expect(Array.from({ length: 12 }, (_, i) => sharedTextAt(recorded.names, i))).toEqual(Array.from({ length: 12 }, (_, i) => `runs/${runPageOf(before.keys(), `run-${String(i + 1).padStart(2, '0')}`)}`));

    // Run 5 gets one more call (later than its others), and a new run 13 comes after run 12.
    const folder = lstatSync(path.join(out, 'runs')).ino;
    appendFileSync(trace, callLines(5, 30 * 60_000) + callLines(13));
    const grown = await buildSite({ inputs: [trace], outDir: out, ...threads });
    expect(grown.summary.runs).toBe(13);
    expect(grown.kept).toBeUndefined();
    // The run pages' folder is carried over whole: the same folder, its kept pages never linked.
    expect(lstatSync(path.join(out, 'runs')).ino).toBe(folder);
    expect(lstatSync(path.join(out, 'runs', runPageOf(before.keys(), 'run-01'))).nlink).toBe(1);
    expect(readdirSync(path.dirname(out)).filter((n) => n.includes('trace-report'))).toEqual([]);
    const after = runPageInodes(out);
    // Changed: run 5 (a call more), run 12 (its "later run" is now run 13), and the new run 13.
    expectPagesMadeAgain(before, after, ['run-05', 'run-12', 'run-13']);
    await expectFresh(trace, out);
    // The record names the lines by the file as it is now (a fresh build's record, compared above): every key changed.
    const second = record(out)!;
    for (let i = 0; i < 12; i++) expect(second.keys.subarray(i * 16, (i + 1) * 16), `run ${i + 1}`).not.toEqual(first.keys.subarray(i * 16, (i + 1) * 16));

    // Appended to once more: the pages kept the first time are kept again.
    appendFileSync(trace, callLines(14));
    await buildSite({ inputs: [trace], outDir: out, ...threads });
    expect(runPageInodes(out).get(runPageOf(after.keys(), 'run-01'))).toBe(before.get(runPageOf(after.keys(), 'run-01')));
    await expectFresh(trace, out);
  });

  it('keeps the run list pages whose runs and links did not change, without making them, and equals a fresh build', async () => {
    // 705 runs: list pages 1 to 6 (100 runs each, from the oldest) and the index with the newest 105.
    const { trace, out } = await setUp(runsLines(705));
    const listPage = (n: number) => path.join(out, 'list', `page-${n}.html`);
    const first = record(out)!;
    expect(first.listKeys.length).toBe(6 * 16);
    expect([...first.listBytes]).toEqual([1, 2, 3, 4, 5, 6].map((n) => lstatSync(listPage(n)).size));
    const inodes = () => [1, 2, 3, 4, 5, 6, 7, 8].map((n) => (readdirSync(path.join(out, 'list')).includes(`page-${n}.html`) ? lstatSync(listPage(n)).ino : null));
    const before = inodes();
    // Page 3 edited by hand, its size kept: a page kept by its key and size is not read, and the edit stays (as on a run page).
    const edited = readFileSync(listPage(3), 'utf8').replace('<!doctype html>', '<!DOCTYPE HTML>');
    writeFileSync(listPage(3), edited);
    // 200 runs more (pages 7 and 8 are new, and pages 4 to 6 link to them), and run 5 (on page 1) a call more.
    appendFileSync(trace, callLines(5, 30 * 60_000) + Array.from({ length: 200 }, (_, i) => callLines(706 + i)).join(''));
    await buildSite({ inputs: [trace], outDir: out, ...threads });
    const after = inodes();
    expect(after[1]).toBe(before[1]);
    expect(after[2]).toBe(before[2]);
    expect(readFileSync(listPage(3), 'utf8')).toBe(edited);
    for (const n of [1, 4, 5, 6]) expect(after[n - 1], `page ${n}`).not.toBe(before[n - 1]);
    expect(after[6]).not.toBeNull();
    expect(after[7]).not.toBeNull();
    writeFileSync(listPage(3), edited.replace('<!DOCTYPE HTML>', '<!doctype html>'));
    await expectFresh(trace, out);

    // One run more: on the index, no new list page, so every list page is kept (by the keys made from the lines as the last build named them).
    const grown = inodes();
    appendFileSync(trace, callLines(906));
    await buildSite({ inputs: [trace], outDir: out, ...threads });
    const again = inodes();
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) expect(again[n - 1], `page ${n}`).toBe(grown[n - 1]);
    await expectFresh(trace, out);
  });

  it('begins runs.csv, the run list data and the exports of calls with the rows the previous build wrote for the runs before the first that changed', async () => {
    const { dir, trace, out } = await setUp();
    // A byte of run 1's first row changed by hand, its size kept: the rows are taken as written (by their record, not read).
    const editRow = (file: string) => {
      const text = readFileSync(file, 'latin1');
      const at = text.indexOf('\r\nrun-01,') + 2;
      expect(at).toBeGreaterThan(2);
      writeFileSync(file, `${text.slice(0, at)}RUN${text.slice(at + 3)}`, 'latin1');
    };
    const csv = path.join(out, 'calls.csv');
    const runsCsv = path.join(out, 'runs.csv');
    const data = path.join(out, 'assets', 'runs-data.js');
    editRow(csv);
    editRow(runsCsv);
    // And run 1's id in the run list's data (its first row).
    writeFileSync(data, readFileSync(data, 'latin1').replace('"run-01"', '"RUN-01"'), 'latin1');
    const begun = [csv, path.join(out, 'calls.jsonl'), runsCsv, data];
    const inodes = begun.map((f) => lstatSync(f).ino);
    appendFileSync(trace, callLines(13));
    await buildSite({ inputs: [trace], outDir: out, ...threads });
    // Each is the earlier file, finished at the swap with the new rows (append-over.ts), not a copy.
    expect(begun.map((f) => lstatSync(f).ino)).toEqual(inodes);
    expect(readFileSync(csv, 'latin1')).toContain('\r\nRUN-01,');
    expect(readFileSync(runsCsv, 'latin1')).toContain('\r\nRUN-01,');
    expect(readFileSync(data, 'latin1')).toContain('"RUN-01"');
    // The rows of the new run follow the kept ones: everything after the changed byte is a fresh build's.
    const fresh = path.join(dir, 'fresh');
    await buildSite({ inputs: [trace], outDir: fresh, ...threads });
    expect(readFileSync(csv, 'latin1').replace('\r\nRUN-01,', '\r\nrun-01,')).toBe(readFileSync(path.join(fresh, 'calls.csv'), 'latin1'));
    expect(readFileSync(runsCsv, 'latin1').replace('\r\nRUN-01,', '\r\nrun-01,')).toBe(readFileSync(path.join(fresh, 'runs.csv'), 'latin1'));
    expect(readFileSync(path.join(out, 'calls.jsonl'), 'utf8')).toBe(readFileSync(path.join(fresh, 'calls.jsonl'), 'utf8'));
    const dataText = readFileSync(data, 'latin1');
    expect(dataText.replace('"RUN-01"', '"run-01"')).toBe(readFileSync(path.join(fresh, 'assets', 'runs-data.js'), 'latin1'));
    // The record's ends are the new file's: the next build begins with them in turn.
    const { runEnds: ends, dataEnds, dataBytes } = record(out)!;
    expect(ends.length).toBe(13);
    expect(ends[12]).toBe(lstatSync(runsCsv).size);
    expect(ends[11]).toBe(readFileSync(runsCsv, 'latin1').indexOf('\r\nrun-13,') + 2);
    // Run 13's row begins after run 12's, with its comma, and the lists follow the last row.
    expect(dataEnds.length).toBe(13);
    expect(dataText.slice(dataEnds[11], dataEnds[11]! + 9)).toBe(',["runs/r');
    expect(dataText.slice(dataEnds[11], dataEnds[12])).toContain('"run-13"');
    expect(dataText.slice(dataEnds[12]).startsWith('],"order":[12,11,')).toBe(true);
    expect(dataBytes).toBe(lstatSync(data).size);
  });

  it('writes again an export or a page whose size changed since, and a page that became a link', async () => {
    const { dir, trace, out, before } = await setUp();
    const names = [...before.keys()];
    appendFileSync(path.join(out, 'calls.csv'), 'more\r\n');
    writeFileSync(path.join(out, 'calls.jsonl'), '');
    appendFileSync(path.join(out, 'runs.csv'), 'more\r\n');
    appendFileSync(path.join(out, 'assets', 'runs-data.js'), '// more\n');
    writeFileSync(path.join(out, 'runs', runPageOf(names, 'run-02')), 'edited by hand');
    // Run 4's page a link to a file outside with the same bytes.
    const linked = path.join(out, 'runs', runPageOf(names, 'run-04'));
    const outside = path.join(dir, 'outside.html');
    writeFileSync(outside, readFileSync(linked));
    rmSync(linked);
    symlinkSync(outside, linked);
    appendFileSync(trace, callLines(13));
    await buildSite({ inputs: [trace], outDir: out, ...threads });
    const after = runPageInodes(out);
    expect(after.get(runPageOf(names, 'run-02'))).not.toBe(before.get(runPageOf(names, 'run-02')));
    expect(lstatSync(linked).isFile()).toBe(true);
    expect(lstatSync(linked).ino).not.toBe(lstatSync(outside).ino);
    expect(after.get(runPageOf(names, 'run-03'))).toBe(before.get(runPageOf(names, 'run-03')));
    await expectFresh(trace, out);
  });

  it('copies the kept rows of an export that has another name (a backup made with ln), which stays as it was', async () => {
    const { dir, trace, out } = await setUp();
    const csv = path.join(out, 'calls.csv');
    const jsonl = path.join(out, 'calls.jsonl');
    const backup = path.join(dir, 'calls-backup.csv');
    linkSync(csv, backup);
    const [before, jsonlIno] = [readFileSync(csv), lstatSync(jsonl).ino];
    appendFileSync(trace, callLines(13));
    await buildSite({ inputs: [trace], outDir: out, ...threads });
    expect(readFileSync(backup)).toEqual(before);
    expect(lstatSync(backup).nlink).toBe(1);
    // Both exports are then written whole: the other one too is a new file.
    expect(lstatSync(csv).ino).not.toBe(lstatSync(backup).ino);
    expect(lstatSync(jsonl).ino).not.toBe(jsonlIno);
    expect(readFileSync(csv).subarray(0, before.length - 200)).toEqual(before.subarray(0, before.length - 200));
    await expectFresh(trace, out);
  });

  it('keeps a page by its key and size, without reading it: an edit of the same size stays', async () => {
    const { trace, out } = await setUp();
    const page = editSameSize(out, 'run-01');
    const edited = readFileSync(page, 'utf8');
    expect(edited).toContain('<!DOCTYPE HTML>');
    appendFileSync(trace, callLines(13));
    await buildSite({ inputs: [trace], outDir: out, ...threads });
    expect(readFileSync(page, 'utf8')).toBe(edited);
  });

  it('keeps no page when a line before the end changed, or the record is not one a build wrote', async () => {
    const { trace, out } = await setUp();
    const page = editSameSize(out, 'run-01');
    writeFileSync(trace, readFileSync(trace, 'utf8').replace('question 3', 'question X') + callLines(13));
    await buildSite({ inputs: [trace], outDir: out, ...threads });
    expect(readFileSync(page, 'utf8')).toContain('<!doctype html>');
    await expectFresh(trace, out);

    // The record cut short: it is refused, and the site built whole.
    const file = path.join(out, REUSE_FILE);
    writeFileSync(file, readFileSync(file).subarray(0, -8));
    expect(record(out)).toBeNull();
    editSameSize(out, 'run-01');
    appendFileSync(trace, callLines(14));
    await buildSite({ inputs: [trace], outDir: out, ...threads });
    expect(readFileSync(page, 'utf8')).toContain('<!doctype html>');
    await expectFresh(trace, out);
  });

  it('makes every page again when the same lines come from a file of another name (a page names its files)', async () => {
    const { dir, trace, out } = await setUp();
    const page = editSameSize(out, 'run-01');
    const renamed = path.join(dir, 'renamed.jsonl');
    writeFileSync(renamed, readFileSync(trace));
    await buildSite({ inputs: [renamed], outDir: out, ...threads });
    expect(readFileSync(page, 'utf8')).toContain('<!doctype html>');
    expect(readFileSync(page, 'utf8')).toContain('renamed.jsonl');
    await expectFresh(renamed, out);
  });

  it('keeps no page when the price table is another (a page shows the costs it gives)', async () => {
    const { dir, trace, out } = await setUp();
    const page = editSameSize(out, 'run-01');
    const pricesFile = path.join(dir, 'prices.json');
    // Only an unused model differs: the costs shown are the same, but the table is another.
    writeFileSync(pricesFile, JSON.stringify({ date: '2026-01-15', models: { 'openai/acme-large-2025-01-01': { input: 1, output: 2, provider: 'Acme' } } }));
    const prices = await PriceTable.fromFile(pricesFile);
    await buildSite({ inputs: [trace], outDir: out, prices, ...threads });
    expect(readFileSync(page, 'utf8')).toContain('<!doctype html>');
    await expectFresh(trace, out, { prices });
  });

  it('keeps pages in a site rebuilt in place (a folder with other files), and writes its exports whole', async () => {
    const dir = tempDir();
    const trace = path.join(dir, 't.jsonl');
    writeFileSync(trace, runsLines(12));
    const out = path.join(dir, 'site');
    mkdirSync(out);
    writeFileSync(path.join(out, 'notes.txt'), 'mine');
    await buildSite({ inputs: [trace], outDir: out, force: true, ...threads });
    const page = editSameSize(out, 'run-01');
    appendFileSync(trace, callLines(13));
    await buildSite({ inputs: [trace], outDir: out, force: true, ...threads });
    // Kept where it is, unread: the edit of the same size stays.
    expect(readFileSync(page, 'utf8')).toContain('<!DOCTYPE HTML>');
    writeFileSync(page, readFileSync(page, 'utf8').replace('<!DOCTYPE HTML>', '<!doctype html>'));
    const tree = treeOf(out);
    expect(tree['notes.txt']).toBe('mine');
    delete tree['notes.txt'];
    const inPlace = JSON.parse(tree[MANIFEST_NAME]!) as { inPlace: boolean };
    expect(inPlace.inPlace).toBe(true);
    const fresh = await freshTree({ inputs: [trace], ...threads });
    delete tree[MANIFEST_NAME];
    delete fresh[MANIFEST_NAME];
    expect(tree).toEqual(fresh);
  });

  /** A site built from two inputs: runs 1-3 in a.jsonl, runs 4-6 in b.jsonl. */
  const twoInputs = async () => {
    const dir = tempDir();
    const [a, b] = [path.join(dir, 'a.jsonl'), path.join(dir, 'b.jsonl')];
    writeFileSync(a, [1, 2, 3].map((n) => callLines(n)).join(''));
    writeFileSync(b, [4, 5, 6].map((n) => callLines(n)).join(''));
    const out = path.join(dir, 'site');
    await buildSite({ inputs: [a, b], outDir: out, ...threads });
    return { dir, a, b, out, before: runPageInodes(out) };
  };

  it('carries the pages of the runs still there over, and removes those of the runs that are gone', async () => {
    const { dir, a, out, before } = await twoInputs();
    const folder = lstatSync(path.join(out, 'runs')).ino;
    // Run 1's page edited by hand to another size: made again, not carried.
    appendFileSync(path.join(out, 'runs', runPageOf(before.keys(), 'run-01')), '<!-- mine -->');
    // b is left out: its runs' pages go; run 3's page no longer links to run 4 and is made again.
    await buildSite({ inputs: [a], outDir: out, ...threads });
    const after = runPageInodes(out);
    const page = (n: number) => runPageOf(before.keys(), `run-0${n}`);
    expect([...after.keys()].sort()).toEqual([1, 2, 3].map(page).sort());
    expect(after.get(page(2))).toBe(before.get(page(2)));
    for (const n of [1, 3]) expect(after.get(page(n)), `run ${n}`).not.toBe(before.get(page(n)));
    expect(lstatSync(path.join(out, 'runs')).ino).toBe(folder);
    expect(readdirSync(dir).sort()).toEqual(['a.jsonl', 'b.jsonl', 'site']);
    expect(treeOf(out)).toEqual(await freshTree({ inputs: [a], ...threads }));
  });

  it('keeps the pages of runs read from an input that did not change beside one that did', async () => {
    const { a, b, out, before } = await twoInputs();
    // Edited by hand, sizes kept: a page kept by its key keeps the edit, a page made again loses it.
    const pages = Object.fromEntries([1, 2, 3, 4].map((n) => [n, editSameSize(out, `run-0${n}`)]));
    // b rewritten: its runs change. a's stay, but run 3's page links to run 4, which changed: made again too.
    writeFileSync(b, [4, 5, 6].map((n) => callLines(n, 30 * 60_000)).join(''));
    await buildSite({ inputs: [a, b], outDir: out, ...threads });
    const after = runPageInodes(out);
    const names = [...after.keys()];
    for (const n of [1, 2]) {
      expect(after.get(runPageOf(names, `run-0${n}`))).toBe(before.get(runPageOf(names, `run-0${n}`)));
      expect(readFileSync(pages[n]!, 'utf8'), `run ${n}`).toContain('<!DOCTYPE HTML>');
    }
    for (const n of [3, 4]) expect(readFileSync(pages[n]!, 'utf8'), `run ${n}`).toContain('<!doctype html>');
    for (const n of [1, 2]) writeFileSync(pages[n]!, readFileSync(pages[n]!, 'utf8').replace('<!DOCTYPE HTML>', '<!doctype html>'));
    expect(treeOf(out)).toEqual(await freshTree({ inputs: [a, b], ...threads }));
  });
});

describe('the facts a large build keeps for the next (facts-snapshot.ts)', () => {
  const threads = { workers: 2, parallelFrom: 0 };
  const line = (o: object) => `${JSON.stringify(o)}\n`;
  /**
   * Run `n`, begun 90 minutes after run n - 1 (runs 1 to 130 span 8 days, so the 7-day window
   * leaves out the first): calls of several workflows, agents and models, some priced by the
   * trace, some by the price table, some unpriced, some failed; run 3 has 20,050 calls when `big`
   * (its page comes in parts).
   */
  const runLines = (n: number, big: boolean): string => {
    const id = `run-${String(n).padStart(3, '0')}`;
    const calls = n === 3 && big ? 20_050 : 1 + (n % 4);
    const base = { run_id: id, workflow: `flow-${n % 3}`, agent_name: `agent-${n % 2}` };
    let out = '';
    for (let c = 0; c < calls; c++) {
      const start = Date.UTC(2026, 0, 1, 0, 0, 0) + n * 5_400_000 + c * 1_000;
      const model = ['gpt-4o', 'gpt-4o-mini', 'mystery-model'][(n + c) % 3];
      out += line({ event_type: 'llm_call_start', ...base, model, timestamp: new Date(start).toISOString() });
      const end = { ...base, model, input_tokens: 100 + n + c, output_tokens: 10 + (c % 7), duration_ms: 200 + ((n * 37 + c * 11) % 5_000), timestamp: new Date(start + 800).toISOString() };
      if ((n + c) % 11 === 0) out += line({ event_type: 'llm_call_error', ...end, error: `timeout ${n}` });
      else if ((n + c) % 5 === 0) out += line({ event_type: 'llm_call_end', ...end, cost_estimate: 0.0001 * ((n % 9) + 1) });
      else out += line({ event_type: 'llm_call_end', ...end });
    }
    return out;
  };
  const runs = (from: number, to: number, big = false) => Array.from({ length: to - from + 1 }, (_, i) => runLines(from + i, big)).join('');
  /** A build that notes what it says it did: the messages of the facts kept and of the window's facts kept. */
  const builds = async (inputs: string[], outDir: string) => {
    const said: string[] = [];
    await buildSite({ inputs, outDir, ...threads, onProgress: (m) => said.push(m) });
    return said.filter((m) => m.startsWith('summarised') || m.startsWith('the 7-day window'));
  };
  /** The message of the facts kept, or null. */
  const build = async (inputs: string[], outDir: string) => (await builds(inputs, outDir)).find((m) => m.startsWith('summarised')) ?? null;

  it('goes on from the facts of every run before the last 64th of the previous build, and equals a fresh build', async () => {
    const dir = tempDir();
    const trace = path.join(dir, 't.jsonl');
    // The window (from 2026-01-03, 7 days to 2026-01-09) cuts run 31, begun the day before, to its last call.
    writeFileSync(trace, runs(1, 130, true) + line({ event_type: 'llm_call_start', run_id: 'run-031', model: 'gpt-4o', timestamp: '2026-01-03T01:00:00Z' }));
    const out = path.join(dir, 'site');
    expect(await builds([trace], out)).toEqual([]);
    // The snapshot is a file of the site, listed with the others.
    expect(JSON.parse(readFileSync(path.join(out, MANIFEST_NAME), 'utf8')).files).toContain(FACTS_FILE);
    // Taken before run 128 (130 less a 64th, rounded up): the runs after it may still grow. The
    // window begins the same day: its facts of those runs are kept too.
    appendFileSync(trace, runs(131, 134));
    expect(await builds([trace], out)).toEqual(['summarised 7 runs, the facts of 127 kept from the previous build', 'the 7-day window: the facts of 127 runs kept from the previous build']);
    expect(treeOf(out)).toEqual(await freshTree({ inputs: [trace], ...threads }));
    // And from this build's, taken before run 132.
    appendFileSync(trace, runs(135, 135) + line({ event_type: 'llm_call_start', run_id: 'run-134', model: 'gpt-4o', timestamp: '2026-01-07T00:00:00Z' }));
    expect(await builds([trace], out)).toEqual(['summarised 4 runs, the facts of 131 kept from the previous build', 'the 7-day window: the facts of 131 runs kept from the previous build']);
    expect(treeOf(out)).toEqual(await freshTree({ inputs: [trace], ...threads }));
    // A day later the window begins a day later: the runs are read again for it, not for the rest.
    appendFileSync(trace, runs(136, 150));
    expect(await builds([trace], out)).toEqual(['summarised 18 runs, the facts of 132 kept from the previous build']);
    expect(treeOf(out)).toEqual(await freshTree({ inputs: [trace], ...threads }));
  });

  it('gathers every run again when a run before that point got lines, its snapshot is not whole, or another input comes first', async () => {
    const dir = tempDir();
    const trace = path.join(dir, 't.jsonl');
    writeFileSync(trace, runs(1, 130));
    const out = path.join(dir, 'site');
    await build([trace], out);
    // Run 5 gets a call more.
    appendFileSync(trace, runs(131, 131) + line({ event_type: 'llm_call_start', run_id: 'run-005', model: 'gpt-4o', timestamp: '2026-01-09T00:00:00Z' }));
    expect(await build([trace], out)).toBeNull();
    expect(treeOf(out)).toEqual(await freshTree({ inputs: [trace], ...threads }));
    // A byte of the snapshot's numbers changed (its SHA-256 tells).
    const file = path.join(out, FACTS_FILE);
    const bytes = readFileSync(file);
    bytes[bytes.length - 100]! ^= 1;
    writeFileSync(file, bytes);
    appendFileSync(trace, runs(132, 132));
    expect(await build([trace], out)).toBeNull();
    expect(treeOf(out)).toEqual(await freshTree({ inputs: [trace], ...threads }));
    // Two inputs: lines appended to the first come before the second's, so every run of the second moved.
    const a = path.join(dir, 'a.jsonl');
    const b = path.join(dir, 'b.jsonl');
    writeFileSync(a, runs(1, 70));
    writeFileSync(b, runs(71, 130));
    const two = path.join(dir, 'two');
    await build([a, b], two);
    appendFileSync(a, runs(131, 132));
    expect(await build([a, b], two)).toBeNull();
    expect(treeOf(two)).toEqual(await freshTree({ inputs: [a, b], ...threads }));
    // Appended to the last input, the runs of both before the point are kept.
    appendFileSync(b, runs(133, 133));
    expect(await build([a, b], two)).toBe('summarised 4 runs, the facts of 129 kept from the previous build');
    expect(treeOf(two)).toEqual(await freshTree({ inputs: [a, b], ...threads }));
  });
});
