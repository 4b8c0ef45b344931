import type { TraceEvent } from '../normalise/event.js';
import { RunBuilder } from './run-builder.js';
import { RunRouter } from './run-router.js';
import type { SourceRef } from './types.js';

/** Routes events to their runs (run-router.ts) and builds each run from its events, in order. */
export class RunAssembler {
  private readonly router = new RunRouter();
  private readonly runs: RunBuilder[] = [];

  /** `contextOnly`: the runs keep only what a span needs of them (see RunBuilder). */
  constructor(
    private readonly keepText: boolean,
    private readonly contextOnly = false,
  ) {}

  /** Call before the first line of each file: position never carries over between files. */
  beginFile(): void {
    this.router.beginFile();
  }

  /** Adds an event and returns the run it went to. */
  add(e: TraceEvent, src: SourceRef): RunBuilder {
    const r = this.router.route(e.role, e.runId, src.file, src.line);
    let run = this.runs[r];
    if (run === undefined) {
      run = new RunBuilder(this.router.ids[r]!, this.router.synthetic[r]!, src, this.keepText, this.contextOnly);
      this.runs.push(run);
    } else if (run.id !== this.router.ids[r]) {
      run.id = this.router.ids[r]!;
      run.syntheticId = false;
    }
    run.add(e, src.file, src.line);
    return run;
  }

  builders(): readonly RunBuilder[] {
    return this.runs;
  }
}
