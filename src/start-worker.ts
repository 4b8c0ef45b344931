/**
 * Starting worker threads, for the reading pool and the writing thread: where a worker's script
 * is, and the flags it starts with.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { bundledOr } from './bundle-choice.js';

/**
 * The compiled script `compiled` (a path under dist/, like `read/parallel/worker.js`), next to
 * `from` (the caller's import.meta.url): its bundle (`dist/bundle/<compiled>`, made by
 * scripts/bundle-app.mjs) when there is one made from that script, else the script. Under the
 * test runner, which runs the TypeScript sources, the compiled script in dist/ is used.
 */
export function workerScript(from: string, compiled: string): URL {
  const here = new URL(from);
  const depth = compiled.split('/').length - 1;
  if (here.pathname.endsWith('.ts')) return new URL(`${'../'.repeat(depth + 1)}dist/${compiled}`, here);
  const script = new URL(`./${compiled.split('/').pop()!}`, here);
  const bundled = new URL(`${'../'.repeat(depth)}bundle/${compiled}`, script);
  return bundledOr(bundled, script);
}

// The parent's flags a worker can take: those of `node -e` only apply to code given as a string
// (a worker started with `--input-type` cannot load its file); V8's (`--max-old-space-size`) and
// a few of Node's (`--title`) are refused by the Worker constructor, and already apply to the
// whole process. Found out once, on the first refusal.
let execArgv: string[] | null = null;

/** A worker for `script`, started with the parent's flags that a worker can take. */
export function startWorker(script: URL, options: Omit<WorkerOptions, 'execArgv'>): Worker {
  execArgv ??= process.execArgv.filter((a) => !a.startsWith('--input-type') && a !== '--eval' && a !== '-e');
  try {
    return new Worker(script, { ...options, execArgv });
  } catch (err) {
    const refused = refusedFlags(err);
    if (refused === null) throw err;
    execArgv = execArgv.filter((a) => !refused.has(a));
    return new Worker(script, { ...options, execArgv });
  }
}

/** The flags named by Node's "invalid execArgv flags" error, or null for any other error. */
function refusedFlags(err: unknown): Set<string> | null {
  const e = err as NodeJS.ErrnoException;
  if (e?.code !== 'ERR_WORKER_INVALID_EXEC_ARGV') return null;
  const listed = e.message.slice(e.message.indexOf(':') + 1);
  return new Set(listed.split(',').map((f) => f.trim()).filter(Boolean));
}

/** The message that asks a worker to stop: it closes its port and its thread ends on its own. */
export const STOP_WORKER = 'stop';

/** How long a worker asked to stop may take before it is terminated. */
const STOP_GRACE_MS = 10_000;

/**
 * Stops a worker by asking it (STOP_WORKER), and waits for its thread to end; resolves to its
 * exit code (0 when it ended on its own). `Worker.terminate()` is only the fallback: it stops
 * the thread's event loop before Node waits for V8's background tasks, and a background compile
 * that ends after the thread's isolate is gone aborts the whole process (Node 20:
 * `NodePlatform::ForIsolate: Assertion (data.first) != nullptr`). A thread whose loop ends on
 * its own waits for those tasks first.
 */
export function stopWorker(worker: Worker): Promise<number> {
  // threadId is -1 once the thread has ended (after a crash, say): its 'exit' has been emitted.
  if (worker.threadId === -1) return worker.terminate().then(() => 1);
  return new Promise<number>((resolve) => {
    const timer = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
    // Its work is done: an error as it stops (a crash) shows only in its exit code, as it did
    // when threads were terminated, and never as an unhandled 'error' event of this process.
    worker.on('error', () => undefined);
    worker.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    worker.postMessage(STOP_WORKER);
  });
}
