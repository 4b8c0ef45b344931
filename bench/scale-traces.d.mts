export const SCALE_RUNS: number;
export const SCALE_STEPS: number;
export const BIG_RUN: string;
export function scaleRunId(i: number): string;
export function writeScaleTraces(dir: string): { manyRuns: string; bigRun: string };
