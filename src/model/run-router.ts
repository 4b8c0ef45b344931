import type { EventRole } from '../normalise/event.js';

/**
 * Which run each line belongs to (formats.md, "runs"): a line with a run id belongs to that run,
 * across files; a line without one belongs to the run opened by the last unclosed pattern_start
 * of the same file. A pattern_start inside an open run is a nested pattern, not a new run. Lines
 * outside any run form an implicit run of their own, named by file and line.
 *
 * Runs are numbered in the order they first appear. The router needs only the run id and the
 * role of each line, so it can route columns of events without building them (see run-index.ts).
 */
export class RunRouter {
  /** Each run's id (a nested start that names its run renames it) and whether the id was made up. */
  readonly ids: string[] = [];
  readonly synthetic: boolean[] = [];
  private readonly depth: number[] = [];
  private readonly closed: boolean[] = [];
  private readonly byId = new Map<string, number>();
  /** Per file: the runs opened by position, innermost last. */
  private stack: number[] = [];
  /** Per file: lines outside any run collect here until a run opens. */
  private loose = -1;
  /**
   * How many times a run was renamed (a nested start naming a run opened by position). Until the
   * next rename, a run id keeps the run it was routed to, and `route` sends a later line with
   * that id which neither starts nor ends a run to the same run, changing nothing that decides
   * where other lines go: a caller may remember the run instead (run-index.ts). (`route` would
   * also drop the runs closed since from the position stack; `top` drops them whenever the stack
   * is read, and every push follows such a read.)
   */
  renames = 0;

  get count(): number {
    return this.ids.length;
  }

  /** Call before the first line of each file: position never carries over between files. */
  beginFile(): void {
    this.stack = [];
    this.loose = -1;
  }

  /** The run of a line (by number), given the line's role, run id, file and line number. */
  route(role: EventRole, runId: string | null, file: string, line: number): number {
    const run = this.choose(role, runId, file, line);
    if (role === 'run_start') {
      this.depth[run]!++;
    } else if (role === 'run_end') {
      if (this.depth[run]! > 0) this.depth[run]!--;
      if (this.depth[run] === 0) this.closed[run] = true;
    }
    return run;
  }

  private choose(role: EventRole, runId: string | null, file: string, line: number): number {
    if (runId !== null) {
      const named = this.byId.get(runId);
      const top = this.top();
      // A nested pattern_start that names the run names the run opened by position (formats.md,
      // dialect B: payload.run_id names the run), it does not start another.
      if (named === undefined && role === 'run_start' && top !== -1 && this.synthetic[top] && this.depth[top]! > 0) {
        this.byId.delete(this.ids[top]!);
        this.renames++;
        this.ids[top] = runId;
        this.synthetic[top] = false;
        this.byId.set(runId, top);
        return top;
      }
      const run = named ?? this.get(runId, false);
      if (role === 'run_start' && this.depth[run] === 0) {
        this.closed[run] = false;
        this.stack.push(run);
      }
      return run;
    }
    const top = this.top();
    if (top !== -1) return top;
    if (role === 'run_start') {
      const run = this.get(`${file}:${line}`, true);
      this.stack.push(run);
      this.loose = -1;
      return run;
    }
    if (this.loose === -1) this.loose = this.get(`${file}:${line}`, true);
    return this.loose;
  }

  /** The innermost run still open by position; runs closed since are dropped from the stack here. */
  private top(): number {
    let n = this.stack.length;
    while (n > 0 && this.closed[this.stack[n - 1]!]) {
      this.stack.pop();
      n--;
    }
    return n === 0 ? -1 : this.stack[n - 1]!;
  }

  private get(id: string, synthetic: boolean): number {
    let run = this.byId.get(id);
    if (run === undefined) {
      run = this.ids.length;
      this.ids.push(id);
      this.synthetic.push(synthetic);
      this.depth.push(0);
      this.closed.push(false);
      this.byId.set(id, run);
    }
    return run;
  }
}
