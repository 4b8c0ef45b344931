import type { TraceEvent } from '../normalise/event.js';
import { RunBuilder } from './run-builder.js';
import type { SourceRef } from './types.js';

/**
 * Routes events to runs (formats.md, "runs"): a line with a run id belongs to that run, across
 * files; a line without one belongs to the run opened by the last unclosed pattern_start of the
 * same file. A pattern_start inside an open run is a nested pattern, not a new run. Lines outside
 * any run form an implicit run of their own, named by file and line.
 */
export class RunAssembler {
  private readonly runs = new Map<string, RunBuilder>();
  /** Per file: the runs opened by position, innermost last. */
  private stack: RunBuilder[] = [];
  /** Per file: lines outside any run collect here until a run opens. */
  private loose: RunBuilder | null = null;

  constructor(private readonly keepText: boolean) {}

  /** Call before the first line of each file: position never carries over between files. */
  beginFile(): void {
    this.stack = [];
    this.loose = null;
  }

  /** Adds an event and returns the run it went to. */
  add(e: TraceEvent, src: SourceRef): RunBuilder {
    const run = this.route(e, src);
    run.add(e, src);
    return run;
  }

  /** The innermost run still open by position; runs closed since are dropped from the stack here. */
  private top(): RunBuilder | undefined {
    let top = this.stack[this.stack.length - 1];
    while (top && top.closed) {
      this.stack.pop();
      top = this.stack[this.stack.length - 1];
    }
    return top;
  }

  private route(e: TraceEvent, src: SourceRef): RunBuilder {
    if (e.runId !== null) {
      const named = this.runs.get(e.runId);
      const top = this.top();
      // A nested pattern_start that names the run names the run opened by position (formats.md,
      // dialect B: payload.run_id names the run), it does not start another.
      if (!named && e.role === 'run_start' && top && top.syntheticId && top.depth > 0) {
        this.rename(top, e.runId);
        return top;
      }
      const run = named ?? this.byId(e.runId, false, src);
      if (e.role === 'run_start' && run.depth === 0) {
        run.closed = false;
        this.stack.push(run);
      }
      return run;
    }
    const top = this.top();
    if (top) return top;
    if (e.role === 'run_start') {
      const run = this.byId(`${src.file}:${src.line}`, true, src);
      this.stack.push(run);
      this.loose = null;
      return run;
    }
    this.loose ??= this.byId(`${src.file}:${src.line}`, true, src);
    return this.loose;
  }

  private byId(id: string, synthetic: boolean, src: SourceRef): RunBuilder {
    let run = this.runs.get(id);
    if (!run) {
      run = new RunBuilder(id, synthetic, src, this.keepText);
      this.runs.set(id, run);
    }
    return run;
  }

  private rename(run: RunBuilder, id: string): void {
    this.runs.delete(run.id);
    run.id = id;
    run.syntheticId = false;
    this.runs.set(id, run);
  }

  builders(): IterableIterator<RunBuilder> {
    return this.runs.values();
  }
}
