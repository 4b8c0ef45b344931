/**
 * trace-report as a library. The pipeline, one stage per folder:
 *   read inputs (src/read) → normalise lines to events (src/normalise) → assemble runs (src/model)
 *   → aggregate once (src/aggregate) → chart specs (src/charts) → render pages (src/site) → write.
 */
export { TraceService, type TraceServiceOptions } from './service/trace-service.js';
export { loadTraces, type LoadOptions, type LoadResult } from './read/load.js';
export { resolveInputs, type InputFile } from './read/inputs.js';
export { summarise, type SummaryInput } from './aggregate/summarise.js';
export type * from './aggregate/summary-types.js';
export type * from './model/types.js';
export { picoToUsd, usdToPico } from './model/types.js';
export { PriceTable, PricesFileError } from './prices/price-table.js';
export { normaliseModelId } from './prices/model-id.js';
export { providerFor } from './prices/provider.js';
export { parseSpanFilter, spanMatcher, type SpanFilter, type SpanFilterInput } from './query/filter.js';
export { UsageError, InputError, StrictModeError, OutputError } from './errors.js';
