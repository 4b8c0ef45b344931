import type { LlmCall } from './types.js';

/**
 * Calls waiting for their other half: starts without an end yet (`open`), and ends that came
 * before their start (`early`: a run split across files read in another order, or lines written
 * out of order). Kept by agent so that finding a match does not scan every waiting call.
 */
export class WaitingCalls {
  // Made on first use: most runs never have a call waiting, and there may be millions of runs.
  private byAgent: Map<string | null, LlmCall[]> | undefined;
  private byId: Map<string, LlmCall> | undefined;
  private idOf: Map<LlmCall, string> | undefined;
  size = 0;

  constructor(private readonly order: 'newest-first' | 'oldest-first') {}

  add(call: LlmCall, callId: string | null): void {
    this.byAgent ??= new Map();
    const list = this.byAgent.get(call.agent);
    if (list) list.push(call);
    else this.byAgent.set(call.agent, [call]);
    if (callId !== null) {
      (this.byId ??= new Map()).set(callId, call);
      (this.idOf ??= new Map()).set(call, callId);
    }
    this.size++;
  }

  /**
   * Takes the waiting call that pairs with a line of this agent, model and call id: the one with
   * the same call id, else one of the same agent (any agent when the line names none) whose model
   * agrees, and that `fits`. Stale starts (a crashed call) sit oldest, so starts pair newest first.
   */
  take(agent: string | null, modelId: string | null, callId: string | null, fits?: (c: LlmCall) => boolean): LlmCall | undefined {
    if (!this.byAgent) return undefined;
    if (callId !== null) {
      const byId = this.byId?.get(callId);
      if (byId) return this.remove(byId);
    }
    // The lists looked in, without making a list of them: a line's own agent's, then the calls of
    // no agent; every agent's, for a line of none. This runs for every end line.
    let call: LlmCall | undefined;
    if (agent === null) {
      for (const list of this.byAgent.values()) if ((call = this.pick(list, modelId, callId, fits))) break;
    } else {
      call = this.pick(this.byAgent.get(agent), modelId, callId, fits) ?? this.pick(this.byAgent.get(null), modelId, callId, fits);
    }
    return call && this.remove(call);
  }

  /** The call of `list` that `take` pairs with, in this list's order (see take). */
  private pick(list: LlmCall[] | undefined, modelId: string | null, callId: string | null, fits: ((c: LlmCall) => boolean) | undefined): LlmCall | undefined {
    if (!list) return undefined;
    const n = list.length;
    for (let k = 0; k < n; k++) {
      const call = list[this.order === 'newest-first' ? n - 1 - k : k]!;
      if (callId !== null && this.idOf?.has(call)) continue;
      if (modelId !== null && call.modelId !== null && call.modelId !== modelId) continue;
      if (fits && !fits(call)) continue;
      return call;
    }
    return undefined;
  }

  all(): LlmCall[] {
    return this.byAgent && this.size > 0 ? [...this.byAgent.values()].flat() : [];
  }

  private remove(call: LlmCall): LlmCall {
    const list = this.byAgent!.get(call.agent)!;
    // Mostly the newest (a start and then its end): taken off the end without a splice.
    const at = list.lastIndexOf(call);
    if (at === list.length - 1) list.pop();
    else list.splice(at, 1);
    const id = this.idOf?.get(call);
    if (id !== undefined) {
      this.byId!.delete(id);
      this.idOf!.delete(call);
    }
    this.size--;
    return call;
  }
}
