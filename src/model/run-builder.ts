import { roundMs } from '../aggregate/percentile.js';
import type { TraceEvent } from '../normalise/event.js';
import { normaliseModelId, isPlaceholderModel } from '../prices/model-id.js';
import { providerFor } from '../prices/provider.js';
import { WaitingCalls } from './open-calls.js';
import type { AgentStep, EventNode, LlmCall, SourceRef, StepNode } from './types.js';
import { usdToPico } from './types.js';

/**
 * The state of one run while its lines are read, in order. It turns events into the step tree:
 * agent steps (agent_start/agent_end) hold calls and other events; a call is one line
 * (`llm_call`) or a start paired with its end or error; a cost_record is folded into its call.
 */
export class RunBuilder {
  readonly children: StepNode[] = [];
  readonly calls: LlmCall[] = [];
  /** Open pattern_start count: the run closes when it drops back to zero. */
  depth = 0;
  /** True once a pattern_start was seen: such a run that never closes is incomplete. */
  opened = false;
  closed = false;
  workflow: string | null = null;
  pattern: string | null = null;
  statusText: string | null = null;
  output: string | null = null;
  start: number | null = null;
  end: number | null = null;
  sawError = false;
  readonly files: Set<string>;
  private lastFile: string | null = null;
  /** The file and line of the event being added: a node that keeps them gets its own SourceRef (here). */
  private file = '';
  private line = 0;
  private readonly openSteps: AgentStep[] = [];
  /** The latest call made in each open step, beside it in `openSteps` (null: none yet). */
  private readonly openStepCalls: (LlmCall | null)[] = [];
  /** Starts waiting for their end; a crashed call's start stays oldest, so ends pair newest first. */
  private readonly openCalls: WaitingCalls;
  /** Ends read before their start (files or lines out of order), in the order they came. */
  private readonly earlyEnds: WaitingCalls;
  /** Calls whose cost_record has been folded in, so that a second record is not folded twice (made by the first). */
  private costed: Set<LlmCall> | null = null;
  /**
   * The latest call of each agent: made when a cost record first asks (from the calls so far), then
   * kept up to date. Most runs never ask, and there may be millions of runs.
   */
  private lastCallOf: Map<string | null, LlmCall> | null = null;

  constructor(
    public id: string,
    public syntheticId: boolean,
    readonly source: SourceRef,
    private readonly keepText: boolean,
    /**
     * Keep only what a span needs of its run (`query`, which keeps no runs): the open agent steps,
     * the workflow and the pattern. No calls, events or step tree are made.
     */
    private readonly contextOnly = false,
  ) {
    // A context-only run never reaches the code that fills these: it shares one empty set of them
    // instead of making its own (about 0.8 KB a run, half of `query`'s memory).
    const own = !contextOnly;
    this.files = own ? new Set() : UNUSED.files;
    this.openCalls = own ? new WaitingCalls('newest-first') : UNUSED.openCalls;
    this.earlyEnds = own ? new WaitingCalls('oldest-first') : UNUSED.earlyEnds;
  }

  /** The agent a line belongs to: provider_call lines name the provider, not the agent. */
  agentOf(e: TraceEvent): string | null {
    if (e.type.startsWith('provider_call')) return this.innermostStep()?.agent ?? null;
    return e.agentField ?? this.innermostStep()?.agent ?? null;
  }

