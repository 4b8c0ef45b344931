import { isObj, toNumber, type Obj } from './fields.js';

/**
 * Finds each field of a line in one pass over its keys, instead of probing every alias: a key may
 * sit at the top level, under `payload`, `data` or `metadata` (searched in that order: the first
 * container with a given value wins), under any of its names (the first name listed wins within a
 * container). Empty strings, NaN and non-numeric values of numeric fields count as not given.
 */
export function createFieldReader<F extends Record<string, readonly string[]>>(fields: F, numeric: readonly (keyof F)[]) {
  type Result = { [K in keyof F]?: unknown };
  const byKey = new Map<string, { slot: keyof F; rank: number; numeric: boolean }>();
  for (const slot of Object.keys(fields) as (keyof F)[]) {
    fields[slot]!.forEach((key, rank) => byKey.set(key, { slot, rank, numeric: numeric.includes(slot) }));
  }
  return (line: Obj): Result => {
    const out: Result = {};
    scan(line, out);
    for (const key of ['payload', 'data', 'metadata'] as const) {
      const c = line[key];
      if (!isObj(c)) continue;
      const inner: Result = {};
      scan(c, inner);
      for (const slot in inner) if (!(slot in out)) out[slot] = inner[slot];
    }
    return out;
  };

  function scan(c: Obj, out: Result): void {
    const rankOf: Partial<Record<keyof F, number>> = {};
    for (const key in c) {
      const d = byKey.get(key);
      if (d === undefined) continue;
      const prev = rankOf[d.slot];
      if (prev !== undefined && prev <= d.rank) continue;
      const v = c[key];
      if (d.numeric ? toNumber(v) === null : !present(v)) continue;
      out[d.slot] = v;
      rankOf[d.slot] = d.rank;
    }
  }
}

function present(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return v.trim().length > 0;
  if (typeof v === 'number') return Number.isFinite(v);
  return true;
}

export function str(v: unknown): string | null {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

export function num(v: unknown): number | null {
  return toNumber(v);
}
