// The two shapes of issue 3's scale point, as dialect-D end lines: 100,000 runs of one step, and
// one run of 20,000 steps. Used by the benchmark and by the browser suite's scale test.
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';

export const SCALE_RUNS = 100_000;
export const SCALE_STEPS = 20_000;
export const BIG_RUN = 'big-run';
const T0 = Date.parse('2026-03-01T00:00:00Z');
const AGENTS = ['planner', 'coder', 'reviewer', 'tester'];

/** The id of the i-th run of the many-runs trace (`r000042`). */
export const scaleRunId = (i) => `r${String(i).padStart(6, '0')}`;

/** Writes `count` lines in chunks (never the whole file in memory); an existing file is kept. */
function writeLines(file, count, line) {
  if (existsSync(file)) return;
  const fd = openSync(file, 'w');
  try {
    let chunk = [];
    for (let i = 0; i < count; i++) {
      chunk.push(JSON.stringify(line(i)));
      if (chunk.length === 5000 || i === count - 1) {
        writeSync(fd, chunk.join('\n') + '\n');
        chunk = [];
      }
    }
  } finally {
    closeSync(fd);
  }
}

const call = (i, run, at) => ({
  event_type: 'llm_call_end', run_id: run, agent_name: AGENTS[i % 4], workflow: ['alpha', 'beta', 'gamma'][i % 3],
  model: 'gpt-4o-mini', input_tokens: 100 + (i % 50), output_tokens: 20 + (i % 7), duration_ms: 200 + (i % 900),
  timestamp: new Date(at).toISOString(),
});

/** Writes both traces into `dir` (once) and returns their paths. */
export function writeScaleTraces(dir) {
  const manyRuns = path.join(dir, 'scale-100k-runs.jsonl');
  const bigRun = path.join(dir, 'scale-20k-steps.jsonl');
  writeLines(manyRuns, SCALE_RUNS, (i) => call(i, scaleRunId(i), T0 + i * 6000));
  writeLines(bigRun, SCALE_STEPS, (i) => call(i, BIG_RUN, T0 + i * 250));
  return { manyRuns, bigRun };
}
