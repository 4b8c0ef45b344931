/**
 * Display formats for money, durations, counts and UTC times, shared by the terminal output and
 * the site. Everything is built by hand from digits: no locale, no time zone, same text everywhere.
 */

import { isoOfWholeMs } from '../normalise/timestamp.js';

export interface UsdFormatOptions {
  /** Significant digits shown below $1 (default 3). At $1 and above, always cents. */
  significant?: number;
  /** Keep trailing zeros below $1 (`$0.00840`), so a column of call costs reads alike. */
  keepZeros?: boolean;
  /** Prefix `~`: the cost was estimated from the price table, not reported by the trace. */
  estimated?: boolean;
}

/** `$12.40`, `$1,234.56`, `$0.0092`, `$0.000066`; null (or not a number) is `unpriced`, never $0. */
export function formatUsd(usd: number | null, opts: UsdFormatOptions = {}): string {
  if (usd === null || !Number.isFinite(usd)) return 'unpriced';
  const mark = opts.estimated ? '~' : '';
  const sign = usd < 0 ? '-' : '';
  const abs = Math.abs(usd);
  if (abs === 0) return `${mark}$0.00`;
  return `${sign}${mark}$${usdDigits(abs, opts.significant ?? 3, opts.keepZeros ?? false)}`;
}

function usdDigits(abs: number, significant: number, keepZeros: boolean): string {
  if (abs >= 1) return groupedFixed(abs, 2);
  const decimals = Math.min(100, Math.max(2, significant - 1 - Math.floor(Math.log10(abs))));
  const fixed = abs.toFixed(decimals);
  if (Number(fixed) >= 1) return groupedFixed(abs, 2); // 0.9996 rounds up to a dollar
  return keepZeros ? fixed : trimZeros(fixed, 2);
}

function trimZeros(fixed: string, minDecimals: number): string {
  const dot = fixed.indexOf('.');
  let end = fixed.length;
  while (end - dot - 1 > minDecimals && fixed[end - 1] === '0') end--;
  return fixed.slice(0, end);
}

function groupedFixed(abs: number, decimals: number): string {
  const [whole = '0', frac] = abs.toFixed(decimals).split('.');
  return frac === undefined ? groupDigits(whole) : `${groupDigits(whole)}.${frac}`;
}

/** `1234567` → `1,234,567` (the digits of a non-negative integer string). */
export function groupDigits(digits: string): string {
  const n = digits.length;
  if (n <= 3) return digits;
  // The first group has one to three digits, every later one three.
  let at = n % 3 || 3;
  let out = digits.slice(0, at);
  for (; at < n; at += 3) out += `,${digits.slice(at, at + 3)}`;
  return out;
}

/** An integer with en-US grouping: `1,240`, `-3,000`. Fractions are rounded. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const r = Math.round(n);
  return (r < 0 ? '-' : '') + groupDigits(String(Math.abs(r)));
}

/** Token counts: `1,240`; null is `—`. */
export function formatTokens(n: number | null): string {
  return n === null ? '—' : formatCount(n);
}

/** `812ms`, `2.4s`, `3m 12s`, `1h 02m`; null is `—`. Each unit is chosen after rounding. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (ms < 0) return `-${formatDuration(-ms)}`;
  const wholeMs = Math.round(ms);
  if (wholeMs < 1000) return `${wholeMs}ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${pad2(seconds % 60)}s`;
  const minutes = Math.round(ms / 60_000);
  return `${Math.floor(minutes / 60)}h ${pad2(minutes % 60)}m`;
}

/** A share of a whole: `67.7%`, `<0.1%` for a sliver, `—` when the whole is zero. */
export function formatPercent(part: number, whole: number): string {
  if (!(whole > 0) || !Number.isFinite(part)) return '—';
  const pct = (part / whole) * 100;
  if (pct > 0 && pct < 0.05) return '<0.1%';
  return `${pct.toFixed(1)}%`;
}

const MAX_DATE_MS = 8.64e15;

/** ISO-8601 UTC with milliseconds, or null when there is no (representable) time. */
export function formatIsoUtc(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) return null;
  // A Date keeps whole milliseconds, cut toward zero.
  return isoOfWholeMs(Math.trunc(ms));
}

/** `2026-01-05 14:00` (UTC, to the minute); accepts epoch ms or an ISO string; `—` if none. */
export function formatUtcMinute(time: number | string | null): string {
  const ms = typeof time === 'string' ? Date.parse(time) : time;
  const iso = formatIsoUtc(ms);
  return iso === null ? '—' : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** A number as plain decimal text, never in exponent form (`6.6e-7` → `0.00000066`), for data files. */
export function plainNumber(n: number): string {
  const s = String(n);
  if (!s.includes('e')) return s;
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign = '', lead = '', rest = '', expText = '0'] = m;
  const digits = lead + rest;
  const exp = Number(expText);
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  return sign + (digits.length > exp + 1 ? `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}` : digits.padEnd(exp + 1, '0'));
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Integer pico-dollars as an exact USD decimal: 4_200_000_000 → `0.0042`, 0 → `0`.
 * Digits are placed by hand, so there is no binary float noise and no exponent form.
 */
export function picoToDecimal(pico: number): string {
  const rounded = Math.round(pico);
  // Most amounts of a column are none: estimated, reported or unpriced, each zero for most runs.
  if (rounded === 0) return '0';
  const sign = rounded < 0 ? '-' : '';
  const abs = Math.abs(rounded);
  // A safe integer's String() is its exact digits; beyond that, BigInt writes them.
  const digits = Number.isSafeInteger(abs) ? String(abs) : BigInt(abs).toString();
  // The last twelve digits are the fraction (zeros before the digits when there are fewer), its
  // zeros at the end dropped: a loop, as this runs for every cost of the exports.
  const n = digits.length;
  let end = n;
  while (end > n - 12 && digits.charCodeAt(end - 1) === 48) end--;
  const whole = n > 12 ? digits.slice(0, n - 12) : '0';
  if (end === n - 12) return `${sign}${whole}`;
  const frac = n >= 12 ? digits.slice(n - 12, end) : `${'0'.repeat(12 - n)}${digits.slice(0, end)}`;
  return `${sign}${whole}.${frac}`;
}
