/**
 * Terminal text: ANSI colours (on or off as the CLI decides), neutralising untrusted trace text,
 * display widths, and aligned columns that stay aligned whether or not colour is on.
 */

export type Paint = (s: string) => string;

export interface Colours {
  enabled: boolean;
  bold: Paint;
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  blue: Paint;
  magenta: Paint;
  cyan: Paint;
  grey: Paint;
}

const plain: Paint = (s) => s;

function sgr(open: number, close: number): Paint {
  return (s) => (s === '' ? s : `\u001b[${open}m${s}\u001b[${close}m`);
}

/** Colour functions; with `enabled` false every one returns its text unchanged. */
export function createColours(enabled: boolean): Colours {
  if (!enabled) {
    return { enabled, bold: plain, dim: plain, red: plain, green: plain, yellow: plain, blue: plain, magenta: plain, cyan: plain, grey: plain };
  }
  return {
    enabled,
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    blue: sgr(34, 39),
    magenta: sgr(35, 39),
    cyan: sgr(36, 39),
    grey: sgr(90, 39),
  };
}

// Escape sequences (CSI, OSC, DCS/SOS/PM/APC strings, two-byte ESC forms, 8-bit CSI), then
// any control character left over, DEL, C1 controls and bidi overrides ("Trojan Source").
const ESCAPE_SEQUENCES =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\u001b[\]PX^_][^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[ -/]*[0-~]/g;
const WHITESPACE_CONTROLS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
const OTHER_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Trace text made safe to print on one terminal line: escapes removed, line breaks become spaces. */
export function sanitiseForTerminal(s: string): string {
  return s.replace(ESCAPE_SEQUENCES, '').replace(WHITESPACE_CONTROLS, ' ').replace(OTHER_CONTROLS, '');
}

/** The first line of a (possibly multi-line) message, sanitised. */
export function firstLine(s: string): string {
  const trimmed = s.trim();
  const nl = trimmed.search(/[\r\n]/);
  return sanitiseForTerminal(nl === -1 ? trimmed : trimmed.slice(0, nl)).trim();
}

function codePointWidth(cp: number): number {
  if (cp < 0x300) return 1;
  if ((cp >= 0x300 && cp <= 0x36f) || cp === 0x200b || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Columns a (sanitised, colourless) string takes: wide CJK and emoji count 2, combining marks 0. */
export function displayWidth(s: string): number {
  let width = 0;
  for (const ch of s) width += codePointWidth(ch.codePointAt(0) ?? 0);
  return width;
}

/** Cut to at most `max` columns, ending in `…` when cut. */
export function truncateToWidth(s: string, max: number): string {
  if (displayWidth(s) <= max) return s;
  let out = '';
  let width = 0;
  for (const ch of s) {
    const w = codePointWidth(ch.codePointAt(0) ?? 0);
    if (width + w > max - 1) break;
    out += ch;
    width += w;
  }
  return `${out}…`;
}

/** A table cell: `text` sets the width, `painted` (same text, coloured) is what is printed. */
export interface Cell {
  text: string;
  painted?: string;
}

export function cell(text: string, paint: Paint = plain): Cell {
  return { text, painted: paint(text) };
}

export type Align = 'left' | 'right';

/**
 * Rows of cells as aligned lines: columns separated by `gap`, padded outside the colour codes,
 * trailing spaces removed. A row shorter than the others leaves its last columns empty.
 */
export function layoutColumns(rows: Cell[][], align: Align[], opts: { gap?: string; indent?: string } = {}): string[] {
  const gap = opts.gap ?? '  ';
  const indent = opts.indent ?? '';
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, displayWidth(c.text));
    });
  }
  return rows.map((row) => {
    const parts = widths.map((w, i) => {
      const c = row[i] ?? { text: '' };
      const fill = ' '.repeat(w - displayWidth(c.text));
      const shown = c.painted ?? c.text;
      return align[i] === 'right' ? fill + shown : shown + fill;
    });
    return (indent + parts.join(gap)).replace(/ +$/, '');
  });
}
