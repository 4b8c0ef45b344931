/** Epoch values above this are milliseconds; below, seconds (formats.md). */
const MS_THRESHOLD = 1e11;
export const DAY_MS = 86_400_000;
const HAS_ZONE = /(?:Z|[+-]\d\d(?::?\d\d)?)$/i;
const ISO_LIKE = /^\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)?/;

/**
 * A timestamp in any of the three forms of formats.md, as epoch milliseconds, or null.
 * ISO-8601 without a zone is UTC. Sub-millisecond digits are kept as a fraction.
 */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? epochToMs(value) : null;
  if (typeof value !== 'string' || value.length === 0) return null;
  return fastIso(value) ?? parseTimestampSlow(value);
}

/** The general reader (exported for the test that holds the fast path to it). */
export function parseTimestampSlow(value: string): number | null {
  const s = value.trim();
  if (/^-?\d+(?:\.\d+)?$/.test(s)) return epochToMs(Number(s));
  if (!ISO_LIKE.test(s)) return null;
  let iso = s.charCodeAt(10) === 32 ? `${s.slice(0, 10)}T${s.slice(11)}` : s;
  if (iso.length > 10 && !HAS_ZONE.test(iso)) iso += 'Z';
  // An hour-only offset (`+05`) is valid ISO-8601 that Date.parse does not read.
  if (/[+-]\d\d$/.test(iso) && iso.length > 16) iso += ':00';
  // Date.parse rolls 2026-02-30 over into March: a day that does not exist is no time.
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7));
  const d = Number(iso.slice(8, 10));
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return null;
  // A leap second (`23:59:60`, RFC 3339) is the start of the next second, as the fast path reads
  // it; Date.parse reads no second 60.
  const leap = iso.slice(16, 19) === ':60' ? 1000 : 0;
  if (leap) iso = `${iso.slice(0, 17)}59${iso.slice(19)}`;
  // Date.parse keeps milliseconds only; carry microseconds so that ordering stays exact.
  const frac = /\.(\d{4,})/.exec(iso);
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  if (frac?.[1]) return ms + leap + Number(`0.${frac[1].slice(3)}`);
  return ms + leap;
}

function digitAt(b: Buffer, i: number): number {
  const d = b[i]! - 48;
  return d >= 0 && d <= 9 ? d : NaN;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * The common shapes, `YYYY-MM-DDTHH:MM:SS[.fff…][Z]`, read by arithmetic, without Date.parse or
 * a copy of the text; anything else is null (the slow path decides).
 */
export function fastIso(s: string): number | null {
  // The shapes read fast are short ASCII: anything longer or wider is left to the slow path.
  if (s.length > ISO_SCRATCH.length) return null;
  const n = ISO_SCRATCH.write(s, 0, 'utf8');
  return n === s.length ? fastIsoBytes(ISO_SCRATCH, 0, n) : null;
}

const ISO_SCRATCH = Buffer.alloc(64);

/** `fastIso` of the UTF-8 bytes `b[start, stop)`. */
export function fastIsoBytes(b: Buffer, start: number, stop: number): number | null {
  const n = stop - start;
  if (n < 19 || b[start + 4] !== 45 || b[start + 7] !== 45 || b[start + 10] !== 84 || b[start + 13] !== 58 || b[start + 16] !== 58) return null;
  let end = n;
  if (b[stop - 1] === 90 /* Z */) end--;
  const y = digitAt(b, start) * 1000 + digitAt(b, start + 1) * 100 + digitAt(b, start + 2) * 10 + digitAt(b, start + 3);
  const m = digitAt(b, start + 5) * 10 + digitAt(b, start + 6);
  const d = digitAt(b, start + 8) * 10 + digitAt(b, start + 9);
  if (!(y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m))) return null;
  const h = digitAt(b, start + 11) * 10 + digitAt(b, start + 12);
  const mi = digitAt(b, start + 14) * 10 + digitAt(b, start + 15);
  const sec = digitAt(b, start + 17) * 10 + digitAt(b, start + 18);
  if (!(h < 24 && mi < 60 && sec < 61)) return null;
  let ms = daysFromCivil(y, m, d) * DAY_MS + ((h * 60 + mi) * 60 + sec) * 1000;
  if (end > 19) {
    if (b[start + 19] !== 46 /* . */ || end === 20) return null;
    // Whole milliseconds from the first three digits; further digits as a fraction, the way the
    // slow path adds them, so that both paths give the same number.
    let whole = 0;
    for (let i = 20; i < 23; i++) {
      const dd = i < end ? digitAt(b, start + i) : 0;
      if (Number.isNaN(dd)) return null;
      whole = whole * 10 + dd;
    }
    for (let i = 23; i < end; i++) if (Number.isNaN(digitAt(b, start + i))) return null;
    ms += whole;
    if (end > 23) ms += Number(`0.${b.toString('latin1', start + 23, start + end)}`);
  }
  return ms;
}

function epochToMs(n: number): number {
  return Math.abs(n) >= MS_THRESHOLD ? n : n * 1000;
}

/** ISO-8601 UTC with milliseconds, as every output writes times. */
export function formatIso(ms: number | null): string | null {
  if (ms === null) return null;
  return isoOfWholeMs(Math.floor(ms));
}

/** Year 10000: from there on `toISOString` writes six-digit years. */
const YEAR_10000 = 253_402_300_800_000;
const isoDays = new Map<number, string>();

/**
 * `toISOString` of a whole number of milliseconds, without a Date for the common case: traces
 * repeat the same days, so each day's text is made once.
 */
export function isoOfWholeMs(ms: number): string {
  if (!(ms >= 0 && ms < YEAR_10000)) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  let date = isoDays.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 11);
    isoDays.set(day, date);
  }
  let rest = ms - day * DAY_MS;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const sec = rest % 60;
  rest = (rest - sec) / 60;
  const min = rest % 60;
  const hour = (rest - min) / 60;
  return `${date}${two(hour)}:${two(min)}:${two(sec)}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

const dayNames = new Map<number, string>();

/** The UTC day (`YYYY-MM-DD`) of an epoch-millisecond time. */
export function utcDay(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let name = dayNames.get(day);
  if (name === undefined) {
    name = new Date(day * DAY_MS).toISOString().slice(0, 10);
    dayNames.set(day, name);
  }
  return name;
}