  /** Adds an event of line `line` of `file`. */
  add(e: TraceEvent, file: string, line: number): void {
    this.file = file;
    this.line = line;
    if (this.contextOnly) {
      if (!this.workflow && e.workflow) this.workflow = e.workflow;
      if (!this.pattern && e.pattern) this.pattern = e.pattern;
      if (e.role === 'step_start') this.openStep(this.newStep(e));
      else if (e.role === 'step_end') this.endStep(e);
      return;
    }
    // The file of the line before, mostly: the set is asked only when the file changes.
    if (file !== this.lastFile) {
      this.files.add(file);
      this.lastFile = file;
    }
    this.widen(e.timestamp);
    if (!this.workflow && e.workflow) this.workflow = e.workflow;
    if (!this.pattern && e.pattern) this.pattern = e.pattern;
    switch (e.role) {
      case 'run_start':
        // A run closed before opens again (the router puts it back on its file's stack).
        if (this.depth === 0) this.closed = false;
        this.opened = true;
        this.depth++;
        return;
      case 'run_end':
        if (e.status) this.statusText = e.status;
        if (e.detail && !this.output) this.output = e.detail;
        if (this.depth > 0) this.depth--;
        if (this.depth === 0) this.closed = true;
        return;
      case 'step_start':
        this.startStep(e);
        return;
      case 'step_end':
        this.endStep(e);
        return;
      case 'call_start':
        this.startCall(e);
        return;
      case 'call_end':
      case 'call_error':
        this.endCall(e);
        return;
      case 'call':
        this.completeCall(this.newCall(e, 'ok'), e);
        return;
      case 'cost':
        this.foldCost(e);
        return;
      case 'error':
        this.markError(e);
        return;
      default:
        this.attach(this.event(e));
    }
  }

  private widen(t: number | null): void {
    if (t === null) return;
    if (this.start === null || t < this.start) this.start = t;
    if (this.end === null || t > this.end) this.end = t;
  }

  private innermostStep(): AgentStep | undefined {
    // Never an index past the end: V8 reads those through a slow path.
    const n = this.openSteps.length;
    return n === 0 ? undefined : this.openSteps[n - 1];
  }

  private attach(node: StepNode): void {
    const parent = this.innermostStep();
    (parent ? parent.children : this.children).push(node);
  }

  /** Where the event being added is: made only for a node that keeps it (most end lines keep none). */
  private here(): SourceRef {
    return { file: this.file, line: this.line };
  }

  private event(e: TraceEvent, detail = e.detail ?? e.error): EventNode {
    return { kind: 'event', eventType: e.type, agent: this.agentOf(e), timestamp: e.timestamp, detail, source: this.here() };
  }

  private startStep(e: TraceEvent): void {
    const step = this.newStep(e);
    this.attach(step);
    this.openStep(step);
  }

  private openStep(step: AgentStep): void {
    this.openSteps.push(step);
    this.openStepCalls.push(null);
  }

  private newStep(e: TraceEvent): AgentStep {
    return {
      kind: 'agent',
      agent: e.agentField ?? '(unnamed agent)',
      agentKind: e.stepKind ?? (e.type === 'tool_start' ? 'tool' : 'agent'),
      start: e.timestamp,
      end: null,
      durationMs: null,
      status: 'incomplete',
      error: null,
      children: [],
      source: this.here(),
    };
  }

  private endStep(e: TraceEvent): void {
    const name = e.agentField;
    let i = this.openSteps.length - 1;
    if (name) while (i >= 0 && this.openSteps[i]!.agent !== name) i--;
    const step = this.openSteps[i];
    if (!step) return;
    // Mostly the innermost step: taken off the end without a splice.
    if (i === this.openSteps.length - 1) {
      this.openSteps.pop();
      this.openStepCalls.pop();
    } else {
      this.openSteps.splice(i, 1);
      this.openStepCalls.splice(i, 1);
    }
    step.end = e.timestamp;
    step.durationMs = e.durationMs ?? (step.start !== null && e.timestamp !== null ? roundMs(e.timestamp - step.start) : null);
    if (step.start === null && step.end !== null && step.durationMs !== null) step.start = step.end - step.durationMs;
    if (e.error) step.error = e.error;
    const failed = e.error !== null || isFailureStatus(e.status);
    step.status = failed || step.status === 'failed' ? 'failed' : 'ok';
  }

  private newCall(e: TraceEvent, status: LlmCall['status']): LlmCall {
    const modelId = normaliseModelId(e.model);
    const provider = e.type.startsWith('provider_call') ? (e.provider ?? e.agentField) : e.provider;
    const call: LlmCall = {
      kind: 'llm',
      index: this.calls.length + 1,
      agent: this.agentOf(e),
      provider: providerFor(provider, modelId, e.model),
      model: e.model,
      modelId,
      inputTokens: null,
      outputTokens: null,
      totalTokens: null,
      start: e.timestamp,
      end: null,
      durationMs: null,
      costPico: null,
      costSource: 'unpriced',
      unpricedReason: null,
      status,
      error: null,
      prompt: this.keepText ? e.prompt : null,
      response: null,
      source: this.here(),
    };
    this.calls.push(call);
    this.attach(call);
    this.lastCallOf?.set(call.agent, call);
    const n = this.openStepCalls.length;
    if (n > 0) this.openStepCalls[n - 1] = call;
    return call;
  }

