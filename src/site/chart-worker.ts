import { parentPort } from 'node:worker_threads';
import { preloadCharts } from '../charts/render.js';
import { STOP_WORKER } from '../start-worker.js';
import { renderWanted } from './pages/charts.js';
import type { ChartReply, ChartRequest } from './parallel-charts.js';

/**
 * The charts' thread (parallel-charts.ts): vega loads as it starts; each request's charts are
 * rendered in turn, and the reply names the request.
 */
preloadCharts();

let queue = Promise.resolve();

parentPort!.on('message', (request: ChartRequest | typeof STOP_WORKER) => {
  // Asked to stop: once the charts asked for are rendered, the port closes and the thread ends.
  if (request === STOP_WORKER) {
    void queue.then(() => parentPort!.close());
    return;
  }
  queue = queue.then(async () => {
    let reply: ChartReply;
    try {
      reply = { id: request.id, charts: await renderWanted(request.wanted) };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      reply = { id: request.id, jobFailed: { name: e.name, message: e.message, stack: e.stack ?? '' } };
    }
    parentPort!.postMessage(reply);
  });
});
