/** Small readers of untrusted JSON values (see field-reader.ts for where fields are found). */

export type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A finite number, from a number or a numeric string. */
export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  // Decimal notation only: Number() would also read "0x10" or "1_0"-like oddities.
  if (typeof v === 'string' && DECIMAL.test(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

const DECIMAL = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

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
