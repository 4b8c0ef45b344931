/**
 * Where a worker thread's script is, and the flags it starts with; shared by the reading pool
 * and the writing thread.
 */

/**
 * The compiled script `compiled` (a path under dist/, like `read/parallel/worker.js`), next to
 * `from` (the caller's import.meta.url). Under the test runner, which runs the TypeScript
 * sources, the compiled copy in dist/ is used.
 */
export function workerScript(from: string, compiled: string): URL {
  const here = new URL(from);
  if (!here.pathname.endsWith('.ts')) return new URL(`./${compiled.split('/').pop()!}`, here);
  const depth = compiled.split('/').length - 1;
  return new URL(`${'../'.repeat(depth + 1)}dist/${compiled}`, here);
}

/** The parent's flags, except those that only apply to code given as a string (`node -e`). */
export function workerExecArgv(): string[] {
  return process.execArgv.filter((a) => !a.startsWith('--input-type') && a !== '--eval' && a !== '-e');
}
