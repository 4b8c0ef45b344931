import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OutputError } from '../src/errors.js';
import { nameAt, runFileNames, runFileNamesAfter, safeSegment, type EarlierNames, type RunPageNames } from '../src/site/file-names.js';
import { sharedTexts } from '../src/read/parallel/shared-texts.js';
import type { SiteFile } from '../src/site/write/site-file.js';
import { appendOver, mayAppendOver, MOST_CUT } from '../src/site/write/append-over.js';
import { carryable, carryOver, listedFolder } from '../src/site/write/carry-over.js';
import { nativeCarryCheck } from '../src/normalise/native-scan.js';
import { writeSite } from '../src/site/write/write-site.js';
import { resolveInside, sitePathProblem } from '../src/site/write/site-path.js';
import { tempDir } from './helpers.js';

/** Every file under `dir`: relative path → content (`-> target` for a link). */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(path.join(dir, r));
      if (st.isSymbolicLink()) out[r] = `-> ${readlinkSync(path.join(dir, r))}`;
      else if (st.isDirectory()) walk(r);
      else out[r] = readFileSync(path.join(dir, r), 'utf8');
    }
  };
  walk('');
  return out;
}

const files = (o: Record<string, string>): SiteFile[] => Object.entries(o).map(([p, content]) => ({ path: p, content }));
const MANIFEST = '.trace-report-site.json';
const manifestFiles = (dir: string): string[] => (JSON.parse(readFileSync(path.join(dir, MANIFEST), 'utf8')) as { files: string[] }).files;
const withoutManifest = (t: Record<string, string>) => Object.fromEntries(Object.entries(t).filter(([k]) => k !== MANIFEST));

const SITE_1 = { 'index.html': 'one', 'runs/a.html': 'A1', 'runs/b.html': 'B1', 'assets/x.css': 'css' };
const SITE_2 = { 'index.html': 'two', 'runs/a.html': 'A2' };

function setup() {
  const root = tempDir('trace-report-write-');
  return { root, out: path.join(root, 'site'), opts: { cwd: root, version: '9.9.9' } };
}

describe('run file names', () => {
  const tricky = [
    '../x', '..', '.', '.hidden', 'CON', 'con', 'nul.txt', 'COM1', 'lpt9', 'a/b', 'a\\b', 'A', 'a', 'a.', 'a..b', 'a-b', 'a_b', 'a b', 'a:b',
    'run-9', 'Run-9', 'run 9', 'run_9', 'run.9', '🙂', '🙂🙂', '', ' ', 'café', 'cafe', 'CAFÉ', '\u0000', 'x'.repeat(500), 'y'.repeat(499) + 'Y',
    '<script>alert(1)</script>', "=cmd|' /C calc'!A0", 'a'.repeat(60) + '-', '-leading', '_under', 'ümlaut/../../etc/passwd',
  ];
  const all = runFileNames(tricky);

  it('gives every id a safe, short, lowercase name under runs/', () => {
    expect(all.size).toBe(tricky.length);
    for (const id of tricky) {
      const name = all.get(id)!;
      expect(name, id).toMatch(/^runs\/[a-z0-9_][a-z0-9._-]*-[0-9a-f]{8}\.html$/);
      expect(name.length, id).toBeLessThanOrEqual(80);
      expect(name, id).not.toContain('..');
      const stem = path.posix.basename(name).split('.')[0]!;
      expect(stem, id).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)$/);
    }
  });

  it('gives different ids different names, even ignoring case', () => {
    const lower = new Set(tricky.map((id) => all.get(id)!.toLowerCase()));
    expect(lower.size).toBe(tricky.length);
  });

  it('keeps the names as bytes in shared memory, numbered as the ids came', () => {
    expect(all.list.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(all.list.ends.buffer).toBeInstanceOf(SharedArrayBuffer);
    tricky.forEach((id, i) => {
      expect(all.numberOf(id)).toBe(i);
      expect(nameAt(all.list, i)).toBe(all.get(id));
    });
    expect(all.list.ends[tricky.length - 1]).toBe(all.list.bytes.length);
    const repeated = runFileNames(['b', 'a', 'b', 'c']);
    expect(repeated.size).toBe(3);
    expect(['a', 'b', 'c'].map((id) => repeated.numberOf(id))).toEqual([1, 0, 2]);
    expect(nameAt(repeated.list, 2)).toBe(repeated.get('c'));
    expect(() => nameAt(repeated.list, 3)).toThrow(/no string number 3 in a list of 3/);
    expect(() => nameAt(repeated.list, -1)).toThrow(/no string number -1/);
    expect(repeated.get('d')).toBeUndefined();
    const none = runFileNames([]);
    expect(none.size).toBe(0);
    expect(none.list.bytes.length).toBe(0);
  });

  it('gives an id the same name whatever the other ids and their order', () => {
    const reversed = runFileNames([...tricky].reverse());
    for (const id of tricky) {
      expect(reversed.get(id)).toBe(all.get(id));
      expect(runFileNames([id]).get(id)).toBe(all.get(id));
      expect(runFileNames([id, id, 'other']).get(id)).toBe(all.get(id));
    }
  });

  describe('given the names an earlier build gave its runs (runFileNamesAfter)', () => {
    const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `run-${from + i}`);
    const earlierOf = (list: string[]): EarlierNames => ({ ids: sharedTexts(list), names: runFileNames(list).list });
    const names = (n: RunPageNames) => Array.from({ length: n.size }, (_, i) => nameAt(n.list, i));
    const after = (list: string[], earlier: EarlierNames | null) => runFileNamesAfter(list, sharedTexts(list), earlier);

    it('names the runs after them, and gives what runFileNames gives', () => {
      // (tricky holds run-9: these begin at run-100.)
      const now = [...ids(300, 100), ...tricky, ...ids(20, 1000)];
      const made = after(now, earlierOf(ids(300, 100)));
      expect(names(made)).toEqual(names(runFileNames(now)));
      expect(now.map((id) => made.numberOf(id))).toEqual(now.map((_, i) => i));
      expect(made.list.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(made.list.ends[now.length - 1]).toBe(made.list.bytes.length);
      // Every earlier id, and nothing after.
      expect(names(after(ids(300), earlierOf(ids(300))))).toEqual(names(runFileNames(ids(300))));
    });

    it('takes the earlier names as they are, checking only a few', () => {
      // Name 1 of the earlier build is not its id's (an edited record, say): the names are the
      // build's own record, as its keys and page sizes are, and only the first, middle and last are made again.
      const earlier = ids(5);
      const planted = earlierOf(earlier);
      const list = names(runFileNames(earlier));
      list[1] = 'runs/elsewhere-0badc0de.html';
      planted.names = sharedTexts(list);
      const made = after([...earlier, 'run-new'], planted);
      expect(made.get('run-1')).toBe('runs/elsewhere-0badc0de.html');
      expect(made.get('run-new')).toBe(runFileNames(['run-new']).get('run-new'));
      // The middle one made again differs: all are named again.
      list[2] = 'runs/elsewhere-0badc0de.html';
      planted.names = sharedTexts(list);
      expect(after([...earlier, 'run-new'], planted).get('run-1')).toBe(runFileNames(['run-1']).get('run-1'));
    });

    it('names them all again when the earlier ids are not the first, an earlier name is not its id’s first, or a new name shares a hash', () => {
      const expectAll = (now: string[], earlier: EarlierNames | null) => expect(names(after(now, earlier))).toEqual(names(runFileNames(now)));
      // Other ids first, fewer ids than before, another order, no earlier names.
      expectAll(['run-x', ...ids(10)], earlierOf(ids(10)));
      expectAll(ids(5), earlierOf(ids(10)));
      expectAll([...ids(10)].reverse(), earlierOf(ids(10)));
      expectAll(ids(10), null);
      // An id given twice.
      expectAll([...ids(10), 'run-3'], earlierOf(ids(10)));
      // An earlier name with a longer hash (a clash in that build).
      const longer = earlierOf(ids(3));
      longer.names = sharedTexts(['runs/run-0-' + createHash('sha256').update('run-0').digest('hex').slice(0, 16) + '.html', ...names(runFileNames(ids(3))).slice(1)]);
      expectAll([...ids(3), 'run-9'], longer);
      // A new name whose hash an earlier name has: the earlier list says so for run-0's place.
      const shared = earlierOf(ids(3));
      const newHash = createHash('sha256').update('run-new').digest('hex').slice(0, 8);
      const list = names(runFileNames(ids(3)));
      list[1] = `runs/run-1-${newHash}.html`;
      shared.names = sharedTexts(list);
      const made = after([...ids(3), 'run-new'], shared);
      expect(names(made)).toEqual(names(runFileNames([...ids(3), 'run-new'])));
    });
  });

  it('is a readable slug plus the first 8 hex digits of the id’s SHA-256', () => {
    expect(createHash('sha256').update('run-9').digest('hex').slice(0, 8)).toBe('c1cf9557');
    expect(runFileNames(['run-9']).get('run-9')).toBe('runs/run-9-c1cf9557.html');
    expect(all.get('A')).toBe(`runs/a-${createHash('sha256').update('A').digest('hex').slice(0, 8)}.html`);
    expect(all.get('🙂')).toMatch(/^runs\/run-[0-9a-f]{8}\.html$/);
    expect(all.get('../x')).toMatch(/^runs\/x-[0-9a-f]{8}\.html$/);
  });

  it('lengthens the hash of exactly the ids whose names clash', () => {
    // Found by search: both slug to 22 × `a` and their SHA-256 share the first 8 hex digits.
    const p = 'aaAaaaAaaAAaaaaAAaaaaa';
    const q = 'AAAAAAaaAAaaAaaAAaaaaa';
    const names = runFileNames([q, 'run-9', p]);
    expect(names.get(p)).toBe(`runs/${'a'.repeat(22)}-cfe37a9e45e5d026.html`);
    expect(names.get(q)).toBe(`runs/${'a'.repeat(22)}-cfe37a9e4dfda047.html`);
    expect(names.get('run-9')).toBe('runs/run-9-c1cf9557.html');
    expect(runFileNames([p]).get(p)).toBe(`runs/${'a'.repeat(22)}-cfe37a9e.html`);
  });

  it('safeSegment folds, trims and avoids reserved names', () => {
    expect(safeSegment('CON')).toBe('_con');
    expect(safeSegment('aux.html')).toBe('_aux.html');
    expect(safeSegment('../x')).toBe('x');
    expect(safeSegment('.hidden')).toBe('hidden');
    expect(safeSegment('Café Noir')).toBe('cafe-noir');
    expect(safeSegment('a...b')).toBe('a.b');
    expect(safeSegment('🙂')).toBe('run');
    expect(safeSegment('x'.repeat(100), 10)).toBe('x'.repeat(10));
  });
});

