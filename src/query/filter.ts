import { z } from 'zod';
import { UsageError } from '../errors.js';
import type { Span } from '../model/types.js';
import { normaliseModelId } from '../prices/model-id.js';
import { parseTimestamp } from '../normalise/timestamp.js';

const DAY_MS = 86_400_000;

/** A time filter value as epoch ms; `endOfDay` makes a date alone mean the end of that UTC day. */
function timeFilter(endOfDay: boolean) {
  return z.union([z.string(), z.number(), z.date()]).transform((v, ctx) => {
    const ms = v instanceof Date ? v.getTime() : parseTimestamp(v);
    if (ms === null || Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: `not a time: ${String(v)} (use ISO-8601 or epoch seconds)` });
      return z.NEVER;
    }
    const dateOnly = typeof v === 'string' && /^\d{4}-\d\d-\d\d$/.test(v.trim());
    return endOfDay && dateOnly ? ms + DAY_MS - 1 : ms;
  });
}

/** What `query` and `TraceService.query` filter spans by; every field is optional and they AND together. */
export const spanFilterSchema = z
  .object({
    eventType: z.string().min(1),
    agentName: z.string().min(1),
    model: z.string().min(1),
    workflow: z.string().min(1),
    runId: z.string().min(1),
    minDurationMs: z.coerce.number().nonnegative(),
    maxDurationMs: z.coerce.number().nonnegative(),
    since: timeFilter(false),
    until: timeFilter(true),
    status: z.string().min(1),
  })
  .partial()
  .strict();

export type SpanFilterInput = z.input<typeof spanFilterSchema>;
export type SpanFilter = z.output<typeof spanFilterSchema>;

export function parseSpanFilter(input: SpanFilterInput): SpanFilter {
  const r = spanFilterSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    throw new UsageError(`invalid query: ${where}${issue.message}`);
  }
  return r.data;
}

/** A predicate over spans. A model matches as written or by its normalised id. */
export function spanMatcher(filter: SpanFilter): (s: Span) => boolean {
  const modelId = filter.model === undefined ? undefined : normaliseModelId(filter.model);
  const eventType = filter.eventType?.toLowerCase();
  const status = filter.status?.toLowerCase();
  return (s) => {
    if (eventType !== undefined && s.eventType !== eventType) return false;
    if (filter.agentName !== undefined && s.agentName !== filter.agentName) return false;
    if (filter.model !== undefined && s.model !== filter.model && (modelId === null || s.modelId !== modelId)) return false;
    if (filter.workflow !== undefined && s.workflow !== filter.workflow) return false;
    if (filter.runId !== undefined && s.runId !== filter.runId) return false;
    if (filter.minDurationMs !== undefined && (s.durationMs === null || s.durationMs < filter.minDurationMs)) return false;
    if (filter.maxDurationMs !== undefined && (s.durationMs === null || s.durationMs > filter.maxDurationMs)) return false;
    if (filter.since !== undefined && (s.timestamp === null || s.timestamp < filter.since)) return false;
    if (filter.until !== undefined && (s.timestamp === null || s.timestamp > filter.until)) return false;
    if (status !== undefined && (s.status === null || s.status.toLowerCase() !== status)) return false;
    return true;
  };
}
