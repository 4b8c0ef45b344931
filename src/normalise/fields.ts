/**
 * Reading fields the way formats.md describes them: a key may sit at the top level, under
 * `payload` (dialect B), `data` (older B) or `metadata` (dialect A), under one of several names.
 * An empty string, NaN and ±Infinity mean "not given".
 */

export type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The places a line keeps its fields, in the order they are searched. */
export function containersOf(line: Obj): Obj[] {
  const out: Obj[] = [line];
  if (isObj(line.payload)) out.push(line.payload);
  if (isObj(line.data)) out.push(line.data);
  if (isObj(line.metadata)) out.push(line.metadata);
  return out;
}

function present(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return v.trim().length > 0;
  if (typeof v === 'number') return Number.isFinite(v);
  return true;
}

/** The first given value of any of `keys` in any container, in container order then key order. */
export function pick(containers: readonly Obj[], keys: readonly string[]): unknown {
  for (const c of containers) {
    for (const k of keys) {
      const v = c[k];
      if (present(v)) return v;
    }
  }
  return undefined;
}

export function pickString(containers: readonly Obj[], keys: readonly string[]): string | null {
  const v = pick(containers, keys);
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/** A finite number, from a number or a numeric string. */
export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

export function pickNumber(containers: readonly Obj[], keys: readonly string[]): number | null {
  for (const c of containers) {
    for (const k of keys) {
      const n = toNumber(c[k]);
      if (n !== null) return n;
    }
  }
  return null;
}

/** Error text from a string, or from an `{type, message}` object as some exporters write it. */
export function errorText(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  if (isObj(v)) {
    const msg = typeof v.message === 'string' ? v.message : null;
    const type = typeof v.type === 'string' ? v.type : null;
    if (msg && type) return `${type}: ${msg}`;
    if (msg || type) return msg ?? type;
    return JSON.stringify(v);
  }
  if (v === true) return 'error';
  return null;
}

export { isObj };
