/**
 * The look of every chart, shared by the spec builders (embedded in each spec as `config`, so a
 * published spec renders the same anywhere) and the renderer (pinned locale).
 *
 * Light and dark pages: text, axes and grid use `currentColor`, so an inline SVG takes the page's
 * text colour in either scheme. Mark colours are mid-tones chosen to keep at least 3:1 contrast
 * against white and against near-black (#121212 .. #1e1e1e) backgrounds; no background is painted.
 */
import type { Config } from 'vega-lite';

export const CHART_WIDTH = 640;
/** Band height of one row in horizontal bar charts: the chart grows with the rows. */
export const ROW_STEP = 22;

export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/** Categorical colours (relative luminance 0.18-0.28). */
export const PALETTE: readonly string[] = [
  '#4c78a8', '#c9700f', '#54a24b', '#e45756', '#3f9b95',
  '#b279a2', '#a8891a', '#9d755d', '#d66d7b', '#7a6fc9',
];
export const BAR_COLOR = '#4c78a8';
/** The "other" bucket of a top-N chart. */
export const OTHER_COLOR = '#888888';

export const STATUS_COLORS = { ok: '#4c78a8', incomplete: '#888888', failed: '#e45756' } as const;
export const PERCENTILE_COLORS = { p50: '#5a8fd0', p95: '#7a6fc9', p99: '#b279a2' } as const;

export const chartConfig: Config = {
  background: 'transparent',
  padding: 8,
  autosize: { type: 'fit-x', contains: 'padding' },
  font: FONT,
  aria: false,
  view: { stroke: null },
  title: { color: 'currentColor', fontSize: 14, fontWeight: 600, anchor: 'start', offset: 12 },
  axis: {
    domainColor: 'currentColor',
    domainOpacity: 0.5,
    tickColor: 'currentColor',
    tickOpacity: 0.5,
    gridColor: 'currentColor',
    gridOpacity: 0.15,
    labelColor: 'currentColor',
    labelFontSize: 11,
    labelLimit: 220,
    titleColor: 'currentColor',
    titleFontSize: 12,
    titleFontWeight: 600,
  },
  legend: {
    labelColor: 'currentColor',
    titleColor: 'currentColor',
    labelFontSize: 11,
    titleFontSize: 12,
    labelLimit: 220,
  },
  text: { color: 'currentColor', fontSize: 11 },
  range: { category: [...PALETTE] },
};

/** d3's en-US definitions, written out so that no global or environment locale can leak in. */
export const NUMBER_LOCALE = {
  decimal: '.',
  thousands: ',',
  grouping: [3],
  currency: ['$', ''],
};

export const TIME_LOCALE = {
  dateTime: '%x, %X',
  date: '%-m/%-d/%Y',
  time: '%-I:%M:%S %p',
  periods: ['AM', 'PM'],
  days: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
  shortDays: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
  months: [
    'January', 'February', 'March', 'April', 'May', 'June',
    'July', 'August', 'September', 'October', 'November', 'December',
  ],
  shortMonths: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
};