  private startCall(e: TraceEvent): void {
    const agent = this.agentOf(e);
    // An end that came first (and not before this start) is this call's other half.
    const early = this.earlyEnds.size === 0 ? undefined : this.earlyEnds.take(agent, normaliseModelId(e.model), e.callId, (c) => e.timestamp === null || c.end === null || c.end >= e.timestamp);
    if (early) {
      early.start = e.timestamp;
      if (early.durationMs === null && early.start !== null && early.end !== null) early.durationMs = roundMs(early.end - early.start);
      if (this.keepText && e.prompt && !early.prompt) early.prompt = e.prompt;
      return;
    }
    this.openCalls.add(this.newCall(e, 'incomplete'), e.callId);
  }

  /** Applies what an end line (or a one-line call) says: tokens, duration, cost, status. */
  private completeCall(call: LlmCall, e: TraceEvent): void {
    if (e.model && !call.model) {
      call.model = e.model;
      call.modelId = normaliseModelId(e.model);
      if (call.provider === 'Other') call.provider = providerFor(e.provider, call.modelId, e.model);
    }
    call.inputTokens = e.inputTokens ?? call.inputTokens;
    call.outputTokens = e.outputTokens ?? call.outputTokens;
    call.totalTokens = e.totalTokens ?? call.totalTokens;
    const single = e.role === 'call';
    call.end = e.timestamp;
    if (e.durationMs !== null) call.durationMs = e.durationMs;
    // An end stamped before its start gives no duration rather than a negative one.
    else if (call.start !== null && call.end !== null && !single && call.end >= call.start) call.durationMs = roundMs(call.end - call.start);
    if (single) call.start = call.end !== null && call.durationMs !== null ? call.end - call.durationMs : call.end;
    else if (call.start === null && call.end !== null && call.durationMs !== null) call.start = call.end - call.durationMs;
    this.widen(call.start);
    const pico = reportedPico(e.costUsd);
    if (pico !== null && !(pico === 0 && isPlaceholderModel(e.model ?? call.model))) {
      call.costPico = pico;
      call.costSource = 'reported';
    }
    if (this.keepText) {
      if (e.response !== null) call.response = e.response;
      if (e.prompt && !call.prompt) call.prompt = e.prompt;
    }
    if (e.role === 'call_error' || e.error !== null || isFailureStatus(e.status)) {
      call.status = 'failed';
      call.error = e.error ?? e.status ?? 'error';
    } else {
      call.status = 'ok';
    }
  }

  private endCall(e: TraceEvent): void {
    const agent = this.agentOf(e);
    let call = this.openCalls.size === 0 ? undefined : this.openCalls.take(agent, normaliseModelId(e.model), e.callId);
    if (!call) {
      // An end with no start is a complete call on its own, unless its start comes later.
      call = this.newCall(e, 'ok');
      call.start = null;
      this.earlyEnds.add(call, e.callId);
    }
    this.completeCall(call, e);
  }

