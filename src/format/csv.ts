/**
 * RFC 4180 CSV: CRLF between records (and after the last), a field quoted when it holds a comma,
 * a double quote, CR or LF, quotes doubled inside.
 *
 * CSV injection: a spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, tab or CR as a
 * formula, and trace text is untrusted. Such string cells get a leading `'` (the text is otherwise
 * kept whole). Numbers are never prefixed, and neither is a string that is a plain negative number
 * (`-3`, `-0.5`): a spreadsheet reads it as a number, not a formula, and a prefix would turn it
 * into text.
 */

import { plainNumber } from './money.js';

export type CsvValue = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NEGATIVE_NUMBER = /^-(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field: numbers as plain decimals (non-finite and null are empty), strings guarded and quoted. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? plainNumber(value) : '';
  // Most cells start with a letter or digit: the formula test only runs for the six starts it is about.
  const c = value.charCodeAt(0);
  const risky = c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13;
  const guarded = risky && FORMULA_START.test(value) && !PLAIN_NEGATIVE_NUMBER.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/** One record with its CRLF, for writers that stream rows instead of building one string. */
export function csvRow(values: CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** A whole CSV document: the header row, then one record per row. */
export function toCsv(header: string[], rows: CsvValue[][]): string {
  return csvRow(header) + rows.map(csvRow).join('');
}
