/** Epoch values above this are milliseconds; below, seconds (formats.md). */
const MS_THRESHOLD = 1e11;
const HAS_ZONE = /(?:Z|[+-]\d\d(?::?\d\d)?)$/i;
const ISO_LIKE = /^\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)?/;

/**
 * A timestamp in any of the three forms of formats.md, as epoch milliseconds, or null.
 * ISO-8601 without a zone is UTC. Sub-millisecond digits are kept as a fraction.
 */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? epochToMs(value) : null;
  if (typeof value !== 'string' || value.length === 0) return null;
  const s = value.trim();
  if (/^-?\d+(?:\.\d+)?$/.test(s)) return epochToMs(Number(s));
  if (!ISO_LIKE.test(s)) return null;
  let iso = s.charCodeAt(10) === 32 ? `${s.slice(0, 10)}T${s.slice(11)}` : s;
  if (iso.length > 10 && !HAS_ZONE.test(iso)) iso += 'Z';
  // Date.parse keeps milliseconds only; carry microseconds so that ordering stays exact.
  const frac = /\.(\d{4,})/.exec(iso);
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  if (frac?.[1]) return ms + Number(`0.${frac[1].slice(3)}`);
  return ms;
}

function epochToMs(n: number): number {
  return Math.abs(n) >= MS_THRESHOLD ? n : n * 1000;
}

/** ISO-8601 UTC with milliseconds, as every output writes times. */
export function formatIso(ms: number | null): string | null {
  if (ms === null) return null;
  return new Date(Math.floor(ms)).toISOString();
}

/** The UTC day (`YYYY-MM-DD`) of an epoch-millisecond time. */
export function utcDay(ms: number): string {
  return new Date(Math.floor(ms)).toISOString().slice(0, 10);
}