  private foldCost(e: TraceEvent): void {
    const agent = this.agentOf(e);
    const modelId = normaliseModelId(e.model);
    const pico = reportedPico(e.costUsd);
    const hasCost = pico !== null && !(pico === 0 && modelId === null);
    // The agent hook's record (cost 0, model "unknown", tokens guessed from characters) says
    // "no cost known": it changes nothing.
    if (!hasCost && modelId === null) {
      this.attach(this.event(e, 'no cost known (agent hook estimate)'));
      return;
    }
    for (let i = this.calls.length - 1; i >= 0 && i >= this.calls.length - 16; i--) {
      const call = this.calls[i]!;
      if (this.costed?.has(call)) continue;
      if (agent && call.agent && call.agent !== agent) continue;
      if (modelId && call.modelId && call.modelId !== modelId) continue;
      (this.costed ??= new Set()).add(call);
      if (e.inputTokens !== null) call.inputTokens = e.inputTokens;
      if (e.outputTokens !== null) call.outputTokens = e.outputTokens;
      if (!call.model && e.model) {
        call.model = e.model;
        call.modelId = modelId;
      }
      if (hasCost) {
        call.costPico = pico;
        call.costSource = 'reported';
      }
      return;
    }
    // The same record again for a call already costed (a writer that retried): counted once.
    const last = this.lastCallOfAgent(agent);
    const same =
      last !== undefined &&
      this.costed?.has(last) === true &&
      (modelId === null || last.modelId === null || last.modelId === modelId) &&
      last.costPico === pico &&
      (e.inputTokens === null || e.inputTokens === last.inputTokens) &&
      (e.outputTokens === null || e.outputTokens === last.outputTokens);
    if (same) {
      this.attach(this.event(e, `repeats the cost record of step #${last!.index}: counted once`));
      return;
    }
    // A priced record with no call before it stands for a call of its own, so its cost is not lost.
    const call = this.newCall(e, 'ok');
    (this.costed ??= new Set()).add(call);
    this.completeCall(call, { ...e, role: 'call', durationMs: null });
  }

  /** The latest call of `agent` so far (see lastCallOf). */
  private lastCallOfAgent(agent: string | null): LlmCall | undefined {
    if (this.lastCallOf === null) {
      this.lastCallOf = new Map();
      for (const call of this.calls) this.lastCallOf.set(call.agent, call);
    }
    return this.lastCallOf.get(agent);
  }

  private markError(e: TraceEvent): void {
    this.sawError = true;
    const agent = this.agentOf(e);
    let at = -1;
    for (let i = this.openSteps.length - 1; i >= 0; i--) {
      if (!agent || this.openSteps[i]!.agent === agent) {
        at = i;
        break;
      }
    }
    const message = e.error ?? 'error';
    if (at !== -1) {
      const step = this.openSteps[at]!;
      step.status = 'failed';
      step.error ??= message;
      const last = this.openStepCalls[at];
      if (last) failCall(last, message);
      // An error naming a model in an agent step that made no call is a call that failed before
      // it returned (Studio writes llm_call lines only for answers); a tool's error is not a call.
      else if (e.model && step.agentKind !== 'tool') {
        const call = this.newCall(e, 'failed');
        this.completeCall(call, { ...e, role: 'call_error' });
        call.durationMs = e.durationMs;
      }
    } else {
      const last = this.calls[this.calls.length - 1];
      if (last && (!agent || last.agent === agent)) failCall(last, message);
    }
    this.attach(this.event(e, message));
  }

  /** Closes what was left open: steps and calls without an end are incomplete. */
  finish(): void {
    for (const step of this.openSteps) {
      if (step.status !== 'failed') step.status = 'incomplete';
    }
    for (const call of this.openCalls.all()) call.status = 'incomplete';
  }

  get hasOpenWork(): boolean {
    return this.openSteps.length > 0 || this.openCalls.size > 0;
  }
}

function failCall(call: LlmCall, message: string): void {
  call.status = 'failed';
  call.error ??= message;
}

/** A reported cost in pico-dollars; null when it is not a usable amount (negative, or too large to hold). */
function reportedPico(usd: number | null): number | null {
  if (usd === null || usd < 0) return null;
  const pico = usdToPico(usd);
  return Number.isSafeInteger(pico) ? pico : null;
}

/** The containers context-only runs share, never written (see the constructor). */
const UNUSED = {
  files: new Set<string>(),
  openCalls: new WaitingCalls('newest-first'),
  earlyEnds: new WaitingCalls('oldest-first'),
};

const OK_STATUSES = new Set(['ok', 'success', 'succeeded', 'successful', 'completed', 'complete', 'done', 'finished', 'passed']);

export function isFailureStatus(status: string | null): boolean {
  return status !== null && !OK_STATUSES.has(status.toLowerCase());
}
