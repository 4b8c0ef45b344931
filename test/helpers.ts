import { lstatSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { gzipSync } from 'node:zlib';
import { loadTraces } from '../src/read/load.js';
import { buildSite, type BuildOptions } from '../src/site/build.js';
import { summarise } from '../src/aggregate/summarise.js';
import type { RunFacts } from '../src/site/pages/site-facts.js';

export const DIALECTS = path.join(import.meta.dirname, 'fixtures', 'dialects');
export const fixture = (name: string) => path.join(DIALECTS, name);

/** A fresh folder under the system temp folder. */
export function tempDir(prefix = 'trace-report-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Writes files (relative path → text; `.gz` names are gzipped) into a new temp folder. */
export function writeTree(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [rel, text] of Object.entries(files)) {
    const p = path.join(dir, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, rel.endsWith('.gz') ? gzipSync(Buffer.from(text)) : text);
  }
  return dir;
}

export const jsonl = (...objects: unknown[]) => objects.map((o) => (typeof o === 'string' ? o : JSON.stringify(o))).join('\n') + '\n';

export async function summaryOf(inputs: string[], cwd?: string) {
  const loaded = await loadTraces(inputs, { cwd });
  return { loaded, summary: summarise({ ...loaded, priceTable: loaded.prices.date }) };
}

/**
 * One run of 45,000 calls (dialect C): an agent step holding the first 25,000 (one of them
 * failed), then 20,000 calls outside any agent step. Its step list has 45,002 rows (the agent
 * step, the calls, and the error event), so its page comes in three parts.
 */
export function hugeRun(): string {
  const lines: string[] = [];
  const at = (s: number) => new Date(Date.UTC(2026, 2, 1) + s * 1000).toISOString();
  let t = 0;
  lines.push(JSON.stringify({ event_type: 'pattern_start', pattern_type: 'loop', workflow: 'long-haul', run_id: 'huge-run', timestamp: at(t) }));
  lines.push(JSON.stringify({ event_type: 'agent_start', agent_name: 'Planner', kind: 'agent', timestamp: at(t) }));
  for (let i = 1; i <= 25_000; i++) {
    lines.push(JSON.stringify({ event_type: 'llm_call', agent_name: 'Planner', model: 'gpt-4o', duration_ms: 100, tokens: 10, timestamp: at(++t) }));
    if (i === 24_000) lines.push(JSON.stringify({ event_type: 'error', agent_name: 'Planner', model: 'gpt-4o', message: 'planner gave up', timestamp: at(t) }));
  }
  lines.push(JSON.stringify({ event_type: 'agent_end', agent_name: 'Planner', timestamp: at(t) }));
  for (let i = 1; i <= 20_000; i++) lines.push(JSON.stringify({ event_type: 'llm_call', agent_name: 'Worker', model: 'gpt-4o', duration_ms: 100, tokens: 10, timestamp: at(++t) }));
  lines.push(JSON.stringify({ event_type: 'pattern_end', pattern_type: 'loop', run_id: 'huge-run', status: 'success', timestamp: at(t) }));
  return `${lines.join('\n')}\n`;
}

/** A run's facts as a plain object, every field read (the facts' numbers are getters over columns). */
export function plainFacts(f: RunFacts): RunFacts {
  return {
    id: f.id,
    workflow: f.workflow,
    pattern: f.pattern,
    status: f.status,
    statusText: f.statusText,
    start: f.start,
    end: f.end,
    durationMs: f.durationMs,
    totals: f.totals,
    files: f.files,
    at: f.at,
    tokens: f.tokens,
    agents: f.agents,
    models: f.models,
    pages: f.pages,
    firstCallTime: f.firstCallTime,
    lastCallTime: f.lastCallTime,
    untimedCalls: f.untimedCalls,
  };
}

/** A call of run `n` (`run-05`) as its start and end lines, `at` ms after the run's hour (2026-01-05, hour n). */
export function callLines(n: number, at = 0): string {
  const id = `run-${String(n).padStart(2, '0')}`;
  const start = Date.UTC(2026, 0, 5, n) + at;
  const line = (o: object) => `${JSON.stringify(o)}\n`;
  return (
    line({ event_type: 'llm_call_start', run_id: id, agent_name: 'a', model: 'gpt-4o', prompt: `question ${n}`, timestamp: new Date(start).toISOString() }) +
    line({ event_type: 'llm_call_end', run_id: id, agent_name: 'a', model: 'gpt-4o', input_tokens: 100 + n, output_tokens: 10, response: `answer ${n}`, duration_ms: 800, timestamp: new Date(start + 800).toISOString() })
  );
}

/** The lines of runs 1 to `n`, a call each (callLines). */
export const runsLines = (n: number) => Array.from({ length: n }, (_, i) => callLines(i + 1)).join('');

/** The files of the site a build into a new, empty folder writes (treeOf), to compare a rebuild with. */
export async function freshTree(options: Omit<BuildOptions, 'outDir'>): Promise<Record<string, string>> {
  const out = path.join(tempDir(), 'fresh');
  await buildSite({ ...options, outDir: out });
  return treeOf(out);
}

/** The run pages of the site in `dir`: file name → inode (a page linked from an earlier site keeps its inode). */
export const runPageInodes = (dir: string) => new Map(readdirSync(path.join(dir, 'runs')).map((f) => [f, lstatSync(path.join(dir, 'runs', f)).ino]));

/** The page file of run `id` among `names`. */
export const runPageOf = (names: Iterable<string>, id: string) => [...names].find((f) => f.startsWith(`${id}-`))!;

/** Every run page of `after` (runPageInodes) is the file of `before`, except those of the runs `made` (ids), written again. */
export function expectPagesMadeAgain(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>, made: readonly string[]): void {
  const changed = made.map((id) => runPageOf(after.keys(), id));
  for (const [file, ino] of after) {
    if (changed.includes(file)) expect(ino, file).not.toBe(before.get(file));
    else expect(ino, file).toBe(before.get(file));
  }
}

/** Every file under `dir`: relative path → its bytes as Latin-1, one character a byte, so that two trees are equal only byte for byte (a symbolic link shown as one). */
export function treeOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const st = lstatSync(path.join(dir, e));
    if (st.isSymbolicLink()) out[e] = '(symbolic link)';
    else if (st.isFile()) out[e] = readFileSync(path.join(dir, e), 'latin1');
  }
  return out;
}