describe('writeSite: paths', () => {
  const bad = ['../x', '/etc/passwd', 'a/../../x', 'x/..', 'a\\b', 'a\u0000b', '', 'a//b', './a', 'a/', 'C:/x', 'a:b', 'nul\u0001', 'dot.', MANIFEST];

  it.each(bad)('rejects %j and leaves nothing behind', async (p) => {
    const { root, out, opts } = setup();
    await expect(writeSite(out, [{ path: 'ok.html', content: 'x' }, { path: p, content: 'evil' }], opts)).rejects.toThrow();
    expect(readdirSync(root)).toEqual([]);
  });

  it('rejects two paths that differ only in case (one file on macOS and Windows)', async () => {
    const { root, out, opts } = setup();
    await expect(writeSite(out, files({ 'A.html': '1', 'a.html': '2' }), opts)).rejects.toThrow(/twice/);
    expect(readdirSync(root)).toEqual([]);
  });

  it('a path-check failure is a programming error, not an OutputError', async () => {
    const { out, opts } = setup();
    const err = await writeSite(out, files({ '../x': '' }), opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(OutputError);
  });
});

describe('site paths: the check and the join', () => {
  /** The rules spelled out, segment by segment: what the one-pass check must agree with. */
  const faulty = (p: string): boolean =>
    p === '' || p.startsWith('/') || /[\u0000-\u001f\u007f\\:<>"|?*]/.test(p) || p.split('/').some((seg) => seg === '' || seg.endsWith('.') || seg.endsWith(' '));

  it('finds each fault, with its reason', () => {
    expect(sitePathProblem('runs/a b.html')).toBeNull();
    expect(sitePathProblem('.trace-report-site.json')).toBeNull();
    expect(sitePathProblem('a/.b/c.html')).toBeNull();
    expect(sitePathProblem('')).toBe('is empty');
    expect(sitePathProblem('/a')).toBe('is absolute');
    expect(sitePathProblem('a\\b')).toMatch(/backslash/);
    expect(sitePathProblem('a//b')).toBe('has an empty segment');
    expect(sitePathProblem('a/')).toBe('has an empty segment');
    expect(sitePathProblem('a/../b')).toBe('has a ".." segment');
    expect(sitePathProblem('./a')).toBe('has a "." segment');
    expect(sitePathProblem('a/b./c')).toBe('has a segment ending in a dot or space');
    expect(sitePathProblem('a /c')).toBe('has a segment ending in a dot or space');
    expect(sitePathProblem('a.')).toBe('has a segment ending in a dot or space');
  });

  it('agrees with the rules spelled out on every path of up to 5 awkward pieces', () => {
    const pieces = ['a', '.', '..', ' ', '/', '\\', ':', 'b.c', '\u0001', 'é'];
    let checked = 0;
    const walk = (p: string, depth: number): void => {
      expect(sitePathProblem(p) !== null, JSON.stringify(p)).toBe(faulty(p));
      checked++;
      if (depth < 5) for (const piece of pieces) walk(p + piece, depth + 1);
    };
    walk('', 0);
    expect(checked).toBe(111_111);
  });

  it('joins a safe path to a root as path.resolve does, however the root is written', () => {
    for (const root of ['/tmp/site', '/tmp/site/', '/tmp/./x/../site', '/', 'site', '../site']) {
      for (const p of ['index.html', 'runs/a b.html', 'a/.b/c']) expect(resolveInside(root, p)).toBe(path.resolve(root, p));
    }
    expect(() => resolveInside('/tmp/site', 'a/../../x')).toThrow(/unsafe site file path/);
  });
});

describe('writeSite: a new site', () => {
  it('creates the folder (and its parents), writes the files and a sorted manifest without timestamps', async () => {
    const { root, opts } = setup();
    const out = path.join(root, 'deep', 'er', 'site');
    const result = await writeSite(out, [...files({ 'runs/b.html': 'héllo', 'index.html': 'x' }), { path: 'img/p.bin', content: new Uint8Array([1, 2, 3]) }], opts);
    expect(result).toEqual({ files: 3, bytes: 6 + 1 + 3, dir: out, mode: 'swap' });
    expect(Object.keys(tree(out))).toEqual([MANIFEST, 'img/p.bin', 'index.html', 'runs/b.html']);
    expect(readFileSync(path.join(out, MANIFEST), 'utf8')).toBe(
      '{\n  "about": "Written by trace-report. A rebuild replaces the files listed here and keeps any other file.",\n' +
        '  "tool": "trace-report",\n  "version": "9.9.9",\n  "inPlace": false,\n' +
        '  "files": [\n    "img/p.bin",\n    "index.html",\n    "runs/b.html"\n  ]\n}\n',
    );
    expect(readdirSync(path.dirname(out))).toEqual(['site']);
  });

  it('writes streamed content whole, in pieces of any size and any characters', async () => {
    // Pieces gather into writes of about a megabyte: empty ones, ones that fill it to the byte,
    // one larger than it, characters of two, three and four bytes, and a lone surrogate (U+FFFD).
    const mega = 1 << 20;
    const pieces = ['', 'head\r\n', 'a'.repeat(mega - 6), 'bc', '', 'é'.repeat(200_000), '€'.repeat(350_000), '😀'.repeat(100_000), 'x'.repeat(3 * mega), 'lone \ud800 end', 'z'];
    const { root, opts } = setup();
    const out = path.join(root, 'streamed');
    const result = await writeSite(out, [{ path: 'data.txt', content: { chunks: () => pieces } }, ...files({ 'index.html': 'x' })], opts);
    const expected = Buffer.from(pieces.join(''), 'utf8');
    expect(readFileSync(path.join(out, 'data.txt')).equals(expected)).toBe(true);
    expect(result.bytes).toBe(expected.length + 1);
  });

  it('takes an existing empty folder', async () => {
    const { root, out, opts } = setup();
    mkdirSync(out);
    await writeSite(out, files(SITE_2), opts);
    expect(withoutManifest(tree(out))).toEqual(SITE_2);
    expect(readdirSync(root)).toEqual(['site']);
  });

  it('reads its version from package.json when none is given', async () => {
    const { out, root } = setup();
    await writeSite(out, files(SITE_2), { cwd: root });
    const pkg = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect((JSON.parse(readFileSync(path.join(out, MANIFEST), 'utf8')) as { version: string }).version).toBe(pkg.version);
  });
});

describe('writeSite: rebuilding', () => {
  it('replaces an earlier site and removes only its files', async () => {
    const { root, out, opts } = setup();
    await writeSite(out, files(SITE_1), opts);
    const result = await writeSite(out, files(SITE_2), opts);
    expect(result).toEqual({ files: 2, bytes: 5, dir: out, mode: 'swap' });
    expect(withoutManifest(tree(out))).toEqual(SITE_2);
    expect(manifestFiles(out)).toEqual(['index.html', 'runs/a.html']);
    expect(readdirSync(root)).toEqual(['site']);
  });

  it('keeps a user’s files from the earlier site in the aside folder, reports it, and refuses to build over it', async () => {
    const { root, out, opts } = setup();
    await writeSite(out, files(SITE_1), opts);
    writeFileSync(path.join(out, 'notes.txt'), 'mine');
    writeFileSync(path.join(out, 'runs', 'mine.txt'), 'also mine');
    const result = await writeSite(out, files(SITE_2), opts);
    const aside = `${out}.old-trace-report`;
    expect(result.kept).toBe(aside);
    expect(withoutManifest(tree(out))).toEqual(SITE_2);
    expect(tree(aside)).toEqual({ 'notes.txt': 'mine', 'runs/mine.txt': 'also mine' });

    const again = writeSite(out, files(SITE_1), opts);
    await expect(again).rejects.toThrow(OutputError);
    await expect(again).rejects.toThrow(/old-trace-report holds files kept from an earlier build/);
    expect(tree(aside)).toEqual({ 'notes.txt': 'mine', 'runs/mine.txt': 'also mine' });
    expect(withoutManifest(tree(out))).toEqual(SITE_2);
    expect(readdirSync(root).sort()).toEqual(['site', 'site.old-trace-report']);
  });

  it('leaves the previous site intact when the build fails midway', async () => {
    const { root, out, opts } = setup();
    await writeSite(out, files(SITE_1), opts);
    const before = tree(out);
    function* failing(): Generator<SiteFile> {
      yield { path: 'index.html', content: 'half' };
      yield { path: 'runs/new.html', content: 'half' };
      throw new Error('render failed');
    }
    await expect(writeSite(out, failing(), opts)).rejects.toThrow('render failed');
    expect(tree(out)).toEqual(before);
    expect(readdirSync(root)).toEqual(['site']);
  });

  it('writes the external files while the other files are still being prepared, and lists both', async () => {
    const { out, opts } = setup();
    const events: string[] = [];
    let externalStarted!: () => void;
    const started = new Promise<void>((resolve) => (externalStarted = resolve));
    const external = {
      paths: ['runs/a.html'],
      write: async (root: string) => {
        events.push('external started');
        externalStarted();
        writeFileSync(path.join(root, 'runs/a.html'), 'A');
        return { bytes: 1 };
      },
    };
    // The other files are ready only once the external writing has begun: no deadlock, and both land.
    const prepare = async () => {
      await started;
      events.push('prepared');
      return files({ 'index.html': 'i' });
    };
    const result = await writeSite(out, prepare, { ...opts, external });
    expect(events).toEqual(['external started', 'prepared']);
    expect(withoutManifest(tree(out))).toEqual({ 'index.html': 'i', 'runs/a.html': 'A' });
    expect(manifestFiles(out).sort()).toEqual(['index.html', 'runs/a.html']);
    expect(result.files).toBe(2);
  });

  it('with external files, writes each of its own files before the next one is made', async () => {
    const { out, opts } = setup();
    // Each file is made only when asked for: by then every file before it is on disk (a page
    // held for a batch outlived young-generation collections: see InlineWriter).
    const onDisk: boolean[] = [];
    let root = '';
    const names = Array.from({ length: 70 }, (_, i) => `runs/p${String(i).padStart(2, '0')}.html`);
    function* own(): Generator<SiteFile> {
      for (const [i, name] of names.entries()) {
        if (i > 0) onDisk.push(existsSync(path.join(root, names[i - 1]!)));
        yield { path: name, content: `page ${i}` };
      }
    }
    const external = { paths: [] as string[], write: async (r: string) => ((root = r), { bytes: 0 }) };
    const result = await writeSite(out, async () => own(), { ...opts, external });
    expect(onDisk).toEqual(names.slice(1).map(() => true));
    expect(result.files).toBe(70);
    expect(readFileSync(path.join(out, 'runs/p69.html'), 'utf8')).toBe('page 69');
  });

  it('throws the external writer’s early failure once the rest is done, never as an unhandled rejection', async () => {
    const { root, out, opts } = setup();
    const external = { paths: ['runs/a.html'], write: () => Promise.reject(new OutputError('cannot write runs/a.html')) };
    // The other files take a while to prepare: the external failure comes first.
    const prepare = async () => {
      await new Promise((r) => setTimeout(r, 50));
      return files({ 'index.html': 'i' });
    };
    await expect(writeSite(out, prepare, { ...opts, external })).rejects.toThrow('cannot write runs/a.html');
    expect(readdirSync(root)).toEqual([]);
  });

  it('lists hundreds of thousands of external files (a site of 5M spans) without running out of stack', async () => {
    const { out, opts } = setup();
    // The external writer writes nothing here: only the listing of its paths is under test.
    const paths = Array.from({ length: 300_000 }, (_, i) => `runs/r-${i}.html`);
    const result = await writeSite(out, files({ 'index.html': 'i' }), { ...opts, external: { paths, write: async () => ({ bytes: 0 }) } });
    expect(result.files).toBe(300_001);
    expect(manifestFiles(out)).toHaveLength(300_001);
  });

  it('when preparing fails, waits for the external writing to end, then removes everything', async () => {
    const { root, out, opts } = setup();
    let finished = false;
    const external = {
      paths: ['runs/a.html'],
      write: async (root2: string) => {
        await new Promise((r) => setTimeout(r, 50));
        writeFileSync(path.join(root2, 'runs/a.html'), 'A');
        finished = true;
        return { bytes: 1 };
      },
    };
    const prepare = () => Promise.reject(new Error('charts failed'));
    await expect(writeSite(out, prepare, { ...opts, external })).rejects.toThrow('charts failed');
    expect(finished).toBe(true);
    expect(readdirSync(root)).toEqual([]);
  });

  it('leaves nothing when the first build fails', async () => {
    const { root, out, opts } = setup();
    function* failing(): Generator<SiteFile> {
      yield { path: 'index.html', content: 'half' };
      throw new Error('render failed');
    }
    await expect(writeSite(out, failing(), opts)).rejects.toThrow('render failed');
    expect(readdirSync(root)).toEqual([]);
  });

  it('never deletes outside the site, whatever the old manifest says', async () => {
    const { root, out, opts } = setup();
    await writeSite(out, files(SITE_1), opts);
    writeFileSync(path.join(root, 'outside.txt'), 'keep');
    mkdirSync(path.join(root, 'elsewhere'));
    writeFileSync(path.join(root, 'elsewhere', 'a.html'), 'keep too');
    const m = JSON.parse(readFileSync(path.join(out, MANIFEST), 'utf8')) as { files: string[] };
    m.files.push('../outside.txt', '/etc/hostname', 'runs/../../outside.txt');
    writeFileSync(path.join(out, MANIFEST), JSON.stringify(m));
    // The site's runs/ folder replaced by a link to a folder outside: the listed runs/a.html must not be followed.
    rmSync(path.join(out, 'runs'), { recursive: true });
    symlinkSync(path.join(root, 'elsewhere'), path.join(out, 'runs'));

    const result = await writeSite(out, files(SITE_2), opts);
    expect(readFileSync(path.join(root, 'outside.txt'), 'utf8')).toBe('keep');
    expect(readFileSync(path.join(root, 'elsewhere', 'a.html'), 'utf8')).toBe('keep too');
    expect(result.kept).toBe(`${out}.old-trace-report`);
    expect(tree(result.kept!)).toEqual({ runs: `-> ${path.join(root, 'elsewhere')}` });
  });

  it('removes a leftover temporary folder of a crashed build, and refuses one that is not its own', async () => {
    const { root, out, opts } = setup();
    const temp = `${out}.tmp-trace-report`;
    mkdirSync(path.join(temp, 'runs'), { recursive: true });
    writeFileSync(path.join(temp, MANIFEST), JSON.stringify({ tool: 'trace-report', version: '0', inPlace: false, building: true, files: [] }));
    writeFileSync(path.join(temp, 'runs', 'half.html'), 'half');
    await writeSite(out, files(SITE_2), opts);
    expect(readdirSync(root)).toEqual(['site']);
    expect(withoutManifest(tree(out))).toEqual(SITE_2);

    mkdirSync(temp);
    writeFileSync(path.join(temp, 'precious.txt'), 'p');
    await expect(writeSite(out, files(SITE_1), opts)).rejects.toThrow(/tmp-trace-report is in the way/);
    expect(tree(temp)).toEqual({ 'precious.txt': 'p' });
    expect(withoutManifest(tree(out))).toEqual(SITE_2);
  });

  it('finishes cleaning an aside folder left by a crash, from its manifest', async () => {
    const { root, out, opts } = setup();
    await writeSite(out, files(SITE_1), opts);
    const aside = `${out}.old-trace-report`;
    await writeSite(aside, files(SITE_1), opts);
    await writeSite(out, files(SITE_2), opts);
    expect(readdirSync(root)).toEqual(['site']);
  });
});

describe('writeSite: folders it must not replace', () => {
  it('refuses a non-empty folder that is not a site, without touching it', async () => {
    const { root, out, opts } = setup();
    mkdirSync(out);
    writeFileSync(path.join(out, 'keep.txt'), 'k');
    const p = writeSite(out, files(SITE_2), opts);
    await expect(p).rejects.toThrow(OutputError);
    await expect(p).rejects.toThrow(/is not empty and is not a trace-report site; .*--force/);
    expect(tree(out)).toEqual({ 'keep.txt': 'k' });
    expect(readdirSync(root)).toEqual(['site']);
  });

  it('refuses a folder whose manifest is not trace-report’s', async () => {
    const { out, opts } = setup();
    mkdirSync(out);
    writeFileSync(path.join(out, MANIFEST), '{"tool":"other","files":["keep.txt"]}');
    await expect(writeSite(out, files(SITE_2), opts)).rejects.toThrow(/not a trace-report site/);
  });

  it('refuses an output path that is a file', async () => {
    const { out, opts } = setup();
    writeFileSync(out, 'a file');
    await expect(writeSite(out, files(SITE_2), { ...opts, force: true })).rejects.toThrow(/is not a folder/);
    expect(readFileSync(out, 'utf8')).toBe('a file');
  });

  it('with --force writes in place, deletes nothing of the user’s, and later removes only its own stale files', async () => {
    const { root, out, opts } = setup();
    mkdirSync(out);
    writeFileSync(path.join(out, 'keep.txt'), 'k');
    writeFileSync(path.join(out, 'index.html'), 'the user’s');
    const first = await writeSite(out, files(SITE_1), { ...opts, force: true });
    expect(first.mode).toBe('in-place');
    expect(withoutManifest(tree(out))).toEqual({ ...SITE_1, 'keep.txt': 'k' });
    expect(manifestFiles(out)).toEqual(['assets/x.css', 'index.html', 'runs/a.html', 'runs/b.html']);

    // Marked as sharing its folder: the next build stays in place (no swap moving keep.txt away), without --force.
    const second = await writeSite(out, files(SITE_2), opts);
    expect(second.mode).toBe('in-place');
    expect(withoutManifest(tree(out))).toEqual({ ...SITE_2, 'keep.txt': 'k' });
    expect(readdirSync(root)).toEqual(['site']);
  });

  it('keeps each file of the site it replaces that it would write again byte for byte, and only those', async () => {
    const { root, out, opts } = setup();
    const ino = (rel: string) => statSync(path.join(out, rel)).ino;
    await writeSite(out, files(SITE_1), opts);
    // A file of the user's with the bytes this build writes, but not in the site's list of its own.
    writeFileSync(path.join(out, 'runs', 'c.html'), 'C');
    const before = { a: ino('runs/a.html'), css: ino('assets/x.css'), b: ino('runs/b.html'), index: ino('index.html'), c: ino('runs/c.html') };

    const next = { ...SITE_1, 'index.html': 'one, again', 'runs/b.html': 'B2', 'runs/c.html': 'C' };
    const r = await writeSite(out, files(next), opts);
    expect(r.mode).toBe('swap');
    expect(withoutManifest(tree(out))).toEqual(next);
    expect(ino('runs/a.html')).toBe(before.a);
    expect(ino('assets/x.css')).toBe(before.css);
    expect(ino('runs/b.html')).not.toBe(before.b);
    expect(ino('index.html')).not.toBe(before.index);
    expect(ino('runs/c.html')).not.toBe(before.c);
    // The user's file stays, in the earlier site's folder set aside.
    expect(readFileSync(path.join(r.kept!, 'runs', 'c.html'), 'utf8')).toBe('C');
    expect(statSync(path.join(r.kept!, 'runs', 'c.html')).nlink).toBe(1);
    expect(readdirSync(root).sort()).toEqual(['site', 'site.old-trace-report']);
  });

  it('rebuilt in place, leaves each of its files that already holds the new bytes untouched', async () => {
    const { out, opts } = setup();
    mkdirSync(out);
    writeFileSync(path.join(out, 'keep.txt'), 'k');
    await writeSite(out, files(SITE_1), { ...opts, force: true });
    const stamp = (rel: string) => {
      const st = statSync(path.join(out, rel));
      return `${st.ino}:${st.mtimeMs}`;
    };
    // Old enough that a rewrite would show in the modification time.
    const past = new Date('2020-01-01T00:00:00Z');
    for (const rel of ['runs/a.html', 'runs/b.html']) utimesSync(path.join(out, rel), past, past);
    const before = { a: stamp('runs/a.html'), b: stamp('runs/b.html') };
    const r = await writeSite(out, files({ ...SITE_1, 'runs/b.html': 'B2' }), opts);
    expect(r.mode).toBe('in-place');
    expect(withoutManifest(tree(out))).toEqual({ ...SITE_1, 'runs/b.html': 'B2', 'keep.txt': 'k' });
    expect(stamp('runs/a.html')).toBe(before.a);
    expect(stamp('runs/b.html')).not.toBe(before.b);
  });

  it('with --force does not write through a link planted in the folder', async () => {
    const { root, out, opts } = setup();
    mkdirSync(out);
    writeFileSync(path.join(root, 'secret.txt'), 'secret');
    symlinkSync(path.join(root, 'secret.txt'), path.join(out, 'index.html'));
    await expect(writeSite(out, files(SITE_2), { ...opts, force: true })).rejects.toThrow(/symbolic link/);
    expect(readFileSync(path.join(root, 'secret.txt'), 'utf8')).toBe('secret');
  });

  // With external files (other threads write the run pages), this thread writes its own files itself rather than on a writing thread.
  it.each([
    ['on a writing thread', false],
    ['on this thread, beside external files', true],
  ])('after a failed write claims only the files written before it, never the one that failed (%s)', async (_how, withExternal) => {
    const { root, out, opts } = setup();
    mkdirSync(path.join(out, 'runs'), { recursive: true });
    writeFileSync(path.join(root, 'secret.txt'), 'secret');
    // The files are written in order: index.html, then the link's place, then what comes after.
    symlinkSync(path.join(root, 'secret.txt'), path.join(out, 'runs', 'a.html'));
    const site = { 'index.html': 'i', 'runs/a.html': 'A', 'runs/b.html': 'B' };
    const external = withExternal ? { paths: ['runs/x.html'], write: async (dir: string) => (writeFileSync(path.join(dir, 'runs/x.html'), 'X'), { bytes: 1 }) } : undefined;
    await expect(writeSite(out, files(site), { ...opts, force: true, external })).rejects.toThrow(/symbolic link/);
    const manifest = JSON.parse(readFileSync(path.join(out, '.trace-report-site.json'), 'utf8')) as { files: string[] };
    expect(manifest.files).toEqual(['index.html']);
    expect(existsSync(path.join(out, 'runs/b.html'))).toBe(false);
    expect(readFileSync(path.join(root, 'secret.txt'), 'utf8')).toBe('secret');
  });

  it('refuses the current folder and its ancestors unless forced, and then never renames it', async () => {
    const { root, out, opts } = setup();
    await writeSite(out, files(SITE_1), opts);
    mkdirSync(path.join(out, 'sub'));
    const inode = statSync(out).ino;
    await expect(writeSite('.', files(SITE_2), { ...opts, cwd: out })).rejects.toThrow(/is the current folder or holds it/);
    await expect(writeSite('..', files(SITE_2), { ...opts, cwd: path.join(out, 'sub') })).rejects.toThrow(/is the current folder or holds it/);
    expect(withoutManifest(tree(out))).toEqual(SITE_1);

    const forced = await writeSite('.', files(SITE_2), { ...opts, cwd: out, force: true });
    expect(forced).toEqual({ files: 2, bytes: 5, dir: out, mode: 'in-place' });
    expect(statSync(out).ino).toBe(inode);
    expect(withoutManifest(tree(out))).toEqual(SITE_2);
    expect(readdirSync(root)).toEqual(['site']);
  });

  it('refuses an output folder that is a symbolic link unless forced', async () => {
    const { root, opts } = setup();
    const real = path.join(root, 'real');
    mkdirSync(real);
    symlinkSync(real, path.join(root, 'link'));
    await expect(writeSite(path.join(root, 'link'), files(SITE_2), opts)).rejects.toThrow(/symbolic link/);
    const r = await writeSite(path.join(root, 'link'), files(SITE_2), { ...opts, force: true });
    expect(r.mode).toBe('in-place');
    expect(withoutManifest(tree(real))).toEqual(SITE_2);
    expect(lstatSync(path.join(root, 'link')).isSymbolicLink()).toBe(true);
  });
});

describe('reusing a file of the previous build', () => {
  it('links only a regular file with the same bytes, and writes the page where no link can be made', async () => {
    const { writeOrReuse } = await import('../src/site/write/reuse-file.js');
    const dir = tempDir('trace-report-reuse-');
    const old = path.join(dir, 'old.html');
    writeFileSync(old, 'same');
    // Same bytes: a link to the old file.
    expect(writeOrReuse(path.join(dir, 'a.html'), 'same', old)).toBe(4);
    expect(statSync(path.join(dir, 'a.html')).ino).toBe(statSync(old).ino);
    // Other bytes, or no old file: written anew.
    expect(writeOrReuse(path.join(dir, 'b.html'), 'other', old)).toBe(5);
    expect(statSync(path.join(dir, 'b.html')).ino).not.toBe(statSync(old).ino);
    expect(writeOrReuse(path.join(dir, 'c.html'), 'same', path.join(dir, 'missing.html'))).toBe(4);
    expect(readFileSync(path.join(dir, 'c.html'), 'utf8')).toBe('same');
    // A symbolic link to a file with the same bytes is never followed.
    symlinkSync(old, path.join(dir, 'link.html'));
    writeOrReuse(path.join(dir, 'd.html'), 'same', path.join(dir, 'link.html'));
    expect(lstatSync(path.join(dir, 'd.html')).isFile()).toBe(true);
    expect(statSync(path.join(dir, 'd.html')).ino).not.toBe(statSync(old).ino);
    expect(statSync(old).nlink).toBe(2);
  });

  it.skipIf(!existsSync('/dev/shm') || statSync('/dev/shm').dev === statSync(tempDir()).dev)(
    'writes the page when the old file is on another file system (no hard link across them)',
    async () => {
      const { writeOrReuse } = await import('../src/site/write/reuse-file.js');
      const elsewhere = mkdtempSync('/dev/shm/trace-report-reuse-');
      try {
        const old = path.join(elsewhere, 'old.html');
        writeFileSync(old, 'same');
        const dir = tempDir('trace-report-reuse-');
        expect(writeOrReuse(path.join(dir, 'a.html'), 'same', old)).toBe(4);
        expect(readFileSync(path.join(dir, 'a.html'), 'utf8')).toBe('same');
        expect(statSync(old).nlink).toBe(1);
      } finally {
        rmSync(elsewhere, { recursive: true, force: true });
      }
    },
  );
});

describe('carrying the run pages’ folder over at the swap', () => {
  /** An earlier site of `pages` (runs/ name → text) plus index.html, built by writeSite. */
  const earlier = async (pages: Record<string, string>) => {
    const { root, out, opts } = setup();
    const site = { 'index.html': 'one', ...Object.fromEntries(Object.entries(pages).map(([n, t]) => [`runs/${n}`, t])) };
    await writeSite(out, files(site), opts);
    return { root, out, opts };
  };
  /**
   * A rebuild whose external writer writes `fresh` (runs/ name → text) and reports `carried`
   * (names) as left in the earlier site; `meanwhile` runs in the earlier site before it returns.
   */
  const rebuild = (out: string, opts: object, all: string[], fresh: Record<string, string>, carried: string[], meanwhile?: (previousRoot: string) => void) =>
    writeSite(out, files({ 'index.html': 'two' }), {
      ...opts,
      carry: 'runs',
      external: {
        paths: all.map((n) => `runs/${n}`),
        write: async (root, previous) => {
          expect(previous?.carry).toBe('runs');
          for (const [n, t] of Object.entries(fresh)) writeFileSync(path.join(root, 'runs', n), t);
          meanwhile?.(previous!.root);
          return { bytes: 0, carried: carried.map((n) => `runs/${n}`) };
        },
      },
    });

  it('keeps the carried files where they are, puts the new ones beside them and removes those the site no longer has', async () => {
    const { root, out, opts } = await earlier({ 'a.html': 'A1', 'b.html': 'B1', 'c.html': 'C1' });
    const folder = lstatSync(path.join(out, 'runs')).ino;
    const a = lstatSync(path.join(out, 'runs/a.html')).ino;
    // a is kept, b is made again, c is gone, d is new.
    const result = await rebuild(out, opts, ['a.html', 'b.html', 'd.html'], { 'b.html': 'B2', 'd.html': 'D2' }, ['a.html']);
    expect(withoutManifest(tree(out))).toEqual({ 'index.html': 'two', 'runs/a.html': 'A1', 'runs/b.html': 'B2', 'runs/d.html': 'D2' });
    expect(manifestFiles(out).sort()).toEqual(['index.html', 'runs/a.html', 'runs/b.html', 'runs/d.html']);
    // The same folder and file, moved: not linked into a new folder.
    expect(lstatSync(path.join(out, 'runs')).ino).toBe(folder);
    expect(lstatSync(path.join(out, 'runs/a.html')).ino).toBe(a);
    expect(lstatSync(path.join(out, 'runs/a.html')).nlink).toBe(1);
    expect(result.kept).toBeUndefined();
    expect(readdirSync(root).sort()).toEqual(['site']);
  });

  it('is not done when the earlier folder holds a file its build did not write, a link or a folder: the files left there are linked, the others stay aside', async () => {
    for (const plant of ['file', 'link', 'folder'] as const) {
      const { root, out, opts } = await earlier({ 'a.html': 'A1', 'b.html': 'B1' });
      const planted = path.join(out, 'runs', 'mine.txt');
      if (plant === 'file') writeFileSync(planted, 'mine');
      else if (plant === 'link') symlinkSync(path.join(out, 'index.html'), planted);
      else mkdirSync(planted);
      const folder = lstatSync(path.join(out, 'runs')).ino;
      const a = lstatSync(path.join(out, 'runs/a.html')).ino;
      const result = await rebuild(out, opts, ['a.html', 'b.html'], { 'b.html': 'B2' }, ['a.html']);
      expect(withoutManifest(tree(out)), plant).toEqual({ 'index.html': 'two', 'runs/a.html': 'A1', 'runs/b.html': 'B2' });
      expect(lstatSync(path.join(out, 'runs')).ino, plant).not.toBe(folder);
      expect(lstatSync(path.join(out, 'runs/a.html')).ino, plant).toBe(a);
      expect(result.kept, plant).toBe(`${out}.old-trace-report`);
      expect(readdirSync(path.join(result.kept!, 'runs')), plant).toEqual(['mine.txt']);
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('links the carried files after all when a file its build did not write appeared in the folder meanwhile', async () => {
    const { out, opts } = await earlier({ 'a.html': 'A1', 'b.html': 'B1' });
    const a = lstatSync(path.join(out, 'runs/a.html')).ino;
    const result = await rebuild(out, opts, ['a.html', 'b.html'], { 'b.html': 'B2' }, ['a.html'], (prev) => writeFileSync(path.join(prev, 'runs', 'mine.txt'), 'mine'));
    expect(withoutManifest(tree(out))).toEqual({ 'index.html': 'two', 'runs/a.html': 'A1', 'runs/b.html': 'B2' });
    expect(lstatSync(path.join(out, 'runs/a.html')).ino).toBe(a);
    // The file it did not write stays in the earlier site, set aside.
    expect(result.kept).toBe(`${out}.old-trace-report`);
    expect(tree(result.kept!)).toEqual({ 'runs/mine.txt': 'mine' });
  });

  it('fails and leaves the earlier site as it was when a carried file is gone meanwhile', async () => {
    const { root, out, opts } = await earlier({ 'a.html': 'A1', 'b.html': 'B1' });
    const before = tree(out);
    await expect(rebuild(out, opts, ['a.html', 'b.html'], { 'b.html': 'B2' }, ['a.html'], (prev) => rmSync(path.join(prev, 'runs', 'a.html')))).rejects.toThrow(
      /runs\/a\.html changed while the site was being built; build again/,
    );
    delete before['runs/a.html'];
    expect(tree(out)).toEqual(before);
    expect(readdirSync(root).sort()).toEqual(['site']);
  });

  it('refuses files left to carry over when no folder is carried, and leaves the earlier site as it was', async () => {
    const { root, out, opts } = await earlier({ 'a.html': 'A1' });
    const before = tree(out);
    const external = { paths: ['runs/a.html'], write: async () => ({ bytes: 2, carried: ['runs/a.html'] }) };
    await expect(writeSite(out, files({ 'index.html': 'two' }), { ...opts, external })).rejects.toThrow(/no folder of it is carried/);
    expect(tree(out)).toEqual(before);
    expect(readdirSync(root).sort()).toEqual(['site']);
  });

  it('moves every file back when a move fails, and the earlier site stays in place', async () => {
    const { root, out, opts } = await earlier({ 'a.html': 'A1', 'b.html': 'B1' });
    const before = tree(out);
    // What the earlier site holds cannot take the folder for the files it no longer has (a file of that name is there).
    writeFileSync(path.join(out, 'replaced-by-trace-report'), 'x');
    const withPlanted = tree(out);
    await expect(rebuild(out, opts, ['a.html', 'b.html'], { 'b.html': 'B2' }, ['a.html'])).rejects.toThrow(/cannot move .*runs into the new site/);
    expect(tree(out)).toEqual(withPlanted);
    expect(withPlanted).toEqual({ ...before, 'replaced-by-trace-report': 'x' });
    expect(readdirSync(root).sort()).toEqual(['site']);
  });
});

/** An earlier site renamed aside (`aside`) and a new one (`temp`), each with the given files in its folder `sub` ('' for the site itself). */
function asideAndTemp(sub: string, old: Record<string, string>, fresh: Record<string, string>) {
  const root = tempDir('trace-report-swap-');
  const aside = path.join(root, 'aside');
  const temp = path.join(root, 'temp');
  for (const [dir, content] of [[aside, old], [temp, fresh]] as const) {
    mkdirSync(path.join(dir, sub), { recursive: true });
    for (const [n, t] of Object.entries(content)) writeFileSync(path.join(dir, sub, n), t);
  }
  return { root, aside, temp };
}

describe('carryOver', () => {
  /** An earlier site renamed aside and a new one, each with a runs/ folder of the given files. */
  const folders = (old: Record<string, string>, fresh: Record<string, string>) => asideAndTemp('runs', old, fresh);

  it('finds only a real folder of listed regular files', () => {
    const { aside } = folders({ 'a.html': 'A', 'b.html': 'B' }, {});
    const listed = new Set(['runs/a.html', 'runs/b.html', 'index.html']);
    expect(listedFolder(aside, 'runs', listed)).toEqual(new Set(['a.html', 'b.html']));
    expect(listedFolder(aside, 'runs', new Set(['runs/a.html']))).toBeNull();
    expect(listedFolder(aside, 'missing', listed)).toBeNull();
    // The folder's files that are not carried.
    expect(carryable(aside, 'runs', listed, ['runs/a.html'])).toEqual(new Set(['b.html']));
    expect(carryable(aside, 'runs', listed, ['runs/a.html', 'runs/b.html'])).toEqual(new Set());
    expect(carryable(aside, 'runs', listed, ['runs/c.html'])).toBeNull();
    expect(carryable(aside, 'runs', new Set(['runs/a.html']), ['runs/a.html'])).toBeNull();
    expect(carryable(aside, 'runs', listed, ['other/a.html'])).toBeNull();
    const linked = path.join(path.dirname(aside), 'linked');
    symlinkSync(path.join(aside, 'runs'), linked);
    expect(listedFolder(path.dirname(aside), 'linked', new Set(['linked/a.html', 'linked/b.html']))).toBeNull();
  });

  it('checks the folder the same way compiled and in JavaScript', () => {
    const compiled = nativeCarryCheck();
    if (compiled === null) throw new Error('the compiled code is not built: run `npm ci` (or `npm rebuild`) with a C compiler, python3 and make installed');
    const root = tempDir('trace-report-carry-check-');
    const site = path.join(root, 'site');
    mkdirSync(path.join(site, 'runs'), { recursive: true });
    const names = ['a.html', 'b.html', 'c-ü.html', 'd 1.html'];
    for (const n of names) writeFileSync(path.join(site, 'runs', n), n);
    const all = new Set([...names.map((n) => `runs/${n}`), 'index.html', 'runs/sub/x.html']);
    const both = (listed: ReadonlySet<string>, carried: string[], dir = 'runs', at = site) => {
      const js = carryable(at, dir, listed, carried, null);
      const c = carryable(at, dir, listed, carried, compiled);
      expect(c === null ? null : [...c].sort(), `${dir} ${[...listed].join()} | ${carried.join()}`).toEqual(js === null ? null : [...js].sort());
      return js === null ? null : [...js].sort();
    };
    // Carried over: the names not carried come back.
    expect(both(all, ['runs/a.html', 'runs/c-ü.html'])).toEqual(['b.html', 'd 1.html']);
    expect(both(all, names.map((n) => `runs/${n}`))).toEqual([]);
    expect(both(all, [])).toEqual([...names].sort());
    // Not: a carried file that is not there, carried twice, or outside the folder; an entry not listed.
    expect(both(all, ['runs/e.html'])).toBeNull();
    expect(both(all, ['runs/a.html', 'runs/a.html'])).toBeNull();
    expect(both(all, ['index.html'])).toBeNull();
    expect(both(all, ['runs/sub/x.html'])).toBeNull();
    expect(both(new Set([...all].filter((p) => p !== 'runs/b.html')), ['runs/a.html'])).toBeNull();
    expect(both(new Set(), [])).toBeNull();
    // A path with a \0 in it is no file's.
    expect(both(new Set([...all, 'runs/a.html\0x']), ['runs/a.html'])).toEqual(['b.html', 'c-ü.html', 'd 1.html']);
    // Not: a folder that is missing, or a link to the folder.
    expect(both(all, ['runs/a.html'], 'missing')).toBeNull();
    symlinkSync(path.join(site, 'runs'), path.join(site, 'linked'));
    expect(both(new Set(names.map((n) => `linked/${n}`)), ['linked/a.html'], 'linked')).toBeNull();
    // Not: a link, a folder or a file not listed among the entries, even one named as listed.
    for (const plant of ['link', 'folder', 'file'] as const) {
      const planted = path.join(site, 'runs', 'e.html');
      if (plant === 'link') symlinkSync(path.join(site, 'runs', 'a.html'), planted);
      else if (plant === 'folder') mkdirSync(planted);
      else writeFileSync(planted, 'e');
      expect(both(all, ['runs/a.html']), plant).toBeNull();
      if (plant === 'file') expect(both(new Set([...all, 'runs/e.html']), ['runs/a.html']), plant).toEqual(['b.html', 'c-ü.html', 'd 1.html', 'e.html']);
      expect(both(new Set([...all, 'runs/e.html']), ['runs/a.html']) === null, plant).toBe(plant !== 'file');
      rmSync(planted, { recursive: true });
    }
  });

  it('moves the folder into the new site and undoes every move on request', () => {
    const { aside, temp } = folders({ 'a.html': 'A1', 'b.html': 'B1', 'c.html': 'C1' }, { 'b.html': 'B2', 'd.html': 'D2' });
    const [oldTree, newTree] = [tree(aside), tree(temp)];
    const over = carryOver(aside, temp, 'runs', new Set(['b.html', 'c.html']));
    expect(tree(temp)).toEqual({ 'runs/a.html': 'A1', 'runs/b.html': 'B2', 'runs/d.html': 'D2' });
    expect(over.held.sort()).toEqual(['replaced-by-trace-report/b.html', 'replaced-by-trace-report/c.html']);
    expect(tree(aside)).toEqual({ 'replaced-by-trace-report/b.html': 'B1', 'replaced-by-trace-report/c.html': 'C1' });
    over.undo();
    expect(tree(aside)).toEqual(oldTree);
    expect(tree(temp)).toEqual(newTree);
  });

  it('puts every file back and throws when a move fails part way', () => {
    const { aside, temp } = folders({ 'a.html': 'A1', 'b.html': 'B1' }, { 'b.html': 'B2' });
    // A new entry that cannot replace the carried file of its name: a folder.
    mkdirSync(path.join(temp, 'runs', 'a.html'));
    writeFileSync(path.join(temp, 'runs', 'a.html', 'x'), 'x');
    const [oldTree, newTree] = [tree(aside), tree(temp)];
    expect(() => carryOver(aside, temp, 'runs', new Set(['b.html']))).toThrow();
    expect(tree(aside)).toEqual(oldTree);
    expect(tree(temp)).toEqual(newTree);
  });
});

describe('appendOver', () => {
  /** An earlier site renamed aside with `calls.csv` (and more), and a new one holding only the bytes after its first `keep`. */
  const sites = (earlier: Record<string, string>, ends: Record<string, string>) => asideAndTemp('', earlier, ends);
  // The bytes after the kept ones are more than the new ones in calls.csv, fewer in calls.jsonl.
  const EARLIER = { 'calls.csv': 'head\r\nrow 1\r\nrow 2, still open, with a longer cell\r\nrow 3\r\n', 'calls.jsonl': '{"r":1}\n{"r":2}\n' };
  const ENDS = { 'calls.csv': 'row 2 done\r\n', 'calls.jsonl': '{"r":2,"done":true}\n' };
  const FILES = [
    { path: 'calls.csv', keep: 'head\r\nrow 1\r\n'.length, size: EARLIER['calls.csv'].length },
    { path: 'calls.jsonl', keep: '{"r":1}\n'.length, size: EARLIER['calls.jsonl'].length },
  ];

  it('finishes each earlier file with the new bytes and moves it into the new site; undone, puts every byte back', () => {
    const { aside, temp } = sites(EARLIER, ENDS);
    const [oldTree, newTree] = [tree(aside), tree(temp)];
    const inode = lstatSync(path.join(aside, 'calls.csv')).ino;
    const done = appendOver(aside, temp, FILES);
    expect(tree(temp)).toEqual({ 'calls.csv': 'head\r\nrow 1\r\nrow 2 done\r\n', 'calls.jsonl': '{"r":1}\n{"r":2,"done":true}\n' });
    expect(lstatSync(path.join(temp, 'calls.csv')).ino).toBe(inode);
    expect(tree(aside)).toEqual({});
    done.undo();
    expect(tree(aside)).toEqual(oldTree);
    expect(lstatSync(path.join(aside, 'calls.csv')).ino).toBe(inode);
    // The new bytes went into the earlier file: the new site keeps none of its own.
    expect(Object.keys(tree(temp))).toEqual([]);
    expect(newTree['calls.csv']).toBe(ENDS['calls.csv']);
  });

  it('refuses an earlier file that changed, has another name or is a link, and puts the others back', () => {
    const cases: [string, (aside: string, root: string) => void][] = [
      ['grown', (aside) => writeFileSync(path.join(aside, 'calls.jsonl'), `${EARLIER['calls.jsonl']}more\n`)],
      ['another name', (aside, root) => linkSync(path.join(aside, 'calls.jsonl'), path.join(root, 'backup.jsonl'))],
      [
        'a link',
        (aside, root) => {
          writeFileSync(path.join(root, 'outside.jsonl'), EARLIER['calls.jsonl']);
          rmSync(path.join(aside, 'calls.jsonl'));
          symlinkSync(path.join(root, 'outside.jsonl'), path.join(aside, 'calls.jsonl'));
        },
      ],
      ['gone', (aside) => rmSync(path.join(aside, 'calls.jsonl'))],
    ];
    for (const [why, change] of cases) {
      const { root, aside, temp } = sites(EARLIER, ENDS);
      change(aside, root);
      const [oldTree, newTree] = [tree(aside), tree(temp)];
      const others = () => Object.fromEntries(Object.entries(tree(root)).filter(([f]) => !f.startsWith('aside/') && !f.startsWith('temp/')));
      const outside = others();
      expect(() => appendOver(aside, temp, FILES), why).toThrow(OutputError);
      // calls.csv, finished first, is back as it was (the new site's end of it is gone: the swap removes that site); nothing else was touched.
      expect(tree(aside), why).toEqual(oldTree);
      expect(tree(temp), why).toEqual({ 'calls.jsonl': newTree['calls.jsonl'] });
      expect(others(), why).toEqual(outside);
    }
  });

  it('is chosen only for a regular file with one name, of the recorded size, with few bytes after those kept', () => {
    const { root, aside } = sites(EARLIER, {});
    const csv = path.join(aside, 'calls.csv');
    const { keep, size } = FILES[0]!;
    expect(mayAppendOver(csv, keep, size)).toBe(true);
    expect(mayAppendOver(csv, keep, size + 1)).toBe(false);
    expect(mayAppendOver(csv, size + 1, size)).toBe(false);
    expect(mayAppendOver(path.join(aside, 'missing.csv'), keep, size)).toBe(false);
    linkSync(csv, path.join(root, 'backup.csv'));
    expect(mayAppendOver(csv, keep, size)).toBe(false);
    // More than MOST_CUT bytes after the kept ones would be held in memory: those files are copied.
    const big = path.join(aside, 'big.csv');
    writeFileSync(big, Buffer.alloc(MOST_CUT + 10));
    expect(mayAppendOver(big, 10, MOST_CUT + 10)).toBe(true);
    expect(mayAppendOver(big, 9, MOST_CUT + 10)).toBe(false);
  });
});
