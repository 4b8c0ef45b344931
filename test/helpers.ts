import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadTraces } from '../src/read/load.js';
import { summarise } from '../src/aggregate/summarise.js';

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
